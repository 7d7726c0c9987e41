// The differential edge scenarios of test/scenarios/edges*.json (edges.test.js runs them on
// pysocket) on a simulated host's loopback, each on a fresh host, but for those that need the
// recording machine itself: its file system (a simulated host's AF_UNIX namespace has every
// directory and no files, and it has no files to send: API.md) or its /etc/hosts (which names
// localhost for IPv4 only; a simulated host names it for both families).
import { realSockets } from "./helpers/sim_guard.js";
import { readFileSync, readdirSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SimNetwork } from "pysocket/sim";
import { fail, failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

/** Whether a scenario names a file system path, sends a file, or resolves "localhost". */
const offHost = (scenario) => /"str":"\/|"sendfile"|"localhost"/.test(JSON.stringify(scenario.steps));

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const files = readdirSync(new URL("./scenarios/", import.meta.url)).filter((f) => /^edges.*\.json$/.test(f)).sort();

for (const file of files) {
  const fixtures = read(`./fixtures/scenarios_${file}`);
  const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));
  const test = suite(`${file} against CPython ${fixtures.python}, on a simulated host`);
  for (const scenario of read(`./scenarios/${file}`).scenarios) {
    if (offHost(scenario)) continue;
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_scenarios.py`);
      const host = new SimNetwork({ seed: 1 }).host("solo");
      failOnMismatches(await runScenario(host, scenario, results, { promiseCalls: PROMISE_CALLS }));
    });
  }
  test.run();
}

const guard = suite("no real sockets");
guard("no real socket was opened", () => {
  assert.equal(realSockets, { net: 0, dgram: 0 });
});
guard.run();
