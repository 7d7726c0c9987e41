// socket.sendmsg, recvmsg and recvmsg_into (CPython's sock_sendmsg, sock_recvmsg_guts in
// Modules/socketmodule.c) over the core's send and recv: buffers are gathered into one send and
// a receive is scattered over the caller's buffers. The runtime carries no ancillary data, so
// recvmsg's ancdata is always [] and a non-empty item Linux would act on is EOPNOTSUPP.

import { sockaddrArg, sockaddrResult } from "./address.js";
import { ValueError, fromErrno } from "./errors.js";
import { asBytes, asCInt, asSsizeT, typeName } from "./pyargs.js";
import { answerAfterPoll, pollFirst } from "./pollfirst.js";
import { check, sockCall, type Op } from "./sockcall.js";
import { SocketBase, type Address } from "./socket.js";
import { READ, WRITE } from "../host/types.js";
import { AF_UNIX, MSG_OOB, MSG_TRUNC, SOCK_STREAM, SOL_SOCKET } from "./tables/constants_linux.js";

const EOPNOTSUPP = 95;
const EMSGSIZE = 90;
const EINVAL = 22;
/** uio.h: the most iovecs one call takes; ___sys_sendmsg/recvmsg answer more with EMSGSIZE. */
const UIO_MAXIOV = 1024;
/** SOCKLEN_T_LIMIT: the largest ancbufsize CPython's recvmsg accepts. */
const SOCKLEN_T_LIMIT = 0x7fffffff;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
/** A datagram is at most this long: the core's input area holds any whole one. */
const DATAGRAM_MAX = 65536;

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
export type RecvmsgResult<T> = [T, Array<[number, number, Uint8Array]>, number, Address | null];

declare module "./socket.js" {
  interface SocketBase<A extends boolean> {
    /** sendmsg(buffers, ancdata=[], flags=0, address=None): the count of bytes sent. */
    sendmsg(buffers: Iterable<Uint8Array>, ancdata?: Iterable<[number, number, Uint8Array]>, flags?: number, address?: Address | null): Ret<A, number>;
    /** recvmsg(bufsize, ancbufsize=0, flags=0): [data, ancdata, msg_flags, address]. */
    recvmsg(bufsize: number, ancbufsize?: number, flags?: number): Ret<A, RecvmsgResult<Uint8Array>>;
    /** recvmsg_into(buffers, ancbufsize=0, flags=0): [nbytes, ancdata, msg_flags, address]. */
    recvmsg_into(buffers: Iterable<Uint8Array>, ancbufsize?: number, flags?: number): Ret<A, RecvmsgResult<number>>;
  }
}

function arity(name: string, min: number, max: number, given: number): void {
  const plural = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
  if (given < min) throw new TypeError(`${name}() takes at least ${plural(min)} (${given} given)`);
  if (given > max) throw new TypeError(`${name}() takes at most ${plural(max)} (${given} given)`);
}

function iterable(v: unknown, message: string): unknown[] {
  if (v === null || v === undefined || typeof (v as Iterable<unknown>)[Symbol.iterator] !== "function") throw new TypeError(message);
  return Array.from(v as Iterable<unknown>);
}

/** sendmsg's ancillary items, checked as CPython parses them ("(iiy*)"); one that Linux would
 * act on is EOPNOTSUPP, since this runtime cannot send it. */
function ancillary(s: SocketBase<boolean>, ancdata: unknown): void {
  for (const item of iterable(ancdata, "sendmsg() argument 2 must be an iterable")) {
    // The "(iiy*)" unit takes any sequence but bytes and bytearray: a str too, of its characters.
    if (item instanceof Uint8Array || (typeof item !== "string" && (item === null || typeof item !== "object" || typeof (item as Iterable<unknown>)[Symbol.iterator] !== "function"))) {
      throw new TypeError(`[sendmsg() ancillary data items]() argument must be 3-item sequence, not ${typeName(item)}`);
    }
    const fields = Array.from(item as Iterable<unknown>);
    if (fields.length !== 3) {
      throw new TypeError(`[sendmsg() ancillary data items]() argument must be sequence of length 3, not ${fields.length}`);
    }
    const level = asCInt(fields[0]);
    const type = asCInt(fields[1]);
    const data = asBytes(fields[2]);
    // An empty item carries nothing (scm_fp_copy of no descriptors). TCP ignores the items of
    // other levels and SCM_RIGHTS/SCM_CREDENTIALS (sock_cmsg_send); every other item Linux would
    // carry or apply, and Node cannot.
    if (data.length === 0) continue;
    const tcp = s._type === SOCK_STREAM && s._family !== AF_UNIX;
    if (tcp && (level !== SOL_SOCKET || type === SCM_RIGHTS || type === SCM_CREDENTIALS)) continue;
    throw fromErrno(EOPNOTSUPP);
  }
}

/** The call for `iovecs` buffers: `op`, or for more than UIO_MAXIOV the syscall's EMSGSIZE. */
function iovCall(s: SocketBase<boolean>, iovecs: number, interest: number, timeout: number | null, op: () => number): () => number {
  return iovecs <= UIO_MAXIOV ? op : answerAfterPoll(s, interest, timeout, -EMSGSIZE);
}

function* sendmsgOp(s: SocketBase<boolean>, given: number, buffers: unknown, ancdata: unknown, flags: unknown, address: unknown): Op<number> {
  arity("sendmsg", 1, 4, given);
  // sock_sendmsg: flags as "O|OiO" parses them, then the address, the buffers, the items.
  const f = given > 2 ? asCInt(flags) : 0;
  const core = s._stack.core;
  const C = core.exports;
  let sa: Uint8Array | null = null;
  if (address !== null && address !== undefined) {
    const salen = yield* sockaddrArg(core, s._family, address, "sendmsg");
    sa = core.u8.slice(core.out, core.out + salen);
  }
  const parts = iterable(buffers, "sendmsg() argument 1 must be an iterable").map(asBytes);
  if (given > 1) ancillary(s, ancdata);
  let total = 0;
  for (const p of parts) total += p.length;
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  core.reserve(total);
  const op = () => {
    core.u8.set(data, core.in);
    if (sa === null) return C.sock_send(s._fd, total, f);
    core.u8.set(sa, core.out);
    return C.sock_send_to(s._fd, total, f, sa.length);
  };
  const timeout = s._callTimeout(f);
  return check(yield* sockCall(s, WRITE, iovCall(s, parts.length, WRITE, timeout, pollFirst(s, WRITE, timeout, op)), timeout));
}

/** recvmsg(2) of up to n bytes into the core's input area: [what `take` makes of the bytes
 * read and the count the call answers (a datagram's whole length when the caller asked
 * MSG_TRUNC), msg_flags, address]. `take` runs before the address is formatted, which uses the
 * same scratch area. */
function* recvmsgRaw<T>(
  s: SocketBase<boolean>, n: number, iovecs: number, anc: number, f: number,
  take: (bytes: Uint8Array, count: number) => T,
): Op<[T, number, Address | null]> {
  if (anc < 0 || anc > SOCKLEN_T_LIMIT) throw new ValueError("invalid ancillary data buffer length");
  const core = s._stack.core;
  const C = core.exports;
  const datagram = s._type !== SOCK_STREAM;
  core.reserve(datagram ? Math.max(n, DATAGRAM_MAX) : n);
  // A datagram read with MSG_TRUNC answers its whole length: more than asked is udp_recvmsg's
  // MSG_TRUNC in msg_flags.
  const timeout = s._callTimeout(f);
  const kf = s._recvFlags(datagram ? f | MSG_TRUNC : f, timeout);
  const op = f & MSG_OOB && !datagram
    ? answerAfterPoll(s, READ, timeout, -EINVAL)
    : iovCall(s, iovecs, READ, timeout, () => C.sock_recv_from(s._fd, n, kf));
  const r = check(yield* sockCall(s, READ, pollFirst(s, READ, timeout, op), timeout));
  const got = Math.min(r, n);
  const taken = take(core.u8.subarray(core.in, core.in + got), f & MSG_TRUNC ? r : got);
  return [taken, datagram && r > n ? MSG_TRUNC : 0, datagram ? sockaddrResult(core) : null];
}

function* recvmsgOp(s: SocketBase<boolean>, given: number, bufsize: unknown, ancbufsize: unknown, flags: unknown): Op<RecvmsgResult<Uint8Array>> {
  arity("recvmsg", 1, 3, given);
  // "n|ni" converts every argument before sock_recvmsg checks one.
  const n = asSsizeT(bufsize);
  const anc = asSsizeT(ancbufsize);
  const f = asCInt(flags);
  if (n < 0) throw new ValueError("negative buffer size in recvmsg()");
  const [data, msgFlags, address] = yield* recvmsgRaw(s, n, 1, anc, f, (bytes) => bytes.slice());
  return [data, [], msgFlags, address];
}

function* recvmsgIntoOp(s: SocketBase<boolean>, given: number, buffers: unknown, ancbufsize: unknown, flags: unknown): Op<RecvmsgResult<number>> {
  arity("recvmsg_into", 1, 3, given);
  // "O|ni" converts the sizes before sock_recvmsg_into looks at the buffers.
  const anc = asSsizeT(ancbufsize);
  const f = asCInt(flags);
  const bufs = iterable(buffers, "recvmsg_into() argument 1 must be an iterable").map((b) => {
    if (b instanceof Uint8Array) return b;
    if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    throw new TypeError("recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers");
  });
  let total = 0;
  for (const b of bufs) total += b.length;
  const scatter = (bytes: Uint8Array, count: number) => {
    let at = 0;
    for (const b of bufs) {
      const k = Math.min(b.length, bytes.length - at);
      b.set(bytes.subarray(at, at + k));
      at += k;
    }
    return count;
  };
  const [count, msgFlags, address] = yield* recvmsgRaw(s, total, bufs.length, anc, f, scatter);
  return [count, [], msgFlags, address];
}

const proto = SocketBase.prototype as SocketBase<boolean>;
proto.sendmsg = function (this: SocketBase<boolean>, buffers: unknown, ancdata?: unknown, flags?: unknown, address?: unknown) {
  const given = arguments.length;
  return this._stack.run(this, 1, () => sendmsgOp(this, given, buffers, ancdata, flags, address));
} as SocketBase<boolean>["sendmsg"];
proto.recvmsg = function (this: SocketBase<boolean>, bufsize: unknown, ancbufsize: unknown = 0, flags: unknown = 0) {
  const given = arguments.length;
  return this._stack.run(this, 0, () => recvmsgOp(this, given, bufsize, ancbufsize, flags));
} as SocketBase<boolean>["recvmsg"];
proto.recvmsg_into = function (this: SocketBase<boolean>, buffers: unknown, ancbufsize: unknown = 0, flags: unknown = 0) {
  const given = arguments.length;
  return this._stack.run(this, 0, () => recvmsgIntoOp(this, given, buffers, ancbufsize, flags));
} as SocketBase<boolean>["recvmsg_into"];
