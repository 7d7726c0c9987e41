// glibc's address rules (resolv/inet_pton.c, resolv/inet_ntop.c, resolv/inet_addr.c) in plain
// JavaScript, written only for the benchmark: the lower bound of what JS can do on the same work.
// No Python argument checks and no exceptions: a parse failure returns null. The benchmark
// asserts at start-up that it answers exactly as pysocket does on the whole corpus.

/** C's isxdigit value of a UTF-16 unit, or -1. */
function hexValue(c) {
  if (c - 48 >>> 0 < 10) return c - 48;
  const l = c | 32;
  return l - 97 >>> 0 < 6 ? l - 87 : -1;
}

/** inet_pton4 from s[i..n) into dst[tp..tp+4): glibc refuses leading zeros and short forms. */
function pton4(s, i, n, dst, tp) {
  let sawDigit = false;
  let octets = 0;
  let cur = 0;
  while (i < n) {
    const ch = s.charCodeAt(i++);
    if (ch - 48 >>> 0 < 10) {
      if (sawDigit && cur === 0) return false;
      cur = cur * 10 + (ch - 48);
      if (cur > 255) return false;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
    } else if (ch === 46 && sawDigit) {
      if (octets === 4) return false;
      dst[tp++] = cur;
      cur = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  if (octets < 4) return false;
  dst[tp] = cur;
  return true;
}

export function inet_pton4(s) {
  const dst = new Uint8Array(4);
  return pton4(s, 0, s.length, dst, 0) ? dst : null;
}

export function inet_pton6(s) {
  const n = s.length;
  if (n === 0) return null;
  const dst = new Uint8Array(16);
  let i = 0;
  // A leading ':' must start '::'.
  if (s.charCodeAt(0) === 58) {
    if (n < 2 || s.charCodeAt(1) !== 58) return null;
    i = 1;
  }
  let tp = 0;
  let colonp = -1;
  let curtok = i;
  let xdigits = 0;
  let val = 0;
  while (i < n) {
    const ch = s.charCodeAt(i++);
    const digit = hexValue(ch);
    if (digit >= 0) {
      if (xdigits === 4) return null;
      val = (val << 4) | digit;
      xdigits++;
      continue;
    }
    if (ch === 58) {
      curtok = i;
      if (xdigits === 0) {
        if (colonp >= 0) return null;
        colonp = tp;
        continue;
      }
      if (i === n || tp > 14) return null;
      dst[tp++] = val >> 8;
      dst[tp++] = val;
      xdigits = 0;
      val = 0;
      continue;
    }
    if (ch === 46 && tp <= 12 && pton4(s, curtok, n, dst, tp)) {
      tp += 4;
      xdigits = 0;
      break;
    }
    return null;
  }
  if (xdigits > 0) {
    if (tp > 14) return null;
    dst[tp++] = val >> 8;
    dst[tp++] = val;
  }
  if (colonp >= 0) {
    // '::' must stand for at least one zero word; shift what follows it to the end.
    if (tp === 16) return null;
    const k = tp - colonp;
    for (let j = 1; j <= k; j++) {
      dst[16 - j] = dst[colonp + k - j];
      dst[colonp + k - j] = 0;
    }
    tp = 16;
  }
  return tp === 16 ? dst : null;
}

// Text is built as character codes and made a string in one step: concatenating pieces would
// build a rope that whoever reads the result must flatten first.
const scratch = new Array(46).fill(0);
/** Argument lists for String.fromCharCode, one per length, reused. */
const codes = [];
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

function text(n) {
  const out = (codes[n] ??= new Array(n).fill(0));
  for (let i = 0; i < n; i++) out[i] = scratch[i];
  return String.fromCharCode.apply(null, out);
}

/** Writes v (0..255) in decimal at scratch[n]; returns the new end. */
function putDecimal(n, v) {
  if (v >= 100) scratch[n++] = 48 + ((v / 100) | 0);
  if (v >= 10) scratch[n++] = 48 + (((v / 10) | 0) % 10);
  scratch[n++] = 48 + (v % 10);
  return n;
}

/** Writes b[at..at+4) as a.b.c.d at scratch[n]; returns the new end. */
function putDotted(n, b, at) {
  n = putDecimal(n, b[at]);
  for (let i = at + 1; i < at + 4; i++) {
    scratch[n++] = 46;
    n = putDecimal(n, b[i]);
  }
  return n;
}

export function inet_ntop4(b) {
  return text(putDotted(0, b, 0));
}

export function inet_ntop6(b) {
  // The longest run of two or more zero words becomes "::"; the first wins a tie.
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if ((b[2 * i] | b[2 * i + 1]) === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && curLen > bestLen) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestLen < 2) {
    bestBase = -1;
    bestLen = 0;
  }
  const bestEnd = bestBase + bestLen;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i >= bestBase && i < bestEnd) {
      if (i === bestBase) scratch[n++] = 58;
      continue;
    }
    if (i !== 0) scratch[n++] = 58;
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) end in dotted form.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && b[10] === 0xff && b[11] === 0xff))) {
      return text(putDotted(n, b, 12));
    }
    const w = (b[2 * i] << 8) | b[2 * i + 1];
    if (w >= 0x1000) scratch[n++] = HEX[w >> 12];
    if (w >= 0x100) scratch[n++] = HEX[(w >> 8) & 15];
    if (w >= 0x10) scratch[n++] = HEX[(w >> 4) & 15];
    scratch[n++] = HEX[w & 15];
  }
  if (bestEnd === 8) scratch[n++] = 58;
  return text(n);
}

/** glibc inet_aton: a.b.c.d, a.b.c, a.b or a, each part C's strtoul base 0, then the end or
 * a space (after which anything goes). */
export function inet_aton(s) {
  const n = s.length;
  let i = 0;
  let high = 0;
  let parts = 0;
  let val = 0;
  let c = n > 0 ? s.charCodeAt(0) : 0;
  for (;;) {
    if (c - 48 >>> 0 >= 10) return null;
    let base = 10;
    if (c === 48) {
      base = 8;
      if (i + 2 < n && (s.charCodeAt(i + 1) | 32) === 120 && hexValue(s.charCodeAt(i + 2)) >= 0) {
        base = 16;
        i += 2;
      }
    }
    val = 0;
    let over = false;
    for (; i < n; i++) {
      const d = hexValue(s.charCodeAt(i));
      if (d < 0 || d >= base) break;
      if (!over) {
        val = val * base + d;
        over = val > 0xffffffff;
      }
    }
    if (over) return null;
    c = i < n ? s.charCodeAt(i) : 0;
    if (c !== 46) break;
    if (parts > 2 || val > 0xff) return null;
    high |= val << (24 - 8 * parts);
    parts++;
    i++;
    c = i < n ? s.charCodeAt(i) : 0;
  }
  // C isspace: ' ', \t, \n, \v, \f, \r.
  if (c !== 0 && c !== 32 && c - 9 >>> 0 >= 5) return null;
  // The last part fills the bytes the others left: 32, 24, 16 or 8 bits.
  if (val > (parts === 0 ? 0xffffffff : 0xffffffff >>> (8 * parts))) return null;
  const v = (high | val) >>> 0;
  const dst = new Uint8Array(4);
  dst[0] = v >>> 24;
  dst[1] = v >>> 16;
  dst[2] = v >>> 8;
  dst[3] = v;
  return dst;
}

export function htonl(x) {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

export function ntohs(x) {
  return ((x & 0xff) << 8) | (x >>> 8);
}
