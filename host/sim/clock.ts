// The virtual clock and its event queue. Time is integer nanoseconds and moves only here.
// Events due now run in a microtask, in the order they were scheduled (which depends only on
// the program and the seed); only a setImmediate turn, which starts once the microtask queue is
// empty, moves the clock, to the next event. So time jumps exactly when every simulated
// activity waits. After MICRO_BATCHES batches in a row without a turn the next batch waits for
// a turn, so a program that keeps zero-delay events coming still lets the event loop breathe
// (the count is the program's, so the choice is as deterministic as the rest). Nothing here
// reads a real clock.

const MICRO_BATCHES = 1024;

export interface Timer {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | null;
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class Clock {
  /** Virtual time in nanoseconds. */
  ns = 0;
  private seq = 0;
  private heap: Timer[] = [];
  /** Events scheduled for the current instant, in order. */
  private due: Timer[] = [];
  private turnPending = false;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  /** Simulated calls waiting (their Promises pending). */
  private holds = 0;
  private microPending = false;
  private batches = 0;
  private live = 0;
  /** Cancelled events still in the heap or the due list. */
  private dead = 0;
  private readonly turn = () => this.runTurn();

  /** Seconds of virtual time. */
  now(): number {
    return this.ns / 1e9;
  }

  /** Runs `fn` after `delayNs` nanoseconds of virtual time (0: at this instant, after the
   * program's pending microtasks). */
  after(delayNs: number, fn: () => void): Timer {
    const t: Timer = { at: this.ns + Math.max(0, Math.round(delayNs)), seq: this.seq++, fn };
    this.live++;
    if (t.at === this.ns) {
      this.due.push(t);
      this.kickDue();
    } else {
      this.push(t);
      this.kick();
    }
    return t;
  }

  cancel(t: Timer | null): void {
    if (t && t.fn) {
      t.fn = null;
      this.live--;
      // Retransmission and delayed-ACK timers are mostly cancelled: drop them in bulk.
      if (++this.dead > 1024 && this.dead * 2 > this.heap.length + this.due.length) this.compact();
    }
  }

  private compact(): void {
    const keep = this.heap.filter((t) => t.fn !== null);
    this.heap = [];
    for (const t of keep) this.push(t);
    this.due = this.due.filter((t) => t.fn !== null);
    this.dead = 0;
  }

  /** Whether any event is still to come. */
  busy(): boolean {
    return this.live > 0;
  }

  private readonly micro = () => {
    this.microPending = false;
    this.runDue();
  };

  private kickDue(): void {
    if (this.microPending) return;
    if (this.batches >= MICRO_BATCHES) return this.kick();
    this.microPending = true;
    this.batches++;
    queueMicrotask(this.micro);
  }

  private kick(): void {
    if (this.turnPending || this.live === 0) return;
    this.turnPending = true;
    this.immediate = setImmediate(this.turn);
    if (this.holds === 0) this.immediate.unref();
  }

  /** A simulated call starts waiting: the clock keeps the process alive. */
  hold(): void {
    if (this.holds++ === 0) this.immediate?.ref();
  }

  /** `n` waiting calls settled (or will never settle). */
  release(n = 1): void {
    this.holds -= n;
    if (this.holds === 0) this.immediate?.unref();
  }

  private runTurn(): void {
    this.turnPending = false;
    this.immediate = null;
    this.batches = 0;
    if (this.due.length === 0) {
      while (this.heap.length > 0 && this.heap[0].fn === null) {
        this.pop();
        this.dead--;
      }
      if (this.heap.length === 0) return;
      this.ns = this.heap[0].at;
      while (this.heap.length > 0 && this.heap[0].at <= this.ns) this.due.push(this.pop());
    }
    this.runDue();
  }

  private runDue(): void {
    const batch = this.due;
    this.due = [];
    for (const t of batch) {
      const fn = t.fn;
      if (fn === null) {
        this.dead--;
        continue;
      }
      t.fn = null;
      this.live--;
      fn();
    }
    if (this.due.length > 0) this.kickDue();
    else this.kick();
  }

  private push(t: Timer): void {
    const h = this.heap;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = t;
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
