// Seeded random streams. Every draw of a simulation comes from one of these, each stream named
// (a host's ports, a link's faults) so that adding draws to one stream never shifts another's:
// what a seed gives a link does not depend on what other hosts did. sfc32 (PractRand's small
// fast counter) seeded through splitmix32 from the 64-bit seed and the stream's name.

const MASK64 = (1n << 64n) - 1n;

/** A seed as a simulation takes it: an integer number or a bigint, read modulo 2**64. */
export function seedWords(seed: number | bigint): [number, number] {
  let big: bigint;
  if (typeof seed === "bigint") big = seed;
  else if (Number.isInteger(seed)) big = BigInt(seed);
  else throw new TypeError(`seed must be an integer or a bigint, not ${seed}`);
  big &= MASK64;
  return [Number(big & 0xffffffffn), Number(big >> 32n)];
}

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a over the name's UTF-16 units: a stream's identity, the same in every process. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: [number, number], name: string) {
    let s = (seed[0] ^ nameHash(name)) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      let w: number;
      [s, w] = splitmix32(s ^ (i === 1 ? seed[1] : 0));
      words.push(w);
    }
    [this.a, this.b, this.c, this.d] = words;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
}
