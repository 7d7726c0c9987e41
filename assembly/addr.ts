// Address text <-> bytes, as glibc does it (resolv/inet_addr.c, resolv/inet_pton.c,
// resolv/inet_ntop.c), which is what CPython's socket module calls on Linux.
// Input text is in the scratch input area (after OUT_SIZE); results go to the scratch start.
// JavaScript has already rejected NUL and non-UTF-8 text; any byte >= 0x80 behaves as glibc's
// C locale treats it: not a digit, not a space.

import { scratchBase, OUT_SIZE } from "./scratch";

const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const EAFNOSUPPORT: i32 = 97;

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

// C locale isspace: ' ', \t, \n, \v, \f, \r.
// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  return c == 0x20 || c - 0x09 < 5;
}

function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

// @ts-ignore: decorator
@inline function at(p: usize, end: usize): u32 {
  return p < end ? <u32>load<u8>(p) : 0;
}

/** glibc inet_aton: 1 and four bytes at the scratch start, or 0. */
export function inet_aton(len: i32): i32 {
  let p = scratchBase() + OUT_SIZE;
  const end = p + <usize>len;
  let high: u32 = 0; // the parts before the last one, already shifted into place
  let parts: i32 = 0;
  let val: u64 = 0;
  let c = at(p, end);
  while (true) {
    // Each part is C's strtoul(cp, &endp, 0): 0x = hex, 0 = octal, else decimal.
    if (!isDigit(c)) return 0;
    let base: u32 = 10;
    if (c == 0x30) {
      base = 8;
      if ((at(p + 1, end) | 0x20) == 0x78 && hexValue(at(p + 2, end)) >= 0) {
        base = 16;
        p += 2;
      }
    }
    val = 0;
    let over = false;
    while (p < end) {
      const d = hexValue(<u32>load<u8>(p));
      if (d < 0 || <u32>d >= base) break;
      if (!over) {
        val = val * base + <u64>d;
        over = val > 0xffffffff;
      }
      p++;
    }
    if (over) return 0;
    c = at(p, end);
    if (c != 0x2e) break;
    // a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits)
    if (parts > 2 || val > 0xff) return 0;
    high |= <u32>val << (24 - 8 * parts);
    parts++;
    p++;
    c = at(p, end);
  }
  if (c != 0 && !isSpace(c)) return 0;
  const max: u64 = parts == 0 ? 0xffffffff : (<u64>0xffffffff >> (8 * parts));
  if (val > max) return 0;
  store<u32>(scratchBase(), bswap<u32>(high | <u32>val));
  return 1;
}

function pton4(src: usize, end: usize, dst: usize): i32 {
  let sawDigit = false;
  let octets = 0;
  let tp = dst;
  store<u8>(tp, 0);
  while (src < end) {
    const ch = <u32>load<u8>(src++);
    if (isDigit(ch)) {
      const cur = <u32>load<u8>(tp);
      const next = cur * 10 + (ch - 0x30);
      if (sawDigit && cur == 0) return 0;
      if (next > 255) return 0;
      store<u8>(tp, <u8>next);
      if (!sawDigit) {
        if (++octets > 4) return 0;
        sawDigit = true;
      }
    } else if (ch == 0x2e && sawDigit) {
      if (octets == 4) return 0;
      store<u8>(++tp, 0);
      sawDigit = false;
    } else {
      return 0;
    }
  }
  return octets < 4 ? 0 : 1;
}

function pton6(src: usize, end: usize, dst: usize): i32 {
  memory.fill(dst, 0, 16);
  let tp = dst;
  const tend = dst + 16;
  let colonp: usize = 0;
  let hasColon = false;
  if (src == end) return 0;
  // Leading :: needs special handling.
  if (load<u8>(src) == 0x3a) {
    ++src;
    if (src == end || load<u8>(src) != 0x3a) return 0;
  }
  let curtok = src;
  let xdigits = 0;
  let val: u32 = 0;
  while (src < end) {
    const ch = <u32>load<u8>(src++);
    const digit = hexValue(ch);
    if (digit >= 0) {
      if (xdigits == 4) return 0;
      val = (val << 4) | <u32>digit;
      ++xdigits;
      continue;
    }
    if (ch == 0x3a) {
      curtok = src;
      if (xdigits == 0) {
        if (hasColon) return 0;
        hasColon = true;
        colonp = tp;
        continue;
      } else if (src == end) {
        return 0;
      }
      if (tp + 2 > tend) return 0;
      store<u8>(tp++, <u8>(val >> 8));
      store<u8>(tp++, <u8>val);
      xdigits = 0;
      val = 0;
      continue;
    }
    if (ch == 0x2e && tp + 4 <= tend && pton4(curtok, end, tp) > 0) {
      tp += 4;
      xdigits = 0;
      break;
    }
    return 0;
  }
  if (xdigits > 0) {
    if (tp + 2 > tend) return 0;
    store<u8>(tp++, <u8>(val >> 8));
    store<u8>(tp++, <u8>val);
  }
  if (hasColon) {
    // :: would expand to a zero-width field.
    if (tp == tend) return 0;
    const n = tp - colonp;
    memory.copy(tend - n, colonp, n);
    memory.fill(colonp, 0, tend - n - colonp);
    tp = tend;
  }
  return tp == tend ? 1 : 0;
}

/** glibc inet_pton: 1 with the bytes at the scratch start, 0 if illegal, -EAFNOSUPPORT. */
export function inet_pton(af: i32, len: i32): i32 {
  const src = scratchBase() + OUT_SIZE;
  const end = src + <usize>len;
  if (af == AF_INET) return pton4(src, end, scratchBase());
  if (af == AF_INET6) return pton6(src, end, scratchBase());
  return -EAFNOSUPPORT;
}

function putDecimal(tp: usize, v: u32): usize {
  if (v >= 100) store<u8>(tp++, <u8>(0x30 + v / 100));
  if (v >= 10) store<u8>(tp++, <u8>(0x30 + (v / 10) % 10));
  store<u8>(tp++, <u8>(0x30 + v % 10));
  return tp;
}

function ntop4(src: usize, tp: usize): usize {
  tp = putDecimal(tp, load<u8>(src));
  for (let i: usize = 1; i < 4; i++) {
    store<u8>(tp++, 0x2e);
    tp = putDecimal(tp, load<u8>(src + i));
  }
  return tp;
}

function putHex(tp: usize, v: u32): usize {
  let shift: i32 = 12;
  while (shift > 0 && (v >> shift) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) {
    const d = (v >> shift) & 0xf;
    store<u8>(tp++, <u8>(d < 10 ? 0x30 + d : 0x57 + d));
  }
  return tp;
}

function ntop6(src: usize, start: usize): usize {
  // The longest run of two or more zero words becomes "::"; the first wins a tie.
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (load<u16>(src + (i << 1)) == 0) {
      if (curBase == -1) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase != -1) {
      if (bestBase == -1 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
  if (bestBase != -1 && bestLen < 2) bestBase = -1;
  let tp = start;
  for (let i = 0; i < 8; i++) {
    if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i == bestBase) store<u8>(tp++, 0x3a);
      continue;
    }
    if (i != 0) store<u8>(tp++, 0x3a);
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) get a dotted tail.
    const word = bswap<u16>(load<u16>(src + (i << 1)));
    if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && load<u16>(src + 10) == 0xffff))) {
      return ntop4(src + 12, tp);
    }
    tp = putHex(tp, word);
  }
  if (bestBase != -1 && bestBase + bestLen == 8) store<u8>(tp++, 0x3a);
  return tp;
}

/** glibc inet_ntop on the packed bytes in the input area: the text's length, or -EAFNOSUPPORT. */
export function inet_ntop(af: i32): i32 {
  const out = scratchBase();
  const src = out + OUT_SIZE;
  if (af == AF_INET) return <i32>(ntop4(src, out) - out);
  if (af == AF_INET6) return <i32>(ntop6(src, out) - out);
  return -EAFNOSUPPORT;
}
