// str.encode("idna"): Python's idna codec (Lib/encodings/idna.py), nameprep per RFC 3491 over
// RFC 3454's tables and RFC 3492 Punycode, as the resolver's functions encode host names.

import { UnicodeError } from "./errors.js";

function idnaError(reason: string): UnicodeError {
  // The codec machinery wraps the codec's error (Python/codecs.c, 3.11).
  return new UnicodeError(`encoding with 'idna' codec failed (UnicodeError: ${reason})`);
}

export const isAscii = (s: string): boolean => /^[\0-\x7f]*$/.test(s);

/** RFC 3454 B.1: characters nameprep maps to nothing. */
function mappedToNothing(c: number): boolean {
  return c === 0xad || c === 0x34f || c === 0x1806 || (c >= 0x180b && c <= 0x180d) || (c >= 0x200b && c <= 0x200d)
    || c === 0x2060 || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff;
}

/** RFC 3454 B.3 (case folding): full lower(upper(c)) is B.3 for every character but U+0131,
 * which case folding leaves alone (checked against Python's stringprep over all of Unicode). */
function fold(c: string): string {
  return c === "\u0131" ? c : c.toUpperCase().toLowerCase();
}

/** stringprep.map_table_b2: case folding closed under NFKC. */
function mapB2(c: string): string {
  const al = fold(c);
  const b = al.normalize("NFKC");
  const folded = Array.from(b, fold).join("").normalize("NFKC");
  return b !== folded ? folded : al;
}

/** RFC 3454 C.1.2, C.2.2, C.3-C.9: what nameprep prohibits. */
function prohibited(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200f) || c === 0x202f || c === 0x205f || c === 0x3000
    || (c >= 0x80 && c <= 0x9f) || c === 0x6dd || c === 0x70f || c === 0x180e || (c >= 0x2028 && c <= 0x202e)
    || (c >= 0x2060 && c <= 0x2063) || (c >= 0x206a && c <= 0x206f) || c === 0xfeff || (c >= 0xfff9 && c <= 0xfffd)
    || (c >= 0x1d173 && c <= 0x1d17a) || (c >= 0xe000 && c <= 0xf8ff) || (c >= 0xf0000 && c <= 0xffffd)
    || (c >= 0x100000 && c <= 0x10fffd) || (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe
    || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x2ff0 && c <= 0x2ffb) || c === 0x340 || c === 0x341
    || c === 0xe0001 || (c >= 0xe0020 && c <= 0xe007f);
}

/** Python's repr() of one character. */
function charRepr(ch: string): string {
  if (ch === "'") return `"'"`;
  if (ch === "\\") return "'\\\\'";
  if (!/^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u.test(ch) || ch === " ") return `'${ch}'`;
  const c = ch.codePointAt(0)!;
  const esc = ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : ch === "\r" ? "\\r"
    : c < 0x100 ? "\\x" + c.toString(16).padStart(2, "0")
      : c < 0x10000 ? "\\u" + c.toString(16).padStart(4, "0") : "\\U" + c.toString(16).padStart(8, "0");
  return `'${esc}'`;
}

/** encodings.idna.nameprep. Its bidi checks (RFC 3454 section 6) need Unicode's bidi classes,
 * which JavaScript does not expose, and are left out. */
function nameprep(label: string): string {
  let mapped = "";
  for (const ch of label) if (!mappedToNothing(ch.codePointAt(0)!)) mapped += mapB2(ch);
  const out = mapped.normalize("NFKC");
  for (const ch of out) if (prohibited(ch.codePointAt(0)!)) throw idnaError(`Invalid character ${charRepr(ch)}`);
  return out;
}

/** RFC 3492 Punycode, as Python's "punycode" codec writes it. */
function punycode(label: string): string {
  const cps = Array.from(label, (ch) => ch.codePointAt(0)!);
  const digit = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d);
  const adapt = (delta: number, points: number, first: boolean): number => {
    delta = first ? Math.floor(delta / 700) : delta >> 1;
    delta += Math.floor(delta / points);
    let k = 0;
    for (; delta > 455; k += 36) delta = Math.floor(delta / 35);
    return k + Math.floor((36 * delta) / (delta + 38));
  };
  let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
  const basic = out.length;
  if (basic > 0) out += "-";
  let n = 128;
  let delta = 0;
  let bias = 72;
  for (let h = basic; h < cps.length; n++) {
    const m = Math.min(...cps.filter((c) => c >= n));
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = 36; ; k += 36) {
        const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
        if (q < t) break;
        out += digit(t + ((q - t) % (36 - t)));
        q = Math.floor((q - t) / (36 - t));
      }
      out += digit(q);
      bias = adapt(delta, h + 1, h === basic);
      delta = 0;
      h++;
    }
    delta++;
  }
  return out;
}

/** encodings.idna.ToASCII. */
function toAscii(label: string): string {
  const checked = (l: string): string => {
    if (l.length > 0 && l.length < 64) return l;
    throw idnaError("label empty or too long");
  };
  if (isAscii(label)) return checked(label);
  const prepped = nameprep(label);
  if (isAscii(prepped)) return checked(prepped);
  if (prepped.startsWith("xn--")) throw idnaError("Label starts with ACE prefix");
  return checked("xn--" + punycode(prepped));
}

/** str.encode("idna"): the bytes (as a string of char codes 0..127) a host name becomes. */
export function idnaEncode(name: string): string {
  if (isAscii(name)) {
    const labels = name.split(".");
    const last = labels.pop()!;
    for (const l of labels) if (l.length === 0 || l.length > 63) throw idnaError("label empty or too long");
    if (last.length > 63) throw idnaError("label too long");
    return name;
  }
  const labels = name.split(/[.\u3002\uff0e\uff61]/);
  const trailing = labels[labels.length - 1] === "" ? "." : "";
  if (trailing) labels.pop();
  return labels.map(toAscii).join(".") + trailing;
}
