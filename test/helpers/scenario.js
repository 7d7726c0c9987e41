// Runs a socket scenario of test/scenarios/*.json on a pysocket module and compares every step
// with CPython's answer, recorded by scripts/record_scenarios.py in test/fixtures/scenarios_*.json.
//
// A scenario is {name, steps}. A step is one of
//   {"call": "socket", "args": [...]}              a module function
//   {"on": "s", "call": "bind", "args": [...]}     a method of a stored object
//   {"on": "s", "get": "family"}                   an attribute
//   {"op": "repr", "on": "s"}                      repr(s); in JS String(s)
//   {"op": "recv_exactly", "on": "s", "args": [n]} recv until n bytes or b'': (length, sha256 hex)
//   {"op": "bytearray", "args": [n]}              a zeroed writable buffer (JS: Uint8Array)
//   {"op": "bytes", "args": [buf]}                a copy of a buffer's contents
//   {"op": "str", "args": [v]}                    str(v); in JS String(v)
// with optional "store": "name" (the result) or ["a", "b"] (the items of a tuple result),
// "kwargs": {name: tagged} (Python's keyword arguments; JS passes them as a trailing options
// object), and "unprivileged": true where the recorder asks as uid nobody (JS runs the step as
// it is).
// Arguments are tagged Python values (test/helpers/pyvalue.js) plus {"ref": name} for a stored
// value, {"const": "AF_INET"} for a module constant and {"pattern": {"len", "seed"}} for
// deterministic bytes. Each recorded step is {"result": tagged} or {"error": {...}}; a result
// {"regex": r} stands for an answer that varies between runs: a string or bytes (read as
// latin-1) that r matches (a random name).
//
// What differs between runs is replaced by numbered placeholders, numbered by first appearance
// within a scenario, on both sides alike: the int results of fileno()/detach() ({"fd": n}),
// nonzero ports in address tuples ({"port": n}), "fd=N" and "name=N" and ports in strings
// ("<fd n>", "<port n>"), a string that is a port seen before ("<port n>"), and object addresses
// in reprs (" at <address>>"). Socket results are {"object": "socket"}, makefile() files
// {"object": "file"}.

import { createHash } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compareOutcome, decode, encode, repr } from "./pyvalue.js";

export const STEP_LIMIT_MS = 5000;

/** Fails with a long report; uvu prints a stack after the message, which would repeat it. */
export function fail(message) {
  const err = new assert.Assertion({ message, operator: "", details: false, generated: false });
  err.stack = "";
  throw err;
}

/** Fails with every step of a scenario that differs from CPython's recorded answers. */
export function failOnMismatches(mismatches) {
  const n = mismatches.length;
  if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
}

/** A uvu suite running `scenarios` on `module`, each against its answers in `fixtures` (a
 * recorder's output); `record` is the command that records them again, `options` runScenario's. */
export function scenarioSuite(title, module, scenarios, fixtures, record, options = {}) {
  const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));
  const test = suite(`${title} against CPython ${fixtures.python}`);
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const results = recorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands: run ${record}`);
      failOnMismatches(await runScenario(module, scenario, results, options));
    });
  }
  return test;
}

// API.md: the calls of the Promise facade that can block; every other call returns a plain value.
export const PROMISE_CALLS = new Set([
  "accept", "bind", "connect", "connect_ex", "recv", "recvfrom", "recv_into", "recvfrom_into",
  "send", "sendall", "sendto", "sendfile", "recvmsg", "recvmsg_into", "sendmsg", "create_connection", "create_server", "getaddrinfo",
  "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo", "getfqdn",
]);
const RECV_CHUNK = 65536;
const FD_RESULTS = new Set(["fileno", "detach"]);

/** Deterministic bytes: SHA-256 in counter mode, as the recorder builds them. */
export function pattern(len, seed) {
  const out = new Uint8Array(len);
  for (let i = 0, at = 0; at < len; i++, at += 32) {
    const block = createHash("sha256").update(`pysocket:${seed}:${i}`).digest();
    out.set(block.subarray(0, Math.min(32, len - at)), at);
  }
  return out;
}

/** A step that the harness could not even start (a missing name, a failed earlier store). */
class HarnessProblem extends Error {}

/** A normalized value: {"port": n}, {"fd": n} or {"object": "socket"}. */
class Placeholder {
  constructor(tag, n) {
    this.tagged = { [tag]: n };
  }
}

function isSocket(v) {
  return v !== null && typeof v === "object" && typeof v.fileno === "function" && typeof v.close === "function";
}

const isInt = (v) => (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";

class Normalizer {
  fds = new Map();
  ports = new Map();

  number(map, n) {
    const key = String(n);
    if (!map.has(key)) map.set(key, map.size + 1);
    return map.get(key);
  }

  value(v) {
    if (Array.isArray(v)) {
      const items = v.map((x) => this.value(x));
      if ((items.length === 2 || items.length === 4) && typeof items[0] === "string" && isInt(items[1]) && items[1] != 0) {
        items[1] = new Placeholder("port", this.number(this.ports, items[1]));
      }
      return items;
    }
    if (typeof v === "string") return this.text(v);
    if (isSocket(v)) return new Placeholder("object", typeof v.makefile === "function" ? "socket" : "file");
    return v;
  }

  text(s) {
    if (/^\d+$/.test(s) && this.ports.has(s)) return `<port ${this.number(this.ports, s)}>`;
    return s
      .replace(/\b(fd|name)=(\d+)/g, (_, key, n) => `${key}=<fd ${this.number(this.fds, n)}>`)
      .replace(/ at 0x[0-9a-f]+>/g, " at <address>>")
      .replace(/(\('[^']*', )(\d+)(?=[,)])/g, (_, head, n) => head + (n === "0" ? n : `<port ${this.number(this.ports, n)}>`));
  }

  result(step, v) {
    if (FD_RESULTS.has(step.call) && isInt(v) && v >= 0) return new Placeholder("fd", this.number(this.fds, v));
    return this.value(v);
  }
}

/** True when a normalized JS value is the recorded tagged value. */
function matches(actual, expected) {
  if ("tuple" in expected) {
    return Array.isArray(actual) && actual.length === expected.tuple.length && actual.every((a, i) => matches(a, expected.tuple[i]));
  }
  if ("regex" in expected) {
    const text = actual instanceof Uint8Array ? String.fromCharCode(...actual) : actual;
    return typeof text === "string" && new RegExp(expected.regex).test(text);
  }
  if ("port" in expected || "fd" in expected || "object" in expected) {
    return actual instanceof Placeholder && JSON.stringify(actual.tagged) === JSON.stringify(expected);
  }
  if (actual instanceof Placeholder || Array.isArray(actual)) return false;
  const want = decode(expected);
  if (want instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === want.length && actual.every((b, i) => b === want[i]);
  }
  return Object.is(actual, want);
}

/** Python's repr of bytes given as hex: b'ok\\x00'. */
function bytesRepr(hex) {
  const bytes = decode({ bytes: hex });
  const q = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = "b" + q;
  for (const b of bytes) {
    if (b === 0x5c || b === q.charCodeAt(0)) out += "\\" + String.fromCharCode(b);
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += "\\x" + b.toString(16).padStart(2, "0");
  }
  return out + q;
}

/** Python's repr of a tagged value, placeholders included. */
function show(t) {
  if ("tuple" in t) return t.tuple.length === 1 ? `(${show(t.tuple[0])},)` : `(${t.tuple.map(show).join(", ")})`;
  if ("port" in t) return `<port ${t.port}>`;
  if ("fd" in t) return `<fd ${t.fd}>`;
  if ("object" in t) return `<${t.object}>`;
  if ("ref" in t) return t.ref;
  if ("const" in t) return t.const;
  if ("pattern" in t) return `pattern(${t.pattern.len}, seed=${t.pattern.seed})`;
  if ("regex" in t) return `<matching /${t.regex}/>`;
  const s = "bytes" in t ? bytesRepr(t.bytes) : repr(t);
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} characters)` : s;
}

function tagActual(v) {
  if (v instanceof Placeholder) return v.tagged;
  if (Array.isArray(v)) return { tuple: v.map(tagActual) };
  return encode(v);
}

function showActual(v) {
  return show(tagActual(v)) + (typeof v === "bigint" ? " (a bigint)" : "");
}

function showError(e) {
  if (e instanceof HarnessProblem) return `(harness) ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : `thrown non-Error ${String(e)}`;
}

/** The step as Python source: `cli.recv(1024) -> data`. */
export function describeStep(step) {
  const args = (step.args ?? []).map(show).join(", ");
  let call;
  const kwargs = Object.entries(step.kwargs ?? {}).map(([k, v]) => `${k}=${show(v)}`);
  if ("call" in step) call = `${"on" in step ? `${step.on}.` : ""}${step.call}(${[args, ...kwargs].filter(Boolean).join(", ")})`;
  else if ("get" in step) call = `${step.on}.${step.get}`;
  else call = `${step.op}(${[step.on, args].filter(Boolean).join(", ")})`;
  if (step.store !== undefined) call += ` -> ${[].concat(step.store).join(", ")}`;
  return call;
}

function stored(env, name) {
  if (!env.has(name)) throw new HarnessProblem(`no stored value '${name}' (an earlier step failed)`);
  return env.get(name);
}

function argument(t, env, module) {
  if ("ref" in t) return stored(env, t.ref);
  if ("const" in t) {
    if (!(t.const in module)) throw new HarnessProblem(`the module has no constant ${t.const}`);
    return module[t.const];
  }
  if ("pattern" in t) return pattern(t.pattern.len, t.pattern.seed);
  if ("tuple" in t) return t.tuple.map((x) => argument(x, env, module));
  return decode(t);
}

async function recvExactly(sock, n) {
  const hash = createHash("sha256");
  let total = 0;
  while (total < n) {
    const chunk = await sock.recv(Math.min(RECV_CHUNK, n - total));
    if (!(chunk instanceof Uint8Array)) throw new HarnessProblem(`recv returned ${showActual(chunk)}, not bytes`);
    if (chunk.length === 0) break;
    hash.update(chunk);
    total += chunk.length;
  }
  return [total, hash.digest("hex")];
}

/** Starts a step; returns what the call returned (a Promise or a plain value). `ops`: more
 * ops, by name, as (args, step, env) => value (see test/helpers/rules_ops.js). */
function start(step, env, module, ops) {
  const args = (step.args ?? []).map((a) => argument(a, env, module));
  if (ops && Object.hasOwn(ops, step.op)) return ops[step.op](args, step, { get: (name) => stored(env, name) });
  if (step.kwargs) {
    args.push(Object.fromEntries(Object.entries(step.kwargs).map(([k, v]) => [k, argument(v, env, module)])));
  }
  if ("call" in step) {
    const target = "on" in step ? stored(env, step.on) : module;
    if (typeof target?.[step.call] !== "function") {
      throw new HarnessProblem(`${"on" in step ? "the object" : "the module"} has no function ${step.call}`);
    }
    return target[step.call](...args);
  }
  if ("get" in step) return stored(env, step.on)[step.get];
  switch (step.op) {
    case "repr": return String(stored(env, step.on));
    case "recv_exactly": return recvExactly(stored(env, step.on), args[0]);
    case "bytearray": return new Uint8Array(args[0]);
    case "bytes": return Uint8Array.from(args[0]);
    case "str": return String(args[0]);
  }
  throw new HarnessProblem(`unknown step ${JSON.stringify(step)}`);
}

const HUNG = Symbol("hung");

/** Awaits `work` for at most `ms`: {value}, {error} or {hung: true}. Never leaves a timer. */
async function settle(work, ms) {
  let timer;
  const limit = new Promise((resolve) => { timer = setTimeout(() => resolve(HUNG), ms); });
  try {
    const v = await Promise.race([work, limit]);
    return v === HUNG ? { hung: true } : { value: v };
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

function collectSockets(v, into) {
  if (isSocket(v)) into.add(v);
  else if (Array.isArray(v)) for (const x of v) collectSockets(x, into);
}

/**
 * Runs `scenario` on `module` (pysocket, pysocket/sync or a simulated host) and compares each
 * step with `recorded` (the fixture's results for it). Every call's result is awaited, so a
 * blocking facade works too. Options: `promiseCalls`, a Set of call names that must return a
 * Promise while every other call must not (omit it for a blocking facade); `stepLimitMs`; `ops`,
 * more ops by name (see start).
 * Returns the mismatches: [{step, call, expected, actual, details}]; none when all agree.
 * Closes every socket the scenario made, and resets the default timeout, whatever happened.
 */
export async function runScenario(module, scenario, recorded, { promiseCalls, stepLimitMs = STEP_LIMIT_MS, ops } = {}) {
  const env = new Map();
  const opened = new Set();
  const norm = new Normalizer();
  const mismatches = [];
  try {
    for (const [i, step] of scenario.steps.entries()) {
      const want = recorded[i];
      const call = describeStep(step);
      const expected = "result" in want ? show(want.result) : `${want.error.type}: ${want.error.message}`;
      let outcome;
      let returned;
      let threw = false;
      try {
        returned = start(step, env, module, ops);
      } catch (error) {
        threw = true;
        outcome = { error };
      }
      if (!threw) outcome = await settle(returned, stepLimitMs);
      if (outcome.hung) {
        const rest = scenario.steps.length - 1 - i;
        mismatches.push({
          step: i, call, expected, actual: `no answer within ${stepLimitMs} ms`,
          details: rest ? [`${rest} later ${rest === 1 ? "step was" : "steps were"} not run`] : [],
        });
        break;
      }
      let differs = false;
      const details = [];
      if (promiseCalls && "call" in step && !(outcome.error instanceof HarnessProblem)) {
        const isPromise = !threw && typeof returned?.then === "function";
        if (promiseCalls.has(step.call) !== isPromise) {
          differs = true;
          if (isPromise) details.push(`${step.call} must not return a Promise`);
          else details.push(`${step.call} must return a Promise${threw ? " (and reject it), not throw" : ""}`);
        }
      }
      let actual;
      if ("error" in outcome) {
        actual = showError(outcome.error);
        if (outcome.error instanceof HarnessProblem || "result" in want) {
          differs = true;
        } else {
          // Its "expected X, got Y" sentence repeats the report's expected and actual lines.
          const problems = compareOutcome(outcome, want, module);
          differs ||= problems.length > 0;
          details.push(...problems.filter((p) => !p.startsWith("expected ")));
        }
      } else {
        collectSockets(outcome.value, opened);
        const value = norm.result(step, outcome.value);
        actual = showActual(value);
        differs ||= "error" in want || !matches(value, want.result);
        const store = step.store;
        if (typeof store === "string") env.set(store, outcome.value);
        else if (Array.isArray(store) && Array.isArray(outcome.value)) store.forEach((name, k) => env.set(name, outcome.value[k]));
      }
      if (differs) mismatches.push({ step: i, call, expected, actual, details });
    }
  } finally {
    for (const s of opened) await settle(Promise.resolve().then(() => s.close()), stepLimitMs);
    await settle(Promise.resolve().then(() => module.setdefaulttimeout?.(null)), stepLimitMs);
  }
  return mismatches;
}

/** A readable report of `runScenario`'s mismatches, at most `max` of them. */
export function formatMismatches(mismatches, max = 25) {
  const lines = [];
  for (const m of mismatches.slice(0, max)) {
    lines.push(`  step ${m.step}: ${m.call}`);
    lines.push(`    expected ${m.expected}`);
    lines.push(`    actual   ${m.actual}`);
    for (const d of m.details) lines.push(`    ${d}`);
  }
  if (mismatches.length > max) lines.push(`  … and ${mismatches.length - max} more`);
  return lines.join("\n");
}
