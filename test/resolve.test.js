// getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo, getfqdn and gethostname
// of `pysocket` against CPython's recorded answers (scripts/record_resolve.py ->
// test/fixtures/resolve.json). The answers for localhost and the host name come from this
// machine's /etc/hosts, interfaces and name: the first test checks that they are the ones the
// fixtures were recorded with, so that a different machine fails there, saying so.
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as pysocket from "../dist/src/index.js";
import { asyncModule } from "../dist/src/facade_async.js";
import { NodeHost } from "../dist/host/node.js";
import { hstrerror, makeResolver } from "../dist/src/resolve.js";
import { resolveOnNode } from "../dist/host/resolver.js";
import { capture, compareOutcome, decode, formatCall, repr } from "./helpers/pyvalue.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/resolve.json", import.meta.url), "utf8"));

/** The Node host, asking the machine each distinct resolver question once per run: repeats get
 * a copy of that answer. The cases ask about 1,400 questions, fewer than 100 of them distinct, and
 * this machine's resolver drops queries beyond about five a second, each drop costing glibc's
 * 5 s retry: asking every repeat took 45 s. Every case still runs all of pysocket's own code, and
 * every distinct question still goes through node:dns to glibc. */
class AskOnceHost extends NodeHost {
  #answers = new Map();

  resolve(req) {
    const key = JSON.stringify(req);
    let text = this.#answers.get(key);
    if (!text) this.#answers.set(key, (text = super.resolve(req).then((a) => JSON.stringify(a))));
    return text.then((t) => JSON.parse(t));
  }
}

/** The `pysocket` facade as src/index.ts builds it, over that host. */
const resolver = asyncModule(new AskOnceHost());
const CLASSES = pysocket;
/** Calls in flight at once: the cases are independent, and most wait on the resolver. */
const CONCURRENCY = 16;
const AI_NUMERICHOST = pysocket.AI_NUMERICHOST;
const NI_NUMERICHOST = pysocket.NI_NUMERICHOST;

function assertNone(problems) {
  assert.is(problems.length, 0, `${problems.length} mismatches:\n${problems.slice(0, 60).join("\n")}`);
}

function describeCall(c) {
  const kw = Object.entries(c.kwargs ?? {}).map(([k, v]) => `${k}=${repr(v)}`);
  return kw.length ? formatCall(c.fn, c.args).replace(/\)$/, `${c.args.length ? ", " : ""}${kw.join(", ")})`) : formatCall(c.fn, c.args);
}

/** The JS arguments of a recorded case: keywords as a trailing object. */
function jsArgs(c, convert = (v) => v) {
  const args = c.args.map((t) => convert(decode(t)));
  if (c.kwargs) args.push(Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, convert(decode(v))])));
  return args;
}

/** Calls a `pysocket` function as a program would: the Promise-returning ones must not throw. */
async function outcome(fns, fn, args) {
  if (fn === "gethostname") return capture(() => fns.gethostname(...args));
  let p;
  try {
    p = fns[fn](...args);
  } catch (error) {
    return { error: new Error(`threw synchronously instead of rejecting: ${error?.name}: ${error?.message}`) };
  }
  if (!(p instanceof Promise)) return { error: new Error(`returned ${typeof p}, not a Promise`) };
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

async function mismatches(cases, convert, fns = resolver) {
  const outcomes = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      outcomes[i] = await outcome(fns, cases[i].fn, jsArgs(cases[i], convert));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return cases.flatMap((c, i) => compareOutcome(outcomes[i], c, CLASSES).map((p) => `${describeCall(c)}: ${p}`));
}

const machine = suite("the machine");

machine("is the kind the fixtures were recorded on", () => {
  const m = fixtures.machine;
  const read = (p) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return null;
    }
  };
  const interfaces = readdirSync("/sys/class/net")
    .map((n) => [Number(readFileSync(`/sys/class/net/${n}/ifindex`, "utf8")), n])
    .sort((a, b) => a[0] - b[0]);
  const differs = [];
  if (hostname() !== m.hostname) differs.push(`host name ${hostname()}, recorded ${m.hostname}`);
  if (read("/etc/hosts") !== m.hosts) differs.push(`/etc/hosts ${JSON.stringify(read("/etc/hosts"))}, recorded ${JSON.stringify(m.hosts)}`);
  if (read("/etc/host.conf") !== m.hostconf) differs.push(`/etc/host.conf differs from the recorded ${JSON.stringify(m.hostconf)}`);
  if (JSON.stringify(interfaces) !== JSON.stringify(m.interfaces)) {
    differs.push(`interfaces ${JSON.stringify(interfaces)}, recorded ${JSON.stringify(m.interfaces)}`);
  }
  assert.is(differs.length, 0, `this machine is not the one test/fixtures/resolve.json was recorded on, so the answers `
    + `that depend on it cannot match; re-record with python3 scripts/record_resolve.py:\n${differs.join("\n")}`);
});

machine.run();

// A host is numeric when CPython resolved it with AI_NUMERICHOST.
const numericHosts = new Set(fixtures.cases
  .filter((c) => c.fn === "getaddrinfo" && "result" in c && c.args.length > 5 && Number(c.args[5].int) & AI_NUMERICHOST)
  .map((c) => JSON.stringify(c.args[0])));

/** Whether a case never needs the machine's resolver: getaddrinfo of a numeric host, getnameinfo
 * with NI_NUMERICHOST. */
function numericOnly(c) {
  if (c.fn === "getaddrinfo") return c.args.length > 0 && numericHosts.has(JSON.stringify(c.args[0]));
  return c.fn === "getnameinfo" && c.args.length === 2 && "int" in c.args[1] && Number(c.args[1].int) & NI_NUMERICHOST;
}

const byFn = new Map();
for (const c of fixtures.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);

const toBigInt = (v) => (typeof v === "number" && Number.isInteger(v) ? BigInt(v) : Array.isArray(v) ? v.map(toBigInt) : v);
const hasInt = (t) => "int" in t || ("tuple" in t && t.tuple.some(hasInt));

for (const [fn, cases] of byFn) {
  const s = suite(fn);

  s("recorded cases", async () => {
    assert.ok(cases.length > 0);
    assertNone(await mismatches(cases));
  });

  // Argument conversion happens before any lookup, so the cases that need the resolver (and its
  // time) add nothing here.
  if (fn === "getaddrinfo" || fn === "getnameinfo") {
    s("an int argument given as a bigint", async () => {
      const withInts = cases.filter((c) => numericOnly(c) && (c.args.some(hasInt) || Object.values(c.kwargs ?? {}).some(hasInt)));
      assert.ok(withInts.length > 0);
      assertNone(await mismatches(withInts, toBigInt));
    });
  }

  if (fn === "getaddrinfo") {
    s("undefined stands for a None host or port", async () => {
      const withNone = cases.filter((c) => !c.kwargs && c.args.slice(0, 2).some((t) => "none" in t));
      assert.ok(withNone.length > 0);
      const getaddrinfo = (...a) => resolver.getaddrinfo(...a.map((v, i) => (i < 2 && v === null ? undefined : v)));
      assertNone(await mismatches(withNone, (v) => v, { getaddrinfo }));
    });
  }

  s.run();
}

// Numeric hosts never reach the resolver: their cases are run again with a driver that records the
// host's queries.
const numeric = suite("numeric hosts");

numeric("never reach the resolver", async () => {
  let asked = [];
  const run = (op) => {
    const gen = op();
    return (async () => {
      let step = gen.next();
      while (!step.done) {
        asked.push(step.value.req.op);
        step = gen.next(await resolveOnNode(step.value.req));
      }
      return step.value;
    })();
  };
  const fns = makeResolver(run);
  const problems = [];
  const lookups = (ops) => ops.filter((op) => op === "getaddrinfo" || op === "gethostbyaddr");
  for (const c of fixtures.cases.filter(numericOnly)) {
    asked = [];
    await outcome(fns, c.fn, jsArgs(c));
    if (lookups(asked).length > 0) problems.push(`${describeCall(c)} asked the resolver: ${lookups(asked).join(", ")}`);
  }
  assert.ok(numericHosts.size > 10);
  assertNone(problems);
});

numeric.run();

// The cases above run on a facade built as src/index.ts builds `pysocket`; the module's own
// exports answer the ones that need no resolver (every other one would ask it again).
const exported = suite("pysocket's exports");

exported("answer the cases that never reach the resolver", async () => {
  const cases = fixtures.cases.filter(numericOnly);
  assert.ok(cases.length > 100);
  assertNone(await mismatches(cases, (v) => v, pysocket));
});

exported.run();

const herrors = suite("hstrerror");

herrors("glibc's hstrerror texts", () => {
  for (const [n, text] of fixtures.hstrerror) assert.is(hstrerror(n), text, `hstrerror(${n})`);
});

herrors.run();
