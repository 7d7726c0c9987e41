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

// What each byte is to the parsers: its hex digit value (0-15), COLON, DOT or OTHER. One load
// per character where comparisons would branch twice.
const COLON: u32 = 16;
const DOT: u32 = 17;
const OTHER: u32 = 0xff;
const CHAR_CLASS = memory.data(256);
for (let c: u32 = 0; c < 256; c++) {
  const l = c | 0x20;
  const v = c - 0x30 < 10 ? c - 0x30 : l - 0x61 < 6 ? l - 0x61 + 10 : c == 0x3a ? COLON : c == 0x2e ? DOT : OTHER;
  store<u8>(CHAR_CLASS + c, <u8>v);
}

// @ts-ignore: decorator
@inline function charClass(c: u32): u32 {
  return <u32>load<u8>(CHAR_CLASS + c);
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
      if ((at(p + 1, end) | 0x20) == 0x78 && charClass(at(p + 2, end)) < 16) {
        base = 16;
        p += 2;
      }
    }
    val = 0;
    let over = false;
    while (p < end) {
      const d = charClass(<u32>load<u8>(p));
      if (d >= base) break;
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

/** glibc inet_pton4 from [src, end) to the four bytes at dst; the octet being read stays in a
 * local (glibc keeps it in *tp) and is stored when it ends. */
function pton4(src: usize, end: usize, dst: usize): i32 {
  let sawDigit = false;
  let octets = 0;
  let cur: u32 = 0;
  let tp = dst;
  while (src < end) {
    const ch = <u32>load<u8>(src++);
    if (isDigit(ch)) {
      if (sawDigit && cur == 0) return 0;
      cur = cur * 10 + (ch - 0x30);
      if (cur > 255) return 0;
      if (!sawDigit) {
        if (++octets > 4) return 0;
        sawDigit = true;
      }
    } else if (ch == 0x2e && sawDigit) {
      if (octets == 4) return 0;
      store<u8>(tp++, <u8>cur);
      cur = 0;
      sawDigit = false;
    } else {
      return 0;
    }
  }
  if (octets < 4) return 0;
  store<u8>(tp, <u8>cur);
  return 1;
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
    const digit = charClass(<u32>load<u8>(src++));
    if (digit < 16) {
      if (xdigits == 4) return 0;
      val = (val << 4) | digit;
      ++xdigits;
      continue;
    }
    if (digit == COLON) {
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
    if (digit == DOT && tp + 4 <= tend && pton4(curtok, end, tp) > 0) {
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
    // glibc's byte loop, a word at a time (both ends are even): at most 7 words, where V8 makes
    // memory.copy and memory.fill calls out of the module.
    let from = tp;
    let to = tend;
    while (from > colonp) {
      from -= 2;
      to -= 2;
      store<u16>(to, load<u16>(from));
      store<u16>(from, 0);
    }
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

// Each octet's decimal digits and a dot after them, as one little-endian word.
const DECIMAL_DOT = memory.data(256 * 4);
for (let v: u32 = 0; v < 256; v++) {
  // Built from the last digit backwards: each step shifts the word one character up.
  let word: u32 = 0x2e;
  let rest = v;
  do {
    word = (word << 8) | (0x30 + rest % 10);
    rest /= 10;
  } while (rest > 0);
  store<u32>(DECIMAL_DOT + (v << 2), word);
}

/** a.b.c.d at tp: a word store per octet, no branch on its width; returns the end. */
function ntop4(src: usize, tp: usize): usize {
  for (let i: usize = 0; i < 4; i++) {
    const v = <u32>load<u8>(src + i);
    store<u32>(tp, load<u32>(DECIMAL_DOT + (v << 2)));
    tp += 2 + <usize>(v >= 10) + <usize>(v >= 100);
  }
  return tp - 1;
}

/** v (0..0xffff) in lowercase hex without leading zeros at tp; returns the end. The digits are
 * made four at a time, one per byte, and the word is shifted past the leading zeros. */
function putHex(tp: usize, v: u32): usize {
  let x = (v >> 12) | ((v >> 8) & 0xf) << 8 | ((v >> 4) & 0xf) << 16 | (v & 0xf) << 24;
  // A byte above 9 gets 0x80 from adding 0x76; those take 'a' - '0' - 10 = 39 more.
  const letters = ((x + 0x76767676) >> 7) & 0x01010101;
  x += 0x30303030 + letters * 39;
  const digits = <u32>((31 - clz(v | 1)) >> 2) + 1;
  store<u32>(tp, x >> ((4 - digits) << 3));
  return tp + digits;
}

// For each set of zero words (bit i: word i is zero), glibc's choice of the run that becomes
// "::": the longest of two or more words, the first on a tie, as base | length << 4; NO_RUN when
// there is none.
const NO_RUN: u32 = 0x0f;
const ZERO_RUN = memory.data(256);
for (let mask: u32 = 0; mask < 256; mask++) {
  let best: u32 = NO_RUN, bestLen: u32 = 0, len: u32 = 0;
  for (let i: u32 = 0; i <= 8; i++) {
    if (i < 8 && (mask >> i) & 1) {
      len++;
    } else {
      if (len >= 2 && len > bestLen) { best = i - len; bestLen = len; }
      len = 0;
    }
  }
  store<u8>(ZERO_RUN + mask, <u8>(best | (bestLen << 4)));
}

function ntop6(src: usize, start: usize): usize {
  let zeros: u32 = 0;
  for (let i: u32 = 0; i < 8; i++) zeros |= <u32>(load<u16>(src + (i << 1)) == 0) << i;
  const run = <u32>load<u8>(ZERO_RUN + zeros);
  const runBase = run & 0xf;
  const runEnd = runBase + (run >> 4);
  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) get a dotted tail.
  const dotted = runBase == 0 && (runEnd == 6 || (runEnd == 5 && load<u16>(src + 10) == 0xffff));
  let tp = start;
  let i: u32 = 0;
  while (i < 8) {
    if (i == runBase) {
      store<u8>(tp++, 0x3a);
      i = runEnd;
      continue;
    }
    if (i != 0) store<u8>(tp++, 0x3a);
    if (i == 6 && dotted) return ntop4(src + 12, tp);
    tp = putHex(tp, <u32>bswap<u16>(load<u16>(src + (i << 1))));
    i++;
  }
  if (runEnd == 8) store<u8>(tp++, 0x3a);
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
