// The Node backend's record of one socket (host/node.ts): its Node handles, the kernel socket
// that owns its Linux state (host/kernel), the waiters for its readiness, and the small helpers
// that translate between Node's and Linux's names for addresses.

import * as dgram from "node:dgram";
import { existsSync } from "node:fs";
import * as net from "node:net";
import { dirname } from "node:path";
import { EACCES, EAGAIN, EINPROGRESS, errnoOf } from "./errno.js";
import { DatagramSocket, StreamSocket, TCP_CLOSE, TCP_LISTEN, type WakeCounts } from "./kernel/index.js";
import { AF_INET6, AF_UNIX, type SockAddr } from "./sockaddr.js";
import type { Deadline } from "./timer.js";
import { READ, WRITE } from "./types.js";

export const SOCK_STREAM = 1;

/** Bytes a socket buffers for reading before it pauses its Node stream (back-pressure). */
export const RECV_HIGH_WATER = 4 * 1024 * 1024;
/** Bytes Node may hold unsent before send() says EAGAIN, as a full kernel buffer would. */
export const SEND_HIGH_WATER = 4 * 1024 * 1024;

export const EMPTY = new Uint8Array(0);

/** A copy of `src` in memory nobody writes again, as a plain Uint8Array: Buffer.allocUnsafe
 * skips the zero fill that Buffer.from and slice pay (and pools small sizes), and the kernel's
 * queue slices plain Uint8Arrays several times faster than Buffers (Buffer#subarray is JS). */
export function copyOf(src: Uint8Array): Uint8Array {
  const b = Buffer.allocUnsafe(src.length);
  const u = new Uint8Array(b.buffer, b.byteOffset, src.length);
  u.set(src);
  return u;
}

/** Send buffers Node has written, by length, for the next sends of that length: a 64 KiB copy
 * into fresh memory costs several times one into memory in use (page faults, and the garbage
 * collections that churning external memory brings on), which is most of a bulk send's cost. */
const spare = new Map<number, Uint8Array[]>();
/** Sends shorter than this are copied into Node's buffer pool instead (Buffer.allocUnsafe). */
const SPARE_MIN = 16 * 1024;
/** The most bytes kept spare, over all lengths. */
const SPARE_BYTES = 8 * 1024 * 1024;
let spareBytes = 0;

/** A copy of a send's bytes for Node to write, whose memory goes back to the spares once Node
 * is done with it: when the write completes (its callback; not after a failure, as Node may
 * still hold the bytes), or at once when Node wrote it all within write() (see done). */
export class SendCopy {
  readonly data: Uint8Array;
  private back: boolean;

  constructor(src: Uint8Array) {
    const n = src.length;
    const reused = n < SPARE_MIN ? undefined : spare.get(n)?.pop();
    if (reused) {
      spareBytes -= n;
      reused.set(src);
      this.data = reused;
    } else {
      this.data = copyOf(src);
    }
    // Small copies live in Node's shared pool (copyOf): nothing to give back.
    this.back = n < SPARE_MIN;
  }

  /** The write's callback. Also called by the sender when the stream has nothing queued right
   * after write(): libuv then wrote every byte within the call and holds none of them. */
  readonly done = (err?: Error | null): void => {
    if (this.back || err) return;
    this.back = true;
    const n = this.data.length;
    if (spareBytes + n > SPARE_BYTES) return;
    spareBytes += n;
    const l = spare.get(n);
    if (l) l.push(this.data);
    else spare.set(n, [this.data]);
  };
}

/** A Buffer from Node, seen as a plain Uint8Array (see copyOf). */
export function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A datagram's source, as Node reports it. */
export interface Source {
  address: string;
  port: number;
}

export interface Waiter {
  resolve(ready: boolean): void;
  timer: Deadline | null;
}

/** Option records that more than one socket holds (Entry.inheritOptions). */
const sharedOptions = new WeakSet<Map<number, number>>();

/** Sockets nobody waits on any more, unref'd after this turn of the event loop unless someone
 * waits on them again by then: a request/response loop waits again within microseconds, and
 * would otherwise ref and unref its handles (calls into Node's C++) on every message. */
const idle: Entry[] = [];
let sweeping = false;

function sweep(): void {
  sweeping = false;
  for (const x of idle) {
    x.sweepDue = false;
    if (!x.waited() && x.refd !== false) x.setRef(false);
  }
  // Emptied in place: one array for the process's life, where a Set's clear() makes a new table.
  idle.length = 0;
}

function letGoLater(e: Entry): void {
  if (e.sweepDue) return;
  e.sweepDue = true;
  idle.push(e);
  if (sweeping) return;
  sweeping = true;
  setImmediate(sweep);
}

/** A UDP socket's Node side (node_udp.ts). */
class UdpFields {
  udp: dgram.Socket | null = null;
  udpBound = false;
  /** The callback of every send on `udp` (node_udp.ts udpSocket). */
  udpSent: ((err: Error | null) => void) | null = null;
  /** The last datagram source written and destination read (see writeSource). */
  sourceCache: { address: string; port: number; bytes: Uint8Array } | null = null;
  destinationCache: { addr: SockAddr; bytes: Uint8Array } | null = null;
  /** A connected datagram went out and no refusal has been seen since (see soError). */
  unanswered = false;
  /** Refusals reported by soError ahead of Node's own 'error' event for them. */
  refusalsReported = 0;
  /** A synchronous dgram bind is under way: its error is the bind's result, not the socket's. */
  binding = false;
  udpConnected = false;
}

/** A bound or listening stream socket's Node side (node_listen.ts). */
class ListenerFields {
  /** The listener: a bind reservation until `listening`. */
  server: net.Server | null = null;
  listening = false;
  /** Accepted connections not yet taken by accept(). */
  backlog: net.Socket[] | null = null;
  /** The address of a binding shared with another socket's reservation (SO_REUSEADDR). */
  shared: { address: string; port: number } | null = null;
}

/** The far end of a socketpair() until Node has accepted it (NodeHost.pair). */
class PairFields {
  /** Not yet accepted by Node: its sends wait in `early`. */
  linking = false;
  early: Uint8Array[] | null = null;
  pairing: net.Server | null = null;
}

/** The records only some sockets need, in one slot (memory per connection). */
class Extras {
  u: UdpFields | null = null;
  l: ListenerFields | null = null;
  p: PairFields | null = null;
  /** AF_UNIX names: Node's pipes do not report them (unnamed is ""). */
  names: { local: string; remote: string } | null = null;
}

/** Who waits on a socket: the callers waiting for it to be readable or writable, the waits over
 * many sockets (NodeHost.pollWait) told of every wake-up, and its wake-ups so far for reading
 * and for writing (edge-triggered epoll compares them). Made at the first wait or poll, as most
 * sockets are idle connections (memory per connection): the counts only ever matter against
 * ones a poll saw. */
class Wakes implements WakeCounts {
  readers: Waiter[] | null = null;
  writers: Waiter[] | null = null;
  readWakes = 0;
  writeWakes = 0;
  pollers: Set<() => void> | null = null;
}

/** Entry's small fields in one (memory per connection): the family in bits 0-7, the type in
 * 8-11, whether its handles are ref'd in 12-13 (see REFD_*), the errno of the bind, listen or
 * connect in flight (`pending`, negated) in 14-25, and SWEEP_DUE. */
const TYPE_SHIFT = 8;
const REFD_SHIFT = 12;
const REFD_MASK = 3 << REFD_SHIFT;
const REFD_UNKNOWN = 0;
const REFD_NO = 1;
const REFD_YES = 2;
const PENDING_SHIFT = 14;
const PENDING_MASK = 0xfff << PENDING_SHIFT;
/** Bit 26: the socket waits in `idle` for this turn's sweep (letGoLater). */
const SWEEP_DUE = 1 << 26;

/** A stream's link to a peer that may be in this process: the peer, the bytes sent to it and
 * got from it, and its place in NodeHost.connections once registered. Made for a socketpair()
 * end and a registered connection only; no other stream can ever have its peer here. */
class Link {
  peer: Entry | null = null;
  /** Bytes this end has sent, and bytes it has queued for reading from its peer (Node carries
   * only the bytes that were not queued on the peer directly, so the two meet once Node has
   * delivered those). */
  sent = 0;
  got = 0;
  /** Its key (local port, remote port) and its peer's; -1 until registered. */
  key = -1;
  peerKey = -1;
  /** Its local address (the port is the key's), kept for getsockname after Node's handle is
   * gone. */
  localAddress: string | null = null;
}

/** One host socket: its Node handles, and the kernel socket that owns its Linux state. Most
 * records are idle connections, so what only a UDP socket, a listener, a socketpair end, an
 * AF_UNIX socket or a registered connection needs lives in a record of its own, made on first
 * use and reached through the accessors below (memory per connection, bench/idle_memory.mjs). */
export class Entry {
  /** See TYPE_SHIFT. */
  private bits: number;
  /** Linux's state of the socket: one slot for both kinds (read through `k` and `d`). */
  private readonly kernel: StreamSocket | DatagramSocket<Source>;
  /** The TCP or AF_UNIX connection. */
  stream: net.Socket | null = null;
  private x: Extras | null = null;
  private link: Link | null = null;
  /** A TCP connection's peer, from connect() or asked of Node once (getpeername(2)), kept for
   * getpeername after Node's handle is gone (port -1: not known yet). Node's own remoteAddress
   * would keep an object and two strings on its socket for every connection. */
  remoteAddress = "";
  remotePort = -1;
  // Made on first use, as most of these records are idle connections (memory per connection).
  options: Map<number, number> | null = null;
  private w: Wakes | null = null;

  /** Whether this socket's handles are ref'd (null: not known, after a handle was added). */
  get refd(): boolean | null {
    const r = this.bits & REFD_MASK;
    return r === REFD_UNKNOWN << REFD_SHIFT ? null : r === REFD_YES << REFD_SHIFT;
  }
  set refd(v: boolean | null) {
    this.bits = (this.bits & ~REFD_MASK) | ((v === null ? REFD_UNKNOWN : v ? REFD_YES : REFD_NO) << REFD_SHIFT);
  }
  /** The bind/listen/connect in flight: -EAGAIN until it ends, then 0 or -errno. */
  get pending(): number {
    const errno = (this.bits & PENDING_MASK) >> PENDING_SHIFT;
    return errno === 0 ? 0 : -errno;
  }
  set pending(v: number) { this.bits = (this.bits & ~PENDING_MASK) | ((-v << PENDING_SHIFT) & PENDING_MASK); }

  /** Whether the socket waits for this turn's sweep (letGoLater). */
  get sweepDue(): boolean { return (this.bits & SWEEP_DUE) !== 0; }
  set sweepDue(v: boolean) { this.bits = v ? this.bits | SWEEP_DUE : this.bits & ~SWEEP_DUE; }

  /** The wake-up counts, from now on (see Wakes). */
  wakeCounts(): WakeCounts {
    return (this.w ??= new Wakes());
  }

  /** Whether someone waits for the socket to be readable or writable. */
  waited(): boolean {
    const w = this.w;
    return w !== null && ((w.readers?.length ?? 0) > 0 || (w.writers?.length ?? 0) > 0);
  }
  /** The list of waiters for `interest`, made if need be. */
  waiters(interest: number): Waiter[] {
    const w = (this.w ??= new Wakes());
    return interest === READ ? (w.readers ??= []) : (w.writers ??= []);
  }

  get pollers(): Set<() => void> | null { return this.w?.pollers ?? null; }
  set pollers(v: Set<() => void> | null) { if (v !== null || this.w !== null) (this.w ??= new Wakes()).pollers = v; }

  private get u(): UdpFields | null { return this.x?.u ?? null; }
  private get l(): ListenerFields | null { return this.x?.l ?? null; }
  private get p(): PairFields | null { return this.x?.p ?? null; }
  private get names(): Extras["names"] { return this.x?.names ?? null; }
  private extras(): Extras { return (this.x ??= new Extras()); }
  /** Whether it has any of the records only some sockets need (a listener, UDP, a socketpair
   * end, AF_UNIX names): a plain connection has none. */
  get extended(): boolean { return this.x !== null; }

  get family(): number { return this.bits & 0xff; }
  get type(): number { return (this.bits >> TYPE_SHIFT) & 0xf; }

  /** Linux's state of a stream socket (host/kernel/stream.ts). */
  get k(): StreamSocket | null { return this.type === SOCK_STREAM ? (this.kernel as StreamSocket) : null; }
  /** Linux's state of a datagram socket (host/kernel/datagram.ts). */
  get d(): DatagramSocket<Source> | null { return this.type === SOCK_STREAM ? null : (this.kernel as DatagramSocket<Source>); }

  // UDP (UdpFields; a stream socket reads the defaults).
  get udp(): dgram.Socket | null { return this.u?.udp ?? null; }
  set udp(v: dgram.Socket | null) { if (v !== null || this.u !== null) this.udpFields().udp = v; }
  get udpBound(): boolean { return this.u?.udpBound ?? false; }
  set udpBound(v: boolean) { this.udpFields().udpBound = v; }
  get udpSent(): ((err: Error | null) => void) | null { return this.u?.udpSent ?? null; }
  set udpSent(v: ((err: Error | null) => void) | null) { this.udpFields().udpSent = v; }
  get sourceCache(): UdpFields["sourceCache"] { return this.u?.sourceCache ?? null; }
  set sourceCache(v: UdpFields["sourceCache"]) { this.udpFields().sourceCache = v; }
  get destinationCache(): UdpFields["destinationCache"] { return this.u?.destinationCache ?? null; }
  set destinationCache(v: UdpFields["destinationCache"]) { this.udpFields().destinationCache = v; }
  get unanswered(): boolean { return this.u?.unanswered ?? false; }
  set unanswered(v: boolean) { this.udpFields().unanswered = v; }
  get refusalsReported(): number { return this.u?.refusalsReported ?? 0; }
  set refusalsReported(v: number) { this.udpFields().refusalsReported = v; }
  get binding(): boolean { return this.u?.binding ?? false; }
  set binding(v: boolean) { this.udpFields().binding = v; }
  get udpConnected(): boolean { return this.u?.udpConnected ?? false; }
  set udpConnected(v: boolean) { this.udpFields().udpConnected = v; }
  private udpFields(): UdpFields { return this.u ?? (this.extras().u = new UdpFields()); }

  // Listeners (ListenerFields).
  get server(): net.Server | null { return this.l?.server ?? null; }
  set server(v: net.Server | null) { if (v !== null || this.l !== null) this.listenerFields().server = v; }
  get listening(): boolean { return this.l?.listening ?? false; }
  set listening(v: boolean) { if (v || this.l !== null) this.listenerFields().listening = v; }
  get backlog(): net.Socket[] | null { return this.l?.backlog ?? null; }
  set backlog(v: net.Socket[] | null) { if (v !== null || this.l !== null) this.listenerFields().backlog = v; }
  get shared(): ListenerFields["shared"] { return this.l?.shared ?? null; }
  set shared(v: ListenerFields["shared"]) { if (v !== null || this.l !== null) this.listenerFields().shared = v; }
  private listenerFields(): ListenerFields { return this.l ?? (this.extras().l = new ListenerFields()); }

  // A socketpair's second end (PairFields).
  get linking(): boolean { return this.p?.linking ?? false; }
  set linking(v: boolean) { if (v || this.p !== null) this.pairFields().linking = v; }
  get early(): Uint8Array[] | null { return this.p?.early ?? null; }
  set early(v: Uint8Array[] | null) { if (v !== null || this.p !== null) this.pairFields().early = v; }
  get pairing(): net.Server | null { return this.p?.pairing ?? null; }
  set pairing(v: net.Server | null) { if (v !== null || this.p !== null) this.pairFields().pairing = v; }
  private pairFields(): PairFields { return this.p ?? (this.extras().p = new PairFields()); }

  // AF_UNIX names.
  get unixLocal(): string { return this.names?.local ?? ""; }
  set unixLocal(v: string) { if (v !== "" || this.names !== null) this.unixNames().local = v; }
  get unixRemote(): string { return this.names?.remote ?? ""; }
  set unixRemote(v: string) { if (v !== "" || this.names !== null) this.unixNames().remote = v; }
  private unixNames(): { local: string; remote: string } { return this.names ?? (this.extras().names = { local: "", remote: "" }); }

  /** This connection's key in NodeHost.connections (-1: none), its peer's, and its local
   * address (null until registered). */
  get key(): number { return this.link?.key ?? -1; }
  get peerKey(): number { return this.link?.peerKey ?? -1; }
  get localAddress(): string | null { return this.link?.localAddress ?? null; }
  get localPort(): number { return this.key >= 0 ? Math.floor(this.key / 65536) : -1; }

  /** The other end, when it is a socket of this process (a socketpair, a loopback peer): bytes
   * sent to it are queued there within the send, as Linux's loopback and AF_UNIX deliver. */
  get peer(): Entry | null { return this.link?.peer ?? null; }
  set peer(v: Entry | null) { if (v !== null || this.link !== null) (this.link ??= new Link()).peer = v; }
  /** Bytes sent and got (see Link): counted only where a peer here is possible. */
  get sent(): number { return this.link?.sent ?? 0; }
  set sent(v: number) { if (this.link !== null) this.link.sent = v; }
  get got(): number { return this.link?.got ?? 0; }
  set got(v: number) { if (this.link !== null) this.link.got = v; }
  /** Files the connection under its ports (NodeHost.register). */
  registered(localAddress: string, localPort: number): void {
    const port = this.remotePort;
    const link = (this.link ??= new Link());
    link.key = localPort * 65536 + port;
    link.peerKey = port * 65536 + localPort;
    link.localAddress = localAddress;
  }

  constructor(family: number, type: number) {
    this.bits = family | (type << TYPE_SHIFT);
    this.kernel = type === SOCK_STREAM ? new StreamSocket(family === AF_UNIX) : new DatagramSocket<Source>(family);
    if (type !== SOCK_STREAM) this.extras().u = new UdpFields();
  }

  /** Runs the start of an asynchronous bind, listen or connect; its outcome lands in `pending`
   * (sock_finish). */
  start(begin: (done: (err?: unknown) => void) => void): number {
    return this.launch(() => begin((err) => this.settle(err)));
  }

  /** As start, for a `begin` whose end calls settle() itself (a connect: no closure per
   * connection). */
  launch(begin: () => void): number {
    this.pending = -EAGAIN;
    try {
      begin();
    } catch (err) {
      this.pending = 0;
      return -errnoOf(err);
    }
    this.updateRef();
    return -EINPROGRESS;
  }

  /** The end of the bind, listen or connect in flight: its outcome, once. */
  settle(err?: unknown): void {
    if (this.pending !== -EAGAIN) return;
    this.pending = err ? -errnoOf(err) : 0;
    // A listen that failed leaves the socket as it was.
    if (err && this.k?.state === TCP_LISTEN) this.k.state = TCP_CLOSE;
    this.wakeAll();
  }

  /** An accepted socket's options: its listener's, in a record the two share until either
   * sets one (setOption). */
  inheritOptions(from: Entry): void {
    if (from.options === null) return;
    this.options = from.options;
    sharedOptions.add(from.options);
  }

  /** Records an option as set (the core keeps the value getsockopt answers; this is what the
   * backend applies). */
  setOption(level: number, name: number, value: number): void {
    if (this.options !== null && sharedOptions.has(this.options)) this.options = new Map(this.options);
    (this.options ??= new Map()).set((level << 16) | name, value);
  }

  option(level: number, name: number): number {
    return this.options?.get((level << 16) | name) ?? 0;
  }

  updateRef(): void {
    const waiting = this.waited();
    if (waiting === this.refd) return;
    if (waiting) this.setRef(true);
    else letGoLater(this);
  }

  /** Refs or unrefs the Node handles that keep the event loop alive while someone waits. */
  setRef(on: boolean): void {
    this.refd = on;
    for (const h of [this.server, this.stream, this.udp, this.pairing]) {
      if (h === null) continue;
      if (on) h.ref();
      else h.unref();
    }
  }


  /** Takes a new Node handle, which Node makes ref'd: unref'd after this turn of the event
   * loop unless someone waits on this socket by then (letGoLater). A connect's caller waits at
   * once, so unref'ing it now would cost a ref() and an unref() more per connection; and a
   * net.Socket not yet connecting has no handle to unref (Node defers the call to 'connect').
   * `refd`: whether the socket's handles are ref'd now, when the caller knows it (the new one
   * is its only one), which spares a ref() or unref() that would change nothing. */
  adopt(_h: { ref(): unknown; unref(): unknown }, refd: boolean | null = null): void {
    this.refd = refd;
    this.updateRef();
  }

  wake(interest: number): void {
    const w = this.w;
    if (w === null) return;
    if (interest === READ) w.readWakes = (w.readWakes + 1) | 0;
    else w.writeWakes = (w.writeWakes + 1) | 0;
    if (w.pollers !== null) for (const p of w.pollers) p();
    const list = interest === READ ? w.readers : w.writers;
    if (list === null || list.length === 0) return;
    for (const waiter of list.splice(0)) {
      waiter.timer?.cancel();
      waiter.resolve(true);
    }
    this.updateRef();
  }

  wakeAll(): void {
    this.wake(READ);
    this.wake(WRITE);
  }

  /** Bytes for the kernel's receive queue, from Node's stream or directly from the peer; false
   * when they reset this socket instead (StreamSocket.received), and the sender must hear RST. */
  deliver(b: Uint8Array): boolean {
    if (!this.k!.received(b)) {
      this.wakeAll();
      return false;
    }
    this.got += b.length;
    if (this.k!.queued >= RECV_HIGH_WATER) this.stream?.pause();
    this.wake(READ);
    return true;
  }

  /** Whether bytes sent now to the peer in this process may be queued there within the send:
   * everything sent before is already queued there, and the peer has room. */
  direct(): Entry | null {
    const p = this.peer;
    if (!p || !p.k || p.got !== this.sent || p.k.queued >= RECV_HIGH_WATER) return null;
    return p;
  }
}

/** A dns.lookup for numeric addresses that answers synchronously (the core passes only
 * numeric ones), so that node:dgram binds within bind(). */
export function numericLookup(host: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void): void {
  cb(null, host, host.includes(":") ? 6 : 4);
}

/** Whether two of Node's address texts name the same host (IPv6 spellings differ). */
export function sameHost(a: string, b: string): boolean {
  return a === b || (net.isIPv6(a) && net.isIPv6(b) && new net.SocketAddress({ address: a, family: "ipv6" }).address === new net.SocketAddress({ address: b, family: "ipv6" }).address);
}

/** unix(7) autobind: an abstract name of five hex digits (unix_autobind). */
export function autobindName(): string {
  return "\0" + Math.floor(Math.random() * 0x100000).toString(16).padStart(5, "0");
}

/** A path as Node's pipes take it: Node reads a name that looks like a number as a port, so a
 * relative one gets "./", which names the same file. */
export function nodePipePath(path: string): string {
  return path.startsWith("\0") || path.includes("/") ? path : `./${path}`;
}

/** The errno of a failed AF_UNIX bind: libuv reports a missing directory as EACCES
 * (uv_pipe_bind), where Linux's unix_bind says ENOENT. */
export function unixError(err: unknown, path: string): unknown {
  if (errnoOf(err) !== EACCES || path.startsWith("\0") || existsSync(dirname(path))) return err;
  return { code: "ENOENT" };
}

export function bindKey(address: string, port: number): string {
  return `${address}|${port}`;
}

export function anyAddress(family: number): string {
  return family === AF_INET6 ? "::" : "0.0.0.0";
}
