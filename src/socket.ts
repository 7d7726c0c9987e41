// socket.socket with CPython 3.11's semantics (Lib/socket.py over Modules/socketmodule.c).
// One class body serves every facade: methods that can block are generator operations run by
// the facade's driver (Promises for `pysocket` and the simulator, blocking for `pysocket/sync`).

import { sockaddrArg, sockaddrResult } from "./address.js";
import type { Core } from "./core.js";
import { OSError, OverflowError, TimeoutError, ValueError, fromErrno, pyRepr } from "./errors.js";
import { argTypeName, asBytes, asCInt, isInt, typeName } from "./pyargs.js";
import { EAGAIN, EINPROGRESS, check, sockCall, type Op, type Waitable } from "./sockcall.js";
import { READ, WRITE } from "../host/types.js";
import {
  AF_INET, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, SOMAXCONN,
} from "./tables/constants_linux.js";

const EBADF = 9;
const EWOULDBLOCK = 11;
const EISCONN = 106;
/** The most one recv reads at a time: the scratch area grows to it once. A larger bufsize is
 * still honoured as Python's is, since recv may always return fewer bytes than asked. */
const MAX_CHUNK = 16 * 1024 * 1024;

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
export type Address = Array<string | number> | string;

/** What a facade gives its sockets: the core, the clock, and a driver for operations. */
export interface Stack<A extends boolean> {
  readonly core: Core;
  now(): number;
  /** Runs a blocking operation; `lane` 0 = reads, 1 = writes (served in call order). */
  run<T>(sock: SocketBase<A>, lane: 0 | 1, op: () => Op<T>): Ret<A, T>;
  /** The module's default timeout (socket.setdefaulttimeout). */
  defaulttimeout: number | null;
  /** Wraps an fd in a socket object of the facade (for accept). */
  wrap(fd: number): SocketBase<A>;
}

/** _PyTime_FromSecondsObject for socket timeouts: seconds rounded up to nanoseconds, or null. */
export function parseTimeout(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint" || typeof value === "boolean") value = Number(value);
  if (typeof value !== "number") {
    throw new TypeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  }
  if (Number.isNaN(value)) throw new ValueError("Invalid value NaN (not a number)");
  if (Number.isInteger(value) && Math.abs(value) * 1e9 >= 2 ** 63) {
    throw new OverflowError("timestamp too large to convert to C _PyTime_t");
  }
  if (!(Math.abs(value * 1e9) < 2 ** 63)) throw new OverflowError("timestamp out of range for platform time_t");
  if (value < 0) throw new ValueError("Timeout value out of range");
  return Math.ceil(value * 1e9) / 1e9;
}

/** The "n" format unit (Py_ssize_t) for buffer sizes. */
function asSize(v: unknown): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = typeof v === "bigint" ? v : BigInt(Number(v));
  if (b > 2n ** 63n - 1n || b < -(2n ** 63n)) throw new OverflowError("Python int too large to convert to C ssize_t");
  return Number(b);
}

function atLeast(fn: string, n: number, given: number): void {
  if (given < n) throw new TypeError(`${fn}() takes at least ${n} argument${n === 1 ? "" : "s"} (${given} given)`);
}

function atMost(fn: string, n: number, given: number): void {
  if (given > n) throw new TypeError(`${fn}() takes at most ${n} arguments (${given} given)`);
}

function exactly(fn: string, n: number, given: number): void {
  if (given !== n) throw new TypeError(`${fn}() takes exactly ${n === 1 ? "one argument" : `${n} arguments`} (${given} given)`);
}

function noArgs(fn: string, given: number): void {
  if (given !== 0) throw new TypeError(`${fn}() takes no arguments (${given} given)`);
}

function writableBuffer(fn: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`${fn}() argument 1 must be read-write bytes-like object, not ${argTypeName(v)}`);
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
const asyncDisposeSymbol: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose");

export class SocketBase<A extends boolean> implements Waitable {
  /** @internal */ readonly _stack: Stack<A>;
  /** @internal */ _fd = -1;
  /** @internal */ _h = -1;
  /** @internal */ _timeout: number | null = null;
  /** @internal */ _closed = false;
  /** @internal */ _family = AF_INET;
  /** @internal */ _type = SOCK_STREAM;
  /** @internal */ _proto = 0;
  /** @internal */ _inheritable = false;
  /** @internal Open makefile() files. */ _io_refs = 0;

  /** socket.socket(family=-1, type=-1, proto=-1, fileno=None), or a wrapper of a core fd. */
  constructor(stack: Stack<A>, args: unknown[]) {
    this._stack = stack;
    if (args.length > 4) throw new TypeError(`socket() takes at most 4 arguments (${args.length} given)`);
    const [family = -1, type = -1, proto = -1, fileno = null] = args;
    let fam = asCInt(family);
    let typ = asCInt(type);
    let pro = asCInt(proto);
    const C = stack.core.exports;
    let fd: number;
    if (fileno === null || fileno === undefined) {
      if (fam === -1) fam = AF_INET;
      if (typ === -1) typ = SOCK_STREAM;
      if (pro === -1) pro = 0;
      fd = check(C.sock_socket(fam, typ, pro));
    } else {
      fd = asCInt(fileno);
      if (fd < 0) throw new ValueError("negative file descriptor");
      // CPython asks the fd for whatever the caller left at -1 (SO_DOMAIN, SO_TYPE, SO_PROTOCOL).
      const realFamily = check(C.sock_family(fd));
      if (fam === -1) fam = realFamily;
      if (typ === -1) typ = C.sock_type(fd);
      if (pro === -1) pro = C.sock_proto(fd);
    }
    this._adopt(fd, fam, typ, pro);
    this._timeout = stack.defaulttimeout;
    if (typ & SOCK_NONBLOCK) this._timeout = 0;
  }

  /** @internal */ _adopt(fd: number, family: number, type: number, proto: number): void {
    this._fd = fd;
    this._h = this._stack.core.exports.sock_handle(fd);
    this._family = family;
    this._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    this._proto = proto;
  }

  /** @internal */ _handle(): number {
    return this._h;
  }

  /** @internal */ _now(): number {
    return this._stack.now();
  }

  get family(): number {
    return this._family;
  }

  get type(): number {
    return this._type;
  }

  get proto(): number {
    return this._proto;
  }

  get timeout(): number | null {
    return this._timeout;
  }

  private get C() {
    return this._stack.core.exports;
  }

  // Non-blocking methods.

  fileno(): number {
    noArgs("fileno", arguments.length);
    return this._fd;
  }

  close(): void {
    noArgs("close", arguments.length);
    // As socket.py: files from makefile() keep the fd open until the last one is closed.
    this._closed = true;
    if (this._io_refs <= 0) this._realClose();
  }

  /** @internal */ _realClose(): void {
    if (this._fd === -1) return;
    const fd = this._fd;
    this._fd = -1;
    this.C.sock_close(fd);
  }

  /** @internal Called by a makefile() file when it closes (socket.py's _decref_socketios). */
  _decref_socketios(): void {
    if (this._io_refs > 0) this._io_refs--;
    if (this._closed) this.close();
  }

  detach(): number {
    noArgs("detach", arguments.length);
    const fd = this._fd;
    this._fd = -1;
    return fd;
  }

  getsockname(): Address {
    noArgs("getsockname", arguments.length);
    check(this.C.sock_addr_local(this._fd));
    return sockaddrResult(this._stack.core)!;
  }

  getpeername(): Address {
    noArgs("getpeername", arguments.length);
    check(this.C.sock_addr_remote(this._fd));
    return sockaddrResult(this._stack.core)!;
  }

  gettimeout(): number | null {
    noArgs("gettimeout", arguments.length);
    return this._timeout;
  }

  settimeout(value: number | null): void {
    exactly("settimeout", 1, arguments.length);
    const t = parseTimeout(value);
    if (this._fd === -1) throw fromErrno(EBADF);
    this._timeout = t;
  }

  getblocking(): boolean {
    noArgs("getblocking", arguments.length);
    return this._timeout !== 0;
  }

  setblocking(flag: boolean): void {
    exactly("setblocking", 1, arguments.length);
    let block: boolean;
    if (typeof flag === "boolean") block = flag;
    else if (isInt(flag)) block = Number(flag) !== 0;
    else throw new TypeError(`'${typeName(flag)}' object cannot be interpreted as an integer`);
    if (this._fd === -1) throw fromErrno(EBADF);
    this._timeout = block ? null : 0;
  }

  get_inheritable(): boolean {
    if (this._fd === -1) throw fromErrno(EBADF);
    return this._inheritable;
  }

  set_inheritable(inheritable: boolean): void {
    if (this._fd === -1) throw fromErrno(EBADF);
    this._inheritable = Boolean(inheritable);
  }

  listen(backlog?: number): Ret<A, void> {
    atMost("listen", 1, arguments.length);
    // Python's listen() does not block, but Node finishes it later: it settles like bind.
    const n = arguments.length === 0 ? Math.min(SOMAXCONN, 128) : Math.max(asCInt(backlog), 0);
    return this._stack.run(this, 1, () => this._listenOp(n));
  }

  /** @internal */ *_listenOp(backlog: number): Op<void> {
    yield* this._begin(this.C.sock_listen(this._fd, backlog));
  }

  /** Waits for a bind or listen the host finishes later (never subject to the timeout, as
   * these do not block on Linux), raising its error. */
  private *_begin(r: number): Op<void> {
    if (r === -EINPROGRESS) r = yield* sockCall(this, WRITE, () => this.C.sock_finish(this._fd), null);
    check(r);
  }

  shutdown(how: number): void {
    exactly("shutdown", 1, arguments.length);
    check(this.C.sock_shutdown(this._fd, asCInt(how)));
  }

  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array {
    if (arguments.length < 2 || arguments.length > 3) {
      throw new TypeError(`getsockopt expected 2 or 3 arguments, got ${arguments.length}`);
    }
    const lv = asCInt(level);
    const name = asCInt(optname);
    const size = arguments.length === 3 ? asCInt(buflen) : -1;
    if (arguments.length === 3 && (size <= 0 || size > 1024)) throw new OSError("getsockopt buflen out of range");
    const v = check(this.C.sock_getsockopt(this._fd, lv, name));
    if (size < 0) return v;
    const out = new Uint8Array(Math.min(size, 4));
    for (let i = 0; i < out.length; i++) out[i] = (v >>> (8 * i)) & 0xff;
    return out;
  }

  setsockopt(level: number, optname: number, value: number | Uint8Array | null, optlen?: number): void {
    if (arguments.length < 3 || arguments.length > 4) {
      throw new TypeError(`setsockopt() takes at least 3 arguments (${arguments.length} given)`);
    }
    const lv = asCInt(level);
    const name = asCInt(optname);
    let v: number;
    if (arguments.length === 4) {
      if (value !== null && value !== undefined) {
        throw new TypeError(`setsockopt() argument 3 must be None, not ${typeName(value)}`);
      }
      asCInt(optlen);
      v = 0;
    } else if (isInt(value)) {
      v = asCInt(value);
    } else {
      const b = asBytes(value);
      v = b.length >= 4 ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) : b.length > 0 ? b[0] : 0;
    }
    check(this.C.sock_setsockopt(this._fd, lv, name, v));
  }

  toString(): string {
    let s = `<socket.socket${this._closed ? " [closed]" : ""} fd=${this._fd}, family=${this._family}, type=${this._type}, proto=${this._proto}`;
    if (!this._closed) {
      for (const [label, get] of [["laddr", () => this.getsockname()], ["raddr", () => this.getpeername()]] as const) {
        try {
          const a = get();
          if (a && a.length !== 0) s += `, ${label}=${pyRepr(a)}`;
        } catch (err) {
          if (!(err instanceof OSError)) throw err;
        }
      }
    }
    return s + ">";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // Blocking methods: each parses its arguments, then runs an operation on the facade's driver.

  bind(address: Address): Ret<A, void> {
    exactly("bind", 1, arguments.length);
    return this._stack.run(this, 1, () => this._bindOp(address));
  }

  /** @internal */ *_bindOp(address: unknown): Op<void> {
    const salen = yield* sockaddrArg(this._stack.core, this._family, address, "bind");
    yield* this._begin(this.C.sock_bind(this._fd, salen));
  }

  connect(address: Address): Ret<A, void> {
    exactly("connect", 1, arguments.length);
    return this._stack.run(this, 1, () => this._connectVoid(address));
  }

  private *_connectVoid(address: unknown): Op<void> {
    yield* this._connectOp(address, true);
  }

  connect_ex(address: Address): Ret<A, number> {
    exactly("connect_ex", 1, arguments.length);
    return this._stack.run(this, 1, () => this._connectOp(address, false));
  }

  /** internal_connect: connect(2), then wait for the outcome unless non-blocking. */
  /** @internal */ *_connectOp(address: unknown, raise: boolean): Op<number> {
    const salen = yield* sockaddrArg(this._stack.core, this._family, address, "connect");
    let r = this.C.sock_connect(this._fd, salen);
    if (r === -EINPROGRESS && this._timeout !== 0) {
      try {
        r = yield* sockCall(this, WRITE, () => this.C.sock_finish(this._fd));
      } catch (err) {
        if (!raise && err instanceof TimeoutError) return EWOULDBLOCK;
        throw err;
      }
      if (r === -EISCONN) r = 0;
    }
    if (r >= 0) return 0;
    if (raise) throw fromErrno(-r);
    return -r;
  }

  accept(): Ret<A, [SocketBase<A>, Address]> {
    noArgs("_accept", arguments.length);
    return this._stack.run(this, 0, () => this._accept());
  }

  private *_accept(): Op<[SocketBase<A>, Address]> {
    const fd = check(yield* sockCall(this, READ, () => this.C.sock_accept(this._fd)));
    const sock = this._stack.wrap(fd);
    check(this.C.sock_addr_remote(fd));
    return [sock, sockaddrResult(this._stack.core)!];
  }

  /** The flags and timeout of one call: MSG_DONTWAIT makes just this call non-blocking. */
  private callTimeout(flags: number): number | null {
    return flags & MSG_DONTWAIT ? 0 : this._timeout;
  }

  /** recv(2) of up to n bytes into the scratch input area; returns the count, or raises. */
  private *_recvRaw(n: number, flags: number, from: boolean): Op<number> {
    const core = this._stack.core;
    core.reserve(Math.min(n, MAX_CHUNK));
    const len = Math.min(n, MAX_CHUNK);
    const r = yield* sockCall(this, READ, () => (from ? this.C.sock_recv_from(this._fd, len, flags) : this.C.sock_recv(this._fd, len, flags)), this.callTimeout(flags));
    return check(r);
  }

  recv(bufsize: number, flags = 0): Ret<A, Uint8Array> {
    atLeast("recv", 1, arguments.length);
    atMost("recv", 2, arguments.length);
    const n = asSize(bufsize);
    const f = asCInt(flags);
    if (n < 0) throw new ValueError("negative buffersize in recv");
    return this._stack.run(this, 0, () => this._recv(n, f));
  }

  private *_recv(n: number, flags: number): Op<Uint8Array> {
    const count = yield* this._recvRaw(n, flags, false);
    const core = this._stack.core;
    return core.u8.slice(core.in, core.in + count);
  }

  recvfrom(bufsize: number, flags = 0): Ret<A, [Uint8Array, Address | null]> {
    atLeast("recvfrom", 1, arguments.length);
    atMost("recvfrom", 2, arguments.length);
    const n = asSize(bufsize);
    const f = asCInt(flags);
    if (n < 0) throw new ValueError("negative buffersize in recvfrom");
    return this._stack.run(this, 0, () => this._recvfrom(n, f));
  }

  private *_recvfrom(n: number, flags: number): Op<[Uint8Array, Address | null]> {
    const count = yield* this._recvRaw(n, flags, true);
    const core = this._stack.core;
    const data = core.u8.slice(core.in, core.in + count);
    return [data, sockaddrResult(core)];
  }

  recv_into(buffer: Uint8Array, nbytes = 0, flags = 0): Ret<A, number> {
    atLeast("recv_into", 1, arguments.length);
    atMost("recv_into", 3, arguments.length);
    const buf = writableBuffer("recv_into", buffer);
    let n = asSize(nbytes);
    const f = asCInt(flags);
    if (n < 0) throw new ValueError("negative buffersize in recv_into");
    if (n === 0) n = buf.length;
    if (buf.length < n) throw new ValueError("buffer too small for requested bytes");
    return this._stack.run(this, 0, () => this._recvInto(buf, n, f, false)) as Ret<A, number>;
  }

  recvfrom_into(buffer: Uint8Array, nbytes = 0, flags = 0): Ret<A, [number, Address | null]> {
    atLeast("recvfrom_into", 1, arguments.length);
    atMost("recvfrom_into", 3, arguments.length);
    const buf = writableBuffer("recvfrom_into", buffer);
    let n = asSize(nbytes);
    const f = asCInt(flags);
    if (n < 0) throw new ValueError("negative buffersize in recvfrom_into");
    if (n === 0) n = buf.length;
    else if (n > buf.length) throw new ValueError("nbytes is greater than the length of the buffer");
    return this._stack.run(this, 0, () => this._recvInto(buf, n, f, true)) as Ret<A, [number, Address | null]>;
  }

  private *_recvInto(buf: Uint8Array, n: number, flags: number, from: boolean): Op<number | [number, Address | null]> {
    const count = yield* this._recvRaw(n, flags, from);
    const core = this._stack.core;
    buf.set(core.u8.subarray(core.in, core.in + count));
    return from ? [count, sockaddrResult(core)] : count;
  }

  /** send(2) of the bytes of `data` from `offset`, copied into the core just before the call. */
  private sendOp(data: Uint8Array, offset: number, flags: number, salen: number): () => number {
    const core = this._stack.core;
    const len = Math.min(data.length - offset, MAX_CHUNK);
    core.reserve(len);
    return () => {
      core.u8.set(data.subarray(offset, offset + len), core.in);
      return salen < 0 ? this.C.sock_send(this._fd, len, flags) : this.C.sock_send_to(this._fd, len, flags, salen);
    };
  }

  send(data: Uint8Array, flags = 0): Ret<A, number> {
    atLeast("send", 1, arguments.length);
    atMost("send", 2, arguments.length);
    const bytes = asBytes(data);
    const f = asCInt(flags);
    return this._stack.run(this, 1, () => this._send(bytes, f));
  }

  private *_send(data: Uint8Array, flags: number): Op<number> {
    return check(yield* sockCall(this, WRITE, this.sendOp(data, 0, flags, -1), this.callTimeout(flags)));
  }

  sendall(data: Uint8Array, flags = 0): Ret<A, void> {
    atLeast("sendall", 1, arguments.length);
    atMost("sendall", 2, arguments.length);
    const bytes = asBytes(data);
    const f = asCInt(flags);
    return this._stack.run(this, 1, () => this._sendall(bytes, f));
  }

  /** sock_sendall: send until everything is sent, within one deadline for the whole call. */
  private *_sendall(data: Uint8Array, flags: number): Op<void> {
    const timeout = this.callTimeout(flags);
    const deadline = timeout !== null && timeout > 0 ? this._now() + timeout : 0;
    let offset = 0;
    do {
      let left = timeout;
      if (timeout !== null && timeout > 0) {
        left = deadline - this._now();
        if (left <= 0) throw new TimeoutError("timed out");
      }
      offset += check(yield* sockCall(this, WRITE, this.sendOp(data, offset, flags, -1), left));
    } while (offset < data.length);
  }

  sendto(data: Uint8Array, flagsOrAddress: number | Address, address?: Address): Ret<A, number> {
    if (arguments.length < 2 || arguments.length > 3) {
      throw new TypeError(`sendto() takes 2 or 3 arguments (${arguments.length} given)`);
    }
    const bytes = asBytes(data);
    const f = arguments.length === 3 ? asCInt(flagsOrAddress) : 0;
    const addr = arguments.length === 3 ? address : flagsOrAddress;
    return this._stack.run(this, 1, () => this._sendto(bytes, f, addr));
  }

  private *_sendto(data: Uint8Array, flags: number, address: unknown): Op<number> {
    const salen = yield* sockaddrArg(this._stack.core, this._family, address, "sendto");
    const core = this._stack.core;
    // The sockaddr sits at the scratch start; keep a copy in case a wait lets another call in.
    const sa = core.u8.slice(core.out, core.out + salen);
    const send = this.sendOp(data, 0, flags, salen);
    const op = () => {
      core.u8.set(sa, core.out);
      const r = send();
      // A datagram socket's first send binds it (synchronously on Linux, later on Node).
      return r === -EINPROGRESS ? -EAGAIN : r;
    };
    const timeout = this._type === SOCK_DGRAM && this.callTimeout(flags) === 0 ? null : this.callTimeout(flags);
    return check(yield* sockCall(this, WRITE, op, timeout));
  }

  [disposeSymbol](): void {
    this.close();
  }

  async [asyncDisposeSymbol](): Promise<void> {
    this.close();
  }
}
