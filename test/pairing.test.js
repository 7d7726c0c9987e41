// A loopback TCP connection with both ends in the program, on both facades, against CPython's
// answers recorded by scripts/record_pairing.py: the addresses each end reports, and delivery
// within the call (bytes, then the peer's FIN) that pairing the two ends gives.
import { readFileSync } from "node:fs";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { PROMISE_CALLS, scenarioSuite } from "./helpers/scenario.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./rules/pairing.json");
const fixtures = read("./fixtures/scenarios_pairing.json");

for (const [facade, module, promiseCalls] of [["pysocket", asyncSocket, PROMISE_CALLS], ["pysocket/sync", syncSocket, new Set()]]) {
  scenarioSuite(`${facade}: pairing.json`, module, scenarios, fixtures, "python3 scripts/record_pairing.py", { promiseCalls }).run();
}
