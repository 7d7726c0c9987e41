// Python's exception classes and the one errno table that turns the core's and the hosts'
// negative errno results into them. Only src/ raises; see CPython Objects/exceptions.c for how
// OSError builds its message and picks a subclass from errno.

import { EAI_LINUX } from "./tables/eai_linux.js";
import { ERRNO_LINUX } from "./tables/errno_linux.js";

function pyStr(v: unknown): string {
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

/** Python's Exception: str(exc) from its args. The non-OSError classes below extend it. */
export class Exception extends Error {
  readonly args: readonly unknown[];
  constructor(...args: unknown[]) {
    super(argsMessage(args));
    this.args = args;
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

export class ArithmeticError extends Exception {}

/** Python's AttributeError (getfqdn raises it for a name without strip()). */
export class AttributeError extends Exception {}

export class OverflowError extends ArithmeticError {}

/** Python's OSError: OSError(errno, strerror[, filename]) or OSError(message). */
export class OSError extends Exception {
  readonly errno: number | null = null;
  readonly strerror: string | null = null;
  readonly filename: unknown = null;
  constructor(...args: unknown[]) {
    // OSError_init: two to five args are (errno, strerror[, filename, ...]); args keeps two.
    const structured = args.length >= 2 && args.length <= 5;
    super(...(structured ? [args[0], args[1]] : args));
    if (!structured) return;
    this.errno = args[0] as number;
    this.strerror = args[1] as string;
    const named = args.length >= 3 && args[2] !== null && args[2] !== undefined;
    if (args.length >= 3) this.filename = args[2] ?? null;
    this.message = named
      ? `[Errno ${pyStr(args[0])}] ${pyStr(args[1])}: ${pyRepr(args[2])}`
      : `[Errno ${pyStr(args[0])}] ${pyStr(args[1])}`;
  }
}

export class herror extends OSError {}
export class gaierror extends OSError {}
export class TimeoutError extends OSError {}
export class BlockingIOError extends OSError {}
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
  Exception, ArithmeticError, AttributeError, ValueError, UnicodeError, UnicodeEncodeError, OverflowError, OSError, herror, gaierror, TimeoutError,
  BlockingIOError, InterruptedError, ChildProcessError, ProcessLookupError, FileNotFoundError,
  FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError, ConnectionError,
  BrokenPipeError, ConnectionAbortedError, ConnectionRefusedError, ConnectionResetError,
  UnicodeDecodeError, LookupError, UnsupportedOperation,
};
for (const [name, cls] of Object.entries(CLASSES)) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

type OSErrorClass = new (...args: unknown[]) => OSError;

const errnoClass = new Map<number, OSErrorClass>();
const errnoText = new Map<number, string>();
const errnoSymbol = new Map<string, number>();
for (const [n, symbol, cls, text] of ERRNO_LINUX) {
  errnoClass.set(n, (CLASSES as Record<string, unknown>)[cls] as OSErrorClass);
  errnoText.set(n, text);
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

/** OSError(errno, strerror) as Python builds it: OSError.__new__ picks the errno's subclass. */
export function oserror(n: number, text: string): OSError {
  return new (errnoClass.get(n) ?? OSError)(n, text);
}

/** The exception CPython raises for errno n (PyErr_SetFromErrno), with Linux's text. */
export function fromErrno(n: number, filename?: unknown): OSError {
  const cls = errnoClass.get(n) ?? OSError;
  return filename === undefined ? new cls(n, strerror(n)) : new cls(n, strerror(n), filename);
}

const eaiText = new Map<number, string>(EAI_LINUX.map(([n, , text]) => [n, text]));

/** The gaierror CPython raises for a getaddrinfo() failure (set_gaierror), with glibc's text. */
export function fromEai(code: number): gaierror {
  return new gaierror(code, eaiText.get(code) ?? "Unknown error");
}
