// The worker thread behind host/worker.ts (started by its watcher thread): it runs the Node host
// on the shared memory and answers each request: a syscall at once; a wait when the socket is
// ready or its time is up; a lookup when the resolver answers.

import { workerData } from "node:worker_threads";
import { EAGAIN } from "./errno.js";
import { NodeHost } from "./node.js";
import { READ, type ResolveRequest } from "./types.js";
import {
  ACCEPT, CLOSE, ERROR, ID, LOOKUP, OPEN, PAIR, PROBE, QUIET_SLOTS, READY, RECV, RECV_FROM, RESOLVE, RESULT,
  SEND, SEND_TO, SHUTDOWN, SOCK_STREAM, STATE, SYSCALLS, WAIT, interestOf, isAgain, type Request, type WorkerData,
} from "./worker.js";

const MSG_PEEK = 2;

/** A readiness report that an EAGAIN arms, so that an event between that EAGAIN and the caller's
 * wait (two messages apart) is not missed, as poll(2) would not miss it. */
interface Armed {
  fired: boolean;
  ready: Promise<void>;
}

const { ctl, quiet, port, memory } = workerData as WorkerData;
const host = new NodeHost();
host.attach(memory);
const imports = host.imports();
const calls = SYSCALLS.map((name) => imports[name]);
const armed = new Map<number, Armed>();
const streams = new Set<number>();
/** Errors (positive errno) that a probe took from a stream: the next call that would have taken
 * them from the Node host reports them instead. */
const taken = new Map<number, number>();

function reply(id: number, result: number, ready: number): void {
  ctl[RESULT] = result;
  ctl[READY] = ready;
  ctl[ID] = id;
  Atomics.store(ctl, STATE, 1);
  Atomics.notify(ctl, STATE);
}

/** Answers syscall `code`'s caller. A close, a send or a shutdown may wake waiters at once (a
 * close resets its peer in this process), and their reactions update QUIET, which the caller
 * reads as soon as it runs: so those are answered after the microtasks queued so far. */
function answer(id: number, code: number, result: number, ready: number): void {
  if (code === CLOSE || code === SEND || code === SEND_TO || code === SHUTDOWN) queueMicrotask(() => reply(id, result, ready));
  else reply(id, result, ready);
}

function arm(h: number, interest: number): Armed {
  const key = h * 4 + interest;
  const known = armed.get(key);
  if (known !== undefined && !known.fired) return known;
  const slot = h % QUIET_SLOTS;
  const a: Armed = { fired: false, ready: Promise.resolve() };
  a.ready = host.wait(h, interest, -1).then(() => {
    a.fired = true;
    if (interest === READ) Atomics.compareExchange(quiet, slot, h, 0);
  });
  armed.set(key, a);
  if (interest === READ) Atomics.store(quiet, slot, h);
  return a;
}

function syscall(code: number, args: number[]): number {
  const h = args[0];
  const err = taken.get(h);
  if (err !== undefined && (code === RECV || code === RECV_FROM || code === SEND || code === SEND_TO || code === ERROR)) {
    taken.delete(h);
    return code === ERROR ? err : -err;
  }
  const r = calls[code](...args);
  if (isAgain(r)) {
    arm(h, interestOf(code));
  } else if (code === OPEN) {
    if (r >= 0 && args[1] === SOCK_STREAM) streams.add(r);
  } else if (code === PAIR) {
    if (r >= 0) for (const h of new Int32Array(memory.buffer, args[3], 2)) streams.add(h);
  } else if (code === ACCEPT) {
    streams.add(r);
  } else if (code === CLOSE) {
    armed.delete(h * 4 + 1);
    armed.delete(h * 4 + 2);
    streams.delete(h);
    taken.delete(h);
    Atomics.compareExchange(quiet, h % QUIET_SLOTS, h, 0);
  }
  return r;
}

/** After a stream recv took data, peeks whether more is there, off the caller's time: if not,
 * the stream is QUIET, and the caller's next recv need not ask. The peek is a recv, so it takes
 * a pending error as a recv would; that error then waits for the next call (see `taken`). Only
 * streams: a datagram arriving after an error would be received before it. */
function probe(code: number, args: number[], r: number): void {
  const h = args[0];
  if (code !== RECV || r <= 0 || !streams.has(h)) return;
  const p = calls[RECV](h, PROBE, 1, MSG_PEEK);
  if (p === -EAGAIN) arm(h, READ);
  else if (p < 0) taken.set(h, -p);
}

function within(ready: Promise<void>, deadline: number): Promise<boolean> {
  if (deadline === Infinity) return ready.then(() => true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
    void ready.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** sock_call_ex's wait, and its retry when the caller sent the call that answered EAGAIN. */
async function wait(id: number, h: number, interest: number, timeout: number, retry: number[]): Promise<void> {
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout * 1000;
  const key = h * 4 + (retry.length > 0 ? interestOf(retry[0]) : interest);
  for (;;) {
    const a = armed.get(key) ?? arm(h, key & 3);
    if (!a.fired && !(await within(a.ready, deadline))) return reply(id, 0, 0);
    armed.delete(key);
    if (retry.length === 0) return reply(id, 0, 1);
    // A wake-up may be spurious: the retry then arms again and the loop waits on.
    const args = retry.slice(1);
    const r = syscall(retry[0], args);
    if (!isAgain(r)) {
      answer(id, retry[0], r, 1);
      return probe(retry[0], args, r);
    }
  }
}

// The Node host turns its own exceptions into errnos; anything else thrown here ends the worker,
// and the caller gets EIO from then on.
port.on("message", (m: Request) => {
  const id = m[0];
  const code = m[1];
  if (code === WAIT) {
    const [, , h, interest, timeout, ...retry] = m as number[];
    void wait(id, h, interest, timeout, retry);
  } else if (code === LOOKUP || code === RESOLVE) {
    const query = code === LOOKUP ? host.lookup(m[2] as string, m[3] as number) : host.resolve(m[2] as ResolveRequest);
    void query.then((res) => {
      port.postMessage(res);
      reply(id, 0, 1);
    });
  } else {
    const args = m.slice(2) as number[];
    if (code === SEND && args[2] > 0 && !taken.has(args[0]) && host.sendRoom(args[0]) >= args[2]) {
      // The Node host takes it all, with no other effect: the caller runs on while it writes.
      reply(id, args[2], 1);
      calls[SEND](...args);
      return;
    }
    const r = syscall(code, args);
    answer(id, code, r, 1);
    probe(code, args, r);
  }
});
