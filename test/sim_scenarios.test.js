// The recorded CPython scenarios (test/scenarios/socket_core.json) on a simulated host's
// loopback: the simulator gives Linux's answers for everything local to a host, as the real
// facades do (socket.test.js).
import { realSockets } from "./helpers/sim_guard.js";
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SimNetwork } from "pysocket/sim";
import { PROMISE_CALLS, formatMismatches, runScenario } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./scenarios/socket_core.json");
const fixtures = read("./fixtures/scenarios_socket_core.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

function fail(message) {
  const err = new assert.Assertion({ message, operator: "", details: false, generated: false });
  err.stack = "";
  throw err;
}

const test = suite(`socket scenarios against CPython ${fixtures.python}, on a simulated host`);

for (const scenario of scenarios) {
  test(scenario.name, async () => {
    const results = recorded.get(scenario.name);
    const host = new SimNetwork({ seed: 1 }).host("solo");
    const mismatches = await runScenario(host, scenario, results, { promiseCalls: PROMISE_CALLS });
    const n = mismatches.length;
    if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
  });
}

test("no real socket was opened", () => {
  assert.equal(realSockets, { net: 0, dgram: 0 });
});

test.run();
