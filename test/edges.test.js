// Edge cases found by differential probing against CPython (closed, detached and underneath-closed
// sockets, odd timeouts, flags with timeouts, argument parsing, option buffers): every scenario of
// test/scenarios/edges*.json on pysocket, step by step, as scripts/record_scenarios.py recorded
// it. test/sync_scenarios.test.js runs the same files on pysocket/sync.
import { readFileSync, readdirSync } from "node:fs";
import * as socket from "pysocket";
import { PROMISE_CALLS, scenarioSuite } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const files = readdirSync(new URL("./scenarios/", import.meta.url)).filter((f) => /^edges.*\.json$/.test(f)).sort();

for (const file of files) {
  const { scenarios } = read(`./scenarios/${file}`);
  const fixtures = read(`./fixtures/scenarios_${file}`);
  const record = `python3 scripts/record_scenarios.py ${file.replace(/\.json$/, "")}`;
  scenarioSuite(`pysocket: ${file}`, socket, scenarios, fixtures, record, { promiseCalls: PROMISE_CALLS }).run();
}
