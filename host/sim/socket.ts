// What every simulated socket has: its family and type, the options set on it, and the
// callers waiting for it to change.
import type { Timer } from "./clock.js";

/** What a change concerns, as the waits' interests (host/types.ts READ and WRITE). */
export const READ = 1;
export const WRITE = 2;
export const BOTH = READ | WRITE;

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

  /** Changes that concerned reading and writing, for edge-triggered polls. */
  readWakes = 0;
  writeWakes = 0;
  /** Polls (select, poll, epoll) waiting on this socket among others. */
  pollers = new Set<() => void>();

  /** Something that concerns `kind` changed: the callers waiting for it retry their operation. */
  wake(kind = BOTH): void {
    if (kind & READ) this.readWakes = (this.readWakes + 1) | 0;
    if (kind & WRITE) this.writeWakes = (this.writeWakes + 1) | 0;
    for (const p of this.pollers) p();
    if (this.waiters.length === 0) return;
    let keep: Waiter[] | null = null;
    for (const w of this.waiters) {
      if (w.interest & kind) {
        this.timers.cancel(w.timer);
        w.resolve(true);
      } else {
        (keep ??= []).push(w);
      }
    }
    this.waiters = keep ?? [];
  }

  /** Releases the socket (close(2) of its last descriptor). */
  abstract close(): void;
  /** What a caller waiting on it waits for, for SimNetwork.blocked(). */
  abstract waitingFor(interest: number): string;
}
