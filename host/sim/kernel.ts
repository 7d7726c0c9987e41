// One simulated host's kernel, as the syscalls of host/syscalls.ts: its sockets (handles), port
// bindings, TCP connections by 4-tuple, AF_UNIX names, timers on the virtual clock, and the
// packets it receives from the network. A restart makes a new kernel; a crash stops this one
// (its timers are dropped and every wait on it stays pending).

import { EADDRINUSE, EAGAIN, EAFNOSUPPORT, EDESTADDRREQ, EINPROGRESS, EINVAL, EMSGSIZE, ENOTCONN, ESOCKTNOSUPPORT } from "../errno.js";
import { AF_INET, AF_INET6, AF_UNIX, readSockAddr, writeNoSockAddr, writeSockAddr } from "../sockaddr.js";
import { BaseSyscalls } from "../syscalls.js";
import type { AsyncHost, LookupResult, PollReport, PollRequest, ResolveAnswer, ResolveRequest } from "../types.js";
import { pollReport, someReady } from "../kernel/poll.js";
import { ANY4, ANY6, canonicalIp, isAny, isLoopback, isV4 } from "./addr.js";
import type { Clock, Timer } from "./clock.js";
import type { Random } from "./random.js";
import { ACK, RST, SYN, type NetHost, type Network, type Packet } from "./network.js";
import { READ, type SimSocket } from "./socket.js";
import { TcpSock } from "./tcp.js";
import { UdpSock } from "./udp.js";
import { UnixSock } from "./unix.js";
import { SIM_INTERFACES, resolveOn, lookupOn } from "./dns.js";

const EACCES = 13;
const POLLNVAL = 0x20;
const EADDRNOTAVAIL = 99;
const ECONNREFUSED = 111;
const ENOENT = 2;
const ENETUNREACH = 101;
const SOCK_STREAM = 1;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_RCVBUF = 8;
const SO_REUSEPORT = 15;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const SOMAXCONN = 4096;
const EPHEMERAL_LOW = 32768;
const EPHEMERAL_HIGH = 60999;
/** Ports below ip_unprivileged_port_start need CAP_NET_BIND_SERVICE, which a user lacks. */
const UNPRIVILEGED_PORT_START = 1024;

type InetSock = TcpSock | UdpSock;

/** The world a kernel lives in: the network, its host's entry, its clock and port stream. */
export interface KernelEnv {
  net: Network;
  host: NetHost;
  clock: Clock;
  ports: Random;
  /** The AF_UNIX namespace, kept across restarts as a file system is. */
  paths: Map<string, UnixSock | null>;
}

export class SimKernel extends BaseSyscalls implements AsyncHost {
  private socks = new Map<number, SimSocket>();
  private nextHandle = 1;
  private timers = new Set<Timer>();
  /** Calls of this kernel waiting (see held). */
  private holds = 0;
  /** Polls waiting with no timeout. */
  private polls = new Set<PollRequest>();
  private conns = new Map<string, TcpSock>();
  private bindings = new Map<string, InetSock[]>();
  private view = new Uint8Array(0);
  private memory: WebAssembly.Memory | null = null;
  /** The core's fd for a handle, for blocked(). */
  private fdOf: ((h: number) => number) | null = null;
  down = false;

  constructor(private readonly env: KernelEnv) {
    super();
  }

  // -- AsyncHost --

  attach(memory: WebAssembly.Memory, fds?: { sock_handle(fd: number): number }): void {
    this.memory = memory;
    if (fds) {
      this.fdOf = (h) => {
        for (let fd = 3; fd < 1024; fd++) if (fds.sock_handle(fd) === h) return fd;
        return -1;
      };
    }
  }

  private mem(): Uint8Array {
    if (this.view.buffer !== this.memory!.buffer) this.view = new Uint8Array(this.memory!.buffer);
    return this.view;
  }

  now(): number {
    return this.env.clock.now();
  }

  hostname(): string {
    return this.env.host.name;
  }

  interfaces(): Array<[string, number]> {
    return SIM_INTERFACES.map(([n, i]): [string, number] => [n, i]);
  }

  /** `resolve`, counted as a waiting call of the clock until it is called. */
  private held<T>(resolve: (v: T) => void): (v: T) => void {
    this.env.clock.hold();
    this.holds++;
    let done = false;
    return (v: T) => {
      if (!done && !this.down) {
        this.holds--;
        this.env.clock.release();
      }
      done = true;
      resolve(v);
    };
  }

  wait(h: number, interest: number, timeout: number): Promise<boolean> {
    if (this.down) return new Promise<boolean>(() => {});
    const s = this.socks.get(h);
    if (!s) return Promise.resolve(true);
    return new Promise<boolean>((settle) => {
      const resolve = this.held(settle);
      const w = { resolve, interest, timer: null as Timer | null };
      if (timeout >= 0) {
        // Rounded up, and at least 1 ns: the waiting wrapper waits again while its deadline (in
        // float seconds) is not reached, so the timer must never end a hair early.
        w.timer = this.after(Math.max(1, Math.ceil(timeout * 1e9)), () => {
          const i = s.waiters.indexOf(w);
          if (i >= 0) s.waiters.splice(i, 1);
          resolve(false);
        });
      }
      s.waiters.push(w);
    });
  }

  lookup(host: string, family: number): Promise<LookupResult> {
    return this.down ? new Promise(() => {}) : Promise.resolve(lookupOn(this.env.net, this.env.host, host, family));
  }

  resolve(req: ResolveRequest): Promise<ResolveAnswer> {
    return this.down ? new Promise(() => {}) : Promise.resolve(resolveOn(this.env.net, this.env.host, req));
  }

  /** time.sleep on this host: never settles once the host is down. */
  sleep(seconds: number): Promise<null> {
    if (this.down) return new Promise(() => {});
    return new Promise((settle) => {
      const resolve = this.held(settle);
      this.after(Math.ceil(seconds * 1e9), () => resolve(null));
    });
  }

  /** poll(2): ready at once, or when a change on one of the handles makes one so. Changes of
   * one instant are looked at together (in the next batch of events), so one answer reports
   * every socket that became ready then, as epoll_wait's does. */
  pollWait(req: PollRequest): Promise<PollReport> {
    if (this.down) return new Promise<PollReport>(() => {});
    const now = this.pollNow(req);
    if (now || req.timeout === 0) return Promise.resolve(now ?? this.pollReport(req));
    return new Promise<PollReport>((settle) => {
      const resolve = this.held(settle);
      const socks: SimSocket[] = [];
      for (const h of req.handles) {
        const s = this.socks.get(h);
        if (s) socks.push(s);
      }
      let check: Timer | null = null;
      let timer: Timer | null = null;
      const finish = (r: PollReport) => {
        this.cancel(timer);
        this.cancel(check);
        this.polls.delete(req);
        for (const s of socks) s.pollers.delete(onWake);
        resolve(r);
      };
      const onWake = () => {
        check ??= this.after(0, () => {
          check = null;
          const r = this.pollNow(req);
          if (r) finish(r);
        });
      };
      if (req.timeout > 0) timer = this.after(Math.max(1, Math.ceil(req.timeout * 1e9)), () => finish(this.pollReport(req)));
      else this.polls.add(req);
      for (const s of socks) s.pollers.add(onWake);
    });
  }

  /** The report when some handle is ready, else null. */
  private pollNow(req: PollRequest): PollReport | null {
    const r = this.pollReport(req);
    return someReady(req, r) ? r : null;
  }

  private pollReport(req: PollRequest): PollReport {
    return pollReport(req, (h) => this.sock_poll(h), (h) => this.socks.get(h));
  }

  /** The waits with no timeout, for SimNetwork.blocked(). */
  blocked(): Array<{ fd: number; call: string }> {
    const fd = (h: number) => (this.fdOf ? this.fdOf(h) : h);
    const out: Array<{ fd: number; call: string }> = [];
    for (const [h, s] of this.socks) {
      for (const w of s.waiters) if (!w.timer) out.push({ fd: fd(h), call: s.waitingFor(w.interest) });
    }
    for (const req of this.polls) for (const h of req.handles) out.push({ fd: fd(h), call: "poll" });
    return out;
  }

  // -- timers: every one is the kernel's, so a crash drops them all --

  after(ns: number, fn: () => void): Timer {
    const t = this.env.clock.after(ns, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
    return t;
  }

  cancel(t: Timer | null): void {
    if (!t) return;
    this.timers.delete(t);
    this.env.clock.cancel(t);
  }

  /** net.crash: sockets vanish without a word; pending waits and sleeps never settle. */
  crash(): void {
    this.down = true;
    this.env.clock.release(this.holds);
    this.holds = 0;
    for (const t of this.timers) this.env.clock.cancel(t);
    this.timers.clear();
    this.conns.clear();
    this.polls.clear();
    // Abstract names vanish with their sockets; a path stays, naming nobody (ECONNREFUSED).
    for (const [path, s] of this.env.paths) {
      if (path.startsWith("\0")) this.env.paths.delete(path);
      else if (s) this.env.paths.set(path, null);
    }
  }

  // -- the network side --

  ns(): number {
    return this.env.clock.ns;
  }

  isLocal(ip: string): boolean {
    return isLoopback(ip) || ip === this.env.host.ip4 || ip === this.env.host.ip6;
  }

  transmit(p: Packet): void {
    if (!this.down) this.env.net.send(this.env.host, p);
  }

  register(s: TcpSock): void {
    this.conns.set(`${s.lip}|${s.lport}|${s.rip}|${s.rport}`, s);
    s.flow = `${s.rip}|${s.rport}|${s.lip}|${s.lport}`;
  }

  unregister(s: TcpSock): void {
    const key = `${s.lip}|${s.lport}|${s.rip}|${s.rport}`;
    if (this.conns.get(key) === s) this.conns.delete(key);
  }

  receive(p: Packet): void {
    if (this.down) return;
    if (p.proto === "tcp") return this.receiveTcp(p);
    if (p.proto === "udp") return this.receiveUdp(p);
    // ICMP port unreachable: src/sport name the refused end, dst/dport the socket that sent.
    for (const s of this.bindings.get(`udp:${p.dport}`) ?? []) (s as UdpSock).refused(p.src, p.sport);
  }

  private receiveTcp(p: Packet): void {
    const c = this.conns.get(p.flow ?? `${p.dst}|${p.dport}|${p.src}|${p.sport}`);
    if (c) return c.receive(p);
    if (p.flags & RST) return;
    if ((p.flags & (SYN | ACK)) === SYN) {
      const l = this.listener(p.dst, p.dport);
      if (l) {
        l.spawn(p);
        return;
      }
    }
    // tcp_v4_send_reset: no socket for the segment.
    const ackOnly = (p.flags & ACK) !== 0;
    const len = (p.data?.length ?? 0) + (p.flags & SYN ? 1 : 0) + (p.flags & 2 ? 1 : 0);
    this.transmit({
      proto: "tcp", src: p.dst, sport: p.dport, dst: p.src, dport: p.sport,
      flags: ackOnly ? RST : RST | ACK, seq: ackOnly ? p.ack : 0, ack: ackOnly ? 0 : p.seq + len, wnd: 0, data: null, id: 0,
    });
  }

  private listener(ip: string, port: number): TcpSock | null {
    let best: TcpSock | null = null;
    for (const s of this.bindings.get(`tcp:${port}`) ?? []) {
      const t = s as TcpSock;
      if (t.state !== "listen" || !this.accepts(t, ip)) continue;
      if (t.lip === ip) return t;
      best ??= t;
    }
    return best;
  }

  /** Whether a socket bound to its address receives for destination `ip`. */
  private accepts(s: InetSock, ip: string): boolean {
    if (s.lip === ip) return true;
    if (isV4(ip)) {
      if (s.lip === ANY4) return true;
      return s.family === AF_INET6 && s.lip === ANY6 && !s.option(IPPROTO_IPV6, IPV6_V6ONLY);
    }
    return s.lip === ANY6;
  }

  private receiveUdp(p: Packet): void {
    let best: UdpSock | null = null;
    for (const s of this.bindings.get(`udp:${p.dport}`) ?? []) {
      const u = s as UdpSock;
      if (!this.accepts(u, p.dst)) continue;
      if (u.connected && (u.rip !== p.src || u.rport !== p.sport)) continue;
      if (!best || (u.lip === p.dst && best.lip !== p.dst) || (u.connected && !best.connected)) best = u;
    }
    if (best) return best.deliver(p.data!, { ip: p.src, port: p.sport });
    this.transmit({
      proto: "icmp", src: p.dst, sport: p.dport, dst: p.src, dport: p.sport, flags: 3, seq: 0, ack: 0, wnd: 0, data: null, id: 0,
    });
  }

  // -- ports --

  private overlap(a: InetSock, aip: string, b: InetSock): boolean {
    const bip = b.lip;
    const v6onlyA = a.option(IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
    const v6onlyB = b.option(IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
    const covers = (ip: string, v6only: boolean, other: string): boolean => {
      if (ip === other) return true;
      if (ip === ANY4) return isV4(other) || (other === ANY6 && !(other === bip ? v6onlyB : v6onlyA));
      if (ip === ANY6) return !isV4(other) || !v6only;
      return false;
    };
    return covers(aip, v6onlyA, bip) || covers(bip, v6onlyB, aip);
  }

  /** inet_csk_bind_conflict / udp_lib_lport_inuse, for `s` taking `ip`:`port`. */
  private conflict(s: InetSock, ip: string, port: number): boolean {
    const proto = s.type === SOCK_STREAM ? "tcp" : "udp";
    for (const o of this.bindings.get(`${proto}:${port}`) ?? []) {
      if (o === s || !this.overlap(s, ip, o)) continue;
      if (s.option(SOL_SOCKET, SO_REUSEPORT) && o.option(SOL_SOCKET, SO_REUSEPORT)) continue;
      const reuse = s.option(SOL_SOCKET, SO_REUSEADDR) && o.option(SOL_SOCKET, SO_REUSEADDR);
      // Both SO_REUSEADDR: UDP shares; TCP shares unless the other one listens.
      if (reuse && (proto === "udp" || (o as TcpSock).state !== "listen")) continue;
      return true;
    }
    return false;
  }

  private take(s: InetSock, ip: string, port: number): void {
    const key = `${s.type === SOCK_STREAM ? "tcp" : "udp"}:${port}`;
    const list = this.bindings.get(key);
    if (list) list.push(s);
    else this.bindings.set(key, [s]);
    s.lip = ip;
    s.lport = port;
    s.bound = true;
  }

  release(s: InetSock): void {
    if (!s.bound) return;
    s.bound = false;
    const key = `${s.type === SOCK_STREAM ? "tcp" : "udp"}:${s.lport}`;
    const list = this.bindings.get(key);
    if (!list) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bindings.delete(key);
  }

  /** A free ephemeral port for `s` (ip_local_port_range), drawn from the host's seeded stream. */
  private ephemeral(s: InetSock, ip: string): number {
    const proto = s.type === SOCK_STREAM ? "tcp" : "udp";
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    const start = this.env.ports.int(0, span - 1);
    for (let i = 0; i < span; i++) {
      const port = EPHEMERAL_LOW + ((start + i) % span);
      if (!this.bindings.has(`${proto}:${port}`) && !this.conflict(s, ip, port)) return port;
    }
    return -1;
  }

  /** The address a socket's sockaddr names, canonical; a v4-mapped one is its IPv4 address. */
  private inetAddr(s: SimSocket, sa: number, salen: number): { ip: string; port: number } {
    const a = readSockAddr(this.mem(), sa, salen);
    return { ip: canonicalIp(a.address) ?? a.address, port: a.port };
  }

  private bindInet(s: InetSock, ip: string, port: number): number {
    if (s.bound) return -EINVAL;
    if (s.family === AF_INET6 && isV4(ip) && s.option(IPPROTO_IPV6, IPV6_V6ONLY)) return -EINVAL;
    if (!isAny(ip) && !this.isLocal(ip)) return -EADDRNOTAVAIL;
    if (port === 0) {
      port = this.ephemeral(s, ip);
      if (port < 0) return -EADDRINUSE;
    } else if (port < UNPRIVILEGED_PORT_START) {
      return -EACCES;
    } else if (this.conflict(s, ip, port)) {
      return -EADDRINUSE;
    }
    this.take(s, ip, port);
    return 0;
  }

  private anyOf(s: SimSocket): string {
    return s.family === AF_INET6 ? ANY6 : ANY4;
  }

  /** The source address for packets to `dst` (ip_route_output's choice for one interface). */
  private source(s: InetSock, dst: string): string {
    if (!isAny(s.lip) && s.lip !== "") return s.lip;
    if (isLoopback(dst)) return isV4(dst) ? "127.0.0.1" : "::1";
    if (this.isLocal(dst)) return dst;
    return isV4(dst) ? this.env.host.ip4 : this.env.host.ip6;
  }

  /** Where a connect or send to `ip` goes: the any-address means this host. */
  private destination(s: SimSocket, ip: string): string {
    if (ip === ANY4) return "127.0.0.1";
    if (ip === ANY6) return "::1";
    return ip;
  }

  // -- the syscalls --

  private sock(h: number): SimSocket {
    const s = this.socks.get(h);
    if (!s) throw Object.assign(new Error(`pysocket sim: no handle ${h}`), { code: "EBADF" });
    return s;
  }

  private add(s: SimSocket): number {
    const h = this.nextHandle++;
    this.socks.set(h, s);
    return h;
  }

  private clock(): () => number {
    const c = this.env.clock;
    return () => c.now();
  }

  sock_open(family: number, type: number): number {
    if (family !== AF_UNIX && family !== AF_INET && family !== AF_INET6) return -EAFNOSUPPORT;
    if (family === AF_UNIX) return type === SOCK_STREAM ? this.add(new UnixSock(this)) : -ESOCKTNOSUPPORT;
    return this.add(type === SOCK_STREAM ? new TcpSock(family, this, this.clock()) : new UdpSock(family, this));
  }

  sock_pair(family: number, type: number, _proto: number, out: number): number {
    if (family !== AF_UNIX || type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const a = new UnixSock(this);
    const b = new UnixSock(this);
    UnixSock.link(a, b);
    const dv = new DataView(this.mem().buffer, out, 8);
    dv.setInt32(0, this.add(a), true);
    dv.setInt32(4, this.add(b), true);
    return 0;
  }

  sock_bind(h: number, sa: number, salen: number): number {
    const s = this.sock(h);
    if (s instanceof UnixSock) return this.bindUnix(s, readSockAddr(this.mem(), sa, salen).address);
    const { ip, port } = this.inetAddr(s, sa, salen);
    const r = this.bindInet(s as InetSock, ip, port);
    if (r === 0 && s instanceof TcpSock) s.explicit = true;
    return r;
  }

  private bindUnix(s: UnixSock, path: string): number {
    if (s.path !== "") return -EINVAL;
    if (path === "") path = this.autobindName();
    if (this.env.paths.has(path)) return -EADDRINUSE;
    this.env.paths.set(path, s);
    s.path = path;
    return 0;
  }

  /** unix_autobind: an abstract name of five hex digits, from the host's stream. */
  private autobindName(): string {
    for (;;) {
      const name = "\0" + this.env.ports.int(0, 0xfffff).toString(16).padStart(5, "0");
      if (!this.env.paths.has(name)) return name;
    }
  }

  sock_listen(h: number, backlog: number): number {
    const s = this.sock(h);
    const n = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
    if (s instanceof UnixSock) {
      if (s.path === "") this.bindUnix(s, "");
      s.listening = true;
      s.backlog = n;
      return 0;
    }
    const t = s as TcpSock;
    if (t.state === "listen") {
      t.backlog = n;
      return 0;
    }
    if (!t.bound) {
      const r = this.bindInet(t, this.anyOf(t), 0);
      if (r < 0) return r;
    } else if (this.conflict(t, t.lip, t.lport)) {
      return -EADDRINUSE;
    }
    t.state = "listen";
    t.rules.listening();
    t.backlog = n;
    return 0;
  }

  sock_connect(h: number, sa: number, salen: number): number {
    if (this.down) return -EAGAIN;
    const s = this.sock(h);
    if (s instanceof UnixSock) return this.connectUnix(s, readSockAddr(this.mem(), sa, salen).address);
    const { ip, port } = this.inetAddr(s, sa, salen);
    if (s instanceof UdpSock) return this.connectUdp(s, ip, port);
    return this.connectTcp(h, s as TcpSock, ip, port);
  }

  private connectTcp(h: number, t: TcpSock, ip: string, port: number): number {
    if (t.family === AF_INET6 && isV4(ip) && t.option(IPPROTO_IPV6, IPV6_V6ONLY)) return -ENETUNREACH;
    if (t.dead || t.state !== "closed") {
      // A new attempt after a failed one: a fresh connection keeps an explicit binding only.
      const fresh = new TcpSock(t.family, this, this.clock());
      for (const [k, v] of t.options) fresh.options.set(k, v);
      const { lip, lport, bound } = t;
      this.release(t);
      if (bound && t.explicit) {
        this.take(fresh, lip, lport);
        fresh.explicit = true;
      }
      this.socks.set(h, fresh);
      fresh.waiters = t.waiters;
      t = fresh;
    }
    const dst = this.destination(t, ip);
    const src = this.source(t, dst);
    if (!t.bound) {
      const p = this.ephemeral(t, src);
      if (p < 0) return -EADDRNOTAVAIL;
      this.take(t, src, p);
    }
    t.lip = src;
    t.rip = dst;
    t.rport = port;
    if (this.conns.has(`${t.lip}|${t.lport}|${dst}|${port}`)) return -EADDRNOTAVAIL;
    t.connect();
    return -EINPROGRESS;
  }

  private connectUdp(u: UdpSock, ip: string, port: number): number {
    const dst = this.destination(u, ip);
    if (!u.bound) {
      const r = this.bindInet(u, this.anyOf(u), 0);
      if (r < 0) return r;
    }
    // ip4_datagram_connect / ip6_datagram_connect: a wildcard binding takes the route's source.
    if (isAny(u.lip)) u.lip = this.source(u, dst);
    u.rip = dst;
    u.rport = port;
    u.connected = true;
    u.rules.connected(true);
    return 0;
  }

  sock_find(sa: number, salen: number): number {
    if (this.down) return 0;
    const path = readSockAddr(this.mem(), sa, salen).address;
    // unix_find_other: a path that names nothing is ENOENT, an abstract name ECONNREFUSED.
    if (!this.env.paths.has(path)) return path.startsWith("\0") ? -ECONNREFUSED : -ENOENT;
    const l = this.env.paths.get(path);
    return !l || !l.listening || l.closed ? -ECONNREFUSED : 0;
  }

  private connectUnix(s: UnixSock, path: string): number {
    const l = this.env.paths.get(path)!;
    if (l.acceptq.length > l.backlog) return -EAGAIN;
    const c = new UnixSock(this);
    c.path = l.path;
    UnixSock.link(s, c);
    l.acceptq.push(c);
    l.wake(READ);
    return 0;
  }

  sock_finish(h: number): number {
    if (this.down) return -EAGAIN;
    const s = this.sock(h);
    return s instanceof TcpSock ? s.connectResult() : 0;
  }

  sock_accept(h: number): number {
    if (this.down) return -EAGAIN;
    const s = this.sock(h);
    if (s instanceof UnixSock || s instanceof TcpSock) {
      const c = s.acceptq.shift();
      if (!c) return -EAGAIN;
      if (c instanceof TcpSock) c.parent = null;
      return this.add(c);
    }
    return -EINVAL;
  }

  sock_recv(h: number, buf: number, len: number, flags: number): number {
    if (this.down) return -EAGAIN;
    return this.recv(this.sock(h), buf, len, flags, -1);
  }

  sock_recv_from(h: number, buf: number, len: number, flags: number, sa: number): number {
    if (this.down) return -EAGAIN;
    return this.recv(this.sock(h), buf, len, flags, sa);
  }

  private recv(s: SimSocket, buf: number, len: number, flags: number, sa: number): number {
    const mem = this.mem();
    if (!(s instanceof UdpSock)) return (s as TcpSock | UnixSock).recv(mem, buf, len, flags);
    const r = s.rules.recv(mem.subarray(buf, buf + len), flags);
    if (r >= 0 && sa >= 0) {
      if (s.rules.source) writeSockAddr(mem, sa, s.family, s.rules.source.ip, s.rules.source.port);
      else writeNoSockAddr(mem, sa);
    }
    return r;
  }

  sock_send(h: number, buf: number, len: number): number {
    if (this.down) return -EAGAIN;
    const s = this.sock(h);
    if (s instanceof UdpSock) return this.sendUdp(s, buf, len, null);
    return (s as TcpSock | UnixSock).send(this.mem(), buf, len);
  }

  sock_send_to(h: number, buf: number, len: number, _flags: number, sa: number, salen: number): number {
    if (this.down) return -EAGAIN;
    const s = this.sock(h);
    if (!(s instanceof UdpSock)) return this.sock_send(h, buf, len);
    return this.sendUdp(s, buf, len, this.inetAddr(s, sa, salen));
  }

  /** udp_sendmsg's checks in Linux's order, then the datagram. */
  private sendUdp(u: UdpSock, buf: number, len: number, to: { ip: string; port: number } | null): number {
    if (!u.bound) {
      const r = this.bindInet(u, this.anyOf(u), 0);
      if (r < 0) return r;
    }
    if (len > 0xffff) return -EMSGSIZE;
    if (to && to.port === 0) return -EINVAL;
    if (!to && !u.connected) return -EDESTADDRREQ;
    const e = u.rules.sendError(len);
    if (e < 0) return e;
    const dst = to ? this.destination(u, to.ip) : u.rip;
    const dport = to ? to.port : u.rport;
    if (u.family === AF_INET6 && isV4(dst) && u.option(IPPROTO_IPV6, IPV6_V6ONLY)) return -ENETUNREACH;
    const data = this.mem().slice(buf, buf + len);
    this.transmit({ proto: "udp", src: this.source(u, dst), sport: u.lport, dst, dport, flags: 0, seq: 0, ack: 0, wnd: 0, data, id: 0 });
    return len;
  }

  sock_shutdown(h: number, how: number): number {
    const s = this.sock(h);
    if (s instanceof UdpSock) return s.shut(how);
    return (s as TcpSock | UnixSock).shutdown(how);
  }

  sock_close(h: number): number {
    const s = this.socks.get(h);
    if (!s) return 0;
    this.socks.delete(h);
    s.close();
    if (s instanceof UdpSock) this.release(s);
    if (s instanceof UnixSock && s.path.startsWith("\0") && this.env.paths.get(s.path) === s) this.env.paths.delete(s.path);
    return 0;
  }

  sock_addr_local(h: number, sa: number): number {
    const s = this.sock(h);
    const mem = this.mem();
    if (s instanceof UnixSock) return writeSockAddr(mem, sa, AF_UNIX, s.path, 0);
    const i = s as InetSock;
    return writeSockAddr(mem, sa, s.family, i.bound || i.lip ? i.lip : this.anyOf(s), i.lport);
  }

  sock_addr_remote(h: number, sa: number): number {
    const s = this.sock(h);
    const mem = this.mem();
    if (s instanceof UdpSock) return s.connected ? writeSockAddr(mem, sa, s.family, s.rip, s.rport) : -ENOTCONN;
    const r = (s as TcpSock | UnixSock).rules.peerName();
    if (r < 0) return r;
    if (s instanceof UnixSock) return writeSockAddr(mem, sa, AF_UNIX, s.peerPath, 0);
    const t = s as TcpSock;
    return writeSockAddr(mem, sa, t.family, t.rip, t.rport);
  }

  sock_set_option(h: number, level: number, name: number, value: number): number {
    const s = this.sock(h);
    s.options.set((level << 16) | name, value);
    if (s instanceof UdpSock && level === SOL_SOCKET && name === SO_RCVBUF) s.rules.rcvbuf = value;
    return 0;
  }

  /** Readiness as poll(2)'s revents: host/kernel's tcp_poll, unix_poll and datagram_poll. */
  sock_poll(h: number): number {
    const s = this.socks.get(h);
    if (!s) return POLLNVAL;
    if (s instanceof UdpSock) return s.rules.poll(true);
    if (s instanceof UnixSock) return s.rules.poll(s.writable(), s.acceptq.length);
    const t = s as TcpSock;
    return t.rules.poll(t.writable(), t.acceptq.length);
  }

  sock_error(h: number): number {
    return (this.sock(h) as TcpSock | UdpSock | UnixSock).rules.takeError();
  }
}
