// The Node backend: the core's socket syscalls over node:net and node:dgram. Everything is
// non-blocking: data arrives by events into per-socket queues, and the syscalls read those
// queues or answer -EAGAIN; `wait` reports readiness. Node realities (shared/DESIGN.md):
// - A TCP socket cannot be bound without listening, so bind() reserves the port with a real
//   listener that resets connections until listen(), and connect() hands the port over.
// - Node opens its handles lazily and finishes bind/listen/connect asynchronously: those return
//   -EINPROGRESS and sock_finish reports the outcome.
// - Handles are unref'd unless someone waits on them, so a program that ends with sockets open
//   exits, as a Python program does.

import * as dgram from "node:dgram";
import * as dns from "node:dns";
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import {
  EADDRINUSE, EAFNOSUPPORT, ESOCKTNOSUPPORT, EAGAIN, ECONNREFUSED, ECONNRESET, EDESTADDRREQ, EINPROGRESS, EINVAL, EMSGSIZE, ENOTCONN, EPIPE,
  eaiOf, errnoOf,
} from "./errno.js";
import { AF_INET6, AF_UNIX, readSockAddr, writeSockAddr, type SockAddr } from "./sockaddr.js";
import { hostnameOnNode, resolveOnNode } from "./resolver.js";
import { BaseSyscalls } from "./syscalls.js";
import { after, type Deadline } from "./timer.js";
import {
  READ, WRITE, type AsyncHost, type LookupResult, type ResolveAnswer, type ResolveRequest,
} from "./types.js";

const EAI_ADDRFAMILY = -9;

const SOCK_STREAM = 1;
const MSG_PEEK = 2;
const MSG_WAITALL = 0x100;

/** Bytes a socket buffers for reading before it pauses its Node stream (back-pressure). */
const RECV_HIGH_WATER = 4 * 1024 * 1024;
/** Bytes Node may hold unsent before send() says EAGAIN, as a full kernel buffer would. */
const SEND_HIGH_WATER = 4 * 1024 * 1024;
/** Linux's default UDP receive buffer (net.core.rmem_default): datagrams past it are dropped. */
const UDP_RCVBUF = 212992;
const UDP_MAX_PAYLOAD = [0, 0, 65507, 0, 0, 0, 0, 0, 0, 0, 65527];

interface Datagram {
  data: Buffer;
  address: string;
  port: number;
}

interface Waiter {
  resolve(ready: boolean): void;
  timer: Deadline | null;
}

/** One host socket. */
class Entry {
  readonly family: number;
  readonly type: number;
  // TCP: the listener (a bind reservation until `listening`), or the connection.
  server: net.Server | null = null;
  listening = false;
  backlog: net.Socket[] = [];
  stream: net.Socket | null = null;
  // UDP.
  udp: dgram.Socket | null = null;
  udpBound = false;
  /** The address of a binding shared with another socket's reservation (SO_REUSEADDR). */
  shared: { address: string; port: number } | null = null;
  /** The last datagram source written and destination read (see writeSource). */
  sourceCache: { address: string; port: number; bytes: Uint8Array } | null = null;
  destinationCache: { addr: SockAddr; bytes: Uint8Array } | null = null;
  /** A connected datagram went out and no refusal has been seen since (see soError). */
  unanswered = false;
  /** Refusals reported by soError ahead of Node's own 'error' event for them. */
  refusalsReported = 0;
  /** The far end of a socketpair() is not yet accepted: I/O waits, on this listener. */
  linking = false;
  pairing: net.Server | null = null;
  /** Whether this socket's handles are ref'd (null: not known, after a handle was added). */
  refd: boolean | null = null;
  /** AF_UNIX names: Node's pipes do not report them (unnamed is ""). */
  unixLocal = "";
  unixRemote = "";
  /** A synchronous dgram bind is under way: its error is the bind's result, not the socket's. */
  binding = false;
  udpConnected = false;
  datagrams: Datagram[] = [];
  datagramBytes = 0;
  // Incoming TCP data.
  chunks: Buffer[] = [];
  /** Bytes of chunks[0] already read. */
  head = 0;
  queued = 0;
  eof = false;
  /** The connection was reset (RST): recv gives b'', send EPIPE, getpeername ENOTCONN. */
  dead = false;
  /** An error to report once, by the next recv or send or SO_ERROR (Linux's sk_err). */
  error = 0;
  /** This connection's key in NodeHost.connections, while it is registered, and its peer's. */
  key = "";
  peerKey = "";
  /** The bind/listen/connect in flight: -EAGAIN until it ends, then 0 or -errno. */
  pending = 0;
  readers: Waiter[] = [];
  writers: Waiter[] = [];
  options = new Map<number, number>();

  constructor(family: number, type: number) {
    this.family = family;
    this.type = type;
  }

  option(level: number, name: number): number {
    return this.options.get((level << 16) | name) ?? 0;
  }

  /** The Node handles that keep the event loop alive while someone waits on this socket. */
  handles(): Array<{ ref(): unknown; unref(): unknown }> {
    const hs: Array<{ ref(): unknown; unref(): unknown }> = [];
    if (this.server) hs.push(this.server);
    if (this.stream) hs.push(this.stream);
    if (this.udp) hs.push(this.udp);
    if (this.pairing) hs.push(this.pairing);
    return hs;
  }

  updateRef(): void {
    const waiting = this.readers.length + this.writers.length > 0;
    if (waiting === this.refd) return;
    this.refd = waiting;
    for (const h of this.handles()) {
      if (waiting) h.ref();
      else h.unref();
    }
  }

  /** Takes a new Node handle: unref'd unless someone waits on this socket. */
  adopt(h: { ref(): unknown; unref(): unknown }): void {
    h.unref();
    this.refd = null;
    this.updateRef();
  }

  wake(interest: number): void {
    const list = interest === READ ? this.readers : this.writers;
    if (list.length === 0) return;
    const ws = list.splice(0);
    for (const w of ws) {
      w.timer?.cancel();
      w.resolve(true);
    }
    this.updateRef();
  }

  wakeAll(): void {
    this.wake(READ);
    this.wake(WRITE);
  }

  /** Forgets a previous connection's data and errors, before a new connect(). */
  clearStream(): void {
    this.error = 0;
    this.eof = false;
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }

  /** The error to report once (Linux's sock_error): clears it. */
  takeError(): number {
    const err = this.error;
    this.error = 0;
    return err;
  }

  /** The peer reset the connection: tcp_reset() reports EPIPE if the peer had already sent FIN
   * (CLOSE_WAIT), ECONNRESET otherwise, and the socket is closed from then on. */
  reset(): void {
    if (this.dead) return;
    this.error = this.eof ? EPIPE : ECONNRESET;
    this.dead = true;
    this.wakeAll();
  }
}

/** A dns.lookup for numeric addresses that answers synchronously (the core passes only
 * numeric ones), so that node:dgram binds within bind(). */
function numericLookup(host: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void): void {
  cb(null, host, net.isIPv6(host) ? 6 : 4);
}

/** Whether two of Node's address texts name the same host (IPv6 spellings differ). */
function sameHost(a: string, b: string): boolean {
  return a === b || (net.isIPv6(a) && net.isIPv6(b) && new net.SocketAddress({ address: a, family: "ipv6" }).address === new net.SocketAddress({ address: b, family: "ipv6" }).address);
}

function bindKey(address: string, port: number): string {
  return `${address}|${port}`;
}

function endpoint(address: string | undefined, port: number | undefined): string {
  const a = address ?? "";
  return `${a.startsWith("::ffff:") ? a.slice(7) : a}|${port ?? 0}`;
}

function anyAddress(family: number): string {
  return family === AF_INET6 ? "::" : "0.0.0.0";
}

export class NodeHost extends BaseSyscalls implements AsyncHost {
  private entries = new Map<number, Entry>();
  /** Open TCP connections of this process by "local|port>remote|port". Loopback delivers
   * inside the sending syscall on Linux, so a peer in this process learns of a reset at once,
   * as it would there, rather than after Node's next read. */
  private connections = new Map<string, Entry>();
  /** Keys of connections this process has closed, for a peer that writes to them later. */
  private closedKeys = new Set<string>();
  /** TCP bind reservations by "address|port", for SO_REUSEADDR sharing. */
  private reservations = new Map<string, Entry>();
  /** The socket each Node listener serves (a reservation can change hands). */
  private owners = new Map<net.Server, Entry>();
  /** Streams closed with bytes still to write: see flushed(). */
  private closing = new Set<net.Socket>();
  private nextHandle = 1;
  private memory: WebAssembly.Memory | null = null;
  private view = new Uint8Array(0);

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  /** The core's memory, re-viewed after it grows. */
  private mem(): Uint8Array {
    if (this.view.byteLength === 0) this.view = new Uint8Array(this.memory!.buffer);
    return this.view;
  }

  now(): number {
    return performance.now() / 1000;
  }

  wait(h: number, interest: number, timeout: number): Promise<boolean> {
    const e = this.entries.get(h);
    if (!e) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const list = interest === READ ? e.readers : e.writers;
      const w: Waiter = { resolve, timer: null };
      if (timeout >= 0) {
        w.timer = after(timeout, () => {
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          e.updateRef();
          resolve(false);
        });
      }
      list.push(w);
      e.updateRef();
    });
  }

  /** Resolves once Node has handed the kernel every byte that sends accepted, on open and closed
   * streams alike: Linux sends those after close() and after the process exits, Node only while
   * this thread runs, so a thread ends after this (see host/worker.ts). Node has no event for a
   * write queue that empties below its high-water mark, so this looks every few milliseconds. */
  flushed(): Promise<void> {
    const unflushed = (): boolean => this.closing.size > 0 || [...this.entries.values()].some((e) =>
      e.stream !== null && !e.stream.destroyed && e.stream.writableLength > 0 && !this.peerHere(e));
    return new Promise((resolve) => {
      const look = (): void => {
        if (unflushed()) setTimeout(look, 2);
        else resolve();
      };
      look();
    });
  }

  /** Whether stream `e`'s peer is a socket of this process, which ends with it: bytes for it
   * need no flushing (Linux discards them as the process's sockets close). */
  private peerHere(e: Entry): boolean {
    if (e.family !== AF_UNIX) return e.key !== "" && this.connections.has(e.peerKey);
    // A socketpair() end has neither name; an accepted one has its listener's.
    if (e.unixRemote === "") return e.unixLocal === "";
    for (const x of this.entries.values()) if (x.server && String(x.server.address()) === e.unixRemote) return true;
    return false;
  }

  /** getaddrinfo(host) for one family (AF_UNSPEC: both), through the system resolver. */
  lookup(host: string, family: number): Promise<LookupResult> {
    const want = family === AF_INET6 ? 6 : family === 2 ? 4 : 0;
    return new Promise((resolve) => {
      dns.lookup(host, { family: want, all: true, verbatim: true }, (err, addrs) => {
        if (err) return resolve({ eai: eaiOf(err) });
        const fit = addrs.filter((a) => want === 0 || a.family === want);
        // Node hands a numeric address of the other family back as it is; glibc refuses it.
        resolve(fit.length > 0 ? { addresses: fit.map((a) => a.address) } : { eai: EAI_ADDRFAMILY });
      });
    });
  }

  resolve(req: ResolveRequest): Promise<ResolveAnswer> {
    return resolveOnNode(req);
  }

  private entry(h: number): Entry {
    const e = this.entries.get(h);
    if (!e) throw Object.assign(new Error(`pysocket node host: no handle ${h}`), { code: "EBADF" });
    return e;
  }

  readonly errnoOf = errnoOf;

  hostname(): string {
    return hostnameOnNode();
  }

  // The syscalls (host/syscalls.ts).
  sock_open(family: number, type: number): number { return this.open(family, type); }
  sock_pair(family: number, type: number, _proto: number, out: number): number { return this.pair(family, type, out); }
  sock_bind(h: number, sa: number, salen: number): number { return this.bind(this.entry(h), sa, salen); }
  sock_listen(h: number): number { return this.listen(this.entry(h)); }
  sock_connect(h: number, sa: number, salen: number): number { return this.connect(this.entry(h), sa, salen); }
  sock_finish(h: number): number { return this.entry(h).pending; }
  sock_accept(h: number): number { return this.accept(this.entry(h)); }
  sock_recv(h: number, buf: number, len: number, flags: number): number { return this.recv(this.entry(h), buf, len, flags, -1); }
  sock_recv_from(h: number, buf: number, len: number, flags: number, sa: number): number { return this.recv(this.entry(h), buf, len, flags, sa); }
  sock_send(h: number, buf: number, len: number): number { return this.send(this.entry(h), buf, len, -1); }
  sock_send_to(h: number, buf: number, len: number, _flags: number, sa: number): number { return this.send(this.entry(h), buf, len, sa); }
  sock_shutdown(h: number, how: number): number { return this.shutdown(this.entry(h), how); }
  sock_close(h: number): number { return this.close(h); }
  sock_addr_local(h: number, sa: number): number { return this.addrLocal(this.entry(h), sa); }
  sock_addr_remote(h: number, sa: number): number { return this.addrRemote(this.entry(h), sa); }
  sock_set_option(h: number, level: number, name: number, value: number): number { return this.setOption(this.entry(h), level, name, value); }
  sock_error(h: number): number { return this.soError(this.entry(h)); }

  private open(family: number, type: number): number {
    if (family !== AF_UNIX && family !== 2 && family !== AF_INET6) return -EAFNOSUPPORT;
    // Node has no AF_UNIX datagram sockets.
    if (family === AF_UNIX && type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const h = this.nextHandle++;
    this.entries.set(h, new Entry(family, type));
    return h;
  }

  /** socketpair(): Node has none, so the pair meets through a one-off listener on an abstract
   * AF_UNIX name. Both ends are connected at once as far as callers can tell: the second end
   * answers EAGAIN until Node has accepted it. */
  private pair(family: number, type: number, out: number): number {
    if (type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const ha = this.open(family, type);
    const hb = this.open(family, type);
    const a = this.entries.get(ha)!;
    const b = this.entries.get(hb)!;
    b.linking = true;
    const name = `\0pysocket-pair-${process.pid}-${ha}`;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.once("connection", (c) => {
      server.close();
      b.pairing = null;
      if (!this.entries.has(hb)) {
        c.destroy();
        return;
      }
      this.attachStream(b, c);
      b.linking = false;
      c.resume();
      b.wakeAll();
    });
    server.on("error", (err) => {
      b.linking = false;
      b.error = errnoOf(err);
      b.dead = true;
      b.wakeAll();
    });
    server.listen(name);
    b.pairing = server;
    b.adopt(server);
    const s = new net.Socket({ allowHalfOpen: true });
    this.attachStream(a, s);
    s.connect({ path: name });
    const dv = new DataView(this.mem().buffer, this.mem().byteOffset + out, 8);
    dv.setInt32(0, ha, true);
    dv.setInt32(4, hb, true);
    return 0;
  }

  /** Runs the start of an asynchronous operation; its outcome lands in `e.pending`. */
  private start(e: Entry, begin: (done: (err?: unknown) => void) => void): number {
    e.pending = -EAGAIN;
    const done = (err?: unknown) => {
      if (e.pending !== -EAGAIN) return;
      e.pending = err ? -errnoOf(err) : 0;
      e.wakeAll();
    };
    try {
      begin(done);
    } catch (err) {
      e.pending = 0;
      return -errnoOf(err);
    }
    e.updateRef();
    return -EINPROGRESS;
  }

  private bind(e: Entry, sa: number, salen: number): number {
    const addr = readSockAddr(this.mem(), sa, salen);
    if (e.family === AF_UNIX) return this.reserveUnix(e, addr.address, false);
    if (e.type === SOCK_STREAM) return this.reserve(e, addr.address, addr.port, false);
    return this.bindUdp(e, addr.address, addr.port);
  }

  /** Binds a datagram socket at once: with a lookup that answers synchronously, node:dgram
   * binds inside bind() and reports a failure as a synchronous 'error' event. */
  private bindUdp(e: Entry, address: string, port: number): number {
    const udp = this.udpSocket(e);
    let failure = 0;
    const onError = (err: unknown) => {
      failure = errnoOf(err);
    };
    e.binding = true;
    udp.once("error", onError);
    try {
      udp.bind({ address, port, exclusive: true });
    } finally {
      udp.removeListener("error", onError);
      e.binding = false;
    }
    if (failure) return -failure;
    e.udpBound = true;
    this.applyUdpOptions(e);
    return 0;
  }

  /** A TCP listener: the bind reservation, or the listening socket itself. */
  private reserve(e: Entry, address: string, port: number, listening: boolean): number {
    return this.start(e, (done) => {
      const server = this.server(e, listening);
      const failed = (err: unknown) => {
        e.server = null;
        this.owners.delete(server);
        if (errnoOf(err) === EADDRINUSE && this.shareBinding(e, address, port)) done();
        else done(err);
      };
      server.once("error", failed);
      server.listen(
        { host: address, port, exclusive: true, ipv6Only: e.option(41, 26) !== 0, backlog: 4096 },
        () => {
          server.removeListener("error", failed);
          this.reservations.set(bindKey(address, (server.address() as net.AddressInfo).port), e);
          done();
        },
      );
    });
  }

  /** An AF_UNIX listener on a path (or an abstract name): the bind reservation or the
   * listening socket. Node unlinks the path when it closes it, where Linux leaves it. */
  private reserveUnix(e: Entry, path: string, listening: boolean): number {
    return this.start(e, (done) => {
      const server = this.server(e, listening);
      const failed = (err: unknown) => {
        e.server = null;
        this.owners.delete(server);
        done(err);
      };
      server.once("error", failed);
      server.listen({ path, backlog: 4096 }, () => {
        server.removeListener("error", failed);
        done();
      });
    });
  }

  /** Linux lets two SO_REUSEADDR sockets bind one address while neither listens; Node's
   * reservation is a listener, so the second socket shares the first one's in name. */
  private shareBinding(e: Entry, address: string, port: number): boolean {
    const holder = this.reservations.get(bindKey(address, port));
    if (!holder || holder === e || holder.listening || !e.option(1, 2) || !holder.option(1, 2)) return false;
    e.shared = { address, port };
    return true;
  }

  /** listen() on a socket that shares its binding: it takes the reservation over, unless the
   * holder listens already (EADDRINUSE), or binds anew if the holder is gone. */
  private listenShared(e: Entry, shared: { address: string; port: number }): number {
    const key = bindKey(shared.address, shared.port);
    const holder = this.reservations.get(key);
    if (holder?.listening) return -EADDRINUSE;
    e.shared = null;
    if (!holder) return this.reserve(e, shared.address, shared.port, true);
    e.server = holder.server;
    holder.server = null;
    holder.shared = shared;
    this.owners.set(e.server!, e);
    this.reservations.set(key, e);
    e.listening = true;
    return 0;
  }

  private server(e: Entry, listening: boolean): net.Server {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    e.server = server;
    e.listening = listening;
    this.owners.set(server, e);
    server.on("connection", (c) => {
      const e = this.owners.get(server);
      if (!e || e.server !== server) return;
      if (!e.listening) {
        c.resetAndDestroy();
        return;
      }
      c.unref();
      e.backlog.push(c);
      e.wake(READ);
    });
    e.adopt(server);
    return server;
  }

  private listen(e: Entry): number {
    if (e.shared) return this.listenShared(e, e.shared);
    if (e.server) {
      e.listening = true;
      return 0;
    }
    // Linux binds an unbound socket to an ephemeral port. Node binds synchronously only when
    // given no host, and then on "::" (dual-stack), which also serves AF_INET; getsockname
    // reports the family's any-address.
    if (e.family === AF_UNIX) {
      // unix(7) autobind: an abstract name of five hex digits.
      const name = "\0" + (0x10000 + this.nextHandle * 0x9e3 % 0xfffff).toString(16).slice(-5);
      return this.reserveUnix(e, name, true);
    }
    const server = this.server(e, true);
    const v6only = e.family === AF_INET6 && e.option(41, 26) !== 0;
    server.on("error", (err) => {
      e.error = errnoOf(err);
      e.wakeAll();
    });
    server.listen({ port: 0, exclusive: true, ipv6Only: v6only, backlog: 4096 });
    return server.address() ? 0 : -EINPROGRESS;
  }

  private connect(e: Entry, sa: number, salen: number): number {
    const addr = readSockAddr(this.mem(), sa, salen);
    if (e.type !== SOCK_STREAM) return this.connectUdp(e, addr.address, addr.port);
    if (e.family === AF_UNIX) return this.connectUnix(e, addr.address);
    // Linux refuses port 0 on loopback; Node would throw instead.
    if (addr.port === 0) return -ECONNREFUSED;
    e.clearStream();
    return this.start(e, (done) => {
      const opts: net.TcpNetConnectOpts = { host: addr.address, port: addr.port, noDelay: e.option(6, 1) !== 0 };
      if (e.server) {
        const local = e.server.address() as net.AddressInfo;
        opts.localAddress = local.address;
        opts.localPort = local.port;
        this.dropServer(e);
      }
      const s = new net.Socket({ allowHalfOpen: true });
      this.attachStream(e, s);
      s.once("connect", () => {
        this.register(e);
        done();
      });
      s.once("error", done);
      s.connect(opts);
      if (e.option(1, 9)) s.setKeepAlive(true);
    });
  }

  private connectUnix(e: Entry, path: string): number {
    e.clearStream();
    return this.start(e, (done) => {
      const s = new net.Socket({ allowHalfOpen: true });
      this.attachStream(e, s);
      e.unixRemote = path;
      s.once("connect", () => done());
      s.once("error", done);
      s.connect({ path });
    });
  }

  private connectUdp(e: Entry, address: string, port: number): number {
    return this.start(e, (done) => {
      const udp = this.udpSocket(e);
      if (e.udpConnected) udp.disconnect();
      e.udpConnected = false;
      udp.once("error", done);
      udp.connect(port, address, () => {
        udp.removeListener("error", done);
        e.udpBound = true;
        e.udpConnected = true;
        this.applyUdpOptions(e);
        done();
      });
    });
  }

  /** SO_ERROR. On Linux a datagram sent to a closed loopback port is refused (ICMP) within
   * the send; Node reports it later. So when nothing is pending and a connected datagram went
   * out since the last look, ask the port: if it can be bound, nobody listens on it. */
  private soError(e: Entry): number {
    if (e.error || !e.unanswered || !e.udp) return e.takeError();
    e.unanswered = false;
    const peer = e.udp.remoteAddress();
    const probe = dgram.createSocket({ type: e.family === AF_INET6 ? "udp6" : "udp4", lookup: numericLookup });
    let free = true;
    probe.once("error", () => {
      free = false;
    });
    probe.bind({ address: peer.address, port: peer.port, exclusive: true });
    probe.close();
    if (!free) return 0;
    // Node's own report of the same refusal comes later; it is this one.
    e.refusalsReported++;
    return ECONNREFUSED;
  }

  private register(e: Entry): void {
    if (e.family === AF_UNIX) return;
    const s = e.stream!;
    const local = endpoint(s.localAddress, s.localPort);
    const remote = endpoint(s.remoteAddress, s.remotePort);
    e.key = `${local}>${remote}`;
    e.peerKey = `${remote}>${local}`;
    this.connections.set(e.key, e);
  }

  private attachStream(e: Entry, s: net.Socket): void {
    e.stream = s;
    s.on("data", (b: Buffer) => {
      if (e.stream !== s) return;
      e.chunks.push(b);
      e.queued += b.length;
      if (e.queued >= RECV_HIGH_WATER) s.pause();
      e.wake(READ);
    });
    s.on("end", () => {
      if (e.stream !== s) return;
      e.eof = true;
      e.wake(READ);
    });
    s.on("drain", () => {
      if (e.stream === s) e.wake(WRITE);
    });
    s.on("error", (err) => {
      if (e.stream !== s || e.pending === -EAGAIN) return;
      const errno = errnoOf(err);
      if (errno === ECONNRESET || errno === EPIPE) e.reset();
      else {
        e.error = errno;
        e.wakeAll();
      }
    });
    s.on("close", () => {
      if (e.stream !== s) return;
      e.eof = true;
      e.wakeAll();
    });
    e.adopt(s);
  }

  private accept(e: Entry): number {
    const c = e.backlog.shift();
    if (!c) return -EAGAIN;
    const h = this.nextHandle++;
    const n = new Entry(e.family, e.type);
    for (const [k, v] of e.options) n.options.set(k, v);
    this.entries.set(h, n);
    this.attachStream(n, c);
    this.register(n);
    if (n.family === AF_UNIX) n.unixLocal = String(e.server?.address() ?? "");
    if (n.option(6, 1)) c.setNoDelay(true);
    c.resume();
    return h;
  }

  private recv(e: Entry, buf: number, len: number, flags: number, sa: number): number {
    if (e.type !== SOCK_STREAM) return this.recvDatagram(e, buf, len, flags, sa);
    const peek = (flags & MSG_PEEK) !== 0;
    if (e.error) return -e.takeError();
    const waitAll = (flags & MSG_WAITALL) !== 0 && !e.eof && !e.dead;
    if (e.queued > 0 && !(waitAll && e.queued < len)) return this.take(e, buf, len, peek);
    if (e.eof || e.dead) return e.queued > 0 ? this.take(e, buf, len, peek) : 0;
    return -EAGAIN;
  }

  /** Copies queued stream bytes into the core's memory. */
  private take(e: Entry, buf: number, len: number, peek: boolean): number {
    const mem = this.mem();
    const chunks = e.chunks;
    let n = 0;
    let i = 0;
    let off = e.head;
    while (n < len && i < chunks.length) {
      const c = chunks[i];
      const k = Math.min(c.length - off, len - n);
      c.copy(mem, buf + n, off, off + k);
      n += k;
      off += k;
      if (off === c.length) {
        i++;
        off = 0;
      }
    }
    if (!peek) {
      if (i > 0) chunks.splice(0, i);
      e.head = off;
      e.queued -= n;
      if (e.stream?.isPaused() && e.queued < RECV_HIGH_WATER / 2) e.stream.resume();
    }
    return n;
  }


  private recvDatagram(e: Entry, buf: number, len: number, flags: number, sa: number): number {
    const d = e.datagrams[0];
    if (!d) return e.error ? -e.takeError() : -EAGAIN;
    const n = Math.min(len, d.data.length);
    const mem = this.mem();
    mem.set(d.data.subarray(0, n), buf);
    if ((flags & MSG_PEEK) === 0) {
      e.datagrams.shift();
      e.datagramBytes -= d.data.length;
    }
    if (sa >= 0) this.writeSource(e, mem, sa, d);
    return n;
  }

  private send(e: Entry, buf: number, len: number, sa: number): number {
    if (e.type !== SOCK_STREAM) return this.sendDatagram(e, buf, len, sa);
    if (e.error) return -e.takeError();
    if (e.linking) return -EAGAIN;
    const s = e.stream;
    if (!s || e.dead || s.destroyed || s.writableEnded) return -EPIPE;
    const room = SEND_HIGH_WATER - s.writableLength;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(len, room);
    s.write(Buffer.from(this.mem().subarray(buf, buf + n)));
    // Writing to a connection its peer has closed draws a reset (tcp_reset in CLOSE_WAIT).
    if (this.closedKeys.size > 0 && this.closedKeys.has(e.peerKey)) e.reset();
    return n;
  }

  /** How many bytes sock_send would take whole from stream handle `h` now, with no error and no
   * other effect (a reset it would draw): 0 when it would do otherwise. The worker host answers
   * such a send before making it, so that its caller runs on while Node writes. */
  sendRoom(h: number): number {
    const e = this.entries.get(h);
    const s = e?.stream;
    if (!e || !s || e.type !== SOCK_STREAM || e.error || e.linking || e.dead || s.destroyed || s.writableEnded) return 0;
    if (this.closedKeys.size > 0 && this.closedKeys.has(e.peerKey)) return 0;
    return Math.max(0, SEND_HIGH_WATER - s.writableLength);
  }

  private sendDatagram(e: Entry, buf: number, len: number, sa: number): number {
    if (e.error) return -e.takeError();
    // Linux binds an unbound socket to an ephemeral port on its first send, even one that
    // then fails for want of a destination or a valid port.
    if (!e.udpBound) {
      const r = this.bindUdp(e, anyAddress(e.family), 0);
      if (r < 0) return r;
    }
    if (sa < 0 && !e.udpConnected) return -EDESTADDRREQ;
    if (len > UDP_MAX_PAYLOAD[e.family]) return -EMSGSIZE;
    const udp = e.udp!;
    const data = Buffer.from(this.mem().subarray(buf, buf + len));
    const onSent = (err: Error | null) => {
      if (err) {
        e.error = errnoOf(err);
        e.wakeAll();
      }
    };
    if (sa < 0) {
      udp.send(data, onSent);
      e.unanswered = true;
      return len;
    }
    const addr = this.readDestination(e, sa);
    if (addr.port === 0) return -EINVAL;
    if (!e.udpConnected) {
      udp.send(data, addr.port, addr.address, onSent);
      return len;
    }
    // Linux lets a connected datagram socket send elsewhere; Node does not, so step out of the
    // connection for this one datagram.
    const peer = udp.remoteAddress();
    if (peer.port === addr.port && sameHost(peer.address, addr.address)) {
      udp.send(data, onSent);
    } else {
      udp.disconnect();
      udp.send(data, addr.port, addr.address, onSent);
      udp.connect(peer.port, peer.address);
    }
    return len;
  }

  // A datagram socket mostly talks to one peer: keep its last sockaddr both ways, so that
  // recvfrom and sendto do not parse and format the same address for every datagram.

  private writeSource(e: Entry, mem: Uint8Array, sa: number, d: Datagram): void {
    const c = e.sourceCache;
    if (c && c.port === d.port && c.address === d.address) {
      mem.set(c.bytes, sa);
      return;
    }
    const len = writeSockAddr(mem, sa, e.family, d.address, d.port);
    e.sourceCache = { address: d.address, port: d.port, bytes: mem.slice(sa, sa + len) };
  }

  private readDestination(e: Entry, sa: number): SockAddr {
    const mem = this.mem();
    const len = e.family === AF_INET6 ? 28 : 16;
    const c = e.destinationCache;
    if (c) {
      let same = true;
      for (let i = 0; i < len && same; i++) same = mem[sa + i] === c.bytes[i];
      if (same) return c.addr;
    }
    const addr = readSockAddr(mem, sa);
    e.destinationCache = { addr, bytes: mem.slice(sa, sa + len) };
    return addr;
  }

  private udpSocket(e: Entry): dgram.Socket {
    if (e.udp) return e.udp;
    const udp = dgram.createSocket({
      type: e.family === AF_INET6 ? "udp6" : "udp4",
      lookup: numericLookup,
      ipv6Only: e.option(41, 26) !== 0,
      reuseAddr: e.option(1, 2) !== 0,
    });
    e.udp = udp;
    udp.on("message", (data, rinfo) => {
      if (e.datagramBytes + data.length > UDP_RCVBUF) return;
      e.datagrams.push({ data, address: rinfo.address, port: rinfo.port });
      e.datagramBytes += data.length;
      e.wake(READ);
    });
    udp.on("error", (err) => {
      if (e.pending === -EAGAIN || e.binding) return;
      const errno = errnoOf(err);
      if (errno === ECONNREFUSED) {
        e.unanswered = false;
        if (e.refusalsReported > 0) {
          e.refusalsReported--;
          return;
        }
      }
      e.error = errno;
      e.wakeAll();
    });
    e.adopt(udp);
    return udp;
  }

  private applyUdpOptions(e: Entry): void {
    const udp = e.udp!;
    if (e.option(1, 6)) udp.setBroadcast(true);
    if (e.options.has((0 << 16) | 2)) udp.setTTL(e.option(0, 2));
  }

  private shutdown(e: Entry, how: number): number {
    if (e.type !== SOCK_STREAM) return e.udpConnected ? 0 : -ENOTCONN;
    const s = e.stream;
    if (!s) {
      // A listener shut for reading stops listening: queued and new connections are reset.
      if (!e.server) return -ENOTCONN;
      e.listening = false;
      for (const c of e.backlog) c.resetAndDestroy();
      e.backlog = [];
      e.wakeAll();
      return 0;
    }
    if (how !== 0 && !s.writableEnded) s.end();
    return 0;
  }

  private close(h: number): number {
    const e = this.entries.get(h);
    if (!e) return 0;
    this.entries.delete(h);
    const s = e.stream;
    if (e.key) {
      this.connections.delete(e.key);
      this.closedKeys.delete(e.peerKey);
    }
    if (s && !s.destroyed) {
      const peer = e.key ? this.connections.get(e.peerKey) : undefined;
      // Linux resets a connection closed with unread data (here, or still on its way from a
      // peer in this process) or with SO_LINGER {on, 0}; otherwise it flushes, then sends FIN.
      const unread = e.queued > 0 || (peer?.stream !== undefined && peer.stream!.bytesWritten > s.bytesRead);
      if (!e.dead && e.family !== AF_UNIX && (unread || e.options.get((1 << 16) | 13) === 0)) {
        s.resetAndDestroy();
        peer?.reset();
      } else {
        if (peer && !e.dead) this.closedKeys.add(e.key);
        // With nothing left to write, closing the handle is Linux's close(): it sends FIN.
        if (s.writableLength === 0 || s.pending) s.destroy();
        else {
          if (!this.peerHere(e)) {
            this.closing.add(s);
            s.once("close", () => this.closing.delete(s));
          }
          s.end(() => s.destroy());
        }
      }
    }
    this.dropServer(e);
    for (const c of e.backlog) c.resetAndDestroy();
    if (e.udp) e.udp.close();
    e.stream = null;
    e.udp = null;
    e.backlog = [];
    e.wakeAll();
    return 0;
  }

  private dropServer(e: Entry): void {
    const server = e.server;
    if (!server) return;
    const a = server.address() as net.AddressInfo | null;
    for (const [key, holder] of this.reservations) {
      if (holder === e && a && key.endsWith(`|${a.port}`)) this.reservations.delete(key);
    }
    this.owners.delete(server);
    server.close();
    e.server = null;
  }

  private addrLocal(e: Entry, sa: number): number {
    const mem = this.mem();
    if (e.shared) return writeSockAddr(mem, sa, e.family, e.shared.address, e.shared.port);
    if (e.family === AF_UNIX) {
      const name = e.server ? String(e.server.address() ?? "") : e.unixLocal;
      return writeSockAddr(mem, sa, AF_UNIX, name, 0);
    }
    if (e.stream && e.stream.localPort !== undefined) {
      return writeSockAddr(mem, sa, e.family, e.stream.localAddress!, e.stream.localPort);
    }
    if (e.server) {
      const a = e.server.address() as net.AddressInfo | null;
      if (a) return writeSockAddr(mem, sa, e.family, a.address, a.port);
    }
    if (e.udp && e.udpBound) {
      const a = e.udp.address();
      return writeSockAddr(mem, sa, e.family, a.address, a.port);
    }
    return writeSockAddr(mem, sa, e.family, anyAddress(e.family), 0);
  }

  private addrRemote(e: Entry, sa: number): number {
    if (e.dead) return -ENOTCONN;
    if (e.family === AF_UNIX) {
      if (!e.linking && !e.stream) return -ENOTCONN;
      return writeSockAddr(this.mem(), sa, AF_UNIX, e.unixRemote, 0);
    }
    if (e.stream && e.stream.remotePort !== undefined) {
      return writeSockAddr(this.mem(), sa, e.family, e.stream.remoteAddress!, e.stream.remotePort);
    }
    if (e.udp && e.udpConnected) {
      const a = e.udp.remoteAddress();
      return writeSockAddr(this.mem(), sa, e.family, a.address, a.port);
    }
    return -ENOTCONN;
  }

  private setOption(e: Entry, level: number, name: number, value: number): number {
    e.options.set((level << 16) | name, value);
    try {
      if (level === 6 && name === 1) e.stream?.setNoDelay(value !== 0);
      else if (level === 1 && name === 9) e.stream?.setKeepAlive(value !== 0);
      else if (level === 1 && name === 6 && e.udpBound) e.udp?.setBroadcast(value !== 0);
      else if (level === 0 && name === 2 && e.udpBound) e.udp?.setTTL(value);
    } catch {
      // Options Node cannot apply now are still remembered and read back, as the core records them.
    }
    return 0;
  }
}
