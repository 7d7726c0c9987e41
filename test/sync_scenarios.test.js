// The differential scenarios of test/scenarios/*.json on pysocket/sync: the same steps and the
// same CPython answers as test/socket.test.js, with every call blocking and none a Promise.
import { readFileSync, readdirSync } from "node:fs";
import { suite } from "uvu";
import * as socket from "pysocket/sync";
import { fail, failOnMismatches, runScenario } from "./helpers/scenario.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));

const files = readdirSync(new URL("./scenarios/", import.meta.url)).filter((f) => f.endsWith(".json")).sort();

for (const file of files) {
  const { scenarios } = read(`./scenarios/${file}`);
  const fixtures = read(`./fixtures/scenarios_${file}`);
  const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));
  const test = suite(`pysocket/sync: ${file} against CPython ${fixtures.python}`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) {
        fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_scenarios.py`);
      }
      // No call of the blocking facade may return a Promise.
      const mismatches = await runScenario(socket, scenario, results, { promiseCalls: new Set() });
      failOnMismatches(mismatches);
    });
  }
  test.run();
}
