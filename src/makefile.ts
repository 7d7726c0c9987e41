// socket.makefile(): Lib/socket.py's SocketIO and the io classes CPython 3.11 stacks on it
// (Modules/_io/bufferedio.c BufferedReader, BufferedWriter, BufferedRWPair; textio.c
// TextIOWrapper and IncrementalNewlineDecoder; iobase.c IOBase), ported as generator operations
// over the socket's own, so one body serves every facade: each blocking method runs its operation
// on the socket's driver and returns a Promise in `pysocket`, a plain value in `pysocket/sync`.

import {
  BlockingIOError, LookupError, OSError, OverflowError, TimeoutError, UnicodeDecodeError,
  UnicodeEncodeError, UnsupportedOperation, ValueError, pyRepr,
} from "./errors.js";
import { PY_TYPE, argTypeName, checkCString, isInt, typeName } from "./pyargs.js";
import type { Op } from "./sockcall.js";
import type { SocketBase } from "./socket.js";

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
type Lane = 0 | 1;

const DEFAULT_BUFFER_SIZE = 8192;
/** TextIOWrapper's _CHUNK_SIZE. */
const CHUNK_SIZE = 8192;
/** socket.py's _blocking_errnos: EAGAIN and EWOULDBLOCK, both 11 on Linux. */
const EAGAIN = 11;
const LF = 10;
const CR = 13;

// Typed as the well-known symbols, so that the classes are Disposable and AsyncDisposable to
// TypeScript (`using`, `await using`); runtimes without them get the registry's.
const disposeSymbol = ((Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;
const asyncDisposeSymbol = ((Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

// Argument conversions of Argument Clinic and Python-level methods, with CPython's messages.

/** Py_ssize_t(accept={int, NoneType}) (_Py_convert_optional_to_ssize_t): None is -1. */
function sizeOrNone(v: unknown): number {
  if (v === null || v === undefined) return -1;
  if (!isInt(v)) throw new TypeError(`argument should be integer or None, not '${typeName(v)}'`);
  return ssize(v);
}

/** Py_ssize_t. */
function ssize(v: unknown): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = BigInt(v);
  if (b > 2n ** 63n - 1n || b < -(2n ** 63n)) throw new OverflowError("Python int too large to convert to C ssize_t");
  return Number(b);
}

function atMostOne(name: string, given: number): void {
  if (given > 1) throw new TypeError(`${name} expected at most 1 argument, got ${given}`);
}

function noArgs(qualname: string, given: number): void {
  if (given !== 0) throw new TypeError(`${qualname}() takes no arguments (${given} given)`);
}

function exactlyOne(qualname: string, given: number): void {
  if (given !== 1) throw new TypeError(`${qualname}() takes exactly one argument (${given} given)`);
}

/** A Python-level method's arity check (SocketIO's methods), `self` counted as Python does. */
function pyMethod(qualname: string, params: string[], given: number): void {
  if (given > params.length) {
    const n = params.length + 1;
    throw new TypeError(`${qualname}() takes ${n} positional argument${n === 1 ? "" : "s"} but ${given + 1} were given`);
  }
  if (given < params.length) {
    throw new TypeError(`${qualname}() missing 1 required positional argument: '${params[given]}'`);
  }
}

/** Py_buffer(accept={rwbuffer}). */
function rwBuffer(fn: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`${fn} argument must be read-write bytes-like object, not ${argTypeName(v)}`);
}

/** The "y*" unit: a bytes-like object. */
function bytesLike(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`a bytes-like object is required, not '${typeName(v)}'`);
}

function concat(parts: Uint8Array[]): Uint8Array {
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
function cpLen(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = from; i < to; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/** The UTF-16 index `n` code points after `from` (at most the end). */
function cpAdvance(s: string, from: number, n: number): number {
  let i = from;
  for (; n > 0 && i < s.length; n--, i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return i;
}

/** A BlockingIOError as bufferedio.c's _set_BlockingIOError builds it: the third argument is
 * characters_written, not a filename. */
function blockingError(written: number): BlockingIOError {
  const msg = "write could not complete without blocking";
  const err = new BlockingIOError(EAGAIN, msg) as BlockingIOError & { args: unknown[]; characters_written: number };
  err.args = [EAGAIN, msg, written];
  err.characters_written = written;
  return err;
}

/** An operation whose Python method returns None. */
function* none(op: Op<void>): Op<null> {
  yield* op;
  return null;
}

/** Whether a facade's driver answers with Promises (then files iterate with `for await`). */
const promiseFacades = new WeakMap<object, boolean>();
function returnsPromises(sock: SocketBase<boolean>): boolean {
  let answer = promiseFacades.get(sock._stack);
  if (answer === undefined) {
    answer = sock._stack.run(sock, 0, function* () { return 0; }) instanceof Promise;
    promiseFacades.set(sock._stack, answer);
  }
  return answer;
}

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0x1000;

/** A number unique to a live object, standing for CPython's id() in reprs. */
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = lastObjectId += 16));
  return id;
}

/**
 * What every file object shares: IOBase's readlines, writelines and iteration (iobase.c), and the
 * driver. Reads run in the socket's read lane and writes in its write lane, as Python's buffered
 * objects hold a lock each (a BufferedRWPair's reader and writer apart).
 */
abstract class FileBase<A extends boolean, L extends Uint8Array | string> {
  /** @internal The socket whose driver runs this file's operations. */ readonly _owner: SocketBase<A>;
  /** @internal */ abstract readonly _readLane: Lane;
  /** @internal */ abstract readonly _writeLane: Lane;
  /** @internal Python's type name, for messages. */ abstract readonly _type: string;

  constructor(owner: SocketBase<A>) {
    this._owner = owner;
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
 * Lib/socket.py's SocketIO: the raw stream over a socket. makefile() returns it for
 * buffering=0; the buffered classes read and write through it.
 */
export class SocketIO<A extends boolean> extends FileBase<A, Uint8Array> {
  /** @internal */ _sock: SocketBase<A> | null;
  /** @internal */ readonly _mode: string;
  /** @internal */ readonly _reading: boolean;
  /** @internal */ readonly _writing: boolean;
  /** @internal */ _timeout_occurred = false;
  /** @internal IOBase's __IOBase_closed. */ _closedFlag = false;
  /** @internal */ readonly _readLane = 0;
  /** @internal */ readonly _writeLane = 1;
  /** @internal */ readonly _type = "SocketIO";

  constructor(sock: SocketBase<A>, mode: string) {
    super(sock);
    this._sock = sock;
    this._mode = mode.includes("b") ? mode : mode + "b";
    this._reading = mode.includes("r");
    this._writing = mode.includes("w");
  }

  get closed(): boolean {
    return this._closedFlag;
  }

  get mode(): string {
    return this._mode;
  }

  get name(): number {
    return this._closedFlag ? -1 : this.fileno();
  }

  fileno(): number {
    pyMethod("SocketIO.fileno", [], arguments.length);
    this._checkClosed();
    return this._sock!.fileno();
  }

  readable(): boolean {
    pyMethod("SocketIO.readable", [], arguments.length);
    if (this._closedFlag) throw new ValueError("I/O operation on closed socket.");
    return this._reading;
  }

  writable(): boolean {
    pyMethod("SocketIO.writable", [], arguments.length);
    if (this._closedFlag) throw new ValueError("I/O operation on closed socket.");
    return this._writing;
  }

  seekable(): boolean {
    pyMethod("SocketIO.seekable", [], arguments.length);
    if (this._closedFlag) throw new ValueError("I/O operation on closed socket.");
    return false;
  }

  isatty(): boolean {
    noArgs("SocketIO.isatty", arguments.length);
    this._checkClosed();
    return false;
  }

  /** readinto(b): one recv_into; None when a non-blocking socket has nothing. */
  readinto(b: Uint8Array): Ret<A, number | null> {
    pyMethod("SocketIO.readinto", ["b"], arguments.length);
    return this._run(0, () => this._readintoOp(b));
  }

  /** @internal */ *_readintoOp(b: unknown): Op<number | null> {
    this._checkClosed();
    if (!this.readable()) throw new UnsupportedOperation("File or stream is not readable.");
    if (this._timeout_occurred) throw new OSError("cannot read from timed out object");
    try {
      return (yield* this._sock!._recvInto("recv_into", 1, b, 0, 0)) as number;
    } catch (err) {
      if (err instanceof TimeoutError) {
        this._timeout_occurred = true;
        throw err;
      }
      if (err instanceof OSError && err.errno === EAGAIN) return null;
      throw err;
    }
  }

  /** RawIOBase.read(size=-1): readall() for a negative size, else one readinto. */
  read(size?: number | null): Ret<A, Uint8Array | null> {
    atMostOne("read", arguments.length);
    const n = sizeOrNone(size);
    return this._run(0, () => this._readOp(n));
  }

  /** @internal */ *_readOp(n: number): Op<Uint8Array | null> {
    if (n < 0) return yield* this._readallOp();
    const b = new Uint8Array(n);
    const got = yield* this._readintoOp(b);
    return got === null ? null : b.slice(0, got);
  }

  /** RawIOBase.readall(): read(DEFAULT_BUFFER_SIZE) until EOF, or until it would block. */
  readall(): Ret<A, Uint8Array | null> {
    noArgs("SocketIO.readall", arguments.length);
    return this._run(0, () => this._readallOp());
  }

  /** @internal */ *_readallOp(): Op<Uint8Array | null> {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const data = yield* this._readOp(DEFAULT_BUFFER_SIZE);
      if (data === null) {
        if (chunks.length === 0) return null;
        break;
      }
      if (data.length === 0) break;
      chunks.push(data);
    }
    return concat(chunks.length ? chunks : [new Uint8Array(0)]);
  }

  /** IOBase.readline(size=-1): no peek here, so one byte per read. */
  readline(size?: number | null): Ret<A, Uint8Array> {
    atMostOne("readline", arguments.length);
    const limit = sizeOrNone(size);
    return this._run(0, () => ioReadline(limit, null, (n) => this._readOp(n)));
  }

  /** @internal */ *_nextOp(): Op<Uint8Array | null> {
    const line = yield* ioReadline(-1, null, (n) => this._readOp(n));
    return line.length ? line : null;
  }

  /** write(b): one send; None when a non-blocking socket's buffer is full. */
  write(b: Uint8Array): Ret<A, number | null> {
    pyMethod("SocketIO.write", ["b"], arguments.length);
    return this._run(1, () => this._writeOp(b));
  }

  /** @internal */ *_writeOp(b: unknown): Op<number | null> {
    this._checkClosed();
    if (!this.writable()) throw new UnsupportedOperation("File or stream is not writable.");
    try {
      return yield* this._sock!._send(1, b, 0);
    } catch (err) {
      if (err instanceof OSError && err.errno === EAGAIN) return null;
      throw err;
    }
  }

  /** @internal */ _writeAnyOp(line: unknown): Op<number | null> {
    return this._writeOp(line);
  }

  flush(): Ret<A, null> {
    noArgs("SocketIO.flush", arguments.length);
    return this._run(this._closeLane(), () => none(this._flushOp()));
  }

  /** @internal IOBase.flush: only checks that the file is open. */
  *_flushOp(): Op<void> {
    this._checkClosed();
  }

  close(): Ret<A, null> {
    pyMethod("SocketIO.close", [], arguments.length);
    return this._run(this._closeLane(), () => none(this._closeOp()));
  }

  /** @internal */ *_closeOp(): Op<void> {
    this._closeNow();
  }

  /** @internal SocketIO.close: the socket's descriptor closes with its last holder. */
  _closeNow(): void {
    if (this._closedFlag) return;
    this._closedFlag = true;
    this._sock!._decref_socketios();
    this._sock = null;
  }

  /** @internal */ _closeLane(): Lane {
    return this._writing ? 1 : 0;
  }
}

/**
 * IOBase.readline (iobase.c) for streams without a readline of their own: peek(1) for how far
 * the line goes, then read() that much, until a newline, the limit or EOF.
 */
function* ioReadline(
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
interface TextBuffer<A extends boolean> extends FileBase<A, Uint8Array> {
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

/**
 * What bufferedio.c's `buffered` gives both one-way classes: the raw stream, the buffer (freed
 * on close, then the object counts as closed), the queries passed on to the raw stream, and
 * buffered_close. Each class runs everything in its one lane.
 */
abstract class Buffered<A extends boolean> extends FileBase<A, Uint8Array> {
  /** @internal */ readonly _raw: SocketIO<A>;
  protected readonly size: number;
  protected buf: Uint8Array | null;
  protected pos = 0;
  /** Which way this class goes: the other way's readable()/writable() is false. */
  protected abstract readonly reads: boolean;

  constructor(raw: SocketIO<A>, bufferSize: number) {
    super(raw._owner);
    this._raw = raw;
    this.size = bufferSize;
    this.buf = new Uint8Array(bufferSize);
  }

  /** @internal */ abstract _flushOp(): Op<void>;

  get raw(): SocketIO<A> {
    return this._raw;
  }

  /** buffered_repr: `<_io.BufferedReader name=3>` (-1 once closed). */
  toString(): string {
    return `<_io.${this._type} name=${pyRepr(this.name)}>`;
  }

  get closed(): boolean {
    return this._raw.closed;
  }

  get name(): number {
    return this._raw.name;
  }

  get mode(): string {
    return this._raw.mode;
  }

  fileno(): number {
    noArgs(`${this._type}.fileno`, arguments.length);
    return this._raw.fileno();
  }

  readable(): boolean {
    noArgs(`${this._type}.readable`, arguments.length);
    return this.reads && this._raw.readable();
  }

  writable(): boolean {
    noArgs(`${this._type}.writable`, arguments.length);
    return !this.reads && this._raw.writable();
  }

  seekable(): boolean {
    noArgs(`${this._type}.seekable`, arguments.length);
    return this._raw.seekable();
  }

  isatty(): boolean {
    noArgs(`${this._type}.isatty`, arguments.length);
    return this._raw.isatty();
  }

  flush(): Ret<A, null> {
    noArgs(`${this._type}.flush`, arguments.length);
    return this._run(this._writeLane, () => none(this._flushOp()));
  }

  close(): Ret<A, null> {
    noArgs(`${this._type}.close`, arguments.length);
    return this._run(this._writeLane, () => none(this._closeOp()));
  }

  /** @internal buffered_close: flush, close the raw stream, free the buffer; the flush's error
   * is raised unless closing raised its own. */
  *_closeOp(): Op<void> {
    if (this._raw.closed) return;
    let flushError: unknown = null;
    try {
      yield* this._flushOp();
    } catch (err) {
      flushError = err;
    }
    this._raw._closeNow();
    this.freeBuffer();
    if (flushError) throw flushError;
  }

  protected freeBuffer(): void {
    this.buf = null;
  }
}

/** io.BufferedReader over SocketIO (bufferedio.c, for a raw stream that cannot seek). */
export class BufferedReader<A extends boolean> extends Buffered<A> implements TextBuffer<A> {
  /** @internal */ readonly _readLane = 0;
  /** @internal */ readonly _writeLane = 0;
  /** @internal */ readonly _type: string = "BufferedReader";
  protected readonly reads = true;
  /** Just after the last buffered byte, or -1 when the buffer holds nothing to read. */
  private readEnd = -1;

  private readahead(): number {
    return this.readEnd !== -1 ? this.readEnd - this.pos : 0;
  }

  /** CHECK_CLOSED: closed, and nothing left in the buffer. */
  private checkClosed(msg: string): void {
    if ((this.buf === null || this._raw.closed) && this.readahead() === 0) throw new ValueError(msg);
  }

  /** _bufferedreader_raw_read: -2 stands for None (a non-blocking raw stream would block). */
  private *rawRead(into: Uint8Array, start: number, len: number): Op<number> {
    const n = yield* this._raw._readintoOp(into.subarray(start, start + len));
    return n === null ? -2 : n;
  }

  private *fillBuffer(): Op<number> {
    const start = this.readEnd !== -1 ? this.readEnd : 0;
    const n = yield* this.rawRead(this.buf!, start, this.size - start);
    if (n <= 0) return n;
    this.readEnd = start + n;
    return n;
  }

  private take(n: number): Uint8Array {
    const out = this.buf!.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** read(size=-1): up to size bytes, several raw reads if need be; all until EOF if negative. */
  read(size?: number | null): Ret<A, Uint8Array | null> {
    atMostOne("read", arguments.length);
    const n = sizeOrNone(size);
    if (n < -1) throw new ValueError("read length must be non-negative or -1");
    return this._run(0, () => this._readOp(n));
  }

  /** @internal */ *_readOp(n: number): Op<Uint8Array | null> {
    this.checkClosed("read of closed file");
    if (n === -1) return yield* this.readAll();
    if (n <= this.readahead()) return this.take(n);
    return yield* this.readGeneric(n);
  }

  private *readAll(): Op<Uint8Array | null> {
    const current = this.readahead();
    const data = current ? this.take(current) : null;
    this.readEnd = -1;
    const rest = yield* this._raw._readallOp();
    if (data === null) return rest;
    return rest === null ? data : concat([data, rest]);
  }

  /** _bufferedreader_read_generic: whole blocks straight into the result, the tail through the
   * buffer, and no further raw read once the request is satisfied (a socket could block). */
  private *readGeneric(n: number): Op<Uint8Array | null> {
    const out = new Uint8Array(n);
    const current = this.readahead();
    let remaining = n;
    let written = 0;
    if (current > 0) {
      out.set(this.take(current));
      remaining -= current;
      written += current;
    }
    this.readEnd = -1;
    while (remaining > 0) {
      let r = this.size * Math.floor(remaining / this.size);
      if (r === 0) break;
      r = yield* this.rawRead(out, written, r);
      if (r === 0 || r === -2) return r === 0 || written > 0 ? out.slice(0, written) : null;
      remaining -= r;
      written += r;
    }
    this.pos = 0;
    this.readEnd = 0;
    while (remaining > 0 && this.readEnd < this.size) {
      const r = yield* this.fillBuffer();
      if (r === 0 || r === -2) return r === 0 || written > 0 ? out.slice(0, written) : null;
      const k = Math.min(r, remaining);
      out.set(this.take(k), written);
      written += k;
      remaining -= k;
    }
    return out;
  }

  /** read1(size=-1): buffered bytes if any, else at most one raw read. */
  read1(size?: number): Ret<A, Uint8Array> {
    atMostOne("read1", arguments.length);
    const n = size === undefined ? -1 : ssize(size);
    return this._run(0, () => this._read1Op(n));
  }

  /** @internal */ *_read1Op(n: number): Op<Uint8Array> {
    if (n < 0) n = this.size;
    this.checkClosed("read of closed file");
    if (n === 0) return new Uint8Array(0);
    const have = this.readahead();
    if (have > 0) return this.take(Math.min(have, n));
    const res = new Uint8Array(n);
    this.readEnd = -1;
    let r = yield* this.rawRead(res, 0, n);
    if (r === -2) r = 0;
    return r < n ? res.slice(0, r) : res;
  }

  /** peek(size=0): the buffered bytes, filling the buffer with one raw read if it is empty. */
  peek(size?: number): Ret<A, Uint8Array> {
    atMostOne("peek", arguments.length);
    if (size !== undefined) ssize(size);
    return this._run(0, () => this._peekOp());
  }

  /** @internal */ *_peekOp(): Op<Uint8Array> {
    this.checkClosed("peek of closed file");
    const have = this.readahead();
    if (have > 0) return this.buf!.slice(this.pos, this.pos + have);
    this.readEnd = -1;
    let r = yield* this.fillBuffer();
    if (r === -2) r = 0;
    this.pos = 0;
    return this.buf!.slice(0, r);
  }

  readinto(b: Uint8Array): Ret<A, number | null> {
    exactlyOne(`${this._type}.readinto`, arguments.length);
    const buf = rwBuffer("readinto()", b);
    return this._run(0, () => this._readintoOp(buf, false));
  }

  readinto1(b: Uint8Array): Ret<A, number | null> {
    exactlyOne(`${this._type}.readinto1`, arguments.length);
    const buf = rwBuffer("readinto1()", b);
    return this._run(0, () => this._readintoOp(buf, true));
  }

  /** @internal _buffered_readinto_generic: readinto1 makes at most one raw read. */
  *_readintoOp(b: Uint8Array, one: boolean): Op<number | null> {
    this.checkClosed("readinto of closed file");
    let written = 0;
    let n = this.readahead();
    if (n > 0) {
      if (n >= b.length) {
        b.set(this.take(b.length));
        return b.length;
      }
      b.set(this.take(n));
      written = n;
    }
    this.readEnd = -1;
    this.pos = 0;
    for (let remaining = b.length - written; remaining > 0; written += n, remaining -= n) {
      if (remaining > this.size) {
        n = yield* this.rawRead(b, written, remaining);
      } else if (!(one && written)) {
        n = yield* this.fillBuffer();
        if (n > 0) {
          if (n > remaining) n = remaining;
          b.set(this.take(n), written);
          continue;
        }
      } else {
        n = 0;
      }
      if (n === 0 || (n === -2 && written > 0)) break;
      if (n === -2) return null;
      if (one) {
        written += n;
        break;
      }
    }
    return written;
  }

  /** readline(size=-1). */
  readline(size?: number | null): Ret<A, Uint8Array> {
    atMostOne("readline", arguments.length);
    const limit = sizeOrNone(size);
    return this._run(0, () => this._readlineOp(limit));
  }

  /** @internal _buffered_readline: the buffer first, then one buffer-full at a time. */
  *_readlineOp(limit: number): Op<Uint8Array> {
    this.checkClosed("readline of closed file");
    let n = this.readahead();
    if (limit >= 0 && n > limit) n = limit;
    const nl = n > 0 ? this.buf!.subarray(this.pos, this.pos + n).indexOf(LF) : -1;
    if (nl >= 0) return this.take(nl + 1);
    if (n === limit) return this.take(n);
    const chunks: Uint8Array[] = [];
    if (n > 0) {
      chunks.push(this.take(n));
      if (limit >= 0) limit -= n;
    }
    for (;;) {
      this.readEnd = -1;
      n = yield* this.fillBuffer();
      if (n <= 0) break;
      if (limit >= 0 && n > limit) n = limit;
      this.pos = 0;
      const at = this.buf!.subarray(0, n).indexOf(LF);
      if (at >= 0) {
        chunks.push(this.take(at + 1));
        break;
      }
      if (n === limit) {
        chunks.push(this.take(n));
        break;
      }
      chunks.push(this.buf!.slice(0, n));
      if (limit >= 0) limit -= n;
    }
    return concat(chunks.length ? chunks : [new Uint8Array(0)]);
  }

  /** @internal buffered_iternext. */
  *_nextOp(): Op<Uint8Array | null> {
    const line = yield* this._readlineOp(-1);
    return line.length ? line : null;
  }

  /** write(): _BufferedIOBase's, which is unsupported here. */
  write(..._args: unknown[]): Ret<A, number> {
    return this._run(0, () => this._writeAnyOp());
  }

  /** @internal */ *_writeAnyOp(): Op<never> {
    throw new UnsupportedOperation("write");
  }

  /** @internal */ _writeOp(): Op<never> {
    return this._writeAnyOp();
  }

  /** @internal buffered_simple_flush: the raw stream's flush. */
  *_flushOp(): Op<void> {
    yield* this._raw._flushOp();
  }

  protected freeBuffer(): void {
    super.freeBuffer();
    this.readEnd = 0;
    this.pos = 0;
  }
}

/** io.BufferedWriter over SocketIO (bufferedio.c; the raw stream never seeks, so the buffer
 * only ever holds bytes not yet written). */
export class BufferedWriter<A extends boolean> extends Buffered<A> implements TextBuffer<A> {
  /** @internal */ readonly _readLane = 1;
  /** @internal */ readonly _writeLane = 1;
  /** @internal */ readonly _type: string = "BufferedWriter";
  protected readonly reads = false;
  /** Bytes [writePos, writeEnd) wait to be written; writeEnd is -1 when none do. */
  private writePos = 0;
  private writeEnd = -1;

  private isClosed(): boolean {
    return this.buf === null || this._raw.closed;
  }

  /** -2 stands for None: a non-blocking socket took nothing. */
  private *rawWrite(b: Uint8Array): Op<number> {
    const n = yield* this._raw._writeOp(b);
    return n === null ? -2 : n;
  }

  /** _bufferedwriter_flush_unlocked. */
  private *flushUnlocked(): Op<void> {
    if (this.writeEnd !== -1) {
      while (this.writePos < this.writeEnd) {
        const n = yield* this.rawWrite(this.buf!.subarray(this.writePos, this.writeEnd));
        if (n === -2) throw blockingError(0);
        this.writePos += n;
      }
    }
    this.writePos = 0;
    this.writeEnd = -1;
  }

  write(b: Uint8Array): Ret<A, number> {
    exactlyOne("BufferedWriter.write", arguments.length);
    const data = bytesLike(b);
    return this._run(1, () => this._writeOp(data));
  }

  /** @internal BufferedWriter.write: buffer what fits; otherwise flush, write whole buffers
   * straight through and keep the rest. */
  *_writeOp(b: Uint8Array): Op<number> {
    if (this.isClosed()) throw new ValueError("write to closed file");
    const buf = this.buf!;
    if (this.writeEnd === -1) this.pos = 0;
    let avail = this.size - this.pos;
    if (b.length <= avail) {
      buf.set(b, this.pos);
      if (this.writeEnd === -1 || this.writePos > this.pos) this.writePos = this.pos;
      this.pos += b.length;
      if (this.pos > this.writeEnd) this.writeEnd = this.pos;
      return b.length;
    }
    try {
      yield* this.flushUnlocked();
    } catch (err) {
      if (!(err instanceof BlockingIOError)) throw err;
      // Make room by shifting out what was written, then buffer as much as fits.
      buf.copyWithin(0, this.writePos, this.writeEnd);
      this.writeEnd -= this.writePos;
      this.pos -= this.writePos;
      this.writePos = 0;
      avail = this.size - this.writeEnd;
      if (b.length <= avail) {
        buf.set(b, this.writeEnd);
        this.writeEnd += b.length;
        this.pos += b.length;
        return b.length;
      }
      buf.set(b.subarray(0, avail), this.writeEnd);
      this.writeEnd += avail;
      this.pos += avail;
      throw blockingError(avail);
    }
    let remaining = b.length;
    let written = 0;
    while (remaining > this.size) {
      const n = yield* this.rawWrite(b.subarray(written));
      if (n === -2) {
        buf.set(b.subarray(written, written + this.size));
        this.pos = this.size;
        this.writeEnd = this.size;
        throw blockingError(written + this.size);
      }
      written += n;
      remaining -= n;
    }
    buf.set(b.subarray(written, written + remaining));
    this.writePos = 0;
    this.writeEnd = remaining;
    this.pos = remaining;
    return b.length;
  }

  /** @internal */ *_writeAnyOp(line: unknown): Op<number> {
    return yield* this._writeOp(bytesLike(line));
  }

  /** @internal buffered_flush. */
  *_flushOp(): Op<void> {
    if (this.isClosed()) throw new ValueError("flush of closed file");
    yield* this.flushUnlocked();
  }

  // What _BufferedIOBase and IOBase give a stream that cannot read.

  read(..._args: unknown[]): Ret<A, Uint8Array> {
    return this._run(1, () => this._readOp());
  }

  /** @internal */ *_readOp(): Op<never> {
    throw new UnsupportedOperation("read");
  }

  read1(..._args: unknown[]): Ret<A, Uint8Array> {
    return this._run(1, () => this._read1Op());
  }

  /** @internal */ *_read1Op(): Op<never> {
    throw new UnsupportedOperation("read1");
  }

  readinto(b: Uint8Array): Ret<A, number> {
    exactlyOne(`${this._type}.readinto`, arguments.length);
    rwBuffer("readinto()", b);
    return this._run(1, () => this._readOp());
  }

  readinto1(b: Uint8Array): Ret<A, number> {
    exactlyOne(`${this._type}.readinto1`, arguments.length);
    rwBuffer("readinto1()", b);
    return this._run(1, () => this._read1Op());
  }

  readline(size?: number | null): Ret<A, Uint8Array> {
    atMostOne("readline", arguments.length);
    sizeOrNone(size);
    return this._run(1, () => this._readOp());
  }

  /** @internal */ *_nextOp(): Op<Uint8Array | null> {
    return yield* this._readOp();
  }
}

/** io.BufferedRWPair: a BufferedReader and a BufferedWriter over the same SocketIO. */
export class BufferedRWPair<A extends boolean> extends FileBase<A, Uint8Array> implements TextBuffer<A> {
  /** @internal */ readonly _reader: BufferedReader<A>;
  /** @internal */ readonly _writer: BufferedWriter<A>;
  /** @internal */ readonly _readLane = 0;
  /** @internal */ readonly _writeLane = 1;
  /** @internal */ readonly _type = "BufferedRWPair";

  constructor(raw: SocketIO<A>, bufferSize: number) {
    super(raw._owner);
    this._reader = new BufferedReader(raw, bufferSize);
    this._writer = new BufferedWriter(raw, bufferSize);
  }

  get closed(): boolean {
    return this._writer.closed;
  }

  readable(): boolean {
    noArgs("BufferedRWPair.readable", arguments.length);
    return this._reader.readable();
  }

  writable(): boolean {
    noArgs("BufferedRWPair.writable", arguments.length);
    return this._writer.writable();
  }

  seekable(): boolean {
    noArgs("BufferedRWPair.seekable", arguments.length);
    return false;
  }

  isatty(): boolean {
    noArgs("BufferedRWPair.isatty", arguments.length);
    return this._writer.isatty() || this._reader.isatty();
  }

  fileno(): number {
    noArgs("BufferedRWPair.fileno", arguments.length);
    throw new UnsupportedOperation("fileno");
  }

  read(size?: number | null): Ret<A, Uint8Array | null> {
    atMostOne("read", arguments.length);
    const n = sizeOrNone(size);
    if (n < -1) throw new ValueError("read length must be non-negative or -1");
    return this._run(0, () => this._readOp(n));
  }

  /** @internal */ _readOp(n: number): Op<Uint8Array | null> {
    return this._reader._readOp(n);
  }

  read1(size?: number): Ret<A, Uint8Array> {
    atMostOne("read1", arguments.length);
    const n = size === undefined ? -1 : ssize(size);
    return this._run(0, () => this._read1Op(n));
  }

  /** @internal */ _read1Op(n: number): Op<Uint8Array> {
    return this._reader._read1Op(n);
  }

  peek(size?: number): Ret<A, Uint8Array> {
    atMostOne("peek", arguments.length);
    if (size !== undefined) ssize(size);
    return this._run(0, () => this._reader._peekOp());
  }

  readinto(b: Uint8Array): Ret<A, number | null> {
    exactlyOne("BufferedReader.readinto", arguments.length);
    const buf = rwBuffer("readinto()", b);
    return this._run(0, () => this._reader._readintoOp(buf, false));
  }

  readinto1(b: Uint8Array): Ret<A, number | null> {
    exactlyOne("BufferedReader.readinto1", arguments.length);
    const buf = rwBuffer("readinto1()", b);
    return this._run(0, () => this._reader._readintoOp(buf, true));
  }

  /** IOBase.readline over the reader's peek and read. */
  readline(size?: number | null): Ret<A, Uint8Array> {
    atMostOne("readline", arguments.length);
    const limit = sizeOrNone(size);
    return this._run(0, () => this._readlineOp(limit));
  }

  private _readlineOp(limit: number): Op<Uint8Array> {
    return ioReadline(limit, () => this._reader._peekOp(), (n) => this._reader._readOp(n));
  }

  /** @internal */ *_nextOp(): Op<Uint8Array | null> {
    const line = yield* this._readlineOp(-1);
    return line.length ? line : null;
  }

  write(b: Uint8Array): Ret<A, number> {
    exactlyOne("BufferedWriter.write", arguments.length);
    const data = bytesLike(b);
    return this._run(1, () => this._writeOp(data));
  }

  /** @internal */ _writeOp(b: Uint8Array): Op<number> {
    return this._writer._writeOp(b);
  }

  /** @internal */ _writeAnyOp(line: unknown): Op<number> {
    return this._writer._writeAnyOp(line);
  }

  flush(): Ret<A, null> {
    noArgs("BufferedRWPair.flush", arguments.length);
    return this._run(1, () => none(this._flushOp()));
  }

  /** @internal */ _flushOp(): Op<void> {
    return this._writer._flushOp();
  }

  close(): Ret<A, null> {
    noArgs("BufferedRWPair.close", arguments.length);
    return this._run(1, () => none(this._closeOp()));
  }

  /** @internal bufferedrwpair_close: the writer, then the reader; the writer's error wins. */
  *_closeOp(): Op<void> {
    let writerError: unknown = null;
    try {
      yield* this._writer._closeOp();
    } catch (err) {
      writerError = err;
    }
    yield* this._reader._closeOp();
    if (writerError) throw writerError;
  }
}

// Codecs: utf-8, ascii and latin-1, with Python's error handlers.

type CodecName = "utf-8" | "ascii" | "latin-1";

/** The modules of the encodings package that pysocket has, and encodings.aliases' names for them. */
const MODULES = new Map<string, CodecName>([["utf_8", "utf-8"], ["ascii", "ascii"], ["latin_1", "latin-1"]]);
const ALIASES = new Map<string, CodecName>();
for (const [codec, names] of [
  ["utf-8", "cp65001 u8 utf utf8 utf8_ucs2 utf8_ucs4"],
  ["ascii", "646 ansi_x3.4_1968 ansi_x3.4_1986 ansi_x3_4_1968 cp367 csascii ibm367 iso646_us iso_646.irv_1991 iso_ir_6 us us_ascii"],
  ["latin-1", "8859 cp819 csisolatin1 ibm819 iso8859 iso8859_1 iso_8859_1 iso_8859_1_1987 iso_ir_100 l1 latin latin1"],
] as const) {
  for (const name of names.split(" ")) ALIASES.set(name, codec);
}

/** codecs.lookup for the codecs pysocket has: _Py_normalize_encoding (ASCII letters and digits
 * and '.' kept, lowercased, any other run a single '_'), then encodings.search_function: the
 * alias table, where a '.' may also stand for '_', else a module of that very name. */
function lookupCodec(encoding: string): CodecName {
  let norm = "";
  let punct = false;
  for (const ch of encoding) {
    if (/^[A-Za-z0-9.]$/.test(ch)) {
      if (punct && norm) norm += "_";
      punct = false;
      norm += ch.toLowerCase();
    } else {
      punct = true;
    }
  }
  const codec = ALIASES.get(norm) ?? ALIASES.get(norm.replace(/\./g, "_")) ?? MODULES.get(norm);
  if (!codec) throw new LookupError(`unknown encoding: ${encoding}`);
  return codec;
}

const KNOWN_HANDLERS = new Set([
  "strict", "ignore", "replace", "backslashreplace", "surrogateescape", "surrogatepass",
  "xmlcharrefreplace",
]);

function checkHandler(errors: string): void {
  if (!KNOWN_HANDLERS.has(errors)) throw new LookupError(`unknown error handler name '${errors}'`);
}

function hexEscape(c: number): string {
  if (c < 0x100) return "\\x" + c.toString(16).padStart(2, "0");
  if (c < 0x10000) return "\\u" + c.toString(16).padStart(4, "0");
  return "\\U" + c.toString(16).padStart(8, "0");
}

const utf8Text = new TextDecoder("utf-8", { ignoreBOM: true });

function latin1Text(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/**
 * One decode call of a codec (the C decoders with their error handler fast paths). A handler
 * without a fast path (surrogatepass here) gets an exception object that later errors of the same
 * call reuse, so a later strict failure shows its own position in str() but the first error's
 * args, as CPython's does.
 */
function decodeBytes(codec: CodecName, errors: string, data: Uint8Array, final: boolean): [string, number] {
  let out = "";
  let runStart = 0;
  let firstArgs: unknown[] | null = null;
  const text = (to: number) => {
    if (to > runStart) out += codec === "utf-8" ? utf8Text.decode(data.subarray(runStart, to)) : latin1Text(data.subarray(runStart, to));
  };
  /** The error handler for data[start:end); returns where decoding resumes. */
  const fail = (start: number, end: number, reason: string): number => {
    text(start);
    const raise = (): never => {
      const exc = new UnicodeDecodeError(codec, data, start, end, reason);
      if (firstArgs) (exc as unknown as { args: unknown[] }).args = firstArgs;
      throw exc;
    };
    switch (errors) {
      case "strict": return raise();
      case "ignore": break;
      case "replace": out += "\ufffd"; break;
      case "backslashreplace":
        for (let k = start; k < end; k++) out += hexEscape(data[k]);
        break;
      case "surrogateescape":
        for (let k = start; k < end; k++) out += String.fromCharCode(0xdc00 + data[k]);
        break;
      case "surrogatepass": {
        firstArgs ??= [codec, data, start, end, reason];
        const [b0, b1, b2] = [data[start], data[start + 1], data[start + 2]];
        const c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
        if (codec !== "utf-8" || start + 3 > data.length || (b0 & 0xf0) !== 0xe0 || (b1 & 0xc0) !== 0x80
          || (b2 & 0xc0) !== 0x80 || c < 0xd800 || c > 0xdfff) raise();
        out += String.fromCharCode(c);
        runStart = start + 3;
        return start + 3;
      }
      case "xmlcharrefreplace":
        throw new TypeError("don't know how to handle UnicodeDecodeError in error callback");
      default: checkHandler(errors);
    }
    runStart = end;
    return end;
  };
  let i = 0;
  const n = data.length;
  if (codec === "latin-1") return [latin1Text(data), n];
  if (codec === "ascii") {
    while (i < n) {
      if (data[i] < 0x80) i++;
      else i = fail(i, i + 1, "ordinal not in range(128)");
    }
    text(n);
    return [out, n];
  }
  // UTF-8, reporting each maximal invalid subpart as Objects/stringlib/codecs.h does.
  while (i < n) {
    const b = data[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else {
      i = fail(i, i + 1, "invalid start byte");
      continue;
    }
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const c = data[i + k];
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) break;
    }
    if (k > need) i += k;
    else if (i + k < n) i = fail(i, i + k, "invalid continuation byte");
    else if (!final) {
      // An incomplete sequence at the end waits for the next chunk.
      text(i);
      return [out, i];
    } else i = fail(i, n, "unexpected end of data");
  }
  text(n);
  return [out, n];
}

/** One encode call: the C encoders' runs of unencodable characters and error handlers. */
function encodeText(codec: CodecName, errors: string, text: string): Uint8Array {
  if (/^[\x00-\x7f]*$/.test(text)) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  const limit = codec === "ascii" ? 0x80 : codec === "latin-1" ? 0x100 : 0;
  const bad = (c: number) => (limit ? c >= limit : c >= 0xd800 && c <= 0xdfff);
  const reason = codec === "utf-8" ? "surrogates not allowed" : `ordinal not in range(${limit})`;
  const bytes: number[] = [];
  const put = (c: number) => {
    if (c < 0x80 || codec !== "utf-8") bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  };
  const ascii = (s: string) => {
    for (let k = 0; k < s.length; k++) bytes.push(s.charCodeAt(k));
  };
  for (let i = 0; i < cps.length;) {
    if (!bad(cps[i])) {
      put(cps[i++]);
      continue;
    }
    let end = i + 1;
    while (end < cps.length && bad(cps[end])) end++;
    const raise = (from: number): never => {
      throw new UnicodeEncodeError(codec, text, from, end, reason);
    };
    switch (errors) {
      case "strict": raise(i); break;
      case "ignore": break;
      case "replace": ascii("?".repeat(end - i)); break;
      case "backslashreplace":
        for (let k = i; k < end; k++) ascii(hexEscape(cps[k]));
        break;
      case "xmlcharrefreplace":
        for (let k = i; k < end; k++) ascii(`&#${cps[k]};`);
        break;
      case "surrogateescape": {
        let k = i;
        for (; k < end && cps[k] >= 0xdc80 && cps[k] <= 0xdcff; k++) bytes.push(cps[k] - 0xdc00);
        if (k < end) raise(k);
        break;
      }
      case "surrogatepass":
        if (codec !== "utf-8") raise(i);
        for (let k = i; k < end; k++) put(cps[k]);
        break;
      default: checkHandler(errors);
    }
    i = end;
  }
  return Uint8Array.from(bytes);
}

/** An incremental decoder: utf-8's keeps an incomplete sequence for the next call
 * (codecs.BufferedIncrementalDecoder); ascii's and latin-1's keep nothing. */
class Decoder {
  private pending = new Uint8Array(0);

  constructor(readonly codec: CodecName, readonly errors: string) {}

  decode(input: Uint8Array | null, final: boolean): string {
    if (input === null) {
      throw new TypeError(this.codec === "utf-8" ? "can't concat NoneType to bytes" : "a bytes-like object is required, not 'NoneType'");
    }
    const data = this.pending.length ? concat([this.pending, input]) : input;
    const [text, consumed] = decodeBytes(this.codec, this.errors, data, final);
    this.pending = data.slice(consumed);
    return text;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }
}

const SEEN_CR = 1;
const SEEN_LF = 2;
const SEEN_CRLF = 4;
const SEEN_ALL = SEEN_CR | SEEN_LF | SEEN_CRLF;
const NEWLINES: Record<number, string | string[]> = {
  [SEEN_CR]: "\r", [SEEN_LF]: "\n", [SEEN_CRLF]: "\r\n", [SEEN_CR | SEEN_LF]: ["\r", "\n"],
  [SEEN_CR | SEEN_CRLF]: ["\r", "\r\n"], [SEEN_LF | SEEN_CRLF]: ["\n", "\r\n"],
  [SEEN_ALL]: ["\r", "\n", "\r\n"],
};

/** textio.c's IncrementalNewlineDecoder: holds back a final '\r' until the next call so that a
 * "\r\n" is never split, records the newlines seen, and translates them when asked. */
class NewlineDecoder {
  private pendingcr = false;
  private seennl = 0;

  constructor(readonly decoder: Decoder, readonly translate: boolean) {}

  get newlines(): string | string[] | null {
    return NEWLINES[this.seennl] ?? null;
  }

  decode(input: Uint8Array | null, final: boolean): string {
    let output = this.decoder.decode(input, final);
    if (this.pendingcr && (final || output.length > 0)) {
      output = "\r" + output;
      this.pendingcr = false;
    }
    if (!final && output.length > 0 && output.charCodeAt(output.length - 1) === CR) {
      output = output.slice(0, -1);
      this.pendingcr = true;
    }
    if (output.length === 0) return output;
    let seennl = this.seennl;
    if ((seennl === SEEN_LF || seennl === 0) && !output.includes("\r")) {
      if (seennl === 0 && output.includes("\n")) seennl |= SEEN_LF;
    } else if (!this.translate) {
      for (let i = 0; i < output.length && seennl !== SEEN_ALL; i++) {
        const c = output.charCodeAt(i);
        if (c === LF) seennl |= SEEN_LF;
        else if (c === CR) {
          if (output.charCodeAt(i + 1) === LF) {
            seennl |= SEEN_CRLF;
            i++;
          } else seennl |= SEEN_CR;
        }
      }
    } else {
      output = output.replace(/\r\n?|\n/g, (nl) => {
        seennl |= nl === "\n" ? SEEN_LF : nl === "\r" ? SEEN_CR : SEEN_CRLF;
        return "\n";
      });
    }
    this.seennl |= seennl;
    return output;
  }

  reset(): void {
    this.seennl = 0;
    this.pendingcr = false;
    this.decoder.reset();
  }
}

/** io.TextIOWrapper over a buffered socket file (textio.c; the stream never seeks). */
export class TextIOWrapper<A extends boolean> extends FileBase<A, string> {
  /** @internal */ readonly _buffer: TextBuffer<A>;
  /** @internal */ readonly _readLane: Lane;
  /** @internal */ readonly _writeLane: Lane;
  /** @internal */ readonly _type = "TextIOWrapper";
  /** The mode given to makefile(), as socket.py sets it. */
  mode: unknown;
  readonly encoding: string;
  readonly errors: string;
  readonly line_buffering = false;
  readonly write_through = false;
  private readonly codec: CodecName;
  private readonly decoder: NewlineDecoder | Decoder | null;
  private readonly canWrite: boolean;
  private readonly readtranslate: boolean;
  private readonly readuniversal: boolean;
  private readonly readnl: string | null;
  /** What '\n' becomes on write, or null for no translation. */
  private readonly writenl: string | null;
  private decodedChars: string | null = null;
  /** UTF-16 index of the first decoded character not yet returned. */
  private decodedUsed = 0;
  private pending: Uint8Array[] = [];
  private pendingCount = 0;
  /** Bytes per character of the last chunk, to size the next read. */
  private b2cratio = 0;

  /** @internal Arguments already checked by makefile(), in TextIOWrapper.__init__'s order. */
  constructor(buffer: TextBuffer<A>, mode: unknown, encoding: string, errors: string, newline: string | null) {
    super(buffer._owner);
    this._buffer = buffer;
    this._readLane = buffer._readLane;
    this._writeLane = buffer._writeLane;
    this.mode = mode;
    this.encoding = encoding;
    this.errors = errors;
    this.codec = lookupCodec(encoding);
    this.readuniversal = newline === null || newline === "";
    this.readtranslate = newline === null;
    this.readnl = newline;
    this.writenl = !this.readuniversal && newline !== "\n" ? newline : null;
    const decoder = buffer.readable() ? new Decoder(this.codec, errors) : null;
    this.decoder = decoder && this.readuniversal ? new NewlineDecoder(decoder, this.readtranslate) : decoder;
    this.canWrite = buffer.writable();
  }

  get buffer(): TextBuffer<A> {
    return this._buffer;
  }

  get closed(): boolean {
    return this._buffer.closed;
  }

  /** The buffer's name; a BufferedRWPair has none (undefined, where Python raises AttributeError). */
  get name(): number | undefined {
    return this._buffer.name;
  }

  /** textiowrapper_repr: name and mode where there are, then the encoding. */
  toString(): string {
    const name = this.name === undefined ? "" : ` name=${pyRepr(this.name)}`;
    const mode = this.mode === undefined ? "" : ` mode=${pyRepr(this.mode)}`;
    return `<_io.TextIOWrapper${name}${mode} encoding=${pyRepr(this.encoding)}>`;
  }

  get newlines(): string | string[] | null {
    return this.decoder instanceof NewlineDecoder ? this.decoder.newlines : null;
  }

  fileno(): number {
    noArgs("TextIOWrapper.fileno", arguments.length);
    return this._buffer.fileno();
  }

  readable(): boolean {
    noArgs("TextIOWrapper.readable", arguments.length);
    return this._buffer.readable();
  }

  writable(): boolean {
    noArgs("TextIOWrapper.writable", arguments.length);
    return this._buffer.writable();
  }

  seekable(): boolean {
    noArgs("TextIOWrapper.seekable", arguments.length);
    return this._buffer.seekable();
  }

  isatty(): boolean {
    noArgs("TextIOWrapper.isatty", arguments.length);
    return this._buffer.isatty();
  }

  /** @internal A read first hands pending text to the buffer's writer: that part runs in the
   * write lane, so that it never overlaps a write still waiting there. */
  _runRead<T>(op: () => Op<T>): Ret<A, T> {
    if (this.pendingCount === 0 || this.decoder === null || this.closed) return this._run(this._readLane, op);
    const flushed = this._run(this._writeLane, () => this._writeflushOp());
    return (flushed instanceof Promise
      ? flushed.then(() => this._run(this._readLane, op))
      : this._run(this._readLane, op)) as Ret<A, T>;
  }

  private decode(input: Uint8Array | null, final: boolean): string {
    return this.decoder!.decode(input, final);
  }

  private setDecodedChars(chars: string | null): void {
    this.decodedChars = chars;
    this.decodedUsed = 0;
  }

  /** The next n characters (all for n < 0) of the decoded chunk. */
  private getDecodedChars(n: number): string {
    if (this.decodedChars === null) return "";
    const from = this.decodedUsed;
    const to = n < 0 ? this.decodedChars.length : cpAdvance(this.decodedChars, from, n);
    this.decodedUsed = to;
    return this.decodedChars.slice(from, to);
  }

  /** textiowrapper_read_chunk: read1 of a chunk and decode it; false at EOF. */
  private *readChunk(sizeHint: number): Op<boolean> {
    if (this.decoder === null) throw new UnsupportedOperation("not readable");
    if (sizeHint > 0) sizeHint = Math.trunc(Math.max(this.b2cratio, 1) * sizeHint);
    const input = yield* this._buffer._read1Op(Math.max(CHUNK_SIZE, sizeHint));
    const eof = input.length === 0;
    const decoded = this.decode(input, eof);
    this.setDecodedChars(decoded);
    const nchars = cpLen(decoded);
    this.b2cratio = nchars > 0 ? input.length / nchars : 0;
    return !eof || nchars > 0;
  }

  /** @internal _textiowrapper_writeflush: the pending bytes to the buffer, in one write. */
  *_writeflushOp(): Op<void> {
    if (this.pending.length === 0) return;
    const b = concat(this.pending);
    this.pending = [];
    this.pendingCount = 0;
    yield* this._buffer._writeOp(b);
  }

  /** read(size=-1): size characters, or everything until EOF. */
  read(size?: number | null): Ret<A, string> {
    atMostOne("read", arguments.length);
    const n = sizeOrNone(size);
    return this._runRead(() => this._readOp(n));
  }

  private *_readOp(n: number): Op<string> {
    this._checkClosed();
    if (this.decoder === null) throw new UnsupportedOperation("not readable");
    yield* this._writeflushOp();
    if (n < 0) {
      const bytes = yield* this._buffer._readOp(-1);
      const decoded = this.decode(bytes, true);
      const result = this.getDecodedChars(-1) + decoded;
      this.setDecodedChars(null);
      return result;
    }
    let result = this.getDecodedChars(n);
    let remaining = n - cpLen(result);
    const chunks: string[] = [];
    while (remaining > 0) {
      if (!(yield* this.readChunk(remaining))) break;
      if (result.length > 0) chunks.push(result);
      result = this.getDecodedChars(remaining);
      remaining -= cpLen(result);
    }
    if (chunks.length) {
      chunks.push(result);
      result = chunks.join("");
    }
    return result;
  }

  /** readline(size=-1). */
  readline(size?: number): Ret<A, string> {
    atMostOne("readline", arguments.length);
    const limit = size === undefined ? -1 : ssize(size);
    return this._runRead(() => this._readlineOp(limit));
  }

  /** Where the line ending at or after `start` ends, or -1 and how much can be put aside. */
  private findLineEnding(line: string, start: number): [number, number] {
    if (this.readtranslate) {
      const at = line.indexOf("\n", start);
      return at >= 0 ? [at + 1, 0] : [-1, line.length];
    }
    if (this.readuniversal) {
      for (let i = start; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === LF) return [i + 1, 0];
        if (c === CR) return [line.charCodeAt(i + 1) === LF ? i + 2 : i + 1, 0];
      }
      return [-1, line.length];
    }
    const nl = this.readnl!;
    const at = line.indexOf(nl, start);
    if (at >= 0) return [at + nl.length, 0];
    // A '\r' at the very end may begin a "\r\n" the next chunk completes.
    return [-1, nl.length === 2 && line.length > start && line.endsWith("\r") ? line.length - 1 : line.length];
  }

  /** @internal _textiowrapper_readline. */
  *_readlineOp(limit: number): Op<string> {
    this._checkClosed();
    yield* this._writeflushOp();
    const chunks: string[] = [];
    let chunked = 0;
    let remaining: string | null = null;
    let line: string | null = null;
    let start = 0;
    let endpos = 0;
    let offsetToBuffer = 0;
    for (;;) {
      let more = true;
      while (this.decodedChars === null || this.decodedChars.length === 0) {
        more = yield* this.readChunk(0);
        if (!more) break;
      }
      if (!more) {
        this.setDecodedChars(null);
        start = endpos = offsetToBuffer = 0;
        break;
      }
      if (remaining === null) {
        line = this.decodedChars!;
        start = this.decodedUsed;
        offsetToBuffer = 0;
      } else {
        line = remaining + this.decodedChars!;
        start = 0;
        offsetToBuffer = remaining.length;
        remaining = null;
      }
      const [found, consumed] = this.findLineEnding(line, start);
      if (found >= 0) {
        endpos = found;
        if (limit >= 0 && cpLen(line, start, endpos) + chunked >= limit) endpos = cpAdvance(line, start, limit - chunked);
        break;
      }
      endpos = consumed;
      if (limit >= 0 && cpLen(line, start, endpos) + chunked >= limit) {
        endpos = cpAdvance(line, start, limit - chunked);
        break;
      }
      if (endpos > start) {
        const s = line.slice(start, endpos);
        chunks.push(s);
        chunked += cpLen(s);
      }
      if (endpos < line.length) remaining = line.slice(endpos);
      line = null;
      this.setDecodedChars(null);
    }
    if (line !== null) {
      this.decodedUsed = endpos - offsetToBuffer;
      line = line.slice(start, endpos);
    }
    if (remaining !== null) chunks.push(remaining);
    if (chunks.length) {
      if (line !== null) chunks.push(line);
      line = chunks.join("");
    }
    return line ?? "";
  }

  /** @internal textiowrapper_iternext. */
  *_nextOp(): Op<string | null> {
    const line = yield* this._readlineOp(-1);
    return line.length ? line : null;
  }

  /** write(text): encoded at once (errors show here), buffered until a chunk's worth. Returns
   * the number of characters (code points, as Python counts them). */
  write(text: string): Ret<A, number> {
    exactlyOne("TextIOWrapper.write", arguments.length);
    const s = this.textArg(text);
    return this._run(this._writeLane, () => this._writeOp(s));
  }

  private textArg(text: unknown): string {
    if (typeof text !== "string") throw new TypeError(`write() argument must be str, not ${argTypeName(text)}`);
    return text;
  }

  /** @internal */ *_writeAnyOp(line: unknown): Op<number> {
    return yield* this._writeOp(this.textArg(line));
  }

  private *_writeOp(text: string): Op<number> {
    this._checkClosed();
    if (!this.canWrite) throw new UnsupportedOperation("not writable");
    const textlen = cpLen(text);
    if (this.writenl !== null && text.includes("\n")) text = text.replace(/\n/g, this.writenl);
    const b = encodeText(this.codec, this.errors, text);
    // A big write goes out on its own, not joined to what is pending (CPython gh-87426).
    if (b.length >= CHUNK_SIZE) {
      while (this.pending.length) yield* this._writeflushOp();
    }
    this.pending.push(b);
    this.pendingCount += b.length;
    if (this.pendingCount >= CHUNK_SIZE) yield* this._writeflushOp();
    // CPython 3.11 drops decoded text not yet read, and the decoder's state, on every write.
    this.setDecodedChars(null);
    this.decoder?.reset();
    return textlen;
  }

  flush(): Ret<A, null> {
    noArgs("TextIOWrapper.flush", arguments.length);
    return this._run(this._writeLane, () => none(this._flushOp()));
  }

  private *_flushOp(): Op<void> {
    this._checkClosed();
    yield* this._writeflushOp();
    yield* this._buffer._flushOp();
  }

  close(): Ret<A, null> {
    noArgs("TextIOWrapper.close", arguments.length);
    return this._run(this._closeLane(), () => none(this._closeOp()));
  }

  /** @internal TextIOWrapper.close: flush, then close the buffer; the flush's error is raised
   * unless closing raised its own. */
  *_closeOp(): Op<void> {
    if (this._buffer.closed) return;
    let flushError: unknown = null;
    try {
      yield* this._flushOp();
    } catch (err) {
      flushError = err;
    }
    yield* this._buffer._closeOp();
    if (flushError) throw flushError;
  }

  /** @internal */ _closeLane(): Lane {
    return this._buffer._closeLane();
  }
}

/** A file object of makefile(). */
export type SocketFile<A extends boolean> =
  SocketIO<A> | BufferedReader<A> | BufferedWriter<A> | BufferedRWPair<A> | TextIOWrapper<A>;

/** makefile()'s keyword-only arguments (mode and buffering may be given here too). */
export interface MakefileOptions {
  mode?: string;
  buffering?: number | null;
  encoding?: string | null;
  errors?: string | null;
  newline?: string | null;
}

function isOptions(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The "str or None" arguments of TextIOWrapper(). */
function strOrNone(name: string, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw new TypeError(`TextIOWrapper() argument '${name}' must be str or None, not ${typeName(v)}`);
  return v;
}

/**
 * socket.makefile(mode='r', buffering=None, *, encoding=None, errors=None, newline=None), as
 * Lib/socket.py: keyword arguments come as a trailing options object.
 */
export function makefile<A extends boolean>(sock: SocketBase<A>, args: unknown[]): SocketFile<A> {
  const positional = args.slice();
  const kw = positional.length > 0 && isOptions(positional[positional.length - 1]) ? positional.pop() as Record<string, unknown> : {};
  if (positional.length > 2) {
    throw new TypeError(`socket.makefile() takes from 1 to 3 positional arguments but ${positional.length + 1} were given`);
  }
  const given: Record<string, unknown> = { mode: "r", buffering: null, encoding: null, errors: null, newline: null };
  positional.forEach((v, i) => {
    if (v !== undefined) given[i === 0 ? "mode" : "buffering"] = v;
  });
  for (const [key, v] of Object.entries(kw)) {
    if (!(key in given)) throw new TypeError(`socket.makefile() got an unexpected keyword argument '${key}'`);
    if ((key === "mode" && positional.length > 0) || (key === "buffering" && positional.length > 1)) {
      throw new TypeError(`socket.makefile() got multiple values for argument '${key}'`);
    }
    if (v !== undefined) given[key] = v;
  }
  const mode = given.mode;
  let items: unknown[];
  if (typeof mode === "string") items = Array.from(mode);
  else if (Array.isArray(mode)) items = mode;
  else throw new TypeError(`'${typeName(mode)}' object is not iterable`);
  if (!items.every((c) => c === "r" || c === "w" || c === "b")) {
    throw new ValueError(`invalid mode ${pyRepr(mode)} (only r, w, b allowed)`);
  }
  const writing = items.includes("w");
  const reading = items.includes("r") || !writing;
  const binary = items.includes("b");
  const raw = new SocketIO(sock, (reading ? "r" : "") + (writing ? "w" : ""));
  sock._io_refs++;
  try {
    let buffering = given.buffering ?? -1;
    if (typeof buffering !== "number" && typeof buffering !== "bigint" && typeof buffering !== "boolean") {
      throw new TypeError(`'<' not supported between instances of '${typeName(buffering)}' and 'int'`);
    }
    if (Number(buffering) < 0) buffering = DEFAULT_BUFFER_SIZE;
    if (Number(buffering) === 0) {
      if (!binary) throw new ValueError("unbuffered streams must be binary");
      return raw;
    }
    const size = ssize(buffering);
    const buffer = reading && writing ? new BufferedRWPair(raw, size)
      : reading ? new BufferedReader(raw, size) : new BufferedWriter(raw, size);
    if (binary) return buffer;
    // io.text_encoding() gives "locale" for None, and TextIOWrapper names the locale's encoding:
    // CPython 3.11 on Linux with a UTF-8 locale says 'UTF-8'.
    const encoding = strOrNone("encoding", given.encoding);
    if (encoding !== null && /[\0\ud800-\udfff]/.test(encoding)) checkCString(encoding);
    const newline = strOrNone("newline", given.newline);
    if (newline !== null && newline.includes("\0")) checkCString(newline);
    const errors = strOrNone("errors", given.errors) ?? "strict";
    if (newline !== null && !["", "\n", "\r", "\r\n"].includes(newline)) throw new ValueError(`illegal newline value: ${newline}`);
    return new TextIOWrapper(buffer, mode, encoding === null || encoding === "locale" ? "UTF-8" : encoding, errors, newline);
  } catch (err) {
    // Python's refcounting destroys the unreturned SocketIO at once, which closes it.
    raw._closeNow();
    throw err;
  }
}
