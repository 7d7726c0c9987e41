// makefile()'s buffered layer: io.BufferedReader, io.BufferedWriter and io.BufferedRWPair
// (Modules/_io/bufferedio.c) over a socket's SocketIO (src/makefile.ts), for a raw stream that
// never seeks.

import { BlockingIOError, UnsupportedOperation, ValueError, pyRepr } from "./errors.js";
import {
  type Ret, LF, sizeOrNone, ssize, atMostOne, noArgs, exactlyOne, rwBuffer, bytesLike, concat,
  blockingError, none, FileBase, ioReadline, type TextBuffer,
} from "./iobase.js";
import type { Op } from "./sockcall.js";
import type { SocketIO } from "./makefile.js";

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
    // The line is in the buffer: a blocking facade returns it with no operation to drive.
    if (this._sync) {
      const line = this.lineAtHand(limit);
      if (line !== null) return line as Ret<A, Uint8Array>;
    }
    return this._run(0, () => this._readlineOp(limit));
  }

  /** _buffered_readline's first step: the line, or `limit` bytes, when the buffer holds them;
   * else null. */
  private lineAtHand(limit: number): Uint8Array | null {
    this.checkClosed("readline of closed file");
    let n = this.readahead();
    if (limit >= 0 && n > limit) n = limit;
    if (n > 0) {
      const at = this.buf!.indexOf(LF, this.pos);
      if (at >= 0 && at < this.pos + n) return this.take(at - this.pos + 1);
    }
    return n === limit ? this.take(n) : null;
  }

  /** @internal _buffered_readline: the buffer first, then one buffer-full at a time. */
  *_readlineOp(limit: number): Op<Uint8Array> {
    const line = this.lineAtHand(limit);
    if (line !== null) return line;
    let n = this.readahead();
    if (limit >= 0 && n > limit) n = limit;
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
