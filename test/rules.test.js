// Linux's socket rules (host/kernel) on both facades, against CPython's answers recorded by
// scripts/record_rules.py: resets after data, FIN then reset, delivery within the send,
// connect_ex's sequence, shutdown of an unconnected socket, AF_UNIX names, rejected options.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { fail, failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";
import { rulesOps } from "./helpers/rules_ops.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./rules/rules.json");
const fixtures = read("./fixtures/scenarios_rules.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

const facades = [
  ["pysocket", asyncSocket, PROMISE_CALLS],
  ["pysocket/sync", syncSocket, new Set()],
];

for (const [facade, module, promiseCalls] of facades) {
  const test = suite(`${facade}: rules.json against CPython ${fixtures.python}`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_rules.py`);
      const { ops, cleanup } = rulesOps();
      try {
        const mismatches = await runScenario(module, scenario, results, { promiseCalls, ops });
        failOnMismatches(mismatches);
      } finally {
        cleanup();
      }
    });
  }
  test.run();
}
