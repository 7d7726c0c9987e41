// Python values as the CPython recorders (scripts/record_*.py) tag them in fixtures, and the
// check that a JS outcome is the recorded one. Tags: {"str"}, {"int": "decimal"},
// {"float": x | "nan" | "inf" | "-inf"}, {"bool"}, {"none": null}, {"bytes": "hex"},
// {"tuple": [...]}. They decode to API.md's JS values: int -> number when it is a safe integer,
// else bigint; bytes -> Uint8Array; None -> null; tuple -> array.

const FLOATS = { nan: NaN, inf: Infinity, "-inf": -Infinity };

/** The JS value of a tagged Python value. */
export function decode(t) {
  if ("str" in t) return t.str;
  if ("int" in t) {
    const b = BigInt(t.int);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  if ("float" in t) return typeof t.float === "string" ? FLOATS[t.float] : t.float;
  if ("bool" in t) return t.bool;
  if ("none" in t) return null;
  if ("bytes" in t) return hexBytes(t.bytes);
  if ("tuple" in t) return t.tuple.map(decode);
  throw new Error(`pyvalue: unknown tag ${JSON.stringify(t)}`);
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The tagged Python value of a JS value; {"js": ...} for a value Python has no match for. */
export function encode(v) {
  switch (typeof v) {
    case "string": return { str: v };
    case "bigint": return { int: String(v) };
    case "boolean": return { bool: v };
    case "number":
      if (Number.isInteger(v)) return { int: String(v) };
      if (Number.isNaN(v)) return { float: "nan" };
      if (!Number.isFinite(v)) return { float: v > 0 ? "inf" : "-inf" };
      return { float: v };
  }
  if (v === null) return { none: null };
  if (v instanceof Uint8Array) return { bytes: Array.from(v, (x) => x.toString(16).padStart(2, "0")).join("") };
  if (Array.isArray(v)) return { tuple: v.map(encode) };
  return { js: v === undefined ? "undefined" : Object.prototype.toString.call(v) };
}

function reprStr(s) {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === "\\" || ch === q) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\u" + c.toString(16);
    else out += ch;
  }
  return out + q;
}

/** Python's repr() of a tagged value, for reports. */
export function repr(t) {
  if ("str" in t) return reprStr(t.str);
  if ("int" in t) return t.int;
  if ("float" in t) return typeof t.float === "string" ? `float('${t.float}')` : String(t.float);
  if ("bool" in t) return t.bool ? "True" : "False";
  if ("none" in t) return "None";
  if ("bytes" in t) return "b'" + t.bytes.replace(/../g, "\\x$&") + "'";
  if ("tuple" in t) return t.tuple.length === 1 ? `(${repr(t.tuple[0])},)` : `(${t.tuple.map(repr).join(", ")})`;
  return `<JS ${t.js}>`;
}

/** A recorded call as Python source: inet_pton(10, '::1'). */
export function formatCall(fn, args) {
  return `${fn}(${args.map(repr).join(", ")})`;
}

/** How a JS value reads in a report: its Python repr, noting a bigint where a number is due. */
function describe(v) {
  return repr(encode(v)) + (typeof v === "bigint" ? " (a bigint)" : "");
}

/** True when the JS value `actual` is exactly the decoded value `expected`. */
export function sameValue(actual, expected) {
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && actual.every((a, i) => sameValue(a, expected[i]));
  }
  return Object.is(actual, expected);
}

/** Runs a call, catching what it throws: {value} or {error}. */
export function capture(call) {
  try {
    return { value: call() };
  } catch (error) {
    return { error };
  }
}

/** As `capture`, for a call that returns a Promise. */
export async function captureAsync(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** The JS class names an error descends through, most derived first, up to Error. */
function classChain(err) {
  const names = [];
  for (let p = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    names.push(p.constructor.name);
  }
  return names;
}

function isSubsequence(names, of) {
  let i = 0;
  for (const n of of) if (n === names[i]) i++;
  return i === names.length;
}

/** An ExceptionGroup against its recording: Python's `message` attribute is `message`, str(e)
 * is what String(e) carries after the name, and each of `exceptions` is compared in turn. */
function groupProblems(e, want, classes) {
  const problems = [];
  if (e.name !== want.type || e.message !== want.group_message || String(e) !== `${want.type}: ${want.message}`) {
    problems.push(`expected ${want.type}: ${want.message} (message ${JSON.stringify(want.group_message)}), got ${String(e)} (message ${JSON.stringify(e.message)})`);
  }
  for (const base of want.mro) {
    if (typeof classes[base] === "function" && !(e instanceof classes[base])) problems.push(`not an instance of ${base}`);
  }
  const subs = Array.isArray(e.exceptions) ? e.exceptions : [];
  if (subs.length !== want.exceptions.length) {
    problems.push(`${subs.length} exceptions, expected ${want.exceptions.length}`);
    return problems;
  }
  want.exceptions.forEach((w, i) => {
    for (const p of compareOutcome({ error: subs[i] }, { error: w }, classes)) problems.push(`exceptions[${i}]: ${p}`);
  });
  return problems;
}

/**
 * Compares an outcome from `capture` with a recorded case's `result` or `error`. Returns the
 * differences as sentences, none when they agree. `classes` maps Python class names to the JS
 * classes that stand for them (e.g. the exports of pysocket), so that an error is checked to be
 * an instance of every one of its Python bases that JS has.
 */
export function compareOutcome(outcome, recorded, classes = {}) {
  const problems = [];
  if ("result" in recorded) {
    const want = decode(recorded.result);
    if ("error" in outcome) {
      const e = outcome.error;
      problems.push(`expected ${repr(recorded.result)}, got ${e?.name}: ${e?.message}`);
    } else if (!sameValue(outcome.value, want)) {
      problems.push(`expected ${repr(recorded.result)}, got ${describe(outcome.value)}`);
    }
    return problems;
  }
  const want = recorded.error;
  if (!("error" in outcome)) {
    problems.push(`expected ${want.type}: ${want.message}, got ${describe(outcome.value)}`);
    return problems;
  }
  const e = outcome.error;
  if (!(e instanceof Error)) {
    problems.push(`expected ${want.type}: ${want.message}, got a thrown non-Error ${String(e)}`);
    return problems;
  }
  if ("exceptions" in want) return problems.concat(groupProblems(e, want, classes));
  if (e.name !== want.type || e.message !== want.message) {
    problems.push(`expected ${want.type}: ${want.message}, got ${e.name}: ${e.message}`);
  }
  if (want.type === "TypeError" && !(e instanceof TypeError)) {
    problems.push("a Python TypeError must be JavaScript's own TypeError");
  }
  // JavaScript's own TypeError stands for Python's and cannot join the exported hierarchy.
  const mro = want.type === "TypeError" ? [] : want.mro;
  for (const base of mro) {
    if (typeof classes[base] === "function" && !(e instanceof classes[base])) problems.push(`not an instance of ${base}`);
  }
  const chain = classChain(e);
  if (!isSubsequence(chain, want.mro)) {
    problems.push(`JS classes ${chain.join(" < ")} are not among Python's ${want.mro.join(" < ")}`);
  }
  if ((e.errno ?? null) !== (want.errno ?? null)) problems.push(`errno ${e.errno}, expected ${want.errno ?? null}`);
  if ("strerror" in want && (e.strerror ?? null) !== want.strerror) {
    problems.push(`strerror ${e.strerror}, expected ${want.strerror}`);
  }
  if ("args" in want && !sameValue(e.args, want.args.map(decode))) {
    problems.push(`args ${Array.isArray(e.args) ? repr(encode(e.args)) : e.args}, expected ${repr({ tuple: want.args })}`);
  }
  return problems;
}
