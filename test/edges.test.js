// Edge cases found by differential probing against CPython (closed, detached and underneath-closed
// sockets, odd timeouts, flags with timeouts, argument parsing, option buffers): every scenario of
// test/scenarios/edges*.json on pysocket, step by step, as scripts/record_scenarios.py recorded
// it. test/sync_scenarios.test.js runs the same files on pysocket/sync.
import { readFileSync, readdirSync } from "node:fs";
import { suite } from "uvu";
import * as socket from "pysocket";
import { fail, formatMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

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
  const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));
  const test = suite(`pysocket: ${file} against CPython ${fixtures.python}`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) {
        fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_scenarios.py ${file.replace(/\.json$/, "")}`);
      }
      const mismatches = await runScenario(socket, scenario, results, { promiseCalls: PROMISE_CALLS });
      const n = mismatches.length;
      if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
    });
  }
  test.run();
}
