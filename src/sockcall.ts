// The one place that waits: CPython's sock_call_ex (Modules/socketmodule.c) as a generator.
// An operation is a small function returning a value or -errno with no timing code; sockCall
// retries it after each readiness report, within the socket's timeout. The generator yields
// what it waits for, so one wrapper serves every facade: `runAsync` waits with Promises (the
// `pysocket` facade and the simulator's virtual clock), `runSync` blocks the thread.

import { fromErrno, timedOut } from "./errors.js";

const EOPNOTSUPP = 95;
import type { AsyncHost, SyncHost } from "../host/types.js";

export const EAGAIN = 11;
export const EINPROGRESS = 115;

/** A wait for readiness of host handle `handle`, `timeout` seconds at most (< 0: for ever). */
export interface Wait {
  kind: "wait";
  handle: number;
  interest: number;
  timeout: number;
}

/** A name lookup (getaddrinfo with a family), answered with addresses or an EAI code. */
export interface Lookup {
  kind: "lookup";
  host: string;
  family: number;
}

export type { LookupResult, ResolveAnswer, ResolveRequest } from "../host/types.js";
import type { PollRequest, ResolveRequest } from "../host/types.js";
export type { PollReport, PollRequest } from "../host/types.js";

/** A resolver query (getaddrinfo with hints, getnameinfo, reverse lookups). */
export interface Resolve {
  kind: "resolve";
  req: ResolveRequest;
}

/** poll(2) over many handles (select, poll, epoll): one wait, answered with a PollReport. */
export interface Poll {
  kind: "poll";
  req: PollRequest;
}

export type Yielded = Wait | Lookup | Resolve | Poll;
export type Op<T> = Generator<Yielded, T, unknown>;

/** What sockCall needs of a socket. */
export interface Waitable {
  /** The socket's timeout in seconds: null blocks, 0 is non-blocking. */
  readonly timeout: number | null;
  _handle(): number;
  _now(): number;
}

/**
 * Runs `op` until it stops answering -EAGAIN: in non-blocking mode it returns -EAGAIN at once;
 * otherwise it waits for `interest` with the time left and raises TimeoutError("timed out") when
 * none is. `timeout` overrides the socket's (bind and listen finish regardless of it).
 * The deadline is the monotonic clock's, as _PyDeadline_Get's: a wait that reports its time up
 * early (a host timer's rounding) waits again for what is left, so a timeout never expires early.
 */
export function* sockCall(
  s: Waitable, interest: number, op: () => number, timeout: number | null = s.timeout,
): Generator<Yielded, number, unknown> {
  const deadline = timeout !== null && timeout > 0 ? s._now() + timeout : 0;
  for (;;) {
    const r = op();
    if (r !== -EAGAIN || timeout === 0) return r;
    for (;;) {
      let left = -1;
      if (timeout !== null) {
        left = deadline - s._now();
        if (left <= 0) throw timedOut();
      }
      if (yield { kind: "wait", handle: s._handle(), interest, timeout: left }) break;
    }
  }
}

/** Raises the OSError for a negative result, else returns it. */
export function check(r: number): number {
  if (r < 0) throw fromErrno(-r);
  return r;
}

function asyncAnswer(host: AsyncHost, y: Yielded): Promise<unknown> {
  if (y.kind === "wait") return host.wait(y.handle, y.interest, y.timeout);
  if (y.kind === "poll") return host.pollWait ? host.pollWait(y.req) : Promise.reject(fromErrno(EOPNOTSUPP));
  return y.kind === "lookup" ? host.lookup(y.host, y.family) : host.resolve(y.req);
}

function syncAnswer(host: SyncHost, y: Yielded): unknown {
  if (y.kind === "wait") return host.waitSync(y.handle, y.interest, y.timeout);
  if (y.kind === "poll") {
    if (!host.pollWaitSync) throw fromErrno(EOPNOTSUPP);
    return host.pollWaitSync(y.req);
  }
  return y.kind === "lookup" ? host.lookupSync(y.host, y.family) : host.resolveSync(y.req);
}

const RESOLVED = Promise.resolve();

/** A host that calls back on readiness (NodeHost.whenReady) spares a Promise per wait. */
interface CallbackHost extends AsyncHost {
  whenReady?(h: number, interest: number, timeout: number, cb: (ready: boolean) => void): void;
}

/**
 * Drives an operation from its first wait to its end, then calls `settle` with the outcome:
 * one Promise per waiting call (the caller's), not one per wait, and two closures. A readiness
 * report resumes the operation in a microtask, never inside the host's own call (a wake-up can
 * come from a syscall in progress: a send that queues bytes on a peer in this process).
 */
class Driver<T> {
  private answer: unknown = undefined;

  constructor(
    private readonly host: CallbackHost,
    private readonly op: Op<T>,
    private readonly settle: (ok: boolean, v: unknown) => void,
  ) {}

  private readonly resume = (): void => {
    let step: IteratorResult<Yielded, T>;
    try {
      step = this.op.next(this.answer);
    } catch (err) {
      this.settle(false, err);
      return;
    }
    if (step.done) this.settle(true, step.value);
    else this.dispatch(step.value);
  };

  private readonly onReady = (ready: boolean): void => {
    this.answer = ready;
    // Not queueMicrotask: Node wraps each one in an AsyncResource, several times the cost.
    RESOLVED.then(this.resume);
  };

  dispatch(y: Yielded): void {
    const host = this.host;
    if (y.kind === "wait" && host.whenReady) {
      host.whenReady(y.handle, y.interest, y.timeout, this.onReady);
      return;
    }
    asyncAnswer(host, y).then((a) => {
      this.answer = a;
      this.resume();
    }, (err) => this.settle(false, err));
  }
}

function drive<T>(host: CallbackHost, op: Op<T>, y: Yielded, settle: (ok: boolean, v: unknown) => void): void {
  new Driver(host, op, settle).dispatch(y);
}

/** Drives an operation with Promises. It runs synchronously until its first wait, so an
 * operation that needs no waiting settles without a trip through the event loop's I/O phase. */
export function runAsync<T>(host: AsyncHost, op: Op<T>): Promise<T> {
  let step: IteratorResult<Yielded, T>;
  try {
    step = op.next();
  } catch (err) {
    return Promise.reject(err);
  }
  if (step.done) return Promise.resolve(step.value);
  const y = step.value;
  return new Promise<T>((resolve, reject) => {
    drive(host, op, y, (ok, v) => (ok ? resolve(v as T) : reject(v)));
  });
}

/** Drives an operation by blocking the thread. */
export function runSync<T>(host: SyncHost, op: Op<T>): T {
  let step = op.next();
  while (!step.done) step = op.next(syncAnswer(host, step.value));
  return step.value;
}

/** The calls of one socket waiting their turn, by direction (0 reads, 1 writes). */
class Lanes {
  /** Bit `lane` set: a call of that direction is under way. */
  busy = 0;
  /** The calls waiting for each direction. */
  reads: Array<() => void> | null = null;
  writes: Array<() => void> | null = null;

  queue(lane: 0 | 1): Array<() => void> {
    return lane === 0 ? (this.reads ??= []) : (this.writes ??= []);
  }
}

/** What runInLane needs of a socket: its Lanes, made when a call of it first waits (a socket
 * whose calls never wait, as an idle connection, has none: memory per connection). */
export interface LaneOwner {
  _lanes: Lanes | null;
}

/**
 * Runs a call in direction `lane` (0 reads, 1 writes) of socket `owner`, in call order, as
 * API.md promises for concurrent calls: a call starts only when the ones before it in its
 * direction have settled. A call that needs no waiting runs to its end at once and never marks
 * the direction busy.
 */
export function runInLane<T>(host: AsyncHost, owner: LaneOwner, lane: 0 | 1, make: () => Op<T>): Promise<T> {
  const bit = 1 << lane;
  const waiting = owner._lanes;
  if (waiting !== null && (waiting.busy & bit) !== 0) {
    return new Promise<T>((resolve, reject) =>
      waiting.queue(lane).push(() => runInLane(host, owner, lane, make).then(resolve, reject)));
  }
  let op: Op<T>;
  let step: IteratorResult<Yielded, T>;
  try {
    op = make();
    step = op.next();
  } catch (err) {
    return Promise.reject(err);
  }
  if (step.done) return Promise.resolve(step.value);
  const lanes = (owner._lanes ??= new Lanes());
  lanes.busy |= bit;
  const y = step.value;
  return new Promise<T>((resolve, reject) => {
    drive(host, op, y, (ok, v) => {
      // The next call starts before this one's caller resumes, as it did after an await.
      lanes.busy &= ~bit;
      const queue = lane === 0 ? lanes.reads : lanes.writes;
      while ((lanes.busy & bit) === 0 && queue !== null && queue.length > 0) queue.shift()!();
      if (ok) resolve(v as T);
      else reject(v);
    });
  });
}
