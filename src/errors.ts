// Python's exception classes and the one errno table that turns the core's and the hosts'
// negative errno results into them. Only src/ raises; see CPython Objects/exceptions.c for how
// OSError builds its message and picks a subclass from errno.

import { argTypeName } from "./pyargs.js";
import { EAI_LINUX } from "./tables/eai_linux.js";
import { ERRNO_LINUX } from "./tables/errno_linux.js";

/** str() of an exception's argument. */
export function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

/** Python's repr() for the values exception args can hold. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = q;
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === "\\") out += "\\\\";
      else if (ch === q) out += "\\" + q;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
      else if (c >= 0xd800 && c <= 0xdfff) out += "\\u" + c.toString(16);
      else out += ch;
    }
    return out + q;
  }
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof Uint8Array) {
    let out = "b'";
    for (const b of v) {
      if (b === 0x5c || b === 0x27) out += "\\" + String.fromCharCode(b);
      else if (b === 0x0a) out += "\\n";
      else if (b === 0x0d) out += "\\r";
      else if (b === 0x09) out += "\\t";
      else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
      else out += "\\x" + b.toString(16).padStart(2, "0");
    }
    return out + "'";
  }
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(", ")})`;
  return String(v);
}

/** str(exc) for BaseException: '' for no args, str(arg) for one, the tuple's repr for more. */
function argsMessage(args: readonly unknown[]): string {
  if (args.length === 0) return "";
  if (args.length === 1) return pyStr(args[0]);
  return pyRepr(args);
}

/** Marks a message and args a subclass built itself. */
const BUILT: unique symbol = Symbol("built");

/** Python's Exception: str(exc) from its args. A subclass whose str() differs passes its
 * message and args through `built` (so the message is built once). */
export class Exception extends Error {
  readonly args: readonly unknown[];
  constructor(...args: unknown[]);
  constructor(message: string, args: readonly unknown[], built: typeof BUILT);
  constructor(...a: unknown[]) {
    const built = a.length === 3 && a[2] === BUILT;
    super(built ? a[0] as string : argsMessage(a));
    this.args = built ? a[1] as unknown[] : a;
  }
}

export class ValueError extends Exception {}

/** Python's UnicodeError, base of the codec errors (the idna codec raises it itself). */
export class UnicodeError extends ValueError {}

/** The arguments, kept as attributes, of UnicodeEncodeError and UnicodeDecodeError. */
type CodecArgs<O> = [encoding: string, object: O, start: number, end: number, reason: string];

/** UnicodeEncodeError(encoding, object, start, end, reason), positions in code points; str() as
 * Objects/exceptions.c builds it. */
export class UnicodeEncodeError extends UnicodeError {
  readonly encoding: string;
  readonly object: string;
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  constructor(...args: CodecArgs<string>) {
    super(...args);
    const [encoding, object, start, end, reason] = args;
    [this.encoding, this.object, this.start, this.end, this.reason] = args;
    const c = end === start + 1 ? Array.from(object)[start]?.codePointAt(0) : undefined;
    if (c === undefined) {
      this.message = `'${encoding}' codec can't encode characters in position ${start}-${end - 1}: ${reason}`;
    } else {
      const esc = c <= 0xff ? "\\x" + c.toString(16).padStart(2, "0")
        : c <= 0xffff ? "\\u" + c.toString(16).padStart(4, "0") : "\\U" + c.toString(16).padStart(8, "0");
      this.message = `'${encoding}' codec can't encode character '${esc}' in position ${start}: ${reason}`;
    }
  }
}

/** UnicodeDecodeError(encoding, object, start, end, reason); str() as Objects/exceptions.c
 * builds it. */
export class UnicodeDecodeError extends UnicodeError {
  readonly encoding: string;
  readonly object: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly reason: string;
  constructor(...args: CodecArgs<Uint8Array>) {
    super(...args);
    const [encoding, object, start, end, reason] = args;
    [this.encoding, this.object, this.start, this.end, this.reason] = args;
    this.message = end === start + 1 && start < object.length
      ? `'${encoding}' codec can't decode byte 0x${object[start].toString(16).padStart(2, "0")} in position ${start}: ${reason}`
      : `'${encoding}' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`;
  }
}

/** Python's LookupError (unknown encodings and error handlers). */
export class LookupError extends Exception {}

/** Python's KeyError: str() of a single argument is its repr. */
export class KeyError extends LookupError {
  constructor(...args: unknown[]) {
    super(args.length === 1 ? pyRepr(args[0]) : argsMessage(args), args, BUILT);
  }
}

export class RuntimeError extends Exception {}

/** Python's ExceptionGroup(message, exceptions). JavaScript's `message` is Python's `message`
 * attribute; String(eg) carries str(eg), "message (N sub-exceptions)". */
export class ExceptionGroup extends Exception {
  readonly exceptions: readonly Error[];
  constructor(message: string, exceptions: Iterable<Error>) {
    const list = groupArgs(arguments.length, message, exceptions);
    super(message, [message, list], BUILT);
    this.exceptions = list;
  }

  toString(): string {
    const n = this.exceptions.length;
    return `${this.name}: ${this.message} (${n} sub-exception${n === 1 ? "" : "s"})`;
  }
}

/** BaseExceptionGroup.__new__'s checks (Objects/exceptions.c): the exceptions as a list. A JS
 * iterable stands for Python's sequence. */
function groupArgs(given: number, message: unknown, exceptions: unknown): Error[] {
  const fn = "BaseExceptionGroup.__new__()";
  if (given !== 2) throw new TypeError(`${fn} takes exactly 2 arguments (${given} given)`);
  if (typeof message !== "string") throw new TypeError(`${fn} argument 1 must be str, not ${argTypeName(message)}`);
  const iterable = exceptions !== null && exceptions !== undefined &&
    typeof (exceptions as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
  if (!iterable) throw new TypeError("second argument (exceptions) must be a sequence");
  const list = Array.from(exceptions as Iterable<unknown>);
  if (list.length === 0) throw new ValueError("second argument (exceptions) must be a non-empty sequence");
  const bad = list.findIndex((e) => !(e instanceof Error));
  if (bad >= 0) throw new ValueError(`Item ${bad} of second argument (exceptions) is not an exception`);
  return list as Error[];
}

export class ArithmeticError extends Exception {}

/** Python's AttributeError (getfqdn raises it for a name without strip()). */
export class AttributeError extends Exception {}

export class OverflowError extends ArithmeticError {}

type OSErrorClass = new (...args: unknown[]) => OSError;

/** errno -> the OSError subclass OSError() picks (filled from the errno table below). */
const errnoClass = new Map<number, OSErrorClass>();

/** PyLong_Check's ints (bool included) as a key of the errno table. */
function errnoKey(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "boolean") return Number(v);
  if (typeof v === "bigint" && v >= -(2n ** 31n) && v < 2n ** 31n) return Number(v);
  return undefined;
}

/** Python's OSError(errno, strerror[, filename[, winerror[, filename2]]]) or OSError(*args):
 * Objects/exceptions.c's OSError_new (which picks the errno's subclass when OSError itself is
 * called with 2 to 5 arguments), oserror_init and OSError_str. */
export class OSError extends Exception {
  readonly errno!: number | null;
  readonly strerror!: string | null;
  readonly filename!: unknown;
  readonly filename2!: unknown;
  constructor(...args: unknown[]) {
    const structured = args.length >= 2 && args.length <= 5;
    if (structured && new.target === OSError) {
      const key = errnoKey(args[0]);
      const cls = key === undefined ? undefined : errnoClass.get(key);
      if (cls !== undefined && cls !== OSError) return new cls(...args);
    }
    const [errno, text, filename = null, , filename2 = null] = args;
    const named = structured && filename !== null && !(new.target === BlockingIOError && isPyNumber(filename));
    let message: string;
    if (named) {
      message = filename2 !== null
        ? `[Errno ${pyStr(errno)}] ${pyStr(text)}: ${pyRepr(filename)} -> ${pyRepr(filename2)}`
        : `[Errno ${pyStr(errno)}] ${pyStr(text)}: ${pyRepr(filename)}`;
    } else {
      message = structured ? `[Errno ${pyStr(errno)}] ${pyStr(text)}` : argsMessage(args);
    }
    super(message, named ? [errno, text] : args, BUILT);
    this.errno = structured ? errno as number : null;
    this.strerror = structured ? text as string : null;
    this.filename = named ? filename : null;
    this.filename2 = named ? filename2 : null;
  }

  /** The errno's name ('ECONNREFUSED'), as Node's errors carry it in `code` (Node's names are
   * Linux's, as errno.errorcode has them); undefined for an errno the table lacks. */
  get code(): string | undefined {
    return typeof this.errno === "number" ? errnoName.get(this.errno) : undefined;
  }
}

/** PyNumber_Check for the JS values of Python numbers. */
function isPyNumber(v: unknown): boolean {
  return typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
}

export class herror extends OSError {}
export class gaierror extends OSError {}
export class TimeoutError extends OSError {}
/** BlockingIOError(errno, strerror, characters_written): a number as third argument is the count
 * written, not a file name. */
export class BlockingIOError extends OSError {
  readonly characters_written?: number;
  constructor(...args: unknown[]) {
    super(...args);
    if (args.length >= 3 && args.length <= 5 && isPyNumber(args[2])) this.characters_written = Number(args[2]);
  }
}
export class InterruptedError extends OSError {}
export class ChildProcessError extends OSError {}
export class ProcessLookupError extends OSError {}
export class FileNotFoundError extends OSError {}
export class FileExistsError extends OSError {}
export class IsADirectoryError extends OSError {}
export class NotADirectoryError extends OSError {}
export class PermissionError extends OSError {}
export class ConnectionError extends OSError {}
export class BrokenPipeError extends ConnectionError {}
export class ConnectionAbortedError extends ConnectionError {}
export class ConnectionRefusedError extends ConnectionError {}
export class ConnectionResetError extends ConnectionError {}
/** io.UnsupportedOperation. Python derives it from both OSError and ValueError; JavaScript has
 * single inheritance, so it extends OSError only. */
export class UnsupportedOperation extends OSError {}

const CLASSES = {
  Exception, KeyError, RuntimeError, ExceptionGroup, ArithmeticError, AttributeError, ValueError, UnicodeError, UnicodeEncodeError, OverflowError, OSError, herror, gaierror, TimeoutError,
  BlockingIOError, InterruptedError, ChildProcessError, ProcessLookupError, FileNotFoundError,
  FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError, ConnectionError,
  BrokenPipeError, ConnectionAbortedError, ConnectionRefusedError, ConnectionResetError,
  UnicodeDecodeError, LookupError, UnsupportedOperation,
};
for (const [name, cls] of Object.entries(CLASSES)) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

const errnoText = new Map<number, string>();
const errnoName = new Map<number, string>();
const errnoSymbol = new Map<string, number>();
for (const [n, symbol, cls, text] of ERRNO_LINUX) {
  errnoClass.set(n, (CLASSES as Record<string, unknown>)[cls] as OSErrorClass);
  errnoText.set(n, text);
  errnoName.set(n, symbol);
  errnoSymbol.set(symbol, n);
}

/** Linux's strerror(n), as os.strerror prints it. */
export function strerror(n: number): string {
  return errnoText.get(n) ?? `Unknown error ${n}`;
}

/** Linux's number for an errno symbol ('ECONNREFUSED' -> 111), or undefined. */
export function errnoNumber(symbol: string): number | undefined {
  return errnoSymbol.get(symbol);
}

/** V8 and JavaScriptCore take the stack depth from Error.stackTraceLimit; elsewhere, or where
 * the intrinsics are frozen, exceptions are built as usual. */
const stackLimitWritable = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit")?.writable === true;

/** Builds an exception without capturing a JavaScript stack, which CPython has no cost like:
 * for the exceptions that are answers on hot paths (a non-blocking call with nothing to do, a
 * timeout), not faults to trace. */
function stackless<T>(make: () => T): T {
  if (!stackLimitWritable) return make();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The exception CPython raises for errno n (PyErr_SetFromErrno), with Linux's text. */
export function fromErrno(n: number, filename?: unknown): OSError {
  const cls = errnoClass.get(n) ?? OSError;
  if (filename !== undefined) return new cls(n, strerror(n), filename);
  return cls === BlockingIOError ? stackless(() => new cls(n, strerror(n))) : new cls(n, strerror(n));
}

/** TimeoutError("timed out"), as sock_call_ex raises it when a socket's timeout expires. */
export function timedOut(): TimeoutError {
  return stackless(() => new TimeoutError("timed out"));
}

const eaiText = new Map<number, string>(EAI_LINUX.map(([n, , text]) => [n, text]));

/** The gaierror CPython raises for a getaddrinfo() failure (set_gaierror), with glibc's text. */
export function fromEai(code: number): gaierror {
  return new gaierror(code, eaiText.get(code) ?? "Unknown error");
}
