// The Python surface against CPython (scripts/record_surface.py -> test/fixtures/surface.json):
// create_connection/create_server taking their address as getaddrinfo does, keywords in a
// trailing options object, all_errors's ExceptionGroup, hosts that are not strings, sockets whose
// fd was closed under them and makefile() reprs, as scenarios on `pysocket` and `pysocket/sync`;
// then the exception classes built as Python builds them (OSError picking its subclass).
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as pysocket from "pysocket";
import * as sync from "pysocket/sync";
import { compareOutcome, decode, formatCall, sameValue } from "./helpers/pyvalue.js";
import { failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const fixture = JSON.parse(readFileSync(new URL("./fixtures/surface.json", import.meta.url), "utf8"));

for (const [label, mod, promiseCalls] of [["pysocket", pysocket, PROMISE_CALLS], ["pysocket/sync", sync, new Set()]]) {
  const test = suite(`${label}: surface scenarios against CPython ${fixture.python}`);
  for (const scenario of fixture.scenarios) {
    test(scenario.name, async () => {
      // A makefile() file's close() is a Promise where reads and writes are (it flushes).
      const calls = scenario.name === "makefile_reprs_once_closed" ? undefined : promiseCalls;
      const mismatches = await runScenario(mod, scenario, scenario.results, { promiseCalls: calls });
      failOnMismatches(mismatches);
    });
  }
  test.run();
}

/** An argument of an exception case: tagged, or {"excs": [item, ...]}, each item [class, args]
 * (an exception built) or a tagged value (itself). */
function argument(t) {
  if ("excs" in t) return t.excs.map((i) => (Array.isArray(i) ? build(i[0], i[1]) : decode(i)));
  return decode(t);
}

function build(cls, args) {
  const C = pysocket[cls];
  if (typeof C !== "function") throw new Error(`pysocket exports no ${cls}`);
  return new C(...args.map(argument));
}

const exceptions = suite("exception classes built as Python builds them");

exceptions("every recorded case", () => {
  const problems = [];
  for (const c of fixture.exceptions) {
    const call = formatCall(c.class, c.args.map((a) => ("excs" in a ? { str: `<${a.excs.length} exceptions>` } : a)));
    let built;
    try {
      built = build(c.class, c.args);
    } catch (error) {
      for (const p of compareOutcome({ error }, c, pysocket)) problems.push(`${call}: ${p}`);
      continue;
    }
    if ("error" in c) {
      problems.push(`${call}: built ${built?.name}, expected ${c.error.type}: ${c.error.message}`);
      continue;
    }
    const want = c.result;
    for (const p of compareOutcome({ error: built }, { error: want }, pysocket)) problems.push(`${call}: ${p}`);
    for (const key of ["filename", "filename2"]) {
      if (key in want && !sameValue(built[key] ?? null, decode(want[key]))) {
        problems.push(`${call}: ${key} ${String(built[key])}, expected ${JSON.stringify(want[key])}`);
      }
    }
    if ("characters_written" in want && (built.characters_written ?? null) !== want.characters_written) {
      problems.push(`${call}: characters_written ${built.characters_written}, expected ${want.characters_written}`);
    }
  }
  assert.equal(problems, []);
});

exceptions("the same classes on both facades", () => {
  for (const name of ["OSError", "error", "ExceptionGroup", "KeyError", "RuntimeError", "TimeoutError", "timeout"]) {
    assert.type(pysocket[name], "function", name);
    assert.is(sync[name], pysocket[name], name);
  }
});

exceptions.run();
