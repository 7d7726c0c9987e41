// socket.socket with CPython 3.11's semantics (Lib/socket.py over Modules/socketmodule.c).
// One class body serves every facade: methods that can block are generator operations run by
// the facade's driver (Promises for `pysocket` and the simulator, blocking for `pysocket/sync`).

import { sockaddrArg, sockaddrResult } from "./address.js";
import { SA_OUT, type Core } from "./core.js";
import { OSError, OverflowError, TimeoutError, ValueError, fromErrno, pyRepr, timedOut } from "./errors.js";
import { answerAfterPoll, pollFirst } from "./pollfirst.js";
import { PY_TYPE, argTypeName, asBytes, asCInt, asClinicInt, asSsizeT, bindArgs, isInt, isPlainObject, typeName } from "./pyargs.js";
import { EAGAIN, EINPROGRESS, check, sockCall, type Op, type Waitable } from "./sockcall.js";
import { sendfileOp, type Files } from "./sendfile.js";
import { makefile, type MakefileOptions, type SocketFile } from "./makefile.js";
import { READ, WRITE } from "../host/types.js";
import {
  AF_INET, MSG_DONTWAIT, MSG_OOB, MSG_WAITALL, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, SOMAXCONN, SOL_SOCKET,
  SO_LINGER,
  IPPROTO_IP,
} from "./tables/constants_linux.js";

const EBADF = 9;
const EINVAL = 22;
const EWOULDBLOCK = 11;
const EISCONN = 106;
/** The most one recv reads at a time: the scratch area grows to it once. A larger bufsize is
 * still honoured as Python's is, since recv may always return fewer bytes than asked. */
const MAX_CHUNK = 16 * 1024 * 1024;

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
/** A socket address as Python spells it: (host, port) for AF_INET, (host, port, flowinfo,
 * scope_id) for AF_INET6 (the last two optional in arguments), a path for AF_UNIX (bytes for
 * Linux's abstract names). */
export type Address = [host: string, port: number, flowinfo?: number, scope_id?: number] | string | Uint8Array;

/** What a facade gives its sockets: the core, the clock, and a driver for operations. */
/** recv_into's and recvfrom_into's keyword arguments. */
export interface RecvIntoOptions {
  buffer?: Uint8Array;
  nbytes?: number;
  flags?: number;
}

export interface Stack<A extends boolean> {
  readonly core: Core;
  now(): number;
  /** Runs a blocking operation; `lane` 0 = reads, 1 = writes (served in call order). */
  run<T>(sock: SocketBase<A>, lane: 0 | 1, op: () => Op<T>): Ret<A, T>;
  /** The module's default timeout (socket.setdefaulttimeout). */
  defaulttimeout: number | null;
  /** Wraps an fd in a socket object of the facade (for accept). */
  wrap(fd: number): SocketBase<A>;
  /** The runtime's files, for sendfile(), where it has them. */
  files?: Files;
  /** The host's hand-off of a call's bytes, where it has one (NodeHost.direct). */
  io?: DirectBytes;
  /** @internal The last numeric IPv4 (host, port) a socket of this stack connected to, and its
   * sockaddr (see SocketBase._sameDestination). */
  lastDestination?: Destination;
}

/** A numeric IPv4 destination and its sockaddr. */
interface Destination {
  host: string;
  port: number;
  bytes: Uint8Array;
}

/** A host's slots for the bytes of the one send or recv under way, instead of the core's
 * memory: a send's bytes are copied once (into the host's buffer), a recv_into's once (from
 * the receive queue into the caller's buffer). Set just before the core's syscall, cleared
 * after; a host never keeps them. */
export interface DirectBytes {
  src: Uint8Array | null;
  dst: Uint8Array | null;
}

/** _PyTime_FromSecondsObject for socket timeouts: seconds rounded up to nanoseconds, or null. */
export function parseTimeout(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  // A bigint is a Python int (checked as an int); a JS number as a float.
  if (typeof value === "bigint") {
    if ((value < 0n ? -value : value) * 1_000_000_000n >= 2n ** 63n) {
      throw new OverflowError("timestamp too large to convert to C _PyTime_t");
    }
    value = Number(value);
  }
  if (typeof value === "boolean") value = Number(value);
  if (typeof value !== "number") {
    throw new TypeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  }
  if (Number.isNaN(value)) throw new ValueError("Invalid value NaN (not a number)");
  if (!(Math.abs(value * 1e9) < 2 ** 63)) throw new OverflowError("timestamp out of range for platform time_t");
  if (value < 0) throw new ValueError("Timeout value out of range");
  // + 0: -0.0 rounds to a zero _PyTime_t, which reads back as 0.0.
  return Math.ceil(value * 1e9) / 1e9 + 0;
}

/** CPython's wording for a wrong argument count, which depends on how a method is defined. */
const arityError = {
  /** METH_O methods of _socket.socket. */
  one(name: string, given: number): void {
    if (given !== 1) throw new TypeError(`socket.${name}() takes exactly one argument (${given} given)`);
  },
  /** METH_NOARGS methods. */
  none(name: string, given: number): void {
    if (given !== 0) throw new TypeError(`socket.${name}() takes no arguments (${given} given)`);
  },
  /** Methods written in Python (Lib/socket.py): self counts as an argument. */
  pyDef(name: string, given: number): void {
    if (given !== 0) throw new TypeError(`socket.${name}() takes 1 positional argument but ${given + 1} were given`);
  },
  /** PyArg_ParseTuple's "takes at least/at most". */
  range(name: string, min: number, max: number, given: number): void {
    const plural = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
    if (given < min) throw new TypeError(`${name}() takes at least ${plural(min)} (${given} given)`);
    if (given > max) throw new TypeError(`${name}() takes at most ${plural(max)} (${given} given)`);
  },
};

/**
 * PyArg_ParseTupleAndKeywords (Python/getargs.c vgetargskeywords) for (buffer, nbytes, flags),
 * keywords in a trailing plain object: the three values (undefined when not given) and the
 * checks getargs makes only after converting them (a name also given by position, an unknown
 * keyword).
 */
function bufferArgs(fn: string, given: unknown[]): [unknown, unknown, unknown, () => void] {
  const names = ["buffer", "nbytes", "flags"];
  const args = [...given];
  const kw = args.length > 0 && isPlainObject(args[args.length - 1]) ? args.pop() as Record<string, unknown> : {};
  const keys = Object.keys(kw);
  if (args.length + keys.length > names.length) {
    throw new TypeError(`${fn}() takes at most ${names.length} arguments (${args.length + keys.length} given)`);
  }
  const [buffer, nbytes, flags] = names.map((n, i) => (i < args.length ? args[i] : Object.hasOwn(kw, n) ? kw[n] : undefined));
  if (args.length === 0 && !Object.hasOwn(kw, "buffer")) throw new TypeError(`${fn}() missing required argument 'buffer' (pos 1)`);
  const after = () => {
    for (let i = 0; i < args.length; i++) {
      if (Object.hasOwn(kw, names[i])) throw new TypeError(`argument for ${fn}() given by name ('${names[i]}') and position (${i + 1})`);
    }
    for (const k of keys) if (!names.includes(k)) throw new TypeError(`'${k}' is an invalid keyword argument for ${fn}()`);
  };
  return [buffer, nbytes === undefined ? 0 : nbytes, flags === undefined ? 0 : flags, after];
}

function writableBuffer(fn: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError(`${fn}() argument 1 must be read-write bytes-like object, not ${argTypeName(v)}`);
}

/** Whether every value is a JS integer (a plain positional int argument). */
function allInts(args: unknown[]): boolean {
  for (const a of args) if (typeof a !== "number" || (a | 0) !== a) return false;
  return true;
}

/** A numeric IPv4 address, which getaddrinfo never looks up. */
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** A socket's address caches: a datagram socket's last sendto destination given as a numeric
 * IPv4 pair, and the last IPv4 address (as its 4 bytes) that recvfrom or accept reported, and
 * its text. */
interface AddressCaches {
  dst: Destination | null;
  src: { addr: number; host: string } | null;
}

// Typed as the well-known symbols, so that the classes are Disposable and AsyncDisposable to
// TypeScript (`using`, `await using`); runtimes without them get the registry's.
const disposeSymbol = ((Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;
const asyncDisposeSymbol = ((Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

export class SocketBase<A extends boolean> implements Waitable {
  /** @internal */ readonly _stack: Stack<A>;
  /** @internal */ _fd = -1;
  /** @internal */ _timeout: number | null = null;
  /** @internal closed, inheritable and the open makefile() files, in one field (memory per
   * connection): bit 0, bit 1, and the count from bit 2. */
  _bits = 0;
  /** @internal */ _family = AF_INET;
  /** @internal */ _type = SOCK_STREAM;
  /** @internal */ _proto = 0;
  /** @internal A datagram socket's or a listener's address caches, in one slot (memory per
   * connection: a connection has none). */
  _addresses: AddressCaches | null = null;

  /** socket.socket(family=-1, type=-1, proto=-1, fileno=None), keywords in a trailing options
   * object, or a wrapper of a core fd. */
  constructor(stack: Stack<A>, args: unknown[]) {
    this._stack = stack;
    let family: unknown, type: unknown, proto: unknown, fileno: unknown;
    if (args.length <= 4 && allInts(args)) {
      // Positional ints only (every accept's wrap, most calls): what bindArgs would give, without
      // its short-lived objects.
      family = args[0] ?? -1;
      type = args[1] ?? -1;
      proto = args[2] ?? -1;
      fileno = args[3] ?? null;
    } else {
      const positional = args.length > 0 && isPlainObject(args[args.length - 1]) ? args.length - 1 : args.length;
      if (positional > 4) {
        throw new TypeError(`socket.__init__() takes from 1 to 5 positional arguments but ${positional + 1} were given`);
      }
      ({ family = -1, type = -1, proto = -1, fileno = null } = bindArgs("socket.__init__", args, ["family", "type", "proto", "fileno"], 0));
    }
    let fam = asClinicInt(family);
    let typ = asClinicInt(type);
    let pro = asClinicInt(proto);
    const C = stack.core.exports;
    let fd: number;
    if (fileno === null || fileno === undefined) {
      if (fam === -1) fam = AF_INET;
      if (typ === -1) typ = SOCK_STREAM;
      if (pro === -1) pro = 0;
      fd = check(C.sock_socket(fam, typ, pro));
    } else {
      fd = asClinicInt(fileno);
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
    this._family = family;
    this._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    this._proto = proto;
  }

  /** @internal socket.py's _closed. */
  get _closed(): boolean { return (this._bits & 1) !== 0; }
  set _closed(v: boolean) { this._bits = v ? this._bits | 1 : this._bits & ~1; }
  /** @internal */
  get _inheritable(): boolean { return (this._bits & 2) !== 0; }
  set _inheritable(v: boolean) { this._bits = v ? this._bits | 2 : this._bits & ~2; }
  /** @internal Open makefile() files (socket.py's _io_refs). */
  get _io_refs(): number { return this._bits >> 2; }
  set _io_refs(v: number) { this._bits = (this._bits & 3) | (v << 2); }

  /** @internal The host handle of the socket's fd, asked of the core at each wait rather than
   * kept (memory per connection). */
  _handle(): number {
    return this._stack.core.exports.sock_handle(this._fd);
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
    arityError.none("fileno", arguments.length);
    return this._fd;
  }

  close(): null {
    arityError.pyDef("close", arguments.length);
    // As socket.py: files from makefile() keep the fd open until the last one is closed.
    this._closed = true;
    if (this._io_refs <= 0) this._realClose();
    return null;
  }

  /** @internal sock_close: an fd already closed under the socket (socket.close(fd), another
   * object on it) is EBADF. A host's trouble releasing its handle is no error of close(2). */
  _realClose(): void {
    if (this._fd === -1) return;
    const fd = this._fd;
    this._fd = -1;
    if (this.C.sock_close(fd) === -EBADF) throw fromErrno(EBADF);
  }

  /** internal_setblocking's fcntl(F_GETFL): EBADF once the fd is closed, even under the socket. */
  private checkOpen(): void {
    if (this._fd === -1) throw fromErrno(EBADF);
    check(this.C.sock_family(this._fd));
  }

  /** @internal Called by a makefile() file when it closes (socket.py's _decref_socketios). */
  _decref_socketios(): void {
    if (this._io_refs > 0) this._io_refs--;
    if (this._closed) this.close();
  }

  /** makefile(mode='r', buffering=None, *, encoding=None, errors=None, newline=None): the keyword
   * arguments as a trailing options object. */
  makefile(mode?: string | MakefileOptions, buffering?: number | null | MakefileOptions, options?: MakefileOptions): SocketFile<A>;
  makefile(...args: unknown[]): SocketFile<A> {
    return makefile(this, args);
  }

  detach(): number {
    arityError.pyDef("detach", arguments.length);
    this._closed = true;
    const fd = this._fd;
    this._fd = -1;
    return fd;
  }

  getsockname(): Address {
    arityError.none("getsockname", arguments.length);
    return sockaddrResult(this._stack.core, check(this.C.sock_addr_local(this._fd)))!;
  }

  getpeername(): Address {
    arityError.none("getpeername", arguments.length);
    return sockaddrResult(this._stack.core, check(this.C.sock_addr_remote(this._fd)))!;
  }

  gettimeout(): number | null {
    arityError.none("gettimeout", arguments.length);
    return this._timeout;
  }

  settimeout(value: number | null): null {
    arityError.one("settimeout", arguments.length);
    // CPython stores the timeout before setting the fd's mode, which fails once closed.
    this._timeout = parseTimeout(value);
    this.checkOpen();
    return null;
  }

  getblocking(): boolean {
    arityError.none("getblocking", arguments.length);
    return this._timeout !== 0;
  }

  setblocking(flag: boolean): null {
    arityError.one("setblocking", arguments.length);
    let block: boolean;
    if (typeof flag === "boolean") block = flag;
    else if (isInt(flag)) block = Number(flag) !== 0;
    else throw new TypeError(`'${typeName(flag)}' object cannot be interpreted as an integer`);
    this._timeout = block ? null : 0;
    this.checkOpen();
    return null;
  }

  get_inheritable(): boolean {
    arityError.pyDef("get_inheritable", arguments.length);
    // An fd closed underneath (socket.close(fd)) is EBADF too, as fcntl(F_GETFD) answers.
    if (this.C.sock_handle(this._fd) < 0) throw fromErrno(EBADF);
    return this._inheritable;
  }

  set_inheritable(inheritable: boolean): null {
    if (arguments.length === 0) {
      throw new TypeError("socket.set_inheritable() missing 1 required positional argument: 'inheritable'");
    }
    if (arguments.length > 1) {
      throw new TypeError(`socket.set_inheritable() takes 2 positional arguments but ${arguments.length + 1} were given`);
    }
    const flag = asClinicInt(inheritable); // CPython reads it with _PyLong_AsInt
    if (this.C.sock_handle(this._fd) < 0) throw fromErrno(EBADF);
    this._inheritable = flag !== 0;
    return null;
  }

  listen(backlog?: number): null {
    arityError.range("listen", 0, 1, arguments.length);
    const n = arguments.length === 0 ? Math.min(SOMAXCONN, 128) : Math.max(asCInt(backlog), 0);
    // A host may finish listening later (-EINPROGRESS); the core then settles it on next use.
    const r = this.C.sock_listen(this._fd, n);
    if (r !== -EINPROGRESS) check(r);
    return null;
  }

  shutdown(how: number): null {
    arityError.one("shutdown", arguments.length);
    check(this.C.sock_shutdown(this._fd, asClinicInt(how)));
    return null;
  }

  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array {
    arityError.range("getsockopt", 2, 3, arguments.length);
    const lv = asCInt(level);
    const name = asCInt(optname);
    const size = arguments.length === 3 ? asCInt(buflen) : 0;
    // sock_getsockopt: buflen 0 (or none) reads an int; otherwise the option's raw bytes.
    if (size < 0 || size > 1024) throw new OSError("getsockopt buflen out of range");
    const v = check(this.C.sock_getsockopt(this._fd, lv, name));
    if (size === 0) return v;
    const raw = new DataView(new ArrayBuffer(8));
    raw.setInt32(0, v, true);
    raw.setInt32(4, this.C.sock_getsockopt2(this._fd, lv, name), true);
    // struct linger is two ints; ip_getsockopt answers a byte-sized value in one byte when the
    // buffer is shorter than an int.
    const len = lv === SOL_SOCKET && name === SO_LINGER ? 8 : lv === IPPROTO_IP && size < 4 && v >= 0 && v <= 255 ? 1 : 4;
    return new Uint8Array(raw.buffer, 0, Math.min(size, len)).slice();
  }

  setsockopt(level: number, optname: number, value: number | Uint8Array | null, len?: number): null {
    if (arguments.length < 3 || arguments.length > 4) {
      throw new TypeError(`setsockopt() takes exactly 3 arguments (${arguments.length} given)`);
    }
    // CPython tries the forms "iii", "iiO!I" (None, optlen) then "iiy*" (a buffer), and reports
    // the last one's failure: with 4 arguments, whatever stops "iiO!I" is "iiy*"'s arity error.
    let lv: number;
    let name: number;
    try {
      lv = asCInt(level);
      name = asCInt(optname);
    } catch (err) {
      if (arguments.length === 4) throw new TypeError("setsockopt() takes exactly 3 arguments (4 given)");
      throw err;
    }
    let v = 0;
    let v2 = 0;
    let optlen = 4;
    const isNull = arguments.length === 4 ? 1 : 0;
    if (isNull) {
      if ((value !== null && value !== undefined) || !isInt(len)) {
        throw new TypeError("setsockopt() takes exactly 3 arguments (4 given)");
      }
      // "I" masks to an unsigned int, which setsockopt(2) reads as an int.
      optlen = Number(BigInt.asIntN(32, BigInt(len)));
    } else if (isInt(value) && Number(value) >= -2147483648 && Number(value) <= 2147483647) {
      v = Number(value);
    } else {
      // A buffer is the option's C struct: read as one or two native ints (struct linger).
      const b = asBytes(value);
      const raw = new DataView(new ArrayBuffer(8));
      new Uint8Array(raw.buffer).set(b.subarray(0, 8));
      v = b.length >= 4 ? raw.getInt32(0, true) : b.length > 0 ? b[0] : 0;
      v2 = b.length >= 8 ? raw.getInt32(4, true) : 0;
      optlen = b.length;
    }
    check(this.C.sock_setsockopt(this._fd, lv, name, v, v2, optlen, isNull));
    return null;
  }

  dup(): this {
    arityError.pyDef("dup", arguments.length);
    // The stack wraps fds in the facade's socket class, this one's.
    const sock = this._stack.wrap(check(this.C.sock_dup(this._fd))) as this;
    // socket.py's dup() passes self.proto, as accept() does; only a bare fileno asks SO_PROTOCOL.
    sock._proto = this._proto;
    sock._timeout = this._timeout;
    return sock;
  }

  toString(): string {
    let s = `<socket.socket${this._closed ? " [closed]" : ""} fd=${this._fd}, family=${this._family}, type=${this._type}, proto=${this._proto}`;
    if (!this._closed) {
      for (const [label, get] of [["laddr", () => this.getsockname()], ["raddr", () => this.getpeername()]] as const) {
        try {
          const a = get();
          // socket.py formats str(addr): a str path as it is; tuples and bytes as their repr.
          if (a && a.length !== 0) s += `, ${label}=${typeof a === "string" ? a : pyRepr(a)}`;
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

  // Blocking methods: each runs an operation on the facade's driver; the operation checks the
  // arguments first, so in the Promise facade a bad argument rejects the Promise.

  bind(address: Address): Ret<A, null> {
    const n = arguments.length;
    return this._stack.run(this, 1, () => this._bindCall(n, address));
  }

  private *_bindCall(n: number, address: unknown): Op<null> {
    arityError.one("bind", n);
    yield* this._bindOp(address);
    return null;
  }

  /** @internal */ *_bindOp(address: unknown): Op<void> {
    const salen = yield* sockaddrArg(this._stack.core, this._family, address, "bind");
    let r = this.C.sock_bind(this._fd, salen);
    // Linux binds at once; a host that finishes later is waited for, whatever the timeout.
    if (r === -EINPROGRESS) r = yield* sockCall(this, WRITE, () => this.C.sock_finish(this._fd), null);
    check(r);
  }

  connect(address: Address): Ret<A, null> {
    const n = arguments.length;
    return this._stack.run(this, 1, () => this._connectCall(n, address));
  }

  private *_connectCall(n: number, address: unknown): Op<null> {
    arityError.one("connect", n);
    yield* this._connectOp(address, true);
    return null;
  }

  connect_ex(address: Address): Ret<A, number> {
    const n = arguments.length;
    return this._stack.run(this, 1, () => this._connectExCall(n, address));
  }

  private *_connectExCall(n: number, address: unknown): Op<number> {
    arityError.one("connect_ex", n);
    return yield* this._connectOp(address, false);
  }

  /** internal_connect: connect(2), then wait for the outcome unless non-blocking. */
  /** @internal */ *_connectOp(address: unknown, raise: boolean): Op<number> {
    // A client's connects mostly name one address: the last one of the stack's is kept.
    let salen = this._sameDestination(address, this._stack.lastDestination);
    if (salen < 0) {
      const [n, known] = yield* this._destination(address, raise ? "connect" : "connect_ex");
      salen = n;
      if (known) this._stack.lastDestination = known;
    }
    let r = this.C.sock_connect(this._fd, salen);
    // Linux connects a datagram socket at once (ip4_datagram_connect); a host that finishes
    // later is waited for whatever the timeout, as bind is.
    const datagram = this._type !== SOCK_STREAM;
    if (r === -EINPROGRESS && (this._timeout !== 0 || datagram)) {
      try {
        r = yield* sockCall(this, WRITE, () => this.C.sock_finish(this._fd), datagram ? null : this._timeout);
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

  accept(): Ret<A, [this, Address]> {
    const n = arguments.length;
    return this._stack.run(this, 0, () => this._accept(n));
  }

  private *_accept(n: number): Op<[this, Address]> {
    arityError.pyDef("accept", n);
    const fd = check(yield* sockCall(this, READ, pollFirst(this, READ, this._timeout, () => this.C.sock_accept(this._fd))));
    const sock = this._stack.wrap(fd) as this;
    sock._proto = this._proto;
    return [sock, this._source(check(this.C.sock_addr_remote(fd)))!];
  }

  /** The timeout of one call. MSG_DONTWAIT makes a blocking socket's call non-blocking; with a
   * timeout it changes nothing, as sock_call_ex polls before it calls. @internal */
  _callTimeout(flags: number): number | null {
    return flags & MSG_DONTWAIT && this._timeout === null ? 0 : this._timeout;
  }

  /** The flags a read with `timeout` hands the kernel. With a timeout CPython's descriptor is
   * O_NONBLOCK: tcp_recvmsg then gives MSG_WAITALL what is there rather than waiting for all,
   * and __sys_recvfrom adds MSG_DONTWAIT, which tells a datagram socket shut for reading to
   * answer EAGAIN rather than 0 (a stream's answers do not depend on it, and its fast paths
   * take flags 0). @internal */
  _recvFlags(flags: number, timeout: number | null): number {
    if (timeout === null) return flags;
    const f = flags & ~MSG_WAITALL;
    return this._type === SOCK_STREAM ? f : f | MSG_DONTWAIT;
  }

  /** recv(2) of up to n bytes into the scratch input area, or straight into `into` where the
   * host takes it (Stack.io); returns the count, or raises. */
  private *_recvRaw(n: number, flags: number, from: boolean, into: Uint8Array | null = null): Op<number> {
    // sock_recv_guts "does nothing" for 0 bytes, before any call, closed or not; recvfrom's reads.
    if (n === 0 && !from) return 0;
    const len = Math.min(n, MAX_CHUNK);
    const io = into ? this._stack.io : undefined;
    if (!io) this._stack.core.reserve(len);
    const timeout = this._callTimeout(flags);
    const f = this._recvFlags(flags, timeout);
    const C = this.C;
    const call = () => (from ? C.sock_recv_from(this._fd, len, f) : C.sock_recv(this._fd, len, f));
    // No urgent data ever arrives (Node cannot receive it): tcp_recv_urg's (and
    // unix_stream_recv_urg's) EINVAL, after the poll sock_call_ex makes under a timeout.
    if (flags & MSG_OOB && this._type === SOCK_STREAM) {
      return check(yield* sockCall(this, READ, answerAfterPoll(this, READ, timeout, -EINVAL), timeout));
    }
    let op = call;
    if (io) {
      const dst = into!.length === len ? into! : into!.subarray(0, len);
      op = () => {
        io.dst = dst;
        try {
          return call();
        } finally {
          io.dst = null;
        }
      };
    }
    return check(yield* sockCall(this, READ, pollFirst(this, READ, timeout, op), timeout));
  }

  /** The (bufsize, flags) arguments of recv and recvfrom. */
  private sizeArgs(name: string, given: number, bufsize: unknown, flags: unknown): [number, number] {
    arityError.range(name, 1, 2, given);
    const n = asSsizeT(bufsize);
    const f = asCInt(flags);
    if (n < 0) throw new ValueError(`negative buffersize in ${name}`);
    return [n, f];
  }

  recv(bufsize: number, flags = 0): Ret<A, Uint8Array> {
    const given = arguments.length;
    return this._stack.run(this, 0, () => this._recv(given, bufsize, flags));
  }

  private *_recv(given: number, bufsize: unknown, flags: unknown): Op<Uint8Array> {
    const [n, f] = this.sizeArgs("recv", given, bufsize, flags);
    const count = yield* this._recvRaw(n, f, false);
    const core = this._stack.core;
    return core.u8.slice(core.in, core.in + count);
  }

  recvfrom(bufsize: number, flags = 0): Ret<A, [Uint8Array, Address | null]> {
    const given = arguments.length;
    return this._stack.run(this, 0, () => this._recvfrom(given, bufsize, flags));
  }

  private *_recvfrom(given: number, bufsize: unknown, flags: unknown): Op<[Uint8Array, Address | null]> {
    const [n, f] = this.sizeArgs("recvfrom", given, bufsize, flags);
    const count = yield* this._recvRaw(n, f, true);
    const core = this._stack.core;
    const data = core.u8.slice(core.in, core.in + count);
    return [data, this._source()];
  }

  /** recv_into(buffer, nbytes=0, flags=0); keywords in a trailing options object. */
  recv_into(buffer: Uint8Array, nbytes?: number | RecvIntoOptions, flags?: number | RecvIntoOptions, options?: RecvIntoOptions): Ret<A, number>;
  recv_into(...args: unknown[]): Ret<A, number> {
    return this._stack.run(this, 0, () => this._recvInto("recv_into", args)) as Ret<A, number>;
  }

  /** recvfrom_into(buffer, nbytes=0, flags=0); keywords in a trailing options object. */
  recvfrom_into(buffer: Uint8Array, nbytes?: number | RecvIntoOptions, flags?: number | RecvIntoOptions, options?: RecvIntoOptions): Ret<A, [number, Address | null]>;
  recvfrom_into(...args: unknown[]): Ret<A, [number, Address | null]> {
    return this._stack.run(this, 0, () => this._recvInto("recvfrom_into", args)) as Ret<A, [number, Address | null]>;
  }

  /** @internal */ *_recvInto(name: string, given: unknown[]): Op<number | [number, Address | null]> {
    const [buffer, nbytes, flags, after] = bufferArgs(name, given);
    const from = name === "recvfrom_into";
    const buf = writableBuffer(name, buffer);
    let n = asSsizeT(nbytes);
    const f = asCInt(flags);
    after();
    if (n < 0) throw new ValueError(`negative buffersize in ${name}`);
    if (n === 0) n = buf.length;
    else if (n > buf.length) {
      throw new ValueError(from ? "nbytes is greater than the length of the buffer" : "buffer too small for requested bytes");
    }
    const count = yield* this._recvRaw(n, f, from, buf);
    const core = this._stack.core;
    // With MSG_TRUNC a datagram's count is its whole length: only n bytes were read.
    if (!this._stack.io) buf.set(core.u8.subarray(core.in, core.in + Math.min(count, n)));
    return from ? [count, this._source()] : count;
  }

  /** makesockaddr for recvfrom's source and accept's peer (`salen`: the sockaddr's length): a
   * datagram socket mostly hears from one peer, and a listener's peers mostly come from one
   * address, so the text of the last IPv4 address is kept for a sockaddr with the same one (a
   * fresh tuple every time, as Python's). */
  private _source(salen = 0): Address | null {
    const core = this._stack.core;
    const sa = core.out + SA_OUT;
    if ((core.u8[sa] | (core.u8[sa + 1] << 8)) !== AF_INET) return sockaddrResult(core, salen);
    const addr = core.dv.getUint32(sa + 4, true);
    const port = (core.u8[sa + 2] << 8) | core.u8[sa + 3];
    const c = this._addresses?.src ?? null;
    if (c !== null && c.addr === addr) return [c.host, port];
    const result = sockaddrResult(core, salen) as [string, number];
    this._caches().src = { addr, host: result[0] };
    return result;
  }

  /** The sockaddr of `address` when it is the numeric IPv4 pair of `known` (written at the
   * scratch start as getsockaddrarg would, its length returned), else -1. A name is looked up
   * every time. */
  private _sameDestination(address: unknown, known: Destination | null | undefined): number {
    if (!known || this._family !== AF_INET || !Array.isArray(address) || address.length !== 2 || address[0] !== known.host || address[1] !== known.port) return -1;
    const core = this._stack.core;
    core.u8.set(known.bytes, core.out);
    return known.bytes.length;
  }

  /** getsockaddrarg for connect or sendto (`caller`), and the destination to remember when
   * `address` is a numeric IPv4 pair. */
  private *_destination(address: unknown, caller: string): Op<[number, Destination | null]> {
    const core = this._stack.core;
    const salen = yield* sockaddrArg(core, this._family, address, caller);
    if (this._family !== AF_INET) return [salen, null];
    const [host, port] = address as [unknown, unknown];
    if (typeof host !== "string" || typeof port !== "number" || !DOTTED_QUAD.test(host)) return [salen, null];
    return [salen, { host, port, bytes: core.u8.slice(core.out, core.out + salen) }];
  }

  private _caches(): AddressCaches {
    return (this._addresses ??= { dst: null, src: null });
  }

  /** send(2) of the bytes of `data` from `offset`, copied into the core just before the call. */
  private sendOp(data: Uint8Array, offset: number, flags: number, salen: number): () => number {
    const core = this._stack.core;
    const len = Math.min(data.length - offset, MAX_CHUNK);
    const C = this.C;
    const bytes = offset === 0 && len === data.length ? data : data.subarray(offset, offset + len);
    const io = this._stack.io;
    if (io) {
      return () => {
        io.src = bytes;
        try {
          return salen < 0 ? C.sock_send(this._fd, len, flags) : C.sock_send_to(this._fd, len, flags, salen);
        } finally {
          io.src = null;
        }
      };
    }
    core.reserve(len);
    return () => {
      core.u8.set(bytes, core.in);
      return salen < 0 ? C.sock_send(this._fd, len, flags) : C.sock_send_to(this._fd, len, flags, salen);
    };
  }

  send(data: Uint8Array, flags = 0): Ret<A, number> {
    const given = arguments.length;
    return this._stack.run(this, 1, () => this._send(given, data, flags));
  }

  /** @internal */ *_send(given: number, data: unknown, flags: unknown): Op<number> {
    arityError.range("send", 1, 2, given);
    const bytes = asBytes(data);
    const f = asCInt(flags);
    const timeout = this._callTimeout(f);
    return check(yield* sockCall(this, WRITE, pollFirst(this, WRITE, timeout, this.sendOp(bytes, 0, f, -1)), timeout));
  }

  sendall(data: Uint8Array, flags = 0): Ret<A, null> {
    const given = arguments.length;
    return this._stack.run(this, 1, () => this._sendall(given, data, flags));
  }

  /** sock_sendall: send until everything is sent, within one deadline for the whole call. */
  private *_sendall(given: number, data: unknown, flags: unknown): Op<null> {
    arityError.range("sendall", 1, 2, given);
    const bytes = asBytes(data);
    const f = asCInt(flags);
    const timeout = this._callTimeout(f);
    const deadline = timeout !== null && timeout > 0 ? this._now() + timeout : 0;
    let offset = 0;
    do {
      let left = timeout;
      if (timeout !== null && timeout > 0) {
        left = deadline - this._now();
        if (left <= 0) throw timedOut();
      }
      offset += check(yield* sockCall(this, WRITE, pollFirst(this, WRITE, timeout, this.sendOp(bytes, offset, f, -1)), left));
    } while (offset < bytes.length);
    return null;
  }

  sendfile(file: unknown, offset = 0, count: number | null = null): Ret<A, number> {
    const given = arguments.length;
    return this._stack.run(this, 1, () => this._sendfile(given, file, offset, count));
  }

  private *_sendfile(given: number, file: unknown, offset: unknown, count: unknown): Op<number> {
    if (given < 1 || given > 3) {
      throw new TypeError(given < 1
        ? "socket.sendfile() missing 1 required positional argument: 'file'"
        : `socket.sendfile() takes from 2 to 4 positional arguments but ${given + 1} were given`);
    }
    const files = this._stack.files;
    if (!files) throw new OSError("sendfile() needs a runtime with files");
    return yield* sendfileOp(this, files, (data) => this._sendall(1, data, 0), file, offset, count);
  }

  sendto(data: Uint8Array, flagsOrAddress: number | Address, address?: Address): Ret<A, number> {
    const given = arguments.length;
    return this._stack.run(this, 1, () => this._sendto(given, data, flagsOrAddress, address));
  }

  private *_sendto(given: number, data: unknown, flagsOrAddress: unknown, address: unknown): Op<number> {
    if (given < 2 || given > 3) throw new TypeError(`sendto() takes 2 or 3 arguments (${given} given)`);
    const bytes = asBytes(data);
    const flags = given === 3 ? asCInt(flagsOrAddress) : 0;
    const to = given === 3 ? address : flagsOrAddress;
    // A datagram socket's sends mostly name one address: its last one is kept.
    let salen = this._sameDestination(to, this._addresses?.dst);
    if (salen < 0) {
      const [n, known] = yield* this._destination(to, "sendto");
      salen = n;
      if (known) this._caches().dst = known;
    }
    const core = this._stack.core;
    // The sockaddr sits at the scratch start; before a wait, which may let another call in,
    // keep a copy of it for the next attempt.
    let sa: Uint8Array | null = null;
    const send = this.sendOp(bytes, 0, flags, salen);
    const op = () => {
      if (sa) core.u8.set(sa, core.out);
      const r = send();
      if (r === -EAGAIN && !sa) sa = core.u8.slice(core.out, core.out + salen);
      return r;
    };
    const timeout = this._callTimeout(flags);
    return check(yield* sockCall(this, WRITE, pollFirst(this, WRITE, timeout, op), timeout));
  }

  [disposeSymbol](): void {
    this.close();
  }

  async [asyncDisposeSymbol](): Promise<void> {
    this.close();
  }
}
Object.defineProperty(SocketBase.prototype, PY_TYPE, { value: "socket" });
