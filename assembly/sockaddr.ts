// The sockaddr codec: Linux's struct sockaddr_in (16 bytes) and sockaddr_in6 (28 bytes), with
// CPython's range checks from getsockaddrarg() (Modules/socketmodule.c). The address bytes come
// from inet_pton at the scratch start; the sockaddr is written in their place.

import { scratchBase, SA_OUT, OUT_SIZE } from "./scratch";
import { inet_ntop } from "./addr";

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;

/** Returned for "port must be 0-65535." (CPython raises OverflowError). */
export const ERR_PORT: i32 = -1001;
/** Returned for "flowinfo must be 0-1048575." (OverflowError). */
export const ERR_FLOWINFO: i32 = -1002;
/** Returned for "AF_UNIX path too long" (OSError). */
export const ERR_PATH: i32 = -1003;

const SUN_PATH: i32 = 108;

/** Builds a sockaddr_in from the 4 address bytes at the scratch start; its length or ERR_PORT. */
export function sockaddr_in(port: i32): i32 {
  if (<u32>port > 0xffff) return ERR_PORT;
  const sa = scratchBase();
  const addr = load<u32>(sa);
  store<u16>(sa, AF_INET);
  store<u16>(sa, bswap<u16>(<u16>port), 2);
  store<u32>(sa, addr, 4);
  store<u64>(sa, 0, 8);
  return 16;
}

/** Builds a sockaddr_in6 from the 16 address bytes at the scratch start. */
export function sockaddr_in6(port: i32, flowinfo: u32, scope_id: u32): i32 {
  if (<u32>port > 0xffff) return ERR_PORT;
  if (flowinfo > 0xfffff) return ERR_FLOWINFO;
  const sa = scratchBase();
  const lo = load<u64>(sa);
  const hi = load<u64>(sa, 8);
  store<u16>(sa, AF_INET6);
  store<u16>(sa, bswap<u16>(<u16>port), 2);
  store<u32>(sa, bswap<u32>(flowinfo), 4);
  store<u64>(sa, lo, 8);
  store<u64>(sa, hi, 16);
  store<u32>(sa, scope_id, 24);
  return 28;
}

/** Builds a sockaddr_un from the `len` path bytes in the input area, as CPython's
 * getsockaddrarg does on Linux: a path that is empty or starts with NUL is an abstract name
 * (no terminator, up to 108 bytes); any other gets a NUL and must be shorter than 108. */
export function sockaddr_un(len: i32): i32 {
  const sa = scratchBase();
  const path = sa + OUT_SIZE;
  const abstract = len == 0 || load<u8>(path) == 0;
  if (abstract ? len > SUN_PATH : len >= SUN_PATH) return ERR_PATH;
  store<u16>(sa, AF_UNIX);
  memory.copy(sa + 2, path, <usize>len);
  if (abstract) return 2 + len;
  store<u8>(sa + 2 + <usize>len, 0);
  return 3 + len;
}

/** Writes the unspecified address of a family (what getsockname says before bind) at `sa`. */
export function sockaddrAny(sa: usize, family: i32): i32 {
  memory.fill(sa, 0, 28);
  store<u16>(sa, <u16>family);
  // An unbound AF_UNIX socket is unnamed: just the family (unix(7)).
  return family == AF_INET6 ? 28 : family == AF_UNIX ? 2 : 16;
}

/** The text of the host in the sockaddr at SA_OUT, written at the scratch start; its length.
 * Overwrites the start of the input area. */
export function sockaddr_host(): i32 {
  const sa = scratchBase() + SA_OUT;
  const input = scratchBase() + OUT_SIZE;
  const family = <i32>load<u16>(sa);
  if (family == AF_INET) {
    store<u32>(input, load<u32>(sa, 4));
  } else if (family == AF_INET6) {
    memory.copy(input, sa + 8, 16);
  }
  return inet_ntop(family);
}
