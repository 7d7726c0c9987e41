// What the file objects of socket.makefile() share (src/makefile.ts, src/textio.ts): IOBase
// (Modules/_io/iobase.c) with its readlines, writelines, iteration and readline, the driver that
// runs each blocking method on the socket's lanes, and Argument Clinic's conversions with
// CPython's messages.

import { BlockingIOError, OSError, ValueError } from "./errors.js";
import { PY_TYPE, argTypeName, asSsizeT, isInt, typeName } from "./pyargs.js";
import type { Op } from "./sockcall.js";
import type { SocketBase } from "./socket.js";

export type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
export type Lane = 0 | 1;

export const DEFAULT_BUFFER_SIZE = 8192;
/** TextIOWrapper's _CHUNK_SIZE. */
export const CHUNK_SIZE = 8192;
/** socket.py's _blocking_errnos: EAGAIN and EWOULDBLOCK, both 11 on Linux. */
export const EAGAIN = 11;
export const LF = 10;
export const CR = 13;

// Typed as the well-known symbols, so that the classes are Disposable and AsyncDisposable to
// TypeScript (`using`, `await using`); runtimes without them get the registry's.
export const disposeSymbol = ((Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;
export const asyncDisposeSymbol = ((Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

// Argument conversions of Argument Clinic and Python-level methods, with CPython's messages.

/** Py_ssize_t(accept={int, NoneType}) (_Py_convert_optional_to_ssize_t): None is -1. */
export function sizeOrNone(v: unknown): number {
  if (v === null || v === undefined) return -1;
  if (!isInt(v)) throw new TypeError(`argument should be integer or None, not '${typeName(v)}'`);
  return ssize(v);
}

/** Py_ssize_t. */
export const ssize = asSsizeT;

export function atMostOne(name: string, given: number): void {
  if (given > 1) throw new TypeError(`${name} expected at most 1 argument, got ${given}`);
}

export function noArgs(qualname: string, given: number): void {
  if (given !== 0) throw new TypeError(`${qualname}() takes no arguments (${given} given)`);
}

export function exactlyOne(qualname: string, given: number): void {
  if (given !== 1) throw new TypeError(`${qualname}() takes exactly one argument (${given} given)`);
}

/** A Python-level method's arity check (SocketIO's methods), `self` counted as Python does. */
export function pyMethod(qualname: string, params: string[], given: number): void {
  if (given > params.length) {
    const n = params.length + 1;
    throw new TypeError(`${qualname}() takes ${n} positional argument${n === 1 ? "" : "s"} but ${given + 1} were given`);
  }
  if (given < params.length) {
    throw new TypeError(`${qualname}() missing 1 required positional argument: '${params[given]}'`);
  }
}

/** Py_buffer(accept={rwbuffer}). */
export function rwBuffer(fn: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`${fn} argument must be read-write bytes-like object, not ${argTypeName(v)}`);
}

/** The "y*" unit: a bytes-like object. */
export function bytesLike(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`a bytes-like object is required, not '${typeName(v)}'`);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/** Python's len() of a str: code points, where JS counts UTF-16 units. */
export function cpLen(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = from; i < to; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/** The UTF-16 index `n` code points after `from` (at most the end). */
export function cpAdvance(s: string, from: number, n: number): number {
  let i = from;
  for (; n > 0 && i < s.length; n--, i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return i;
}

/** A BlockingIOError as bufferedio.c's _set_BlockingIOError builds it: the third argument is
 * characters_written, not a filename. */
export function blockingError(written: number): BlockingIOError {
  const msg = "write could not complete without blocking";
  const err = new BlockingIOError(EAGAIN, msg) as BlockingIOError & { args: unknown[]; characters_written: number };
  err.args = [EAGAIN, msg, written];
  err.characters_written = written;
  return err;
}

/** An operation whose Python method returns None. */
export function* none(op: Op<void>): Op<null> {
  yield* op;
  return null;
}

/** Whether a facade's driver answers with Promises (then files iterate with `for await`). */
export const promiseFacades = new WeakMap<object, boolean>();
export function returnsPromises(sock: SocketBase<boolean>): boolean {
  let answer = promiseFacades.get(sock._stack);
  if (answer === undefined) {
    answer = sock._stack.run(sock, 0, function* () { return 0; }) instanceof Promise;
    promiseFacades.set(sock._stack, answer);
  }
  return answer;
}

export const objectIds = new WeakMap<object, number>();
let lastObjectId = 0x1000;

/** A number unique to a live object, standing for CPython's id() in reprs. */
export function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = lastObjectId += 16));
  return id;
}

/**
 * What every file object shares: IOBase's readlines, writelines and iteration (iobase.c), and the
 * driver. Reads run in the socket's read lane and writes in its write lane, as Python's buffered
 * objects hold a lock each (a BufferedRWPair's reader and writer apart).
 */
export abstract class FileBase<A extends boolean, L extends Uint8Array | string> {
  /** @internal The socket whose driver runs this file's operations. */ readonly _owner: SocketBase<A>;
  /** @internal */ abstract readonly _readLane: Lane;
  /** @internal */ abstract readonly _writeLane: Lane;
  /** @internal Python's type name, for messages. */ abstract readonly _type: string;

  /** @internal The facade's driver blocks (pysocket/sync): an answer at hand may skip it. */
  readonly _sync: boolean;

  constructor(owner: SocketBase<A>) {
    this._owner = owner;
    this._sync = !returnsPromises(owner);
  }

  abstract get closed(): boolean;

  get [PY_TYPE](): string {
    return this._type;
  }

  /** repr(f): object.__repr__ (`<socket.SocketIO object at 0x…>`), the address an id of this
   * object; the io classes override it as _io does. */
  toString(): string {
    return `<${this._type === "SocketIO" ? "socket" : "_io"}.${this._type} object at 0x${objectId(this).toString(16)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal */ _run<T>(lane: Lane, op: () => Op<T>): Ret<A, T> {
    return this._owner._stack.run(this._owner, lane, op);
  }

  /** @internal How a read runs (TextIOWrapper first moves pending text to its buffer). */
  _runRead<T>(op: () => Op<T>): Ret<A, T> {
    return this._run(this._readLane, op);
  }

  /** @internal The next line, or null at the end (the type's tp_iternext). */
  abstract _nextOp(): Op<L | null>;
  /** @internal write() for writelines(), its argument unchecked. */
  abstract _writeAnyOp(line: unknown): Op<unknown>;
  /** @internal */ abstract _closeOp(): Op<void>;

  /** @internal _PyIOBase_check_closed. */
  _checkClosed(): void {
    if (this.closed) throw new ValueError("I/O operation on closed file.");
  }

  /** readlines(hint=-1). */
  readlines(hint?: number | null): Ret<A, L[]> {
    atMostOne("readlines", arguments.length);
    const h = sizeOrNone(hint);
    return this._runRead(() => this._readlinesOp(h));
  }

  /** @internal IOBase.readlines: the lines of iter(self), stopping once their length passes hint. */
  *_readlinesOp(hint: number): Op<L[]> {
    this._checkClosed();
    const lines: L[] = [];
    let length = 0;
    for (;;) {
      const line = yield* this._nextOp();
      if (line === null) break;
      lines.push(line);
      if (hint <= 0) continue;
      const n = typeof line === "string" ? cpLen(line) : line.length;
      if (n > hint - length) break;
      length += n;
    }
    return lines;
  }

  /** writelines(lines): write() of each item of an iterable. */
  writelines(lines: Iterable<unknown>): Ret<A, null> {
    exactlyOne(`${this._type}.writelines`, arguments.length);
    return this._run(this._writeLane, () => none(this._writelinesOp(lines)));
  }

  private *_writelinesOp(lines: unknown): Op<void> {
    this._checkClosed();
    if (lines === null || lines === undefined || typeof (lines as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(`'${typeName(lines)}' object is not iterable`);
    }
    for (const line of lines as Iterable<unknown>) yield* this._writeAnyOp(line);
  }

  /** `for await (const line of f)`: IOBase.__iter__ checks that the file is open. */
  [Symbol.asyncIterator](): AsyncIterableIterator<L> {
    this._checkClosed();
    const iterator: AsyncIterableIterator<L> = {
      next: async (): Promise<IteratorResult<L>> => {
        const line = await this._runRead(() => this._nextOp());
        return line === null ? { done: true, value: undefined } : { done: false, value: line };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** `for (const line of f)`, where the driver blocks (pysocket/sync). */
  [Symbol.iterator](): IterableIterator<L> {
    this._checkClosed();
    if (returnsPromises(this._owner)) {
      throw new TypeError("this file's reads return Promises: iterate it with for await...of");
    }
    const iterator: IterableIterator<L> = {
      next: (): IteratorResult<L> => {
        const line = this._runRead(() => this._nextOp()) as L | null;
        return line === null ? { done: true, value: undefined } : { done: false, value: line };
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /** `using f = sock.makefile()` in pysocket/sync; the Promise facade wants `await using`. */
  [disposeSymbol](): void {
    void this._run(this._closeLane(), () => this._closeOp());
  }

  async [asyncDisposeSymbol](): Promise<void> {
    await this._run(this._closeLane(), () => this._closeOp());
  }

  /** @internal A close that flushes must wait for the writes before it. */
  _closeLane(): Lane {
    return this._writeLane;
  }
}

/**
 * IOBase.readline (iobase.c) for streams without a readline of their own: peek(1) for how far
 * the line goes, then read() that much, until a newline, the limit or EOF.
 */
export function* ioReadline(
  limit: number, peek: (() => Op<Uint8Array>) | null, read: (n: number) => Op<Uint8Array | null>,
): Op<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (limit < 0 || size < limit) {
    let nreadahead = 1;
    if (peek) {
      const readahead = yield* peek();
      if (readahead.length > 0) {
        let n = 0;
        // CPython compares with the whole limit here, not what is left of it.
        while (n < readahead.length && (limit < 0 || n < limit)) {
          if (readahead[n++] === LF) break;
        }
        nreadahead = n;
      }
    }
    const b = yield* read(nreadahead);
    if (b === null) throw new OSError("read() should have returned a bytes object, not 'NoneType'");
    if (b.length === 0) break;
    chunks.push(b);
    size += b.length;
    if (b[b.length - 1] === LF) break;
  }
  return concat(chunks.length ? chunks : [new Uint8Array(0)]);
}

/** The operations TextIOWrapper needs of its buffer. */
export interface TextBuffer<A extends boolean> extends FileBase<A, Uint8Array> {
  readonly name?: number;
  _readOp(n: number): Op<Uint8Array | null>;
  _read1Op(n: number): Op<Uint8Array>;
  _writeOp(b: Uint8Array): Op<number>;
  _flushOp(): Op<void>;
  readable(): boolean;
  writable(): boolean;
  seekable(): boolean;
  isatty(): boolean;
  fileno(): number;
}

