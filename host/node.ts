// The Node backend: the core's socket syscalls over node:net and node:dgram. Everything is
// non-blocking: Node's events are fed to each socket's kernel socket (host/kernel), which owns
// Linux's state and answers the syscalls as Linux would (this file decides no Python-visible
// answer); -EAGAIN means "wait", and `wait` reports readiness. UDP is host/node_udp.ts, stream
// events host/node_stream.ts, bind and listen host/node_listen.ts, the per-socket record
// host/node_entry.ts. Node realities (shared/DESIGN.md):
// - A TCP socket cannot be bound without listening, so bind() reserves the port with a real
//   listener that resets connections until listen() (node_listen.ts), and connect() hands the
//   port over.
// - Node opens its handles lazily and finishes bind/listen/connect asynchronously: those return
//   -EINPROGRESS and sock_finish reports the outcome.
// - Handles are unref'd unless someone waits on them, so a program that ends with sockets open
//   exits, as a Python program does.

import * as dns from "node:dns";
import { fdLimitOfProcess } from "./limits.js";
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import { EAFNOSUPPORT, ESOCKTNOSUPPORT, EAGAIN, ECONNREFUSED, ECONNRESET, ENOTCONN, EPIPE, eaiOf, errnoOf } from "./errno.js";
import { MSG_PEEK, POLLNVAL, SEND_SHUTDOWN, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, pollReport, someReady } from "./kernel/index.js";
import {
  Entry, RECV_HIGH_WATER, SEND_HIGH_WATER, SOCK_STREAM, anyAddress, autobindName, copyOf, nodePipePath, SendCopy,
  type Source, type Waiter,
} from "./node_entry.js";
import { Listeners } from "./node_listen.js";
import { abort, askName, entryOf, feedKernel, resetAfterFin, sameEndpoint, transportError } from "./node_stream.js";
import {
  applyUdpOptions, bindUdp, recvDatagram, sendDatagram, udpClosed, udpConnected, udpConnecting, udpError, udpOption, udpSocket,
} from "./node_udp.js";
import { AF_INET6, AF_UNIX, readSockAddr, writeSockAddr } from "./sockaddr.js";
import { hostnameOnNode, interfaceNames, resolveOnNode } from "./resolver.js";
import { unixFind } from "./unix_find.js";
import { BaseSyscalls } from "./syscalls.js";
import { netDenied } from "./deno.js";
import {
  type AsyncHost, type LookupResult, type PollReport, type PollRequest, type ResolveAnswer,
  type ResolveRequest,
} from "./types.js";
import { after } from "./timer.js";

const EAI_ADDRFAMILY = -9;

/** A net.Socket that does not end its side when the peer's does (Linux's half-close). Made
 * without options and told after: the same socket (allowHalfOpen is only read later), and
 * several times cheaper to make than with an options object (V8's code for Node's Socket
 * constructor given one; bench/socket.bench.js connect). */
function halfOpenSocket(): net.Socket {
  const s = new net.Socket();
  s.allowHalfOpen = true;
  return s;
}


export class NodeHost extends BaseSyscalls implements AsyncHost {
  private entries = new Map<number, Entry>();
  /** Open TCP connections of this process by connKey(local port, remote port). Loopback delivers
   * inside the sending syscall on Linux, so a peer in this process learns of a reset at once,
   * as it would there, rather than after Node's next read. */
  private connections = new Map<number, Entry>();
  /** Keys of connections this process has closed, for a peer that writes to them later. */
  private closedKeys = new Set<number>();
  /** TCP connects in flight to a wildcard address that a listener of this process serves:
   * their peer's address is asked of Node once connected (see connect). */
  private toWildcard = new Set<Entry>();
  /** Bind reservations and listeners (host/node_listen.ts). */
  private listeners = new Listeners();

  /** Streams closed with bytes still to write: see flushed(). */
  private closing = new Set<net.Socket>();
  private nextHandle = 1;
  private readonly pairTag = Math.random().toString(36).slice(2, 10);
  /** The last address Node reported (see shared). */
  private lastAddress = "";
  private memory: WebAssembly.Memory | null = null;
  private view = new Uint8Array(0);
  /** The bytes of the sock_send under way, or the destination of the sock_recv under way, when
   * the caller hands them over here rather than through the core's memory (src/socket.ts
   * DirectBytes): a copy fewer each way. Set only for the length of one syscall. */
  readonly direct: { src: Uint8Array | null; dst: Uint8Array | null } = { src: null, dst: null };

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

  /** Handle `h`'s record, for the worker's direct mode (host/direct_worker.ts). */
  entryOf(h: number): Entry | undefined {
    return this.entries.get(h);
  }

  wait(h: number, interest: number, timeout: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => this.whenReady(h, interest, timeout, resolve));
  }

  /** As wait, calling `cb` rather than resolving a Promise (src/sockcall.ts's driver). `cb` may
   * run inside a syscall that wakes the socket: it must only schedule its work. */
  whenReady(h: number, interest: number, timeout: number, cb: (ready: boolean) => void): void {
    const e = this.entries.get(h);
    if (!e) {
      queueMicrotask(() => cb(true));
      return;
    }
    const list = e.waiters(interest);
    const w: Waiter = { resolve: cb, timer: null };
    if (timeout >= 0) {
      w.timer = after(timeout, () => {
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        e.updateRef();
        cb(false);
      });
    }
    list.push(w);
    e.updateRef();
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
    if (e.peer) return true;
    if (e.family !== AF_UNIX) return e.key >= 0 && this.connections.has(e.peerKey);
    // A socketpair() end has neither name; an accepted one has its listener's.
    if (e.unixRemote === "") return e.unixLocal === "";
    for (const x of this.entries.values()) if (x.server && x.unixLocal === e.unixRemote) return true;
    return false;
  }

  /** poll(2) over handles: ready at once, or when a wake-up on one of them makes it so. */
  pollWait(req: PollRequest): Promise<PollReport> {
    const report = this.pollNow(req);
    if (report || req.timeout === 0) return Promise.resolve(report ?? this.pollReport(req));
    return new Promise<PollReport>((resolve) => {
      const entries: Entry[] = [];
      for (const h of req.handles) {
        const e = this.entries.get(h);
        if (e) entries.push(e);
      }
      let done = false;
      let scheduled = false;
      const finish = (r: PollReport) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(timer);
        for (const e of entries) e.pollers?.delete(onWake);
        resolve(r);
      };
      // A wake-up is looked at after the I/O callbacks of this turn of the event loop, so that
      // one answer reports every socket that became ready in it, as epoll_wait's does.
      const check = () => {
        scheduled = false;
        const r = this.pollNow(req);
        if (r) finish(r);
      };
      const onWake = () => {
        if (scheduled || done) return;
        scheduled = true;
        setImmediate(check);
      };
      // The wait keeps the process alive, as a blocking poll(2) does, with one timer rather than
      // by ref'ing every socket's handles.
      const timer = req.timeout > 0
        ? setTimeout(() => finish(this.pollReport(req)), req.timeout * 1000)
        : setInterval(() => {}, 1 << 30);
      for (const e of entries) (e.pollers ??= new Set()).add(onWake);
    });
  }

  /** The report when some handle is ready, else null. */
  private pollNow(req: PollRequest): PollReport | null {
    const r = this.pollReport(req);
    return someReady(req, r) ? r : null;
  }

  private pollReport(req: PollRequest): PollReport {
    return pollReport(req, (h) => this.poll(h), (h) => this.entries.get(h)?.wakeCounts());
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

  interfaces(): Array<[string, number]> {
    return interfaceNames();
  }

  fdLimit(): number {
    return fdLimitOfProcess();
  }

  // The syscalls (host/syscalls.ts).
  sock_open(family: number, type: number): number { return this.open(family, type); }
  sock_pair(family: number, type: number, _proto: number, out: number): number { return this.pair(family, type, out); }
  sock_bind(h: number, sa: number, salen: number): number { return this.bind(this.entry(h), sa, salen); }
  sock_listen(h: number): number { return this.listeners.listen(this.entry(h)); }
  sock_connect(h: number, sa: number, salen: number): number { return this.connect(this.entry(h), sa, salen); }
  sock_find(sa: number, salen: number): number { return unixFind(readSockAddr(this.mem(), sa, salen).address); }
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
  sock_poll(h: number): number { return this.poll(h); }

  private open(family: number, type: number): number {
    if (family !== AF_UNIX && family !== 2 && family !== AF_INET6) return -EAFNOSUPPORT;
    // Node has no AF_UNIX datagram sockets.
    if (family === AF_UNIX && type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const h = this.nextHandle++;
    this.entries.set(h, new Entry(family, type));
    return h;
  }

  /** socketpair(): Node has none, so the pair meets through a one-off listener on an abstract
   * AF_UNIX name. Both ends are connected at once, as each queues what the other sends within
   * the send; the second end's own sends wait for Node to accept it before they go out. */
  private pair(family: number, type: number, out: number): number {
    if (type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const ha = this.open(family, type);
    const hb = this.open(family, type);
    const a = this.entries.get(ha)!;
    const b = this.entries.get(hb)!;
    a.k!.established();
    b.k!.established();
    a.peer = b;
    b.peer = a;
    b.linking = true;
    // Unique per host: a process may run several (pysocket and pysocket/sync's worker).
    const name = `\0pysocket-pair-${process.pid}-${this.pairTag}-${ha}`;
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
      for (const data of b.early ?? []) c.write(data);
      b.early = null;
      if (b.k!.shutdown & SEND_SHUTDOWN) c.end();
      c.resume();
      b.wakeAll();
    });
    server.on("error", (err) => {
      b.linking = false;
      b.k!.failed(errnoOf(err));
      b.wakeAll();
    });
    server.listen(name);
    b.pairing = server;
    b.adopt(server);
    const s = halfOpenSocket();
    this.attachStream(a, s);
    s.connect({ path: name });
    const dv = new DataView(this.mem().buffer, this.mem().byteOffset + out, 8);
    dv.setInt32(0, ha, true);
    dv.setInt32(4, hb, true);
    return 0;
  }

  private bind(e: Entry, sa: number, salen: number): number {
    const addr = readSockAddr(this.mem(), sa, salen);
    if (e.family === AF_UNIX) return this.listeners.reserveUnix(e, addr.address || autobindName(), false);
    const denied = netDenied(addr.address, addr.port);
    if (denied) return -denied;
    if (e.type === SOCK_STREAM) return this.listeners.reserve(e, addr.address, addr.port, false);
    return bindUdp(e, addr.address, addr.port);
  }

  private connect(e: Entry, sa: number, salen: number): number {
    const addr = readSockAddr(this.mem(), sa, salen);
    const denied = e.family === AF_UNIX ? 0 : netDenied(addr.address, addr.port);
    if (denied) return -denied;
    if (e.type !== SOCK_STREAM) return this.connectUdp(e, addr.address, addr.port);
    if (e.family === AF_UNIX) return this.connectUnix(e, addr.address);
    e.k!.connecting();
    this.unlink(e);
    // Node throws for port 0; Linux sends the SYN, and loopback's RST comes back within the
    // call: a non-blocking connect is in progress with the refusal already pending (tcp_reset
    // in SYN_SENT), a blocking one is refused.
    if (addr.port === 0) {
      return e.start((done) => {
        e.k!.failed(ECONNREFUSED);
        done({ code: "ECONNREFUSED" });
      });
    }
    // Only a connection to a listener of this process can have its peer here (see connected).
    // Its peer's address is the one connected to, but for a wildcard, which Linux connects to
    // loopback: only Node can say which.
    e.remotePort = -1;
    if (this.listeners.listensOn(addr.port)) {
      if (/^[0.:]+$/.test(addr.address)) {
        this.toWildcard.add(e);
      } else {
        e.remoteAddress = addr.address;
        e.remotePort = addr.port;
      }
    }
    return e.launch(() => {
      const opts: net.TcpNetConnectOpts = { host: addr.address, port: addr.port, noDelay: e.option(6, 1) !== 0 };
      if (e.server) {
        const local = e.server.address() as net.AddressInfo;
        opts.localAddress = local.address;
        opts.localPort = local.port;
        this.listeners.drop(e);
      }
      const s = this.connectStream(e);
      s.connect(opts);
      if (e.option(1, 9)) s.setKeepAlive(true);
    });
  }

  /** A new stream for `e`'s connect: the kernel hears how it ends (a failure: node_stream's
   * onError), and connected() settles the connect when it succeeds. */
  private connectStream(e: Entry): net.Socket {
    const s = halfOpenSocket();
    // Node makes the handle ref'd; a socket with no other handle is then ref'd.
    this.attachStream(e, s, e.server === null && e.pairing === null ? true : null);
    s.on("connect", this.onConnect);
    return s;
  }

  /** The 'connect' listener of every stream this host connects: one for all, as feedKernel's. */
  private readonly onConnect = ((host: NodeHost) => function (this: net.Socket): void {
    host.connected(this);
  })(this);

  /** Stream `s` connected: its connect succeeded, and a TCP connection to a listener of this
   * process is filed by its ports (register), with its peer's address asked of Node first if it
   * connected to a wildcard. */
  private connected(s: net.Socket): void {
    s.removeListener("connect", this.onConnect);
    const e = entryOf(s);
    const wildcard = this.toWildcard.size > 0 && this.toWildcard.delete(e);
    // Closed while connecting: the connection is no one's.
    if (e.stream !== s) return;
    e.k!.established();
    if (wildcard) this.learnPeer(e);
    this.register(e);
    e.settle();
  }

  private connectUnix(e: Entry, path: string): number {
    if (this.listeners.refusesUnix(path)) return -ECONNREFUSED;
    e.k!.connecting();
    return e.launch(() => {
      const s = this.connectStream(e);
      e.unixRemote = path;
      s.connect({ path: nodePipePath(path) });
    });
  }

  private connectUdp(e: Entry, address: string, port: number): number {
    return e.start((done) => {
      const udp = udpSocket(e);
      udpConnecting(e);
      if (e.udpConnected) udp.disconnect();
      e.udpConnected = false;
      e.d!.connected(false);
      udp.once("error", done);
      // Node hands a failed connect (ENETUNREACH, EACCES) to the callback, not to "error".
      udp.connect(port, address, (err?: Error) => {
        udp.removeListener("error", done);
        if (err) {
          done(err);
          return;
        }
        e.udpBound = true;
        e.udpConnected = true;
        e.d!.connected(true);
        applyUdpOptions(e);
        udpConnected(e);
        done();
      });
    });
  }

  /** SO_ERROR: the pending error, taken. */
  private soError(e: Entry): number {
    if (e.k === null) return udpError(e);
    resetAfterFin(e);
    return e.k.takeError();
  }

  /** Files connection `e`, whose peer's address it knows, by its ports, and pairs it with its
   * other end if that is here too. `local`: the address it was accepted on, where known;
   * otherwise Node's handle is asked (getsockname(2)). */
  private register(e: Entry, local?: Source): void {
    if (e.family === AF_UNIX || e.remotePort < 0) return;
    const name = local ?? askName(e.stream!, false);
    if (!name) return;
    const localAddress = this.shared(name.address!);
    e.registered(localAddress, name.port!);
    this.connections.set(e.key, e);
    const peer = this.connections.get(e.peerKey);
    // Ports alone make the key: the peer's addresses must match too.
    if (peer && sameEndpoint(peer.remoteAddress, localAddress) && sameEndpoint(peer.localAddress ?? undefined, e.remoteAddress)) {
      e.peer = peer;
      peer.peer = e;
    }
  }

  /** Records the peer's address of TCP connection `e`, asked of Node: one string for every
   * connection from one address. */
  private learnPeer(e: Entry): void {
    const name = e.stream ? askName(e.stream, true) : null;
    if (!name) return;
    e.remoteAddress = this.shared(name.address!);
    e.remotePort = name.port!;
  }

  /** `address`, as the string already kept for the last one equal to it. */
  private shared(address: string): string {
    if (address === this.lastAddress) return this.lastAddress;
    this.lastAddress = address;
    return address;
  }

  /** Forgets the peer in this process (a new connect, a close). */
  private unlink(e: Entry): void {
    if (e.peer?.peer === e) e.peer.peer = null;
    e.peer = null;
    e.sent = 0;
    e.got = 0;
  }

  /** Makes `s` the stream of `e`: its events feed e's kernel socket. `refd`: whether `s` is
   * ref'd, when it is e's only handle (see Entry.adopt). */
  private attachStream(e: Entry, s: net.Socket, refd: boolean | null = null): void {
    e.stream = s;
    feedKernel(e, s);
    e.adopt(s, refd);
  }

  private accept(e: Entry): number {
    const c = e.backlog?.shift();
    if (!c) return -EAGAIN;
    const h = this.nextHandle++;
    const n = new Entry(e.family, e.type);
    n.inheritOptions(e);
    this.entries.set(h, n);
    n.k!.established();
    // Unref'd as it was queued (Listeners.server).
    this.attachStream(n, c, false);
    if (n.family === AF_UNIX) {
      n.unixLocal = e.unixLocal;
    } else {
      // accept()'s address, which every accept asks for next.
      this.learnPeer(n);
      // Its peer can be here only if a socket of this process connected to one of its
      // listeners (those register themselves).
      if (this.connections.size > 0) this.register(n, this.listeners.acceptedOn(e));
    }
    if (n.option(6, 1)) c.setNoDelay(true);
    c.resume();
    return h;
  }

  /** Where the bytes of a recv go: the caller's own buffer, or the core's memory at `buf`. */
  private recvTarget(buf: number, len: number): Uint8Array {
    const dst = this.direct.dst;
    if (dst === null) return this.mem().subarray(buf, buf + len);
    return dst.length === len ? dst : dst.subarray(0, len);
  }

  /** The bytes of a send: the caller's own, or those in the core's memory at `buf`. */
  private sendSource(buf: number, len: number): Uint8Array {
    const src = this.direct.src;
    if (src === null) return this.mem().subarray(buf, buf + len);
    return src.length === len ? src : src.subarray(0, len);
  }

  private recv(e: Entry, buf: number, len: number, flags: number, sa: number): number {
    if (e.d) return recvDatagram(e, this.recvTarget(buf, len), this.mem(), flags, sa);
    const k = e.k!;
    const r = k.recv(this.recvTarget(buf, len), flags);
    if (r > 0 && (flags & MSG_PEEK) === 0 && e.stream?.isPaused() && k.queued < RECV_HIGH_WATER / 2) e.stream.resume();
    return r;
  }

  private send(e: Entry, buf: number, len: number, sa: number): number {
    if (e.d) return sendDatagram(e, this.sendSource(buf, len), this.mem(), sa);
    const k = e.k!;
    const s = e.stream;
    // A write the peer's reset refused fails inside write() (libuv tries it at once): the
    // kernel hears of the reset before this send answers, as Linux's loopback would have it.
    if (s?.errored && e.pending !== -EAGAIN) transportError(e, errnoOf(s.errored));
    const err = k.sendError();
    if (err < 0) return err;
    if (!s && !e.linking) return -EPIPE;
    const room = SEND_HIGH_WATER - (s ? s.writableLength : 0);
    if (room <= 0) return -EAGAIN;
    const n = Math.min(len, room);
    const src = this.sendSource(buf, n);
    const p = e.direct();
    e.sent += n;
    if (p) {
      // Queued on the peer in this process within the send: Node need not carry them too. A
      // peer that resets on data answers with RST within the send, as loopback does.
      if (!p.deliver(copyOf(src))) {
        k.reset();
        e.wakeAll();
        return n;
      }
    } else if (!s) {
      (e.early ??= []).push(copyOf(src));
      return n;
    } else {
      const copy = new SendCopy(src);
      s.write(copy.data, copy.done);
      if (s.writableLength === 0 && !s.errored) copy.done();
      if (s.errored) {
        transportError(e, errnoOf(s.errored));
        const late = k.sendError();
        if (late < 0) return late;
      }
    }
    // Writing to a connection its peer in this process has closed draws a reset (tcp_reset in
    // CLOSE_WAIT), within the send; an empty send sends nothing to be refused.
    if (n > 0 && this.closedKeys.size > 0 && this.closedKeys.has(e.peerKey)) {
      k.reset();
      e.wakeAll();
    }
    return n;
  }

  /** How many bytes sock_send would take whole from stream handle `h` now, with no error and no
   * other effect (a reset it would draw): 0 when it would do otherwise. The worker host answers
   * such a send before making it, so that its caller runs on while Node writes. A socket whose
   * peer has sent FIN may draw a reset, so it is never answered ahead. */
  sendRoom(h: number): number {
    const e = this.entries.get(h);
    const s = e?.stream;
    if (!e || !s || !e.k || e.linking || s.destroyed || s.writableEnded || s.errored) return 0;
    if (e.k.err || e.k.state !== TCP_ESTABLISHED || e.k.shutdown !== 0) return 0;
    if (this.closedKeys.size > 0 && this.closedKeys.has(e.peerKey)) return 0;
    return Math.max(0, SEND_HIGH_WATER - s.writableLength);
  }

  /** The handle of TCP stream `h`'s peer in this process when the worker host may serve the
   * two in its caller's thread (host/worker_main.ts): nothing on its way between them (each has
   * queued every byte the other sent), both ESTABLISHED with no error and no shutdown, at most
   * `limit` bytes queued at each; else -1. `linger` gets each one's SO_LINGER {on, 0}. */
  peerInSync(h: number, limit: number, linger: boolean[]): number {
    const e = this.entries.get(h);
    const p = e?.peer;
    if (!e || !p || e.family === AF_UNIX || !e.stream || !p.stream) return -1;
    if (p.got !== e.sent || e.got !== p.sent) return -1;
    for (const x of [e, p]) {
      const k = x.k!;
      if (k.state !== TCP_ESTABLISHED || k.err || k.shutdown !== 0 || k.queued > limit || x.stream!.errored) return -1;
    }
    for (const [ph, x] of this.entries) {
      if (x !== p) continue;
      linger[0] = e.options?.get((1 << 16) | 13) === 0;
      linger[1] = p.options?.get((1 << 16) | 13) === 0;
      return ph;
    }
    return -1;
  }

  /** Readiness (poll(2)'s revents) of handle `h`, as Linux's tcp_poll or datagram_poll. */
  private poll(h: number): number {
    const e = this.entries.get(h);
    if (!e) return POLLNVAL;
    if (e.d) return e.d.poll(true);
    const k = e.k!;
    if (k.state === TCP_LISTEN) return k.poll(false, e.listening ? e.backlog?.length ?? 0 : 0);
    const s = e.stream;
    const writable = s ? !s.destroyed && s.writableLength < SEND_HIGH_WATER : true;
    return k.poll(writable);
  }

  /** shutdown(2): the kernel records it and says what to do: send FIN, or stop listening (a
   * listener shut for reading resets its queued connections) or abort a connect. */
  private shutdown(e: Entry, how: number): number {
    if (e.d) {
      // inet_shutdown wakes the socket's sleepers (sk_state_change), connected or not.
      const r = e.d.shut(how);
      e.wakeAll();
      return r;
    }
    const k = e.k!;
    const listening = k.state === TCP_LISTEN;
    const r = k.shut(how);
    if (r.disconnect && listening) {
      e.listening = false;
      for (const c of e.backlog ?? []) c.resetAndDestroy();
      e.backlog = null;
    } else if (r.disconnect) {
      // tcp_disconnect in SYN_SENT: the connect fails with ECONNRESET.
      if (e.stream) abort(e.stream);
      k.failed(ECONNRESET);
      if (e.pending === -EAGAIN) e.pending = -ECONNRESET;
    }
    if (r.fin) this.sendFin(e);
    const p = e.peer;
    if (r.peerSend && p) {
      p.k!.peerShutRead();
      p.wakeAll();
    }
    e.wakeAll();
    return r.result;
  }

  /** Ends this side's stream: the peer in this process sees end of stream at once when it has
   * every byte, as Linux's loopback and AF_UNIX deliver the FIN within the call. */
  private sendFin(e: Entry): void {
    const s = e.stream;
    const p = e.peer;
    // Loopback acknowledges the FIN within the call once the bytes before it are out of Node;
    // bytes still in Node hold it back until Node has written them (and the FIN).
    if (s && !s.writableEnded) {
      if (s.writableLength > 0) s.end(() => e.k?.finAcked());
      else {
        s.end();
        e.k!.finAcked();
      }
    }
    if (p && p.got === e.sent) {
      p.k!.fin();
      p.wakeAll();
      e.k!.finAcked();
    }
  }

  /** close(2). Linux resets a TCP connection closed with unread data (here, or still on its
   * way from a peer in this process) or with SO_LINGER {on, 0}; otherwise the bytes sent are
   * still delivered, then FIN (an orphaned socket: the loop stays alive until they are out). */
  private close(h: number): number {
    const e = this.entries.get(h);
    if (!e) return 0;
    this.entries.delete(h);
    if (this.toWildcard.size > 0) this.toWildcard.delete(e);
    const s = e.stream;
    const k = e.k;
    const p = e.peer;
    if (e.key >= 0) {
      if (this.connections.get(e.key) === e) this.connections.delete(e.key);
      this.closedKeys.delete(e.peerKey);
    }
    if (k && (s || e.linking) && k.state !== TCP_LISTEN) {
      const unread = k.queued > 0 || (p !== null && p.sent > e.got);
      const reset = k.state !== TCP_CLOSE && (unread || e.options?.get((1 << 16) | 13) === 0);
      const delivered = p !== null && p.got === e.sent;
      if (k.unix) {
        if (p && delivered) {
          p.k!.peerClosed(unread);
          p.wakeAll();
        }
      } else if (reset) {
        if (s && !s.destroyed) abort(s);
        if (p) {
          // The peer's connection is over (tcp_reset purges its send queue too); its Node
          // handle goes now, as libuv would otherwise poll a reset socket it no longer reads.
          p.k!.reset();
          p.stream?.destroy();
          p.wakeAll();
        }
      } else if (p && k.state !== TCP_CLOSE) {
        this.closedKeys.add(e.key);
        if (delivered) {
          p.k!.fin();
          p.wakeAll();
        }
      }
      if (s && !s.destroyed && !(reset && !k.unix)) this.orphan(e, s);
    }
    this.unlink(e);
    if (e.extended) {
      this.listeners.drop(e);
      for (const c of e.backlog ?? []) c.resetAndDestroy();
      if (e.d) udpClosed(e);
      if (e.udp) e.udp.close();
      e.udp = null;
      e.backlog = null;
    }
    e.stream = null;
    e.wakeAll();
    return 0;
  }

  /** A closed socket's stream: with nothing left to write, closing the handle is Linux's
   * close() (FIN); otherwise its bytes still go, then FIN. For a peer in another process the
   * handle is kept ref'd until they are out, as the kernel keeps an orphaned socket sending
   * after the process ends (flushed() waits for it); a peer in this process ends with it. */
  private orphan(e: Entry, s: net.Socket): void {
    if (s.writableLength === 0 && !s.connecting) {
      s.destroy();
      return;
    }
    if (!this.peerHere(e)) {
      this.closing.add(s);
      s.ref();
      s.once("close", () => this.closing.delete(s));
    }
    s.end(() => s.destroy());
  }

  private addrLocal(e: Entry, sa: number): number {
    const mem = this.mem();
    if (e.shared) return writeSockAddr(mem, sa, e.family, e.shared.address, e.shared.port);
    if (e.family === AF_UNIX) return writeSockAddr(mem, sa, AF_UNIX, e.unixLocal, 0);
    if (e.localAddress !== null) return writeSockAddr(mem, sa, e.family, e.localAddress, e.localPort);
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
    if (e.k) {
      const r = e.k.peerName();
      if (r < 0) return r;
      if (e.family === AF_UNIX) return writeSockAddr(this.mem(), sa, AF_UNIX, e.unixRemote, 0);
      if (e.remotePort < 0) this.learnPeer(e);
      return e.remotePort >= 0 ? writeSockAddr(this.mem(), sa, e.family, e.remoteAddress, e.remotePort) : -ENOTCONN;
    }
    if (e.udp && e.udpConnected) {
      const a = e.udp.remoteAddress();
      return writeSockAddr(this.mem(), sa, e.family, a.address, a.port);
    }
    return -ENOTCONN;
  }

  private setOption(e: Entry, level: number, name: number, value: number): number {
    e.setOption(level, name, value);
    if (e.d) udpOption(e, level, name, value);
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
