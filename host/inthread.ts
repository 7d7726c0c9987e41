// socketpair()'s two ends, served in the calling thread with no worker (host/worker.ts routes
// their handles here). Linux's unix_stream_sendmsg puts the bytes on the peer's receive queue
// within the send; here that queue is the peer's host/kernel StreamSocket, so a round trip
// between a pair's ends costs a few copies, not two thread hand-offs.
// - Only this thread can reach the pair: pysocket/sync's fd table, and so every handle, belongs
//   to one module instance in one thread (another thread's import has its own table and its own
//   worker). So nothing changes a pair while this thread blocks: a call that answered EAGAIN
//   answers it again until this thread acts, and a wait on a pair end only sleeps out its
//   timeout (for ever without one, as CPython blocks for ever on a pair nobody else can write).
// - It answers every syscall as host/node.ts answers one of its own pairs (the recorded
//   scenarios run on both): FIN and the peer's close reach the other end at once; a close with
//   unread bytes resets the peer; options are recorded by the core and change nothing here.
// Handles are LOCAL_BASE and up, never one of the worker's.

import { EAGAIN, EINVAL } from "./errno.js";
import { MSG_PEEK, POLLNVAL, StreamSocket } from "./kernel/index.js";
import { AF_UNIX, writeSockAddr } from "./sockaddr.js";
import type { PollReport, PollRequest } from "./types.js";

const EBADF = 9;

/** The first in-thread handle; the worker's Node host numbers its own from 1, far below. */
export const LOCAL_BASE = 1 << 30;
/** Bytes an end's receive queue holds before its peer's send answers EAGAIN: what one of the
 * Node host's pairs takes before it (its send buffer, 4 MiB, then its receive queue's 4 MiB). */
const CAPACITY = 8 << 20;

// Which readiness events count as each interest's wake-up (host/node.ts's POLLIN_SET, POLLOUT_SET).
const POLLIN_SET = 0x1 | 0x2 | 0x40 | 0x80 | 0x10 | 0x8 | 0x2000;
const POLLOUT_SET = 0x4 | 0x100 | 0x200 | 0x8;

/** One end of an in-thread pair. */
class End {
  readonly k = new StreamSocket(true);
  peer: End | null = null;
  /** Wake-ups so far for reading and for writing (edge-triggered epoll counts them). */
  readWakes = 0;
  writeWakes = 0;

  wakeAll(): void {
    this.readWakes = (this.readWakes + 1) | 0;
    this.writeWakes = (this.writeWakes + 1) | 0;
  }
}

export function isLocal(h: number): boolean {
  return h >= LOCAL_BASE;
}

export class InThreadPairs {
  private readonly ends = new Map<number, End>();
  private next = LOCAL_BASE;
  /** Blocks this thread for a wait nothing can end early (see the header). */
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  /** socketpair(): two connected ends; their handles. */
  pair(): [number, number] {
    const a = new End();
    const b = new End();
    a.k.established();
    b.k.established();
    a.peer = b;
    b.peer = a;
    const ha = this.next++;
    const hb = this.next++;
    this.ends.set(ha, a);
    this.ends.set(hb, b);
    return [ha, hb];
  }

  /** recv(2) into `dst`: unix_stream_recvmsg's answer (host/kernel). Room it frees for a peer
   * that was full is a wake-up for its writers. */
  recv(h: number, dst: Uint8Array, flags: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    const full = e.k.queued >= CAPACITY;
    const r = e.k.recv(dst, flags);
    if (r > 0 && full && (flags & MSG_PEEK) === 0 && e.peer) e.peer.writeWakes = (e.peer.writeWakes + 1) | 0;
    return r;
  }

  /** send(2) of `src` (a view the caller may reuse): queued on the peer within the call. */
  send(h: number, src: Uint8Array): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    const err = e.k.sendError();
    if (err < 0) return err;
    const p = e.peer!;
    const room = CAPACITY - p.k.queued;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(src.length, room);
    p.k.received(src.slice(0, n));
    if (n > 0) p.readWakes = (p.readWakes + 1) | 0;
    return n;
  }

  /** shutdown(2): unix_shutdown records it; SHUT_WR's end of stream reaches the peer at once. */
  shutdown(h: number, how: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    const r = e.k.shut(how);
    if (r.fin && e.peer) {
      e.peer.k.fin();
      e.peer.wakeAll();
    }
    e.wakeAll();
    return r.result;
  }

  /** close(2): unix_release_sock shuts the peer, and resets it if bytes were left unread. */
  close(h: number): number {
    const e = this.ends.get(h);
    if (!e) return 0;
    this.ends.delete(h);
    const p = e.peer;
    if (p) {
      p.k.peerClosed(e.k.queued > 0);
      p.peer = null;
      p.wakeAll();
    }
    e.peer = null;
    return 0;
  }

  /** getsockname / getpeername: a pair's ends are unnamed (unix_getname). */
  addr(h: number, remote: boolean, mem: Uint8Array, sa: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    if (remote) {
      const r = e.k.peerName();
      if (r < 0) return r;
    }
    return writeSockAddr(mem, sa, AF_UNIX, "", 0);
  }

  /** SO_ERROR: the pending error, cleared. */
  error(h: number): number {
    const e = this.ends.get(h);
    return e ? e.k.takeError() : -EBADF;
  }

  /** A connected pair end takes no bind, listen, connect or accept (the core refuses them first). */
  refuse(h: number): number {
    return this.ends.has(h) ? -EINVAL : -EBADF;
  }

  /** An option changes nothing here: the core records it for getsockopt. */
  setOption(h: number): number {
    return this.ends.has(h) ? 0 : -EBADF;
  }

  /** unix_poll's mask. */
  poll(h: number): number {
    const e = this.ends.get(h);
    if (!e) return POLLNVAL;
    return e.k.poll(e.peer === null || e.peer.k.queued < CAPACITY);
  }

  /** The wake-ups of handle `h` that concern `events`, as NodeHost's poll report counts them. */
  wakes(h: number, events: number): number {
    const e = this.ends.get(h);
    if (!e) return 0;
    return ((events & POLLIN_SET ? e.readWakes : 0) + (events & POLLOUT_SET ? e.writeWakes : 0)) | 0;
  }

  /** Whether `h` is a pair end of this thread (a closed one is not). */
  has(h: number): boolean {
    return this.ends.has(h);
  }

  /** Sleeps `timeout` seconds (< 0: for ever), as a wait on ends nobody else can change does. */
  sleep(timeout: number): void {
    if (timeout === 0) return;
    Atomics.wait(this.sleeper, 0, 0, timeout < 0 ? Infinity : timeout * 1000);
  }

  /** The report of the request's entries `at` (its in-thread handles) into `report`; true when
   * one of them is ready (NodeHost.pollNow's test). */
  pollInto(req: PollRequest, at: number[], report: PollReport): boolean {
    let ready = false;
    for (const i of at) {
      const h = req.handles[i];
      const mask = (report.masks[i] = this.poll(h));
      const w = (report.wakes[i] = this.wakes(h, req.events[i]));
      if ((mask & req.events[i]) !== 0 && (req.since === null || req.since[i] !== w)) ready = true;
    }
    return ready;
  }
}
