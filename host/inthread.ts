// A program's own two ends, served in the calling thread with no worker (host/worker.ts routes
// their handles here): socketpair()'s, and a TCP connection on loopback whose both ends are this
// thread's, which the worker hands over once nothing is on its way between them. Linux's
// unix_stream_sendmsg and loopback put the bytes on the peer's receive queue within the send;
// here that queue is the peer's host/kernel StreamSocket, so a round trip between the two ends
// costs a few copies, not two thread hand-offs.
// - Only this thread can reach them: pysocket/sync's fd table, and so every handle, belongs to
//   one module instance in one thread (another thread's import has its own table and its own
//   worker), and nobody else can write into a loopback connection. So nothing changes them while
//   this thread blocks: a call that answered EAGAIN answers it again until this thread acts, and a
//   wait on such an end only sleeps out its timeout (for ever without one, as CPython blocks for
//   ever on a socket nobody else can write to).
// - It answers every syscall as host/node.ts answers for its own pairs and in-process peers (the
//   recorded scenarios run on both): FIN and the peer's close reach the other end at once; a
//   close with unread bytes (or TCP's SO_LINGER {on, 0}) resets the peer; a TCP write to a peer
//   that closed draws a reset (tcp_reset in CLOSE_WAIT); other options change nothing here.
// A pair's handles are LOCAL_BASE and up, never one of the worker's; a TCP connection keeps the
// worker's handles (its Node sockets stay there, idle, until close).

import { EAGAIN, EINVAL } from "./errno.js";
import { MSG_PEEK, POLLNVAL, StreamSocket, TCP_CLOSE, entryReady, wakesFor } from "./kernel/index.js";
import { AF_UNIX, writeSockAddr } from "./sockaddr.js";
import type { PollReport, PollRequest } from "./types.js";

const EBADF = 9;
const SOL_SOCKET = 1;
const SO_LINGER = 13;

/** The first in-thread handle; the worker's Node host numbers its own from 1, far below. */
export const LOCAL_BASE = 1 << 30;
/** Bytes an end's receive queue holds before its peer's send answers EAGAIN: what one of the
 * Node host's pairs takes before it (its send buffer, 4 MiB, then its receive queue's 4 MiB). */
const CAPACITY = 8 << 20;


/** One end of an in-thread stream. */
class End {
  readonly k: StreamSocket;
  peer: End | null = null;
  /** TCP: the peer closed without a reset, so a write draws one (host/node.ts's closedKeys). */
  peerClosed = false;
  /** TCP: SO_LINGER {on, 0}, so a close resets. */
  lingerZero = false;
  /** TCP: getsockname's and getpeername's sockaddrs, as the worker's Node sockets answered. */
  name: Uint8Array | null = null;
  peerName: Uint8Array | null = null;

  constructor(unix: boolean) {
    this.k = new StreamSocket(unix);
  }
  /** Wake-ups so far for reading and for writing (edge-triggered epoll counts them). */
  readWakes = 0;
  writeWakes = 0;

  wakeAll(): void {
    this.readWakes = (this.readWakes + 1) | 0;
    this.writeWakes = (this.writeWakes + 1) | 0;
  }
}

/** What the worker hands over of one end of a TCP connection. */
export interface HandedOver {
  h: number;
  queued: Uint8Array;
  lingerZero: boolean;
  name: Uint8Array;
  peerName: Uint8Array;
}

export class InThreadStreams {
  private readonly ends = new Map<number, End>();
  private next = LOCAL_BASE;
  /** Blocks this thread for a wait nothing can end early (see the header). */
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  /** socketpair(): two connected ends; their handles. */
  pair(): [number, number] {
    const ha = this.next++;
    const hb = this.next++;
    this.link(ha, hb, new End(true), new End(true));
    return [ha, hb];
  }

  /** A TCP connection's two ends, handed over by the worker with what each had queued. */
  adopt(a: HandedOver, b: HandedOver): void {
    const ends = [a, b].map((x) => {
      const e = new End(false);
      e.k.received(x.queued);
      e.lingerZero = x.lingerZero;
      e.name = x.name;
      e.peerName = x.peerName;
      return e;
    });
    this.link(a.h, b.h, ends[0], ends[1]);
  }

  private link(ha: number, hb: number, a: End, b: End): void {
    a.k.established();
    b.k.established();
    a.peer = b;
    b.peer = a;
    this.ends.set(ha, a);
    this.ends.set(hb, b);
  }

  /** Whether `h` is served here: a pair end, or a TCP end handed over (a closed one is not). */
  has(h: number): boolean {
    return this.ends.has(h);
  }

  /** Whether `h` is a TCP end handed over by the worker, which holds its Node socket. */
  handedOver(h: number): boolean {
    return this.ends.get(h)?.name != null;
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
    const p = e.peer;
    if (p === null) {
      // A TCP peer that closed takes the bytes, and its reset comes back within the send (an
      // empty send sends nothing).
      if (src.length === 0) return 0;
      e.k.reset();
      e.wakeAll();
      return src.length;
    }
    const room = CAPACITY - p.k.queued;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(src.length, room);
    if (!p.k.received(src.slice(0, n))) {
      // The peer reset on the data (StreamSocket.received): its RST comes back within the send.
      e.k.reset();
      e.wakeAll();
      p.wakeAll();
      return n;
    }
    if (n > 0) p.readWakes = (p.readWakes + 1) | 0;
    return n;
  }

  /** shutdown(2): unix_shutdown records it; SHUT_WR's end of stream reaches the peer at once. */
  shutdown(h: number, how: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    const r = e.k.shut(how);
    if (e.peer && (r.fin || r.peerSend)) {
      if (r.fin) e.peer.k.fin();
      if (r.peerSend) e.peer.k.peerShutRead();
      e.peer.wakeAll();
    }
    // The FIN is acknowledged at once, by the peer or, once it closed, by its orphan.
    if (r.fin) e.k.finAcked();
    e.wakeAll();
    return r.result;
  }

  /** close(2): unix_release_sock shuts the peer, and resets it if bytes were left unread; TCP
   * resets it for unread bytes or SO_LINGER {on, 0}, else sends FIN. */
  close(h: number): number {
    const e = this.ends.get(h);
    if (!e) return 0;
    this.ends.delete(h);
    const p = e.peer;
    if (p) {
      const unread = e.k.queued > 0;
      if (e.k.unix) {
        p.k.peerClosed(unread);
      } else if (e.k.state !== TCP_CLOSE && (unread || e.lingerZero)) {
        p.k.reset();
      } else if (e.k.state !== TCP_CLOSE) {
        p.peerClosed = true;
        p.k.fin();
      }
      p.peer = null;
      p.wakeAll();
    }
    e.peer = null;
    return 0;
  }

  /** getsockname / getpeername: a pair's ends are unnamed (unix_getname); a TCP end answers
   * what its Node socket did, and getpeername ENOTCONN once it is closed (inet_getname). */
  addr(h: number, remote: boolean, mem: Uint8Array, sa: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    if (remote) {
      const r = e.k.peerName();
      if (r < 0) return r;
    }
    const bytes = remote ? e.peerName : e.name;
    if (bytes === null) return writeSockAddr(mem, sa, AF_UNIX, "", 0);
    mem.set(bytes, sa);
    return bytes.length;
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

  /** The core records options for getsockopt; only SO_LINGER changes anything here (the host
   * hears -1 for off, else the linger time). */
  setOption(h: number, level: number, name: number, value: number): number {
    const e = this.ends.get(h);
    if (!e) return -EBADF;
    if (level === SOL_SOCKET && name === SO_LINGER) e.lingerZero = value === 0;
    return 0;
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
    return wakesFor(e, events);
  }

  /** Sleeps `timeout` seconds (< 0: for ever), as a wait on ends nobody else can change does. */
  sleep(timeout: number): void {
    if (timeout === 0) return;
    Atomics.wait(this.sleeper, 0, 0, timeout < 0 ? Infinity : timeout * 1000);
  }

  /** The report of the request's entries `at` (its in-thread handles) into `report`; true when
   * one of them is ready (host/kernel/poll.ts entryReady). */
  pollInto(req: PollRequest, at: number[], report: PollReport): boolean {
    let ready = false;
    for (const i of at) {
      const h = req.handles[i];
      const mask = this.poll(h);
      report.wakes[i] = this.wakes(h, req.events[i]);
      report.masks[i] = mask;
      if (entryReady(req, report, i)) ready = true;
    }
    return ready;
  }
}
