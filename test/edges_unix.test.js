// AF_UNIX edge cases found by differential probing (names that do not exist, are bound but not
// listening, or are asked for again): every scenario of test/edges_unix/*.json on pysocket,
// pysocket/sync and a simulated host, as scripts/record_edges_unix.py recorded it. They bind
// abstract names, so this one process runs them, one facade after the other, with this process's
// id in every name (in the steps and in the recorded answers alike), so that two runs of the
// suite at once do not meet.
import { realSockets } from "./helpers/sim_guard.js";
import { readFileSync, readdirSync } from "node:fs";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { SimNetwork } from "pysocket/sim";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fail, failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

// A rejection nobody handles is a bug of the module, even when every step agreed.
process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const PREFIX = "pysocket-edges-unix-";
const OURS = `${PREFIX}${process.pid}-`;
const hex = (s) => Buffer.from(s).toString("hex");
/** A scenario file or its fixture, with this process's names (as text, and as bytes' hex). */
const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")
  .replaceAll(PREFIX, OURS).replaceAll(hex(PREFIX), hex(OURS)));
const files = readdirSync(new URL("./edges_unix/", import.meta.url)).filter((f) => f.endsWith(".json")).sort();

// [name, a module for each scenario, promiseCalls, whether it may open real sockets]
const facades = [
  ["pysocket", () => asyncSocket, PROMISE_CALLS, true],
  ["pysocket/sync", () => syncSocket, new Set(), true],
  ["a simulated host", () => new SimNetwork({ seed: 1 }).host("solo"), PROMISE_CALLS, false],
];

for (const [facade, moduleFor, promiseCalls, real] of facades) {
  for (const file of files) {
    const { scenarios } = read(`./edges_unix/${file}`);
    const fixtures = read(`./fixtures/scenarios_${file}`);
    const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));
    const test = suite(`${facade}: ${file} against CPython ${fixtures.python}`);
    for (const scenario of scenarios) {
      test(scenario.name, async () => {
        const results = recorded.get(scenario.name);
        if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands: run python3 scripts/record_edges_unix.py`);
        const before = { ...realSockets };
        failOnMismatches(await runScenario(moduleFor(), scenario, results, { promiseCalls }));
        if (!real) assert.equal(realSockets, before, "the simulated host opened a real socket");
      });
    }
    test.run();
  }
}
