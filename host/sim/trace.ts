// The simulation's trace: one JSON object per line, first key `t` (virtual nanoseconds), keys
// in a fixed order, so the same seed and program give the same bytes in any process. Lines are
// gathered a few hundred at a time and written as UTF-8 into 1 MiB chunks outside the JS heap
// (a long run's million lines would otherwise be a million strings for the garbage collector to
// walk); each full chunk is hashed (SHA-256) as it is sealed.
import { createHash, type Hash } from "node:crypto";

const CHUNK = 1 << 20;
const BATCH = 512;

export class Trace {
  private sealed: Buffer[] = [];
  private cur = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private pending: string[] = [];
  private hash: Hash = createHash("sha256");

  /** Records `fields` (any JSON-safe values) at virtual time `ns`. */
  add(ns: number, fields: Record<string, unknown>): void {
    const body = JSON.stringify(fields);
    this.line(body.length > 2 ? `{"t":${ns},${body.slice(1)}\n` : `{"t":${ns}}\n`);
  }

  /** Records a line already built (it starts with {"t": and ends with a newline). */
  line(text: string): void {
    if (this.pending.push(text) >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    // A UTF-16 unit takes at most 3 bytes of UTF-8.
    if (this.pos + text.length * 3 > this.cur.length) this.seal(text.length * 3);
    this.pos += this.cur.write(text, this.pos, "utf8");
  }

  private seal(need: number): void {
    const full = this.cur.subarray(0, this.pos);
    this.sealed.push(full);
    this.hash.update(full);
    this.cur = Buffer.allocUnsafe(Math.max(CHUNK, need));
    this.pos = 0;
  }

  text(): string {
    this.flush();
    return Buffer.concat([...this.sealed, this.cur.subarray(0, this.pos)]).toString("utf8");
  }

  digest(): string {
    this.flush();
    return this.hash.copy().update(this.cur.subarray(0, this.pos)).digest("hex");
  }
}
