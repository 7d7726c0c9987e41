// The worker thread behind host/worker.ts (started by its watcher thread): it runs the Node host
// on the shared memory and answers each request: a syscall at once; a wait when the socket is
// ready or its time is up; a lookup when the resolver answers. Sends ahead and reports of staged
// bytes taken are carried out in order, unanswered. An accepted connection whose peer is the
// caller's too is handed over to the caller's thread (handOver).

import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { EAGAIN } from "./errno.js";
import { BACK_KEEP, LENT_FD, LENT_H } from "./direct.js";
import { Lender, WAIT_NODE, WRITE_NOW } from "./direct_worker.js";
import { MSG_PEEK, POLLERR, POLLHUP, POLLIN, POLLOUT, RCV_SHUTDOWN } from "./kernel/index.js";
import { NodeHost } from "./node.js";
import { SYSCALLS, syscallImports } from "./syscalls.js";
import { after } from "./timer.js";
import { READ, WRITE, type PollReport, type PollRequest, type ResolveRequest } from "./types.js";
import {
  ACCEPT, ADDR_LOCAL, ADDR_REMOTE, CLOSE, CONNECT, CONSUME, CREDIT_SLOTS, DATA_SIZE, DISCARD, ERROR, FREE, ID,
  LOOKUP, MOVED, MOVED_A, MOVED_AREA, MOVED_B, MOVED_LIMIT, MOVED_LINGER, OPEN, PAIR,
  NEWS_SLOTS, POLL, POLL_AREA, POLL_AREA_SIZE, POLL_STAGE_MAX, POLL_WAIT, PROBE, QUIET_SLOTS, READY, RECV, RECV_FROM, RESOLVE, RESULT, RING_SIZE, SEND, SEND_AHEAD, SEND_TO,
  SHUTDOWN, SOCK_STREAM, STAGE, GIVE_BACK, GONE, STAGED, STAGE_AREA, STAGE_H, STAGE_LEN, STAGE_SIZE, STATE,
  WAIT, EAI_SYSTEM, creditWord, FLUSH, interestOf, isAgain, type Request, type StagedPollReport, type WorkerData,
} from "./worker_protocol.js";

/** The bytes a connected datagram socket may send ahead between two calls that wait for the
 * worker: Linux's default send buffer (net.core.wmem_default), which UDP sends rarely fill. */
const DATAGRAM_CREDIT = 212992;

/** A readiness report that an EAGAIN arms, so that an event between that EAGAIN and the caller's
 * wait (two messages apart) is not missed, as poll(2) would not miss it. */
interface Armed {
  fired: boolean;
  ready: Promise<void>;
}

const { ctl, quiet, news, credit, port, memory, direct } = workerData as WorkerData;
const host = new NodeHost();
host.attach(memory);
const imports = syscallImports(host, host.errnoOf);
const calls = SYSCALLS.map((name) => imports[name]);
const armed = new Map<number, Armed>();
const streams = new Set<number>();
/** Errors (positive errno) that the worker's own reads or sends took from a stream: the next
 * call that would have taken them from the Node host reports them instead. */
const taken = new Map<number, number>();
/** Streams granted a credit, and the readiness report that revokes each one's when anything
 * happens to its sending. */
const credited = new Map<number, Armed>();
/** Datagram sockets that have received since their last connect (see handle). */
const answered = new Set<number>();
/** Streams lent to the caller (host/direct.ts), where the runtime allows it. */
const lender = direct ? new Lender() : null;
// The caller uses a lent descriptor only while the worker is not GONE: it is, before Node closes
// its handles as the thread ends.
if (lender) process.once("exit", () => Atomics.store(ctl, GONE, 1));

/** Answers the caller; a send's, a recv's or a wait's answer may lend stream `h` (`lend`). */
function reply(id: number, result: number, ready: number, lend = -1): void {
  const fd = lend >= 0 && lender !== null ? lender.lend(lend, host.entryOf(lend), taken.has(lend)) : -1;
  if (fd >= 0) revoke(lend);
  ctl[LENT_H] = fd >= 0 ? lend : -1;
  ctl[LENT_FD] = fd;
  ctl[RESULT] = result;
  ctl[READY] = ready;
  ctl[ID] = id;
  Atomics.store(ctl, STATE, 1);
  Atomics.notify(ctl, STATE);
}

/** Answers syscall `code`'s caller. A close, a send or a shutdown may wake waiters at once (a
 * close resets its peer in this process), and their reactions update QUIET and the credit, which
 * the caller reads as soon as it runs: so those are answered after the microtasks queued so far. */
function answer(id: number, code: number, result: number, ready: number, h = -1): void {
  const lend = code === RECV || code === SEND ? h : -1;
  if (code === CLOSE || code === SEND || code === SEND_TO || code === SHUTDOWN) queueMicrotask(() => reply(id, result, ready, lend));
  else reply(id, result, ready, lend);
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
  // A datagram socket shut for reading answers EAGAIN only under MSG_DONTWAIT, and 0 to a read
  // that may block (host/kernel/datagram.ts): it is never QUIET.
  if (interest === READ && !((host.entryOf(h)?.d?.shutdown ?? 0) & RCV_SHUTDOWN)) Atomics.store(quiet, slot, h);
  return a;
}

/** A poll's report as the caller sees its streams: an error this worker took and holds is still
 * pending (POLLERR), and a readable stream is not QUIET. */
function polled(req: PollRequest, report: PollReport): void {
  for (let i = 0; i < req.handles.length; i++) {
    const h = req.handles[i];
    if (taken.has(h)) report.masks[i] |= 0x8;
    if (report.masks[i] & 0x19) Atomics.compareExchange(quiet, h % QUIET_SLOTS, h, 0);
  }
}

/** Copies the first bytes of each stream the poll reports readable to the POLL area, for the
 * caller's recvs that follow: only those with bytes queued, which a peek returns before any
 * error, and none holding a taken error, which the next recv must report first. STAGE is given
 * back, so that no byte is staged twice; the bytes stay queued until the caller reports them
 * taken (CONSUME). */
function stagePolled(req: PollRequest, report: PollReport): StagedPollReport {
  Atomics.compareExchange(ctl, STAGE, STAGED, FREE);
  const staged: number[] = [];
  let at = POLL_AREA;
  for (let i = 0; i < req.handles.length && at < POLL_AREA + POLL_AREA_SIZE; i++) {
    const h = req.handles[i];
    if (!(report.masks[i] & POLLIN) || !streams.has(h) || taken.has(h) || lender?.has(h)) continue;
    if (!((host.entryOf(h)?.k?.queued ?? 0) > 0)) continue;
    const p = calls[RECV](h, at, Math.min(POLL_STAGE_MAX, POLL_AREA + POLL_AREA_SIZE - at), MSG_PEEK);
    if (p > 0) {
      staged.push(h, at, p, Atomics.load(news, h % NEWS_SLOTS));
      at += p;
      watchNews(h);
    } else {
      peeked(h, p);
    }
  }
  return { masks: report.masks, wakes: report.wakes, staged: Int32Array.from(staged) };
}

/** Streams whose next readiness event counts in their NEWS slot. */
const watched = new Set<number>();

function watchNews(h: number): void {
  if (watched.has(h)) return;
  watched.add(h);
  host.whenReady(h, READ, -1, () => {
    watched.delete(h);
    Atomics.add(news, h % NEWS_SLOTS, 1);
  });
}

/** Keeps the first error taken for a stream, as Linux keeps one pending error (sk_err). */
function take(h: number, errno: number): void {
  if (!taken.has(h)) taken.set(h, errno);
}

function syscall(code: number, args: number[]): number {
  const h = args[0];
  const err = taken.get(h);
  if (err !== undefined && (code === RECV || code === RECV_FROM || code === SEND || code === SEND_TO || code === ERROR)) {
    taken.delete(h);
    return code === ERROR ? err : -err;
  }
  // What the caller staged of this stream is its queue's head, which this call may take.
  if ((code === RECV || code === CLOSE) && ctl[STAGE_H] === h) Atomics.compareExchange(ctl, STAGE, STAGED, FREE);
  // A close or a shutdown may reset a peer in this process: no stream sends ahead past it.
  if (code === CLOSE || code === SHUTDOWN) for (const c of [...credited.keys()]) revoke(c);
  // A send the credit did not cover takes room the credit counts on (all there is, if it is
  // longer): what is left of the credit could overfill the Node host, which would refuse bytes
  // the caller counted as sent.
  if (code === SEND && credited.has(h)) revoke(h);
  // A datagram socket's credit is for the destination it is connected to.
  if (code === CONNECT) {
    answered.delete(h);
    if (credited.has(h)) revoke(h);
  }
  const r = calls[code](...args);
  if (isAgain(r)) {
    arm(h, interestOf(code));
  } else if (code === OPEN) {
    if (r >= 0 && args[1] === SOCK_STREAM) streams.add(r);
  } else if (code === PAIR) {
    if (r >= 0) for (const p of new Int32Array(memory.buffer, args[3], 2)) streams.add(p);
  } else if (code === ACCEPT) {
    streams.add(r);
    handOver(r);
  } else if (code === CLOSE) {
    lender?.forget(h);
    armed.delete(h * 4 + READ);
    armed.delete(h * 4 + WRITE);
    streams.delete(h);
    taken.delete(h);
    answered.delete(h);
    // A handle number may come again: its next stream's stages need a watch of their own.
    watched.delete(h);
    Atomics.compareExchange(quiet, h % QUIET_SLOTS, h, 0);
  }
  return r;
}

/** Hands TCP connection `h` (just accepted) over to the caller's thread when its peer is a
 * socket of this host too and nothing is on its way between them (NodeHost.peerInSync): each
 * end's queued bytes and addresses go to MOVED_AREA, and MOVED names the peer; from then on the
 * caller serves both ends itself and only closes them here. Else MOVED is -1. */
function handOver(h: number): void {
  ctl[MOVED] = -1;
  const linger = [false, false];
  const p = host.peerInSync(h, MOVED_LIMIT, linger);
  if (p < 0 || taken.has(h) || taken.has(p)) return;
  [h, p].forEach((x, i) => {
    const at = MOVED_AREA[i];
    const w = i === 0 ? MOVED_A : MOVED_B;
    if (ctl[STAGE_H] === x) Atomics.compareExchange(ctl, STAGE, STAGED, FREE);
    ctl[w] = Math.max(0, calls[RECV](x, at.queued, MOVED_LIMIT, 0));
    ctl[w + 1] = calls[ADDR_LOCAL](x, at.name);
    ctl[w + 2] = calls[ADDR_REMOTE](x, at.peerName);
    revoke(x);
  });
  ctl[MOVED_LINGER] = (linger[0] ? 1 : 0) | (linger[1] ? 2 : 0);
  ctl[MOVED] = p;
}

/** Settles a peek of stream `h`: nothing there makes it QUIET, so that the caller's next recv
 * need not ask; an error it took waits for the next call (see `taken`). */
function peeked(h: number, p: number): void {
  if (p === -EAGAIN) arm(h, READ);
  else if (p < 0) take(h, -p);
}

/** After a recv took data, before answering it: peeks what else the stream holds into the STAGE
 * area when it is free, for the caller's next recvs, else one byte, to learn whether the socket
 * is QUIET. A datagram socket's peek may take its pending error, which the next call then
 * reports before any datagram, as Linux's __skb_try_recv_datagram checks sk_err first. */
function stageAhead(code: number, args: number[], r: number): void {
  const h = args[0];
  if (!streams.has(h)) {
    if ((code === RECV || code === RECV_FROM) && r >= 0) peeked(h, calls[RECV](h, PROBE, 1, MSG_PEEK));
    return;
  }
  if (code !== RECV || r <= 0) return;
  if (Atomics.load(ctl, STAGE) !== FREE) return peeked(h, calls[RECV](h, PROBE, 1, MSG_PEEK));
  const p = calls[RECV](h, STAGE_AREA, STAGE_SIZE, MSG_PEEK);
  if (p <= 0) return peeked(h, p);
  ctl[STAGE_H] = h;
  ctl[STAGE_LEN] = p;
  Atomics.store(ctl, STAGE, STAGED);
}

/** The caller took `n` staged bytes of stream `h`: drops them from the queue. They are still its
 * head; if an error came since, a read takes it first, and it waits for the next call. */
function consume(h: number, n: number): void {
  while (n > 0) {
    const r = calls[RECV](h, DISCARD, Math.min(n, DATA_SIZE), 0);
    if (r > 0) n -= r;
    else if (r < 0 && r !== -EAGAIN) take(h, -r);
    else break;
  }
}

/** Grants socket `h` a credit of `n` bytes, and revokes it when anything happens to its sending
 * (an error, a reset, a drain). */
function grant(h: number, n: number): void {
  Atomics.store(credit, h % CREDIT_SLOTS, creditWord(h, Math.min(n, RING_SIZE)));
  const a = arm(h, WRITE);
  if (credited.get(h) === a) return;
  credited.set(h, a);
  void a.ready.then(() => {
    if (credited.get(h) === a) revoke(h);
  });
}

/** Ends stream `h`'s credit, unless its slot has passed to another stream. */
function revoke(h: number): void {
  credited.delete(h);
  const slot = h % CREDIT_SLOTS;
  for (;;) {
    const word = Atomics.load(credit, slot);
    if (word < creditWord(h, 0) || word >= creditWord(h + 1, 0)) return;
    if (Atomics.compareExchange(credit, slot, word, creditWord(h, 0)) === word) return;
  }
}

/** Sends within the credit, which the caller counted as sent, a stream's merged while they are
 * one run of the ring (datagrams stay apart): an error they meet waits for the next call, and
 * ends the credit. */
let ahead = { h: -1, at: 0, len: 0 };

function sendAhead(h: number, at: number, len: number): void {
  if (ahead.len > 0 && ahead.h === h && ahead.at + ahead.len === at && streams.has(h)) {
    ahead.len += len;
    return;
  }
  flushAhead();
  ahead = { h, at, len };
}

function flushAhead(): void {
  const { h, at, len } = ahead;
  if (len === 0) return;
  ahead.len = 0;
  if (taken.has(h)) return;
  const r = calls[SEND](h, at, len, 0);
  if (r < 0) {
    take(h, -r);
    revoke(h);
  }
}

function within(ready: Promise<void>, deadline: number): Promise<boolean> {
  if (deadline === Infinity) return ready.then(() => true);
  return new Promise((resolve) => {
    const timer = after((deadline - performance.now()) / 1000, () => resolve(false));
    void ready.then(() => {
      timer.cancel();
      resolve(true);
    });
  });
}

/** A send on a stream direct mode could take (Lender.sendWay), made before it is answered: the
 * answer lends the stream when Node wrote the bytes at once. */
function sendNow(id: number, args: number[]): void {
  const h = args[0];
  const r = syscall(SEND, args);
  lender!.sent(h, host.entryOf(h));
  answer(id, SEND, r, 1, h);
}

/** sock_call_ex's wait, and its retry when the caller sent the call that answered EAGAIN. */
async function wait(id: number, h: number, interest: number, timeout: number, retry: number[]): Promise<void> {
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout * 1000;
  if (lender?.filling(h) && (retry.length > 0 ? retry[0] === SEND : interest === WRITE)) {
    // The kernel's send buffer was full: ready once Node has written what it holds, and the
    // answer may lend the stream (then a wait with no retry leaves the retry to the caller).
    if (!(await within(lender.written(host.entryOf(h)), deadline))) return reply(id, 0, 0);
    return retry.length > 0 ? sendNow(id, retry.slice(1)) : reply(id, 0, 1, h);
  }
  const key = h * 4 + (retry.length > 0 ? interestOf(retry[0]) : interest);
  // An EAGAIN the caller met itself (a lent stream's read) armed nothing here, and what it gave
  // back may be ready already: its retry runs at once, and arms as it meets EAGAIN; with no
  // retry, a writable socket is ready (a readiness event only reports a change).
  if (!armed.has(key) && retry.length === 0 && interest === WRITE && calls[POLL](h) & (POLLOUT | POLLERR | POLLHUP)) return reply(id, 0, 1);
  let atOnce = retry.length > 0 && !armed.has(key);
  for (;;) {
    if (!atOnce) {
      const a = armed.get(key) ?? arm(h, key & 3);
      if (!a.fired && !(await within(a.ready, deadline))) return reply(id, 0, 0);
      armed.delete(key);
    }
    atOnce = false;
    if (retry.length === 0) return reply(id, 0, 1);
    // A wake-up may be spurious: the retry then arms again and the loop waits on.
    const args = retry.slice(1);
    const r = syscall(retry[0], args);
    if (!isAgain(r)) {
      stageAhead(retry[0], args, r);
      return answer(id, retry[0], r, 1, h);
    }
  }
}

// Messages are handled in order; those already queued are taken at once, so that sends ahead in
// a row become one write. No request may end the worker, whatever its arguments: one that throws
// is answered with its errno (a query with EAI_SYSTEM), and the worker serves on.
port.on("message", (first: Request) => {
  for (let m: Request | undefined = first; m !== undefined; m = receiveMessageOnPort(port)?.message as Request | undefined) {
    if (m[1] === SEND_AHEAD) sendAhead(m[2] as number, m[3] as number, m[4] as number);
    else {
      flushAhead();
      try {
        handle(m);
      } catch (err) {
        refuse(m, err);
      }
    }
  }
  flushAhead();
});

/** Answers a request that threw: the caller blocked on it must not wait for ever. */
function refuse(m: Request, err: unknown): void {
  const [id, code] = m;
  if (id === 0) return;
  if (code === LOOKUP || code === RESOLVE) port.postMessage({ eai: EAI_SYSTEM });
  reply(id, -host.errnoOf(err), 1);
}

function handle(m: Request): void {
  const id = m[0];
  const code = m[1];
  if (code === CONSUME) {
    for (let i = 2; i < m.length; i += 2) consume(m[i] as number, m[i + 1] as number);
  } else if (code === GIVE_BACK) {
    const [, , h, kind, errno] = m as number[];
    if (kind === BACK_KEEP) take(h, errno);
    else lender?.takeBack(h, kind, errno);
  } else if (code === WAIT) {
    const [, , h, interest, timeout, ...retry] = m as number[];
    // A wait that throws is answered ready: the caller's retry then meets the error itself.
    wait(id, h, interest, timeout, retry).catch(() => reply(id, 0, 1));
  } else if (code === POLL_WAIT) {
    const req = m[2] as PollRequest;
    if (lender) for (const h of req.handles) lender.polling(h, req.handles.length);
    // An error held here is a pending one, which every poll counts as ready.
    if (req.handles.some((h) => taken.has(h))) req.timeout = 0;
    void host.pollWait(req).then((report) => {
      polled(req, report);
      port.postMessage(stagePolled(req, report));
      reply(id, 0, 1);
    });
  } else if (code === LOOKUP || code === RESOLVE) {
    void (async () => (code === LOOKUP ? host.lookup(m[2] as string, m[3] as number) : host.resolve(m[2] as ResolveRequest)))()
      .catch(() => ({ eai: EAI_SYSTEM }))
      .then((res) => {
        port.postMessage(res);
        reply(id, 0, 1);
      });
  } else if (code === FLUSH) {
    void host.flushed().then(() => reply(id, 0, 1));
  } else {
    const args = m.slice(2) as number[];
    const [h, , len] = args;
    if (code === POLL) lender?.polling(h, 1);
    const way = code === SEND && len > 0 && lender !== null ? lender.sendWay(h, host.entryOf(h), taken.has(h)) : 0;
    if (way === WAIT_NODE) return answer(id, SEND, -EAGAIN, 1, h);
    if (way === WRITE_NOW) return sendNow(id, args);
    if (code === SEND && len > 0 && !taken.has(h) && host.sendRoom(h) >= len) {
      // The Node host takes it all, with no other effect: the caller runs on while it writes,
      // and may send ahead what more it could take.
      grant(h, host.sendRoom(h) - len);
      reply(id, len, 1);
      calls[SEND](...args);
      return;
    }
    const r = syscall(code, args);
    // A connected datagram socket's send took its datagram whole, and its peer has answered
    // since the connect: its next ones may go ahead. (A peer that never answers may be a closed
    // port, whose refusal Linux reports by the next send; so those wait for each answer.)
    if (code === SEND && r === len && len > 0 && answered.has(h)) grant(h, DATAGRAM_CREDIT);
    if ((code === RECV || code === RECV_FROM) && r >= 0 && !streams.has(h)) answered.add(h);
    stageAhead(code, args, r);
    answer(id, code, r, 1, h);
  }
}
