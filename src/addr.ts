// Python's address and byte-order functions (CPython Modules/socketmodule.c: socket_htonl,
// _socket_socket_htons_impl, socket_inet_aton, socket_inet_ntoa, socket_inet_pton,
// socket_inet_ntop) over the core's glibc parsers. No `node:` import: runs in any JS runtime.

import { addrCore as core } from "./core.js";
import { OSError, OverflowError, ValueError, fromErrno } from "./errors.js";
import { argTypeName, arity, asBytes, asCInt, asUnsignedLong, checkCString, isInt, typeName } from "./pyargs.js";
import { AF_INET, AF_INET6 } from "./tables/constants_linux.js";

export { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC } from "./tables/constants_linux.js";

const C = core.exports;
/** The core's result and input areas (fixed for the host-less core). */
const OUT = core.out;
const IN = core.in;

/** Linux x86-64 is little-endian, so glibc's htonl/ntohl and htons/ntohs swap bytes. Done here
 * rather than by the core's htonl/htons: a call into WASM costs more than the swap itself. */
const swap32 = (x: number): number => ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
const swap16 = (x: number): number => ((x & 0xff) << 8) | (x >>> 8);

/** socket_htonl / socket_ntohl's checks: any int in [0, 2**32). The callers test the common
 * case inline and call this for the rest, which keeps them small enough for V8 to inline. */
function long32(fn: string, x: unknown, given: number): number {
  if (given !== 1) throw new TypeError(`_socket.${fn}() takes exactly one argument (${given} given)`);
  if (typeof x === "number" && (x >>> 0) === x) return x;
  if (!isInt(x)) throw new TypeError(`expected int, ${typeName(x)} found`);
  const v = asUnsignedLong(x);
  if (v > 0xffffffff) throw new OverflowError("int larger than 32 bits");
  return Number(v);
}

/** _socket_socket_htons_impl / ntohs's checks: a C int in [0, 0xffff]. */
function short16(fn: string, x: unknown, given: number): number {
  arity(fn, 1, given);
  if (typeof x === "number" && (x & 0xffff) === x) return x;
  const v = asCInt(x);
  if (v < 0) throw new OverflowError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (v > 0xffff) throw new OverflowError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`);
  return v;
}

export function htonl(x: number | bigint): number {
  const ok = arguments.length === 1 && typeof x === "number" && (x >>> 0) === x;
  return swap32(ok ? x : long32("htonl", x, arguments.length));
}

export function ntohl(x: number | bigint): number {
  const ok = arguments.length === 1 && typeof x === "number" && (x >>> 0) === x;
  return swap32(ok ? x : long32("ntohl", x, arguments.length));
}

export function htons(x: number | bigint): number {
  const ok = arguments.length === 1 && typeof x === "number" && (x & 0xffff) === x;
  return swap16(ok ? x : short16("htons", x, arguments.length));
}

export function ntohs(x: number | bigint): number {
  const ok = arguments.length === 1 && typeof x === "number" && (x & 0xffff) === x;
  return swap16(ok ? x : short16("ntohs", x, arguments.length));
}

/** The "s" unit for a text argument: writes it to the core, returns its length. */
function textArg(fn: string, pos: number, s: unknown): number {
  if (typeof s !== "string") throw new TypeError(`${fn}() argument ${pos} must be str, not ${argTypeName(s)}`);
  if (core.writeText(s) < 0) checkCString(s);
  return s.length;
}

/** The 4 result bytes, as a new array (Python's bytes is a value; nothing else holds it). */
function resultBytes4(): Uint8Array {
  const r = new Uint8Array(4);
  const w = core.dv.getUint32(OUT, true);
  r[0] = w;
  r[1] = w >>> 8;
  r[2] = w >>> 16;
  r[3] = w >>> 24;
  return r;
}

/** The 16 result bytes, as a new array. */
function resultBytes16(): Uint8Array {
  const r = new Uint8Array(16);
  const dv = core.dv;
  for (let i = 0; i < 16; i += 4) {
    const w = dv.getUint32(OUT + i, true);
    r[i] = w;
    r[i + 1] = w >>> 8;
    r[i + 2] = w >>> 16;
    r[i + 3] = w >>> 24;
  }
  return r;
}

export function inet_aton(ip_string: string): Uint8Array {
  arity("inet_aton", 1, arguments.length);
  const len = textArg("inet_aton", 1, ip_string);
  if (C.inet_aton(len) === 0) throw new OSError("illegal IP address string passed to inet_aton");
  return resultBytes4();
}

export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  arity("inet_pton", 2, arguments.length);
  const af = asCInt(address_family);
  const len = textArg("inet_pton", 2, ip_string);
  const r = C.inet_pton(af, len);
  if (r < 0) throw fromErrno(-r);
  if (r === 0) throw new OSError("illegal IP address string passed to inet_pton");
  return af === AF_INET ? resultBytes4() : resultBytes16();
}

/** Copies the packed address (4 or 16 bytes) to the input area, four bytes per access. */
function writePacked(packed: Uint8Array): void {
  const dv = core.dv;
  for (let i = 0; i < packed.length; i += 4) {
    dv.setUint32(IN + i, packed[i] | (packed[i + 1] << 8) | (packed[i + 2] << 16) | (packed[i + 3] << 24), true);
  }
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
