// Python's address and byte-order functions (CPython Modules/socketmodule.c: socket_htonl,
// _socket_socket_htons_impl, socket_inet_aton, socket_inet_ntoa, socket_inet_pton,
// socket_inet_ntop) over the core's glibc parsers. No `node:` import: runs in any JS runtime.

import { addrCore as core } from "./core.js";
import { OSError, OverflowError, ValueError, fromErrno } from "./errors.js";
import { argTypeName, arity, asBytes, asCInt, asUnsignedLong, checkCString, isInt, typeName } from "./pyargs.js";
import { AF_INET, AF_INET6 } from "./tables/constants_linux.js";

export { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC } from "./tables/constants_linux.js";

const C = core.exports;
const swap32 = C.htonl;
const swap16 = C.htons;

/** socket_htonl / socket_ntohl: any int in [0, 2**32). */
function long32(fn: string, x: unknown, given: number): number {
  if (given !== 1) throw new TypeError(`_socket.${fn}() takes exactly one argument (${given} given)`);
  if (typeof x === "number" && (x >>> 0) === x) return x;
  if (!isInt(x)) throw new TypeError(`expected int, ${typeName(x)} found`);
  const v = asUnsignedLong(x);
  if (v > 0xffffffff) throw new OverflowError("int larger than 32 bits");
  return Number(v);
}

/** _socket_socket_htons_impl / ntohs: a C int in [0, 0xffff]. */
function short16(fn: string, x: unknown, given: number): number {
  arity(fn, 1, given);
  if (typeof x === "number" && (x & 0xffff) === x) return x;
  const v = asCInt(x);
  if (v < 0) throw new OverflowError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (v > 0xffff) throw new OverflowError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`);
  return v;
}

export function htonl(x: number | bigint): number {
  return swap32(long32("htonl", x, arguments.length)) >>> 0;
}

export function ntohl(x: number | bigint): number {
  return swap32(long32("ntohl", x, arguments.length)) >>> 0;
}

export function htons(x: number | bigint): number {
  return swap16(short16("htons", x, arguments.length));
}

export function ntohs(x: number | bigint): number {
  return swap16(short16("ntohs", x, arguments.length));
}

/** The "s" unit for a text argument: writes it to the core, returns its length. */
function textArg(fn: string, pos: number, s: unknown): number {
  if (typeof s !== "string") throw new TypeError(`${fn}() argument ${pos} must be str, not ${argTypeName(s)}`);
  if (core.writeText(s) < 0) checkCString(s);
  return s.length;
}

/** A copy of the n (4 or 16) result bytes; a plain loop beats slice() at these sizes. */
function resultBytes(n: number): Uint8Array {
  const r = new Uint8Array(n);
  const u8 = core.u8;
  const o = core.out;
  for (let i = 0; i < n; i += 4) {
    r[i] = u8[o + i];
    r[i + 1] = u8[o + i + 1];
    r[i + 2] = u8[o + i + 2];
    r[i + 3] = u8[o + i + 3];
  }
  return r;
}

export function inet_aton(ip_string: string): Uint8Array {
  arity("inet_aton", 1, arguments.length);
  const len = textArg("inet_aton", 1, ip_string);
  if (C.inet_aton(len) === 0) throw new OSError("illegal IP address string passed to inet_aton");
  return resultBytes(4);
}

export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  arity("inet_pton", 2, arguments.length);
  const af = asCInt(address_family);
  const len = textArg("inet_pton", 2, ip_string);
  const r = C.inet_pton(af, len);
  if (r < 0) throw fromErrno(-r);
  if (r === 0) throw new OSError("illegal IP address string passed to inet_pton");
  return resultBytes(af === AF_INET ? 4 : 16);
}

function writePacked(packed: Uint8Array): void {
  const u8 = core.u8;
  const p = core.in;
  for (let i = 0; i < packed.length; i++) u8[p + i] = packed[i];
}

export function inet_ntop(address_family: number, packed_ip: Uint8Array): string {
  arity("inet_ntop", 2, arguments.length);
  const af = asCInt(address_family);
  const packed = asBytes(packed_ip);
  const want = af === AF_INET ? 4 : af === AF_INET6 ? 16 : -1;
  if (want < 0) throw new ValueError(`unknown address family ${af}`);
  if (packed.length !== want) throw new ValueError("invalid length of packed IP address string");
  writePacked(packed);
  return core.readText(C.inet_ntop(af));
}

export function inet_ntoa(packed_ip: Uint8Array): string {
  arity("inet_ntoa", 1, arguments.length);
  const packed = asBytes(packed_ip);
  if (packed.length !== 4) throw new OSError("packed IP wrong length for inet_ntoa");
  writePacked(packed);
  return core.readText(C.inet_ntop(AF_INET));
}
