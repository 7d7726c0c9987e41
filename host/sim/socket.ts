// What every simulated socket has: its family and type, the options set on it, and the
// callers waiting for it to change.
import type { Timer } from "./clock.js";

export interface Waiter {
  resolve(ready: boolean): void;
  timer: Timer | null;
  interest: number;
}

/** The kernel services a socket uses (host/sim/kernel.ts). */
export interface KernelTimers {
  after(ns: number, fn: () => void): Timer;
  cancel(t: Timer | null): void;
}

export abstract class SimSocket {
  waiters: Waiter[] = [];
  options = new Map<number, number>();

  constructor(
    readonly family: number,
    readonly type: number,
    protected readonly timers: KernelTimers,
  ) {}

  option(level: number, name: number, otherwise = 0): number {
    return this.options.get((level << 16) | name) ?? otherwise;
  }

  /** Wakes every caller waiting on this socket; each retries its operation. */
  wake(): void {
    if (this.waiters.length === 0) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      this.timers.cancel(w.timer);
      w.resolve(true);
    }
  }

  /** Releases the socket (close(2) of its last descriptor). */
  abstract close(): void;
  /** What a caller waiting on it waits for, for SimNetwork.blocked(). */
  abstract waitingFor(interest: number): string;
}
