// pysocket/sync with direct mode off (PYSOCKET_DIRECT=0), the path of Bun and Deno, where every
// call goes to the worker thread: the scenarios of test/rules/direct.json (against a python3 peer
// in another process, scripts/direct_peer.py) and of test/rules/rules.json, step by step as
// CPython answered. Direct mode's own run of direct.json is in test/sync_direct.test.js.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkDirect as check, DIRECT_PEER as PEER, facade } from "./helpers/direct_facade.js";
import { RULES_PEER } from "./helpers/rules_ops.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const direct = read("./rules/direct.json").scenarios;
const directRecorded = new Map(read("./fixtures/scenarios_direct.json").scenarios.map((s) => [s.name, s.results]));
const rules = read("./rules/rules.json").scenarios;
const rulesRecorded = new Map(read("./fixtures/scenarios_rules.json").scenarios.map((s) => [s.name, s.results]));

const off = facade(false);
const fallback = suite("pysocket/sync, direct mode off (PYSOCKET_DIRECT=0): direct.json and rules.json");
fallback("the host lends nothing", () => {
  assert.is(off.host.direct, null);
});
for (const scenario of direct) {
  fallback(scenario.name, () => check(off.module, scenario, directRecorded.get(scenario.name), PEER));
}
for (const scenario of rules) {
  fallback(`rules: ${scenario.name}`, () => check(off.module, scenario, rulesRecorded.get(scenario.name), RULES_PEER));
}
fallback.run();
