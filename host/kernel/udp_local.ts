// Datagrams between a program's own UDP sockets, queued on the receiver within the send, as
// Linux's loopback does (udp_sendmsg → ip_finish_output → loopback_xmit → __udp4_lib_rcv →
// __udp4_lib_lookup → __udp_enqueue_schedule_skb; udpv6 alike), for the cases where it is
// certain that the real kernel would deliver to that socket and to it alone. Both the Node host
// (host/node_udp.ts) and pysocket/sync's calling thread (host/inthread_udp.ts) route through it;
// whatever it declines goes through the real kernel, as before.
//
// A datagram from A to B is queued here when all of these hold:
// - B is open, bound by bind() to its family's loopback address exactly (127.0.0.1 or ::1, not
//   a wildcard, not an IPv4-mapped address) with neither SO_REUSEADDR nor SO_REUSEPORT: then no
//   other socket of any process can hold that address and port (udp_lib_lport_inuse refuses a
//   wildcard or dual-stack bind of the port too), so __udp4_lib_lookup can find only B.
// - B and A carry no option that changes delivery or what a receive reports (see `plainOption`);
//   one set later takes B out (`forget`).
// - B is unconnected, or connected to A's source exactly (compute_score's daddr/dport test).
// - A is bound (an unbound A binds through the real path first) to its family's loopback or
//   wildcard address; its source is then that loopback address (the route's preferred source
//   for 127.0.0.1 and ::1) and its port.
// - The destination is B's name exactly: same family, the loopback address, B's port, and no
//   IPv6 scope id.
// - B's queue surely takes it (DatagramSocket.surely: Linux's truesize is its own), and no
//   earlier datagram of A's to B is still on its way through the real kernel (`arrived`), so
//   that A's datagrams keep their order.

import type { DatagramSocket } from "./datagram.js";

/** An address as Node spells it, with its port. */
export interface Endpoint {
  address: string;
  port: number;
}

const AF_INET6 = 10;
const SOL_SOCKET = 1;
const IPPROTO_IPV6 = 41;

/** Options that change neither which socket receives a datagram nor what a receive reports:
 * SO_DEBUG, SO_BROADCAST, SO_SNDBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_LINGER (SOL_SOCKET), IP_TTL,
 * IPV6_UNICAST_HOPS and IPV6_V6ONLY (which binding to ::1 makes moot). SO_RCVBUF is honoured
 * by the receiver's DatagramSocket (rcvbuf). Any other one takes the socket out. */
export function plainOption(level: number, name: number): boolean {
  if (level === SOL_SOCKET) return name === 1 || name === 6 || name === 7 || name === 8 || name === 9 || name === 10 || name === 13;
  if (level === 0) return name === 2;
  if (level === IPPROTO_IPV6) return name === 16 || name === 26;
  return false;
}

/** Node's spelling of `family`'s loopback address when `address` is it, in any spelling; else null. */
export function loopbackOf(family: number, address: string): string | null {
  if (family === AF_INET6) return address === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(address) ? "::1" : null;
  return address === "127.0.0.1" ? "127.0.0.1" : null;
}

function isWildcard(family: number, address: string): boolean {
  return family === AF_INET6 ? address === "::" || /^(0{1,4}:){7}0{1,4}$/.test(address) : address === "0.0.0.0";
}

/** The source of a datagram to loopback from a socket bound at `address`:`port`: the address
 * itself when it is the loopback, the loopback for a wildcard (the route's preferred source);
 * null for any other binding, which this module leaves to the real kernel. */
export function sourceFor(family: number, address: string, port: number): Endpoint | null {
  const lo = loopbackOf(family, address) ?? (isWildcard(family, address) ? (family === AF_INET6 ? "::1" : "127.0.0.1") : null);
  return lo === null || port === 0 ? null : { address: lo, port };
}

function key(family: number, address: string, port: number): string {
  return `${family}|${address}|${port}`;
}

/** A socket that may receive here: its kernel queue, its name, its peer, its wake-up. */
export class LocalReceiver<A extends Endpoint> {
  /** Datagrams of each sender ("address|port") that went through the real kernel and were not
   * yet seen arriving (or read: see `arrived`). */
  private viaKernel: Map<string, number> | null = null;

  constructor(
    readonly family: number,
    readonly name: Endpoint,
    /** The address B is connected to, or null. */
    readonly peer: Endpoint | null,
    readonly d: DatagramSocket<A>,
    /** Tells B's waiters that a datagram was queued. */
    readonly wake: () => void,
  ) {}

  /** A datagram from `from` reached B through the real kernel: its sender's next ones may come
   * here again once every one sent that way has. */
  arrived(from: Endpoint): void {
    const v = this.viaKernel;
    if (v === null) return;
    const k = `${from.address}|${from.port}`;
    const n = v.get(k);
    if (n === undefined) return;
    if (n > 1) v.set(k, n - 1);
    else v.delete(k);
  }

  /** Whether datagrams from `from` are on their way through the real kernel. */
  pendingFrom(from: Endpoint): boolean {
    return this.viaKernel !== null && this.viaKernel.has(`${from.address}|${from.port}`);
  }

  /** Counts one more datagram from `from` sent through the real kernel. */
  sentViaKernel(from: Endpoint): void {
    const k = `${from.address}|${from.port}`;
    const v = (this.viaKernel ??= new Map());
    v.set(k, (v.get(k) ?? 0) + 1);
  }
}

/** The receivers of one program (one thread's hosts), by family, address and port. */
export class LocalDatagrams<A extends Endpoint> {
  private readonly receivers = new Map<string, LocalReceiver<A>>();
  /** Loopback names whose receiver here closed, nothing of this program bound there since. */
  private readonly closed = new Set<string>();

  /** Registers socket `d`, bound to `name`, connected to `peer` (or null), with options that
   * all pass plainOption and neither SO_REUSEADDR nor SO_REUSEPORT: its receiver, or null when
   * its binding is not one this module can decide for (see the header). */
  listen(family: number, name: Endpoint, peer: Endpoint | null, d: DatagramSocket<A>, wake: () => void): LocalReceiver<A> | null {
    const lo = loopbackOf(family, name.address);
    if (lo === null || name.port === 0) return null;
    const r = new LocalReceiver<A>(family, { address: lo, port: name.port }, peer, d, wake);
    const k = key(family, lo, name.port);
    this.receivers.set(k, r);
    this.closed.delete(k);
    return r;
  }

  /** Receiver `r`'s socket closed: as forget, and its name is remembered (closedHere). */
  close(r: LocalReceiver<A> | null): void {
    if (r === null) return;
    this.forget(r);
    if (this.closed.size > 64) this.closed.clear();
    this.closed.add(key(r.family, r.name.address, r.name.port));
  }

  /** Whether `to` names a loopback socket of this program that closed, with nothing of this
   * program bound there since: a datagram to it is refused (ICMP port unreachable) unless
   * another process has bound the port meanwhile. */
  closedHere(family: number, to: Endpoint): boolean {
    if (this.closed.size === 0) return false;
    const lo = loopbackOf(family, to.address);
    return lo !== null && this.closed.has(key(family, lo, to.port));
  }

  /** Takes receiver `r` out at once (a close, a connect, an option): later datagrams to its name
   * go through the real kernel. */
  forget(r: LocalReceiver<A> | null): void {
    if (r === null) return;
    const k = key(r.family, r.name.address, r.name.port);
    if (this.receivers.get(k) === r) this.receivers.delete(k);
  }

  /** The receiver a datagram from `from` (a source from sourceFor, or null) to `to` goes to
   * here, or null when the real kernel must carry it. */
  route(family: number, to: Endpoint, scopeId: number, from: Endpoint | null): LocalReceiver<A> | null {
    if (from === null || this.receivers.size === 0) return null;
    const lo = loopbackOf(family, to.address);
    if (lo === null) return null;
    const r = this.receivers.get(key(family, lo, to.port));
    if (r === undefined) return null;
    // A scope id goes through the real kernel (to ::1, which needs none, it still reaches B):
    // the sender's next datagrams follow it there until it has arrived.
    if (scopeId !== 0) {
      r.sentViaKernel(from);
      return null;
    }
    if (r.peer !== null && (r.peer.port !== from.port || loopbackOf(family, r.peer.address) !== from.address)) return null;
    return r;
  }

  /** Queues `data` (a copy nobody else holds) from `from` on receiver `r` within the send, as
   * __udp_enqueue_schedule_skb would: true when queued; false when the real kernel must carry it
   * (B's queue might be full, or an earlier datagram from `from` is on its way there), which
   * this counts so that the sender's later ones follow it. */
  deliver(r: LocalReceiver<A>, data: Uint8Array, from: A): boolean {
    if (r.pendingFrom(from) || !r.d.surely(data.length)) {
      r.sentViaKernel(from);
      return false;
    }
    r.d.received(data, from);
    r.wake();
    return true;
  }
}
