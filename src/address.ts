// Python address tuples <-> the core's sockaddrs: CPython's getsockaddrarg(), setipaddr() and
// makesockaddr() (Modules/socketmodule.c) for AF_INET and AF_INET6.

import type { Core } from "./core.js";
import { SA_OUT } from "./core.js";
import { OSError, OverflowError, UnicodeEncodeError, UnicodeError } from "./errors.js";
import { asBytes, asCInt, isInt, typeName } from "./pyargs.js";
import { idnaEncode, isAscii } from "./idna.js";
import { setipaddr } from "./resolve.js";
import type { Op } from "./sockcall.js";
import type { Address } from "./socket.js";
import { AF_INET, AF_INET6, AF_UNIX } from "./tables/constants_linux.js";

const ERR_PORT = -1001;
const ERR_FLOWINFO = -1002;
const ERR_PATH = -1003;

/** idna_converter: the host of an address tuple as text (str, IDNA-encoded unless ASCII, or
 * bytes taken as they are). */
function hostText(v: unknown): string {
  let text: string;
  if (typeof v === "string") {
    try {
      text = isAscii(v) ? v : idnaEncode(v);
    } catch (err) {
      if (err instanceof UnicodeError) throw new TypeError("encoding of hostname failed");
      throw err;
    }
  } else if (v instanceof Uint8Array) {
    text = String.fromCharCode(...v);
  } else {
    throw new TypeError(`str, bytes or bytearray expected, not ${typeName(v)}`);
  }
  if (text.includes("\0")) throw new TypeError("host name must not contain null character");
  return text;
}

/** The "I" format unit: an int taken modulo 2**32, without overflow checking. */
function uintMask(v: unknown): number {
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(BigInt.asUintN(32, typeof v === "bigint" ? v : BigInt(Number(v))));
}

/** Writes the address bytes for `host` at the scratch start: setipaddr, shared with the
 * resolver functions. */
function* writeHost(core: Core, host: string, family: number): Op<void> {
  core.u8.set((yield* setipaddr(host, family)).bytes, core.out);
}

/** os.fsencode on Linux: UTF-8 with surrogateescape (U+DC80..U+DCFF stand for raw bytes). */
export function fsEncode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00);
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pos = Array.from(s.slice(0, i)).length;
      throw new UnicodeEncodeError("utf-8", s, pos, pos + 1, "surrogates not allowed");
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** os.fsdecode on Linux: UTF-8, with undecodable bytes as U+DC80..U+DCFF. */
export function fsDecode(b: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    let s = "";
    for (const x of b) s += String.fromCharCode(x < 0x80 ? x : 0xdc00 + x);
    return s;
  }
}

/** getsockaddrarg for AF_UNIX: a str path (fs-encoded) or bytes; abstract names start with NUL. */
function sockaddrUnix(core: Core, address: unknown): number {
  const path = typeof address === "string" ? fsEncode(address) : asBytes(address);
  core.reserve(path.length);
  core.u8.set(path, core.in);
  const r = core.exports.sockaddr_un(path.length);
  if (r === ERR_PATH) throw new OSError("AF_UNIX path too long");
  return r;
}

/** getsockaddrarg for AF_INET/AF_INET6: writes the sockaddr at the scratch start, returns its
 * length. `caller` names the method in CPython's messages ("bind", "connect", "sendto"). */
export function* sockaddrArg(core: Core, family: number, address: unknown, caller: string): Op<number> {
  const C = core.exports;
  if (family === AF_UNIX) return sockaddrUnix(core, address);
  const name = family === AF_INET6 ? "AF_INET6" : "AF_INET";
  if (!Array.isArray(address)) {
    throw new TypeError(`${caller}(): ${name} address must be tuple, not ${typeName(address)}`);
  }
  const shape = family === AF_INET6
    ? "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])"
    : "AF_INET address must be a pair (host, port)";
  if (family === AF_INET6 ? address.length < 2 || address.length > 4 : address.length !== 2) {
    throw new TypeError(shape);
  }
  const host = hostText(address[0]);
  let port: number;
  try {
    port = asCInt(address[1]);
  } catch (err) {
    if (err instanceof OverflowError) throw new OverflowError(`${caller}(): port must be 0-65535.`);
    throw err;
  }
  const flowinfo = address.length > 2 ? uintMask(address[2]) : 0;
  const scopeId = address.length > 3 ? uintMask(address[3]) : 0;
  yield* writeHost(core, host, family);
  const r = family === AF_INET6 ? C.sockaddr_in6(port, flowinfo, scopeId) : C.sockaddr_in(port);
  if (r === ERR_PORT) throw new OverflowError(`${caller}(): port must be 0-65535.`);
  if (r === ERR_FLOWINFO) throw new OverflowError(`${caller}(): flowinfo must be 0-1048575.`);
  return r;
}

/** makesockaddr: the Python address for the sockaddr of length `salen` the core wrote at
 * SA_OUT (null when the call named none, as recvfrom on a stream). AF_UNIX names are str
 * paths, or bytes for Linux's abstract names. */
export function sockaddrResult(core: Core, salen = 0): Address | null {
  const u8 = core.u8;
  const sa = core.out + SA_OUT;
  const family = u8[sa] | (u8[sa + 1] << 8);
  if (family === AF_UNIX) {
    const path = u8.subarray(sa + 2, sa + Math.max(salen, 2));
    if (path.length > 0 && path[0] === 0) return path.slice();
    const nul = path.indexOf(0);
    return fsDecode(nul >= 0 ? path.subarray(0, nul) : path);
  }
  if (family !== AF_INET && family !== AF_INET6) return null;
  const port = (u8[sa + 2] << 8) | u8[sa + 3];
  if (family === AF_INET6) {
    const flowinfo = ((u8[sa + 4] << 24) | (u8[sa + 5] << 16) | (u8[sa + 6] << 8) | u8[sa + 7]) >>> 0;
    const scopeId = (u8[sa + 24] | (u8[sa + 25] << 8) | (u8[sa + 26] << 16) | (u8[sa + 27] << 24)) >>> 0;
    return [core.readText(core.exports.sockaddr_host()), port, flowinfo, scopeId];
  }
  return [core.readText(core.exports.sockaddr_host()), port];
}
