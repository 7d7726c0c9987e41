// A queue of bytes kept as the chunks that were put in it: a socket's send queue (read again
// for retransmission) and receive queue.

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed. */
  private head = 0;
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Copies `len` bytes from `offset` into `into` at `at` without consuming them; returns the
   * count copied. */
  copy(offset: number, len: number, into: Uint8Array, at: number): number {
    len = Math.min(len, this.length - offset);
    if (len <= 0) return 0;
    let skip = this.head + offset;
    let i = 0;
    while (skip >= this.chunks[i].length) skip -= this.chunks[i++].length;
    let n = 0;
    while (n < len) {
      const c = this.chunks[i++];
      const k = Math.min(c.length - skip, len - n);
      into.set(k === c.length ? c : c.subarray(skip, skip + k), at + n);
      n += k;
      skip = 0;
    }
    return n;
  }

  /** `len` bytes from `offset` (a segment's payload): a view when they lie in one chunk, which
   * nobody writes once queued, else a copy. */
  slice(offset: number, len: number): Uint8Array {
    len = Math.max(0, Math.min(len, this.length - offset));
    const c = this.chunks[0];
    if (len > 0 && c && this.head + offset + len <= c.length) return c.subarray(this.head + offset, this.head + offset + len);
    const out = new Uint8Array(len);
    this.copy(offset, len, out, 0);
    return out;
  }

  /** Consumes `n` bytes from the front. */
  drop(n: number): void {
    n = Math.min(n, this.length);
    this.length -= n;
    let left = n + this.head;
    let i = 0;
    while (i < this.chunks.length && left >= this.chunks[i].length) left -= this.chunks[i++].length;
    if (i > 0) this.chunks.splice(0, i);
    this.head = left;
  }
}
