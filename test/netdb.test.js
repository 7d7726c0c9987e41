// getservbyname, getservbyport, getprotobyname against CPython's recorded answers
// (scripts/record_netdb.py -> test/fixtures/netdb.json). Each test runs every case and reports
// every mismatch at once.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as errors from "../dist/src/errors.js";
import { getprotobyname, getservbyname, getservbyport } from "../dist/src/netdb.js";
import { capture, compareOutcome, decode, formatCall } from "./helpers/pyvalue.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/netdb.json", import.meta.url), "utf8"));
const FNS = { getservbyname, getservbyport, getprotobyname };

/** Runs recorded cases with their arguments decoded by `toJs`; returns the mismatches. */
function mismatches(fn, cases, toJs = (a) => a) {
  const out = [];
  for (const c of cases) {
    const args = c.args.map((t) => toJs(decode(t)));
    for (const p of compareOutcome(capture(() => FNS[fn](...args)), c, errors)) {
      out.push(`${formatCall(fn, c.args)}: ${p}`);
    }
  }
  return out;
}

function assertNone(problems) {
  assert.is(problems.length, 0, `${problems.length} mismatches:\n${problems.join("\n")}`);
}

const asBigInt = (v) => (typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v);
const asUndefined = (v) => (v === null ? undefined : v);

for (const fn of Object.keys(FNS)) {
  const s = suite(fn);
  const cases = fixtures[fn];

  s("recorded cases", () => {
    assert.ok(cases.length > 0);
    assertNone(mismatches(fn, cases));
  });

  s("an int argument given as a bigint", () => {
    const withInts = cases.filter((c) => c.args.some((t) => "int" in t));
    assertNone(mismatches(fn, withInts, asBigInt));
  });

  s("undefined stands for None", () => {
    const withNone = cases.filter((c) => c.args.some((t) => "none" in t));
    assertNone(mismatches(fn, withNone, asUndefined));
  });

  if (fn === "getservbyport") {
    s("every port 0..65535, with no protocol and with each listed one", () => {
      const { notFound, byProto } = fixtures.getservbyport_sweep;
      const problems = [];
      for (const { proto, found } of byProto) {
        const names = new Map(found.map(([port, name]) => [port, name]));
        for (let port = 0; port <= 65535; port++) {
          const args = proto === null ? [{ int: String(port) }] : [{ int: String(port) }, proto];
          const want = names.has(port) ? { result: { str: names.get(port) } } : { error: notFound };
          const got = capture(() => getservbyport(...args.map(decode)));
          for (const p of compareOutcome(got, want, errors)) problems.push(`${formatCall(fn, args)}: ${p}`);
        }
      }
      assertNone(problems);
    });
  }

  s.run();
}

// pysocket/addr's promise for these too: no `node:` import anywhere below dist/src/netdb.js.
const browser = suite("netdb runs without node:");

browser("its import graph has no node: module", () => {
  const seen = new Set();
  const visit = (url) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const src = readFileSync(url, "utf8");
    for (const [, spec] of src.matchAll(/\bfrom\s+["']([^"']+)["']/g)) {
      assert.not.ok(spec.startsWith("node:") || !spec.startsWith("."), `${url.pathname} imports ${spec}`);
      visit(new URL(spec, url));
    }
  };
  visit(new URL("../dist/src/netdb.js", import.meta.url));
});

browser.run();
