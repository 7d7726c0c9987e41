// A loopback TCP connection with both ends in the program, on both facades, against CPython's
// answers recorded by scripts/record_pairing.py: the addresses each end reports, and delivery
// within the call (bytes, then the peer's FIN) that pairing the two ends gives.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { fail, formatMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./rules/pairing.json");
const fixtures = read("./fixtures/scenarios_pairing.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

for (const [facade, module, promiseCalls] of [["pysocket", asyncSocket, PROMISE_CALLS], ["pysocket/sync", syncSocket, new Set()]]) {
  const test = suite(`${facade}: pairing.json against CPython ${fixtures.python}`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_pairing.py`);
      const mismatches = await runScenario(module, scenario, results, { promiseCalls });
      const n = mismatches.length;
      if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
    });
  }
  test.run();
}
