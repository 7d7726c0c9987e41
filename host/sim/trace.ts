// The simulation's trace: one JSON object per line, first key `t` (virtual nanoseconds), keys
// in a fixed order, so the same seed and program give the same bytes in any process. The
// SHA-256 is kept as lines are added, so digest() costs nothing however long the run.
import { createHash, type Hash } from "node:crypto";

export class Trace {
  private lines: string[] = [];
  private hash: Hash = createHash("sha256");

  /** Records `fields` (any JSON-safe values) at virtual time `ns`. */
  add(ns: number, fields: Record<string, unknown>): void {
    const body = JSON.stringify(fields);
    const line = body.length > 2 ? `{"t":${ns},${body.slice(1)}\n` : `{"t":${ns}}\n`;
    this.lines.push(line);
    this.hash.update(line);
  }

  text(): string {
    return this.lines.join("");
  }

  digest(): string {
    return this.hash.copy().digest("hex");
  }
}
