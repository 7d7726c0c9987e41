// socket.socket over real TCP and UDP on loopback, against CPython: every scenario of
// test/scenarios/socket_core.json, step by step, as scripts/record_scenarios.py recorded it.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as socket from "pysocket";
import { fail, failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./scenarios/socket_core.json");
const fixtures = read("./fixtures/scenarios_socket_core.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

const test = suite(`socket scenarios against CPython ${fixtures.python}`);

for (const scenario of scenarios) {
  test(scenario.name, async () => {
    const results = recorded.get(scenario.name);
    if (results?.length !== scenario.steps.length) {
      fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_scenarios.py`);
    }
    const mismatches = await runScenario(socket, scenario, results, { promiseCalls: PROMISE_CALLS });
    failOnMismatches(mismatches);
  });
}

test.run();
