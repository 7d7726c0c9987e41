// pysocket/sync's datagrams between the calling thread's own UDP sockets, queued on the receiver
// within the send in this thread, with no worker (host/worker.ts routes here first): the rules of
// which socket receives are host/kernel/udp_local.ts's, as the Node host applies them. Each such
// socket keeps its Node socket in the worker, which still receives from everyone else; this thread
// keeps a second queue for it (a host/kernel DatagramSocket) with what its own sockets sent it,
// read before the worker's. Nothing else can add to that queue while this thread blocks, so a
// wait finds it as it was.
// What this side leaves to the worker (whose Node host applies the same rules to what it sends):
// - a sender that ever sent, or shut down, through the worker ("dirty"): its pending error and
//   shutdown are the worker's to report;
// - a receiver whose queue here declined a datagram (it might be full): from then on every
//   datagram to it goes through the worker, so that each sender's datagrams keep their order;
// - a read of the error queue (MSG_ERRQUEUE). Other flags mean to a datagram read here what
//   they mean in the worker: udp_recvmsg heeds MSG_PEEK, MSG_TRUNC and MSG_DONTWAIT only.
// A receiver that is dirty reads its queue here only after SO_ERROR, from the worker, says that
// no error is pending (udp_recvmsg reports sk_err before any datagram).

import { EAGAIN, EINPROGRESS } from "./errno.js";
import {
  MSG_DONTWAIT, DatagramSocket, LocalDatagrams, maxPayload, plainOption, sourceFor, wakesFor, type Endpoint,
  type LocalReceiver,
} from "./kernel/index.js";
import { readSockAddr, writeSockAddr } from "./sockaddr.js";
import type { PollReport, PollRequest } from "./types.js";

const SOCK_DGRAM = 2;
const MSG_ERRQUEUE = 0x2000;
const POLLIN_RDNORM = 0x41;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;
const SO_RCVBUF = 8;

/** What this side asks the worker. */
export interface WorkerNames {
  /** getsockname (remote false) or getpeername of worker socket `h`; null on an error. */
  name(h: number, remote: boolean): Endpoint | null;
  /** SO_ERROR of worker socket `h`. */
  error(h: number): number;
  /** Whether the worker still runs: once it is gone its sockets are too, and every call on
   * them fails there (EIO). */
  alive(): boolean;
}

/** One UDP socket of the worker, as this thread knows it. */
class End {
  readonly d: DatagramSocket<Endpoint>;
  /** Its source for datagrams to loopback, while it may send here. */
  source: Endpoint | null = null;
  rx: LocalReceiver<Endpoint> | null = null;
  /** It sent or shut down through the worker, or set an option this side cannot honour. */
  dirty = false;
  /** Its receiver declined a datagram: it receives through the worker alone from then on. */
  retired = false;
  /** Where it is connected to, as the worker reports it. */
  peer: Endpoint | null = null;
  /** A bind or connect is under way: its outcome refreshes the rest. */
  settling = false;
  /** Wake-ups from datagrams queued here (edge-triggered epoll counts them); none for writing. */
  readWakes = 0;
  readonly writeWakes = 0;

  constructor(readonly family: number) {
    this.d = new DatagramSocket<Endpoint>(family);
  }
}

export class InThreadDatagrams {
  private readonly ends = new Map<number, End>();
  private readonly local = new LocalDatagrams<Endpoint>();
  /** Ends that ever had a datagram queued here (their polls merge this side's readiness). */
  private touched = 0;

  constructor(private readonly worker: WorkerNames) {}

  /** socket(): a datagram socket of the worker's. */
  open(h: number, family: number, type: number): void {
    if (h >= 0 && (type & 0xf) === SOCK_DGRAM) this.ends.set(h, new End(family));
  }

  /** A bind or connect started (its result `r` may come later, from sock_finish). */
  settling(h: number): void {
    const e = this.ends.get(h);
    if (e === undefined) return;
    this.local.forget(e.rx);
    e.rx = null;
    e.source = null;
    e.settling = true;
  }

  /** A bind or connect answered `r`: once it succeeded, the socket's name and peer as the worker
   * reports them decide its part here. Returns `r`. */
  settled(h: number, r: number): number {
    const e = this.ends.get(h);
    if (e === undefined || !e.settling || r === -EINPROGRESS || r === -EAGAIN) return r;
    e.settling = false;
    if (r !== 0 || e.dirty) return r;
    const name = this.worker.name(h, false);
    if (name === null) return r;
    e.peer = this.worker.name(h, true);
    e.source = sourceFor(e.family, name.address, name.port);
    if (!e.retired) e.rx = this.local.listen(e.family, name, e.peer, e.d, () => this.woken(e));
    return r;
  }

  private woken(e: End): void {
    if (e.readWakes === 0) this.touched++;
    e.readWakes = (e.readWakes + 1) | 0;
  }

  /** setsockopt: SO_RCVBUF is the queue's limit; any option udp_local.ts cannot honour sends the
   * socket's traffic through the worker from now on. */
  option(h: number, level: number, name: number, value: number): void {
    const e = this.ends.get(h);
    if (e === undefined) return;
    if (level === SOL_SOCKET && name === SO_RCVBUF) e.d.rcvbuf = value;
    if (plainOption(level, name) && !(level === SOL_SOCKET && (name === SO_REUSEADDR || name === SO_REUSEPORT))) return;
    this.makeDirty(e);
    this.retire(e);
  }

  private makeDirty(e: End): void {
    e.dirty = true;
    e.source = null;
  }

  private retire(e: End): void {
    e.retired = true;
    this.local.forget(e.rx);
    e.rx = null;
  }

  /** shutdown(2) goes to the worker: the socket's sends stay there. */
  shutdown(h: number): void {
    const e = this.ends.get(h);
    if (e !== undefined) this.makeDirty(e);
  }

  close(h: number): void {
    const e = this.ends.get(h);
    if (e === undefined) return;
    this.retire(e);
    if (e.readWakes !== 0) this.touched--;
    this.ends.delete(h);
  }

  /** send/sendto of `len` bytes at `buf` (to the sockaddr at `sa` if >= 0): the count when the
   * datagram was queued here, else null, and the worker sends it. */
  send(h: number, mem: Uint8Array, buf: number, len: number, flags: number, sa: number): number | null {
    const e = this.ends.get(h);
    if (e === undefined) return null;
    const r = this.sendHere(e, mem, buf, len, flags, sa);
    if (r === null) this.makeDirty(e);
    return r;
  }

  private sendHere(e: End, mem: Uint8Array, buf: number, len: number, flags: number, sa: number): number | null {
    const from = e.source;
    if (from === null || (flags & ~MSG_DONTWAIT) !== 0 || len > maxPayload(e.family) || !this.worker.alive()) return null;
    let to: Endpoint | null;
    let scope = 0;
    if (sa >= 0) {
      const addr = readSockAddr(mem, sa);
      if (addr.family !== e.family || addr.port === 0) return null;
      to = addr;
      scope = addr.scopeId;
    } else {
      to = e.peer;
      if (to === null) return null;
    }
    const r = this.local.route(e.family, to, scope, from);
    if (r === null) return null;
    if (!this.local.deliver(r, mem.slice(buf, buf + len), from)) {
      for (const x of this.ends.values()) if (x.rx === r) this.retire(x);
      return null;
    }
    return len;
  }

  /** recv/recvfrom on `h` from its queue here (the source written at `sa` if >= 0): the result,
   * or null when the worker must answer (nothing queued here, or flags this side leaves it). */
  recv(h: number, mem: Uint8Array, buf: number, len: number, flags: number, sa: number): number | null {
    const e = this.ends.get(h);
    if (e === undefined || e.d.queued === 0 || (flags & MSG_ERRQUEUE) !== 0 || !this.worker.alive()) return null;
    if (e.dirty) {
      const err = this.worker.error(h);
      if (err !== 0) return -err;
    }
    const r = e.d.recv(mem.subarray(buf, buf + len), flags);
    const s = e.d.source;
    if (r >= 0 && sa >= 0 && s !== null) writeSockAddr(mem, sa, e.family, s.address, s.port);
    return r;
  }

  /** Whether `h` has datagrams queued here: a wait to read it ends at once. */
  readable(h: number): boolean {
    const e = this.ends.get(h);
    return e !== undefined && e.d.queued > 0 && this.worker.alive();
  }

  /** A poll mask of the worker's for `h`, with this side's readiness. */
  mask(h: number, mask: number): number {
    return this.readable(h) ? mask | POLLIN_RDNORM : mask;
  }

  /** poll(2) over handles, `inner` polling them (the worker, the in-thread streams): this side's
   * readiness and wake-ups merged in. When one of them is ready here the others are polled
   * without waiting; else as they are, since nothing here changes while this thread blocks. */
  poll(req: PollRequest, inner: (req: PollRequest) => PollReport, ready: (req: PollRequest, report: PollReport) => boolean): PollReport {
    if (this.touched === 0 || !req.handles.some((h) => (this.ends.get(h)?.readWakes ?? 0) !== 0)) return inner(req);
    if (req.timeout !== 0) {
      const now = this.merge(req, inner({ ...req, timeout: 0 }));
      if (ready(req, now)) return now;
    }
    return this.merge(req, inner(req));
  }

  private merge(req: PollRequest, report: PollReport): PollReport {
    req.handles.forEach((h, i) => {
      const e = this.ends.get(h);
      if (e === undefined) return;
      if (e.d.queued > 0) report.masks[i] |= POLLIN_RDNORM;
      report.wakes[i] = (report.wakes[i] + wakesFor(e, req.events[i])) | 0;
    });
    return report;
  }
}
