// The benchmark's fixed corpus: the same inputs on every run and for every contender. Built from
// a seeded generator (no Math.random), so a change in timings is never a change in the work.
// Every text is valid for the function it feeds; each packed address is the value its text was
// made from, so inet_ntop gets every shape (mapped, compatible, zero runs) inet_pton gets.

/** mulberry32: a small, well-mixed 32-bit generator. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const next = rng(0x5eed2024);
const below = (n) => next() % n;
const pick = (xs) => xs[below(xs.length)];

/** An octet skewed toward the values that print with 1, 2 and 3 digits alike. */
const octet = () => pick([0, 1, 10, 127, 192, 255, below(10), below(100), below(256), below(256)]);

/** A 16-bit word: zero often (so zero runs appear), small or full-width otherwise. */
const word = () => pick([0, 0, 0, 1, below(0x10), below(0x100), below(0x1000), below(0x10000), below(0x10000)]);

function v4bytes() {
  return [octet(), octet(), octet(), octet()];
}

const dotted = (b) => b.join(".");

function wordsToBytes(w) {
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    b[2 * i] = w[i] >> 8;
    b[2 * i + 1] = w[i] & 0xff;
  }
  return b;
}

/** Hex words as written by hand: shortest, or padded to four digits. */
const hexWord = (w, pad) => (pad ? w.toString(16).padStart(4, "0") : w.toString(16));

/** Words [from, to) in hex, joined by ":". */
const joinWords = (w, from, to, pad) => w.slice(from, to).map((x) => hexWord(x, pad)).join(":");

/** Text for 8 words: full, or with one zero run of length >= 1 written as "::" (any run, not
 * only the longest, as people write them); a dotted tail when asked. */
function v6text(w, { compress, pad, dottedTail }) {
  const n = dottedTail ? 6 : 8;
  const tail = dottedTail ? dotted([w[6] >> 8, w[6] & 0xff, w[7] >> 8, w[7] & 0xff]) : "";
  let start = -1;
  let len = 0;
  if (compress) {
    const runs = [];
    for (let i = 0; i < n; i++) {
      if (w[i] !== 0) continue;
      let j = i;
      while (j < n && w[j] === 0) j++;
      runs.push([i, j - i]);
      i = j;
    }
    if (runs.length > 0) [start, len] = pick(runs);
  }
  if (start < 0) return joinWords(w, 0, n, pad) + (dottedTail ? ":" + tail : "");
  const rest = joinWords(w, start + len, n, pad);
  return joinWords(w, 0, start, pad) + "::" + (dottedTail ? (rest ? rest + ":" + tail : tail) : rest);
}

function v6entry(w, style) {
  const text = v6text(w, style);
  return { text: style.upper ? text.toUpperCase() : text, bytes: wordsToBytes(w) };
}

const SHAPES = {
  random: () => [word(), word(), word(), word(), word(), word(), word(), word()],
  doc: () => [0x2001, 0x0db8, word(), word(), word(), word(), word(), word()],
  linkLocal: () => [0xfe80, 0, 0, 0, word(), word(), word(), word() || 1],
  loopback: () => [0, 0, 0, 0, 0, 0, 0, 1],
  unspecified: () => [0, 0, 0, 0, 0, 0, 0, 0],
  trailingRun: () => [word() || 1, word(), 0, 0, 0, 0, 0, 0],
  mapped: () => [0, 0, 0, 0, 0, 0xffff, (octet() << 8) | octet(), (octet() << 8) | octet()],
  compatible: () => [0, 0, 0, 0, 0, 0, ((1 + below(255)) << 8) | octet(), (octet() << 8) | octet()],
  nat64: () => [0x64, 0xff9b, 0, 0, 0, 0, (octet() << 8) | octet(), (octet() << 8) | octet()],
};

/** [shape, count, style overrides]: style fields left out are chosen at random per entry. */
const V6_PLAN = [
  ["random", 60, {}],
  ["random", 20, { compress: false }],
  ["doc", 40, {}],
  ["linkLocal", 40, {}],
  ["loopback", 4, {}],
  ["unspecified", 4, {}],
  ["trailingRun", 12, {}],
  ["mapped", 40, { dottedTail: true }],
  ["mapped", 8, { dottedTail: false }],
  ["compatible", 24, { dottedTail: true }],
  ["nat64", 16, { dottedTail: true }],
];

function v6corpus() {
  const out = [];
  for (const [shape, count, fixed] of V6_PLAN) {
    for (let i = 0; i < count; i++) {
      const style = {
        compress: below(4) !== 0,
        pad: below(4) === 0,
        upper: below(5) === 0,
        dottedTail: false,
        ...fixed,
      };
      out.push(v6entry(SHAPES[shape](), style));
    }
  }
  return out;
}

function v4corpus() {
  const fixed = [[127, 0, 0, 1], [0, 0, 0, 0], [255, 255, 255, 255], [10, 0, 0, 1], [192, 168, 1, 1]];
  const out = fixed.map((b) => ({ text: dotted(b), bytes: Uint8Array.from(b) }));
  while (out.length < 200) {
    const b = v4bytes();
    out.push({ text: dotted(b), bytes: Uint8Array.from(b) });
  }
  return out;
}

/** One inet_aton part in decimal, octal (leading 0) or hex (0x or 0X). */
function atonPart(v) {
  switch (below(4)) {
    case 0: return v === 0 ? "0" : "0" + v.toString(8);
    case 1: return (below(2) ? "0x" : "0X") + v.toString(16);
    default: return String(v);
  }
}

/** inet_aton's classic forms: a.b.c.d, a.b.c (c 16 bits), a.b (b 24 bits), a (32 bits). */
function atonCorpus() {
  const out = [];
  for (let i = 0; i < 200; i++) {
    const b = v4bytes();
    const value = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    let parts;
    switch (i % 4) {
      case 0: parts = b; break;
      case 1: parts = [b[0], b[1], (b[2] << 8) | b[3]]; break;
      case 2: parts = [b[0], value & 0xffffff]; break;
      default: parts = [value];
    }
    // Plain dotted decimal is what most callers pass; keep it half of the four-part entries.
    const text = i % 8 === 0 ? parts.join(".") : parts.map(atonPart).join(".");
    out.push({ text, bytes: Uint8Array.from(b) });
  }
  return out;
}

const v4 = v4corpus();
const v6 = v6corpus();
const aton = atonCorpus();

/** The texts as a program gets them from a file, a socket or a literal: flat strings, not the
 * ropes that concatenation builds (V8 reads a rope through an extra indirection). */
const flat = (texts) => JSON.parse(JSON.stringify(texts));

export const corpus = {
  /** inet_pton(AF_INET, s) inputs and the bytes each must give. */
  pton4: flat(v4.map((e) => e.text)),
  pton4Bytes: v4.map((e) => e.bytes),
  /** inet_pton(AF_INET6, s) inputs and the bytes each must give. */
  pton6: flat(v6.map((e) => e.text)),
  pton6Bytes: v6.map((e) => e.bytes),
  /** inet_ntop(AF_INET, b) and inet_ntoa(b) inputs. */
  ntop4: v4.map((e) => e.bytes),
  /** inet_ntop(AF_INET6, b) inputs. */
  ntop6: v6.map((e) => e.bytes),
  /** inet_aton(s) inputs and the bytes each must give. */
  aton: flat(aton.map((e) => e.text)),
  atonBytes: aton.map((e) => e.bytes),
  /** htonl(x) inputs, unsigned 32-bit. */
  u32: Array.from({ length: 200 }, (_, i) => (i === 0 ? 0 : i === 1 ? 0xffffffff : next())),
  /** ntohs(x) inputs, unsigned 16-bit. */
  u16: Array.from({ length: 200 }, (_, i) => (i === 0 ? 0 : i === 1 ? 0xffff : next() & 0xffff)),
};
