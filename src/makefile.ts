// socket.makefile(): Lib/socket.py's SocketIO and the io classes CPython 3.11 stacks on it,
// ported as generator operations over the socket's own, so one body serves every facade: each
// blocking method runs its operation on the socket's driver and returns a Promise in `pysocket`,
// a plain value in `pysocket/sync`. The layers: src/iobase.ts (IOBase, iobase.c), SocketIO here,
// src/bufferedio.ts (bufferedio.c), src/textio.ts (textio.c).

import { OSError, TimeoutError, UnsupportedOperation, ValueError, pyRepr } from "./errors.js";
import { checkCString, typeName } from "./pyargs.js";
import {
  type Ret, type Lane, DEFAULT_BUFFER_SIZE, EAGAIN, sizeOrNone, ssize, atMostOne, noArgs, pyMethod, concat,
  none, FileBase, ioReadline,
} from "./iobase.js";
import type { Op } from "./sockcall.js";
import type { SocketBase } from "./socket.js";
import { BufferedRWPair, BufferedReader, BufferedWriter } from "./bufferedio.js";
import { TextIOWrapper } from "./textio.js";

export { BufferedRWPair, BufferedReader, BufferedWriter, TextIOWrapper };

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
      return (yield* this._sock!._recvInto("recv_into", [b])) as number;
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

