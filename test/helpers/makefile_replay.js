// Replays test/fixtures/makefile.json (recorded by scripts/record_makefile.py on a TCP loopback
// pair) step by step on a facade: one uvu suite, a test per scenario. Shared by
// test/makefile.test.js (pysocket) and test/makefile_sync.test.js (pysocket/sync), two files so
// that the sync facade's scenarios, one at a time, wait alongside the rest of the suite.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/makefile.json", import.meta.url), "utf8"));

/** File methods that can block: they return Promises in the `pysocket` facade. */
const BLOCKING = new Set([
  "read", "read1", "readall", "readinto", "readinto1", "readline", "readlines", "peek", "write",
  "writelines", "flush", "close",
]);
/** API.md's blocking socket methods. */
const SOCKET_BLOCKING = new Set(["recv", "send", "sendall", "accept", "connect", "bind"]);
const FILE_CLASSES = new Set(["SocketIO", "BufferedReader", "BufferedWriter", "BufferedRWPair", "TextIOWrapper"]);

function hexBytes(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function repeatBytes(runs) {
  return Uint8Array.from(runs.flatMap(([unit, n]) => Array(n).fill(Array.from(hexBytes(unit))).flat()));
}

/** A tagged fixture value as the JS value pysocket takes or gives (API.md's table). */
function decode(t, env, mod) {
  const [[tag, x]] = Object.entries(t);
  switch (tag) {
    case "str": return x;
    case "str_runs": return x.map(([u, n]) => u.repeat(n)).join("");
    case "int": {
      const n = BigInt(x);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case "float": return x;
    case "bool": return x;
    case "none": return null;
    case "bytes": return hexBytes(x);
    case "bytes_runs": return repeatBytes(x);
    case "tuple": case "list": return x.map((e) => decode(e, env, mod));
    case "ref": return env[x];
    case "const": return mod[x];
    case "fd": return env[x].fileno();
    default: throw new Error(`unknown tag ${tag}`);
  }
}

function show(v) {
  if (v instanceof Uint8Array) return `b'${Array.from(v.slice(0, 40), (b) => b.toString(16).padStart(2, "0")).join("")}${v.length > 40 ? "…" : ""}' (${v.length} bytes)`;
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v && typeof v === "object") return `<${v.constructor?.name}>`;
  return String(v);
}

function same(actual, want) {
  if (want instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === want.length && actual.every((b, i) => b === want[i]);
  }
  if (Array.isArray(want)) return Array.isArray(actual) && actual.length === want.length && actual.every((a, i) => same(a, want[i]));
  return Object.is(actual, want);
}

/** Differences between what a step gave and what CPython recorded, as sentences. */
function compare(outcome, recorded, env, mod) {
  if ("result" in recorded) {
    if ("error" in outcome) return [`expected a result, got ${outcome.error?.name}: ${outcome.error?.message}`];
    const r = recorded.result;
    if ("object" in r) {
      const name = outcome.value?.constructor?.name;
      return name === r.object ? [] : [`expected a ${r.object}, got ${show(outcome.value)}`];
    }
    const want = decode(r, env, mod);
    return same(outcome.value, want) ? [] : [`expected ${show(want)}, got ${show(outcome.value)}`];
  }
  const want = recorded.error;
  if (want.type === "AttributeError") {
    return outcome.missing ? [] : [`expected no such attribute (${want.message}), got ${"error" in outcome ? outcome.error?.message : show(outcome.value)}`];
  }
  if (!("error" in outcome)) return [`expected ${want.type}: ${want.message}, got ${show(outcome.value)}`];
  const e = outcome.error;
  const problems = [];
  if (e?.name !== want.type || e?.message !== want.message) problems.push(`expected ${want.type}: ${want.message}, got ${e?.name}: ${e?.message}`);
  if (want.type === "TypeError" && !(e instanceof TypeError)) problems.push("a Python TypeError must be JavaScript's TypeError");
  for (const base of want.mro) {
    // UnsupportedOperation extends OSError only: JavaScript has no multiple inheritance.
    if (want.type === "UnsupportedOperation" && base === "ValueError") continue;
    if (typeof mod[base] === "function" && !(e instanceof mod[base])) problems.push(`not an instance of ${base}`);
  }
  if ("errno" in want && (e.errno ?? null) !== want.errno) problems.push(`errno ${e.errno}, expected ${want.errno}`);
  if ("strerror" in want && (e.strerror ?? null) !== want.strerror) problems.push(`strerror ${e.strerror}, expected ${want.strerror}`);
  if ("args" in want && !same(e.args, want.args.map((a) => decode(a, env, mod)))) problems.push(`args ${show(e.args)}, expected ${show(want.args.map((a) => decode(a, env, mod)))}`);
  return problems;
}

/** Everything the peer can receive within the recorder's drain time. */
export async function drain(peer, seconds) {
  const parts = [];
  peer.settimeout(seconds);
  try {
    for (;;) {
      const chunk = await peer.recv(65536);
      if (chunk.length === 0) break;
      parts.push(chunk);
    }
  } catch (err) {
    if (err.name !== "TimeoutError") throw err;
  } finally {
    peer.settimeout(null);
  }
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

export async function connectedPair(mod) {
  const server = await mod.create_server(["127.0.0.1", 0]);
  const a = await mod.create_connection(server.getsockname());
  const [b] = await server.accept();
  server.close();
  return { a, b };
}

/** Runs one step: {value} or {error}, {missing: true} for an attribute that does not exist. */
async function perform(step, env, mod, facade) {
  const args = (step.args ?? []).map((t) => decode(t, env, mod));
  if ("op" in step) {
    switch (step.op) {
      case "settle": await sleep(fixture.settle_seconds * 1000); return { value: null };
      case "drain": return { value: await drain(env[step.on], fixture.drain_seconds) };
      case "bytearray": return { value: new Uint8Array(args[0]) };
      case "contents": return { value: env[step.on].slice() };
      case "is_open": return { value: env[step.on].fileno() !== -1 };
      case "lines": {
        const lines = [];
        try {
          if (facade.promises) for await (const line of env[step.on]) lines.push(line);
          else for (const line of env[step.on]) lines.push(line);
        } catch (error) {
          return { error };
        }
        return { value: lines };
      }
    }
    throw new Error(`unknown op ${step.op}`);
  }
  const target = env[step.on];
  const isFile = FILE_CLASSES.has(target.constructor.name);
  if ("get" in step) return step.get in target && target[step.get] !== undefined ? { value: target[step.get] } : { missing: true };
  if (typeof target[step.call] !== "function") return { missing: true };
  if (step.kw) args.push(Object.fromEntries(Object.entries(step.kw).map(([k, v]) => [k, decode(v, env, mod)])));
  let result;
  try {
    result = target[step.call](...args);
  } catch (error) {
    return { error };
  }
  const blocking = isFile ? BLOCKING.has(step.call) : SOCKET_BLOCKING.has(step.call);
  if ((result instanceof Promise) !== (facade.promises && blocking)) {
    return { error: new Error(`${step.call}() returned ${result instanceof Promise ? "a Promise" : "a plain value"} in ${facade.name}`) };
  }
  try {
    return { value: await result };
  } catch (error) {
    return { error };
  }
}

function describe(step) {
  if ("op" in step) return step.op + (step.on ? ` ${step.on}` : "");
  const args = (step.args ?? []).map((a) => JSON.stringify(a).slice(0, 40));
  if (step.kw) args.push(JSON.stringify(step.kw).slice(0, 80));
  return "get" in step ? `${step.on}.${step.get}` : `${step.on}.${step.call}(${args.join(", ")})`;
}

async function runScenario(scenario, mod, facade) {
  const env = await connectedPair(mod);
  const mismatches = [];
  try {
    for (const [i, { step, outcome }] of scenario.steps.entries()) {
      const got = await perform(step, env, mod, facade);
      if ("value" in got && step.store) env[step.store] = got.value;
      for (const p of compare(got, outcome, env, mod)) mismatches.push(`step ${i} ${describe(step)}: ${p}`);
    }
  } finally {
    for (const v of Object.values(env)) {
      if (v && FILE_CLASSES.has(v.constructor.name)) {
        try {
          await v.close();
        } catch {
          // A file whose last flush fails still lets go of the socket.
        }
      }
    }
    env.a.close();
    env.b.close();
  }
  return mismatches;
}

/** Scenarios in flight at once on the Promise facade: each has its own connected pair and spends
 * most of its time in drain's read timeout. (The sync facade blocks the thread: one at a time.) */
const CONCURRENCY = 8;

/** Each scenario's mismatches (or the error it threw), as promises made at once; the scenarios
 * start in order, CONCURRENCY at a time. */
function startAll(mod, facade) {
  const waiting = [];
  let active = 0;
  const slot = () => (active < CONCURRENCY ? (active++, Promise.resolve()) : new Promise((go) => waiting.push(go)));
  // A scenario that ends hands its slot to the next one waiting.
  const done = () => {
    const go = waiting.shift();
    if (go) go();
    else active--;
  };
  return new Map(fixture.scenarios.map((scenario) => [scenario, slot()
    .then(() => runScenario(scenario, mod, facade))
    .then((mismatches) => ({ mismatches }), (error) => ({ error }))
    .finally(done)]));
}

export function scenarioSuite(mod, facade) {
  const test = suite(`makefile scenarios against CPython ${fixture.python} (${facade.name})`);
  let started = null;
  if (facade.promises) test.before(() => { started = startAll(mod, facade); });
  for (const scenario of fixture.scenarios) {
    test(scenario.name, async () => {
      let mismatches;
      if (started) {
        const r = await started.get(scenario);
        if (r.error) throw r.error;
        mismatches = r.mismatches;
      } else {
        mismatches = await runScenario(scenario, mod, facade);
      }
      if (mismatches.length) assert.unreachable(`${mismatches.length} step(s) differ from CPython:\n  ${mismatches.join("\n  ")}`);
    });
  }
  return test;
}
