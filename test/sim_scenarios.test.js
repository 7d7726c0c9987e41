// The recorded CPython scenarios on a simulated host's loopback: the simulator gives Linux's
// answers for everything local to a host, as the real facades do. test/scenarios/socket_core.json
// (socket.test.js), test/rules/review_udp.json (datagrams between a program's own sockets) and
// test/scenarios/edges*.json (edge cases and fuzzed calls) whole, and test/rules/rules.json
// (rules.test.js), but for the scenarios that need another process or this machine's files: a
// simulated host has neither (its AF_UNIX namespace has every directory, API.md).
import { realSockets } from "./helpers/sim_guard.js";
import { readdirSync, readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SimNetwork } from "pysocket/sim";
import { rulesOps } from "./helpers/rules_ops.js";
import { failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));

/** Runs `scenarios` (recorded in `fixture`) on a fresh simulated host each. */
function suiteOf(title, scenarios, fixture, withOps = false) {
  const recorded = new Map(fixture.scenarios.map((s) => [s.name, s.results]));
  const test = suite(`${title} against CPython ${fixture.python}, on a simulated host`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const host = new SimNetwork({ seed: 1 }).host("solo");
      const { ops, cleanup } = withOps ? rulesOps() : { ops: undefined, cleanup() {} };
      try {
        const mismatches = await runScenario(host, scenario, recorded.get(scenario.name), { promiseCalls: PROMISE_CALLS, ops });
        failOnMismatches(mismatches);
      } finally {
        cleanup();
      }
    });
  }
  return test;
}

const core = suiteOf("socket_core.json", read("./scenarios/socket_core.json").scenarios, read("./fixtures/scenarios_socket_core.json"));

/** Scenarios of rules.json with a python3 peer process, a real working directory, or a path in
 * a directory that does not exist. */
const OFF_HOST = new Set(["peer", "chdir_tmp"]);
const rules = read("./rules/rules.json").scenarios.filter(
  (s) => !s.steps.some((step) => OFF_HOST.has(step.op) || JSON.stringify(step.args ?? []).includes("/nonexistent")),
);
const rulesSuite = suiteOf("rules.json", rules, read("./fixtures/scenarios_rules.json"), true);

const udpSuite = suiteOf("review_udp.json", read("./rules/review_udp.json").scenarios, read("./fixtures/scenarios_review_udp.json"));

/** Edge scenarios whose answers come from this machine rather than its kernel's socket rules:
 * its file system (a simulated host's AF_UNIX namespace has every directory and no files), its
 * /etc/hosts (no IPv6 address for localhost here) and sendfile's files. */
const MACHINE = new Set(["closed_socket_more_methods", "address_parsing_unix", "fuzz_353_inet6_dgram_closed"]);
const edgeSuites = readdirSync(new URL("./scenarios/", import.meta.url))
  .filter((f) => /^edges.*\.json$/.test(f) && f !== "edges_unix_connect_lookup.json")
  .sort()
  .map((f) => suiteOf(f, read(`./scenarios/${f}`).scenarios.filter((sc) => !MACHINE.has(sc.name)), read(`./fixtures/scenarios_${f}`)));

const guard = suite("no real sockets");
guard("no real socket was opened", () => {
  assert.equal(realSockets, { net: 0, dgram: 0 });
});

for (const s of [core, rulesSuite, udpSuite, ...edgeSuites, guard]) s.run();
