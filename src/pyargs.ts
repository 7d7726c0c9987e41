// Python's argument conversions (CPython Python/getargs.c, Objects/longobject.c) for the JS
// values of the API: string = str, integer number or bigint = int, other number = float,
// boolean = bool, null/undefined = None, Uint8Array = bytes, array = tuple.

import { OverflowError, UnicodeEncodeError, ValueError } from "./errors.js";

/** The Python type name of pysocket's own objects (sockets, makefile() files), on their
 * prototypes. */
export const PY_TYPE: unique symbol = Symbol("pysocket.type");

/** The Python type name of a JS value, as `type(x).__name__` would print it. */
export function typeName(v: unknown): string {
  switch (typeof v) {
    case "string": return "str";
    case "bigint": return "int";
    case "number": return Number.isInteger(v) ? "int" : "float";
    case "boolean": return "bool";
    case "undefined": return "NoneType";
    case "function": return "function";
  }
  if (v === null) return "NoneType";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "tuple";
  const own = (v as { [PY_TYPE]?: unknown })[PY_TYPE];
  return typeof own === "string" ? own : "object";
}

/** Python's truth value of an argument (`if source_address:`): None, False, 0, "" and empty
 * tuples and bytes are false. */
export function pyTruthy(v: unknown): boolean {
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  return Boolean(v);
}

/** A trailing options object: a plain object, not an array, a buffer or a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function nameList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 2) return q.join(" and ");
  return `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
}

/**
 * Python's binding of a call's arguments (Python/ceval.c's messages), keyword arguments given as
 * a trailing plain object: `names` are the positional-or-keyword parameters, the first
 * `required` of them required, `kwOnly` the keyword-only ones. Returns the values by name; one
 * not given is undefined.
 */
export function bindArgs(
  fn: string, given: readonly unknown[], names: readonly string[], required: number, kwOnly: readonly string[] = [],
): Record<string, unknown> {
  const args = [...given];
  const kw = args.length > 0 && isPlainObject(args[args.length - 1]) ? args.pop() as Record<string, unknown> : {};
  if (args.length > names.length) {
    const takes = required === names.length ? `${required}` : `from ${required} to ${names.length}`;
    throw new TypeError(`${fn}() takes ${takes} positional argument${names.length === 1 ? "" : "s"} but ${args.length} ${args.length === 1 ? "was" : "were"} given`);
  }
  const bound: Record<string, unknown> = {};
  names.forEach((n, i) => { bound[n] = args[i]; });
  for (const [k, v] of Object.entries(kw)) {
    const i = names.indexOf(k);
    if (i < 0 && !kwOnly.includes(k)) throw new TypeError(`${fn}() got an unexpected keyword argument '${k}'`);
    if (i >= 0 && i < args.length) throw new TypeError(`${fn}() got multiple values for argument '${k}'`);
    bound[k] = v;
  }
  const missing = names.slice(0, required).filter((n, i) => i >= args.length && !(n in kw));
  if (missing.length > 0) {
    throw new TypeError(`${fn}() missing ${missing.length} required positional argument${missing.length === 1 ? "" : "s"}: ${nameList(missing)}`);
  }
  return bound;
}

/** As getargs.c names a wrong argument's type: None, not NoneType. */
export function argTypeName(v: unknown): string {
  return v === null || v === undefined ? "None" : typeName(v);
}

/** True for what Python calls an int (bool included, as in Python). */
export function isInt(v: unknown): v is number | bigint | boolean {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint" || typeof v === "boolean";
}

function toBig(v: number | bigint | boolean): bigint {
  return typeof v === "bigint" ? v : BigInt(Number(v));
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** The "i" format unit: an int that fits a C int. */
export function asCInt(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = toBig(v);
  if (b > LONG_MAX || b < LONG_MIN) throw new OverflowError("Python int too large to convert to C long");
  if (b > 2147483647n) throw new OverflowError("signed integer is greater than maximum");
  if (b < -2147483648n) throw new OverflowError("signed integer is less than minimum");
  return Number(b);
}

/** _PyLong_AsInt, as Argument Clinic's `int` converter uses it: one overflow message. */
export function asClinicInt(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const n = typeof v === "bigint" ? v : BigInt(Number(v));
  if (n > 2147483647n || n < -2147483648n) throw new OverflowError("Python int too large to convert to C int");
  return Number(n);
}

/** PyLong_AsSocket_t on Linux: a C long (PyLong_AsLong), then the C cast to the int a
 * descriptor is, so 2**31 reaches close(2) as -2**31. */
export function asSocketT(v: unknown): number {
  if (typeof v === "number" && (v | 0) === v) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = toBig(v);
  if (b > LONG_MAX || b < LONG_MIN) throw new OverflowError("Python int too large to convert to C long");
  return Number(BigInt.asIntN(32, b));
}

/** PyLong_AsUnsignedLong on an int already known to be one: a value in [0, 2**64). */
export function asUnsignedLong(v: number | bigint | boolean): bigint | number {
  if (typeof v === "number" && v >= 0 && v <= 0xffffffff) return v;
  const b = toBig(v);
  if (b < 0n) throw new OverflowError("can't convert negative value to unsigned int");
  if (b >= 2n ** 64n) throw new OverflowError("Python int too large to convert to C unsigned long");
  return b;
}

/** The "n" format unit: an int that fits a Py_ssize_t. Beyond 2**53 the number is inexact, which
 * only callers that range-check it (never index with it) may use. */
export function asSsizeT(v: unknown): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = toBig(v);
  if (b > LONG_MAX || b < LONG_MIN) throw new OverflowError("Python int too large to convert to C ssize_t");
  return Number(b);
}

/** The "y*" format unit: a bytes-like object. */
export function asBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`a bytes-like object is required, not '${typeName(v)}'`);
}

/** CPython's "takes exactly N argument(s) (M given)" check. */
export function arity(fn: string, n: number, given: number): void {
  if (given !== n) {
    throw new TypeError(`${fn}() takes exactly ${n} argument${n === 1 ? "" : "s"} (${given} given)`);
  }
}

/** getargs.c's count check for a format with optional arguments ("s|s"): at least min, at most max. */
export function arityRange(fn: string, min: number, max: number, given: number): void {
  if (given < min || given > max) {
    const n = given < min ? min : max;
    throw new TypeError(
      `${fn}() takes ${given < min ? "at least" : "at most"} ${n} argument${n === 1 ? "" : "s"} (${given} given)`);
  }
}

function isLoneSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) return !(i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The "s" format unit's failures after the type check, in CPython's order: the UTF-8 encoding
 * (lone surrogates), then an embedded NUL. Called only when the fast scan saw a NUL or non-ASCII. */
export function checkCString(s: string): void {
  let pos = 0;
  for (let i = 0; i < s.length; i++, pos++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // The UTF-8 codec reports a run of lone surrogates as one error.
      let end = pos + 1;
      for (let j = i + 1; j < s.length && isLoneSurrogate(s, j); j++) end++;
      throw new UnicodeEncodeError("utf-8", s, pos, end, "surrogates not allowed");
    }
  }
  if (s.includes("\0")) throw new ValueError("embedded null character");
}
