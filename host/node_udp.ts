// The Node backend's datagram sockets, over node:dgram: the transport half of UDP. Linux's rules
// (the queue, truncation, the pending error) are host/kernel/datagram.ts's; a datagram between
// two sockets of this thread goes straight onto the receiver's queue when host/kernel/udp_local.ts
// says the real kernel would deliver it there alone, and Node does not carry it.

import * as dgram from "node:dgram";
import { EAGAIN, ECONNREFUSED, EDESTADDRREQ, EINPROGRESS, EINVAL, errnoOf } from "./errno.js";
import { AF_INET6, readSockAddr, writeNoSockAddr, writeSockAddr, type SockAddr } from "./sockaddr.js";
import { Entry, anyAddress, copyOf, numericLookup, plain, sameHost, type Source } from "./node_entry.js";
import { READ } from "./types.js";
import { netDenied } from "./deno.js";
import { LocalDatagrams, plainOption, sourceFor, type Endpoint, type LocalReceiver } from "./kernel/index.js";

const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;
const SO_RCVBUF = 8;

/** This thread's datagram sockets that may receive within a send (host/kernel/udp_local.ts). */
const local = new LocalDatagrams<Source>();

/** A datagram socket's part in local delivery. */
interface LocalState {
  /** Its receiver, while datagrams may be queued on it within a send. */
  rx: LocalReceiver<Source> | null;
  /** The source its datagrams to loopback carry, while they may be delivered within the send. */
  source: Source | null;
  /** The address it is connected to. */
  peer: Endpoint | null;
  /** An option took it out of local delivery for good. */
  excluded: boolean;
}

const states = new WeakMap<Entry, LocalState>();

function stateOf(e: Entry): LocalState {
  let st = states.get(e);
  if (st === undefined) {
    st = { rx: null, source: null, peer: null, excluded: false };
    states.set(e, st);
  }
  return st;
}

/** Files datagram socket `e` for local delivery as its binding and connection now stand (after a
 * bind, a connect, an autobind): its name is what getsockname(2) answers. */
function localRefresh(e: Entry): void {
  const st = stateOf(e);
  local.forget(st.rx);
  st.rx = null;
  st.source = null;
  if (st.excluded || !e.udp) return;
  const name = e.udp.address();
  st.peer = e.udpConnected ? e.udp.remoteAddress() : null;
  st.source = sourceFor(e.family, name.address, name.port);
  st.rx = local.listen(e.family, name, st.peer, e.d!, () => e.wake(READ));
}

/** A datagram socket's option: SO_RCVBUF is the queue's limit; one that udp_local.ts cannot
 * honour (SO_REUSEADDR, SO_REUSEPORT, those that change what a receive reports) takes the
 * socket out of local delivery, as sender and as receiver. */
export function udpOption(e: Entry, level: number, name: number, value: number): void {
  if (level === SOL_SOCKET && name === SO_RCVBUF) e.d!.rcvbuf = value;
  if (plainOption(level, name) && !(level === SOL_SOCKET && (name === SO_REUSEADDR || name === SO_REUSEPORT))) return;
  const st = stateOf(e);
  st.excluded = true;
  localRefresh(e);
}

/** A connect starts: the socket stops receiving within sends until it is over. */
export function udpConnecting(e: Entry): void {
  const st = states.get(e);
  if (st === undefined) return;
  local.forget(st.rx);
  st.rx = null;
  st.source = null;
}

/** The connect is over (it succeeded or failed): file the socket anew. */
export const udpConnected = localRefresh;

/** A close: later datagrams to its name go through the real kernel (and a connected sender hears
 * ECONNREFUSED), at once. */
export function udpClosed(e: Entry): void {
  const st = states.get(e);
  if (st !== undefined) local.close(st.rx);
}

/** Whether no socket holds loopback `address`:`port` now (a datagram there is refused): it can
 * be bound, exclusively, at once. */
function unheld(e: Entry, address: string, port: number): boolean {
  const probe = dgram.createSocket({ type: e.family === AF_INET6 ? "udp6" : "udp4", lookup: numericLookup });
  let free = true;
  probe.once("error", () => {
    free = false;
  });
  probe.bind({ address, port, exclusive: true });
  probe.close();
  return free;
}

/** Binds a datagram socket at once: with a lookup that answers synchronously, node:dgram
 * binds inside bind() and reports a failure as a synchronous 'error' event. Bun's and Deno's
 * bind() return before the socket has its address: there the bind ends on 'listening' or
 * 'error', and sock_finish answers it, as it does a TCP bind. */
export function bindUdp(e: Entry, address: string, port: number): number {
  const udp = udpSocket(e);
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
  if (!hasAddress(udp)) return bindLater(e, udp);
  e.udpBound = true;
  applyUdpOptions(e);
  localRefresh(e);
  return 0;
}

/** Whether a datagram socket has its address yet (udp.address() throws until it has). */
function hasAddress(udp: dgram.Socket): boolean {
  try {
    udp.address();
    return true;
  } catch {
    return false;
  }
}

/** The rest of a bind the runtime finishes later: -EINPROGRESS now, e.pending when it ends. */
function bindLater(e: Entry, udp: dgram.Socket): number {
  e.pending = -EAGAIN;
  const end = (err: unknown) => {
    udp.removeListener("listening", bound);
    udp.removeListener("error", end);
    e.pending = err ? -errnoOf(err) : 0;
    if (!err) {
      e.udpBound = true;
      applyUdpOptions(e);
      localRefresh(e);
    }
    e.wakeAll();
  };
  const bound = () => end(null);
  udp.once("listening", bound);
  udp.once("error", end);
  return -EINPROGRESS;
}

/** SO_ERROR of a datagram socket. On Linux a datagram sent to a closed loopback port is refused (ICMP) within
 * the send; Node reports it later. So when nothing is pending and a connected datagram went
 * out since the last look, ask the port: if it can be bound, nobody listens on it. */
export function udpError(e: Entry): number {
  const d = e.d!;
  if (d.err || !e.unanswered || !e.udp) return d.takeError();
  e.unanswered = false;
  const peer = e.udp.remoteAddress();
  if (!unheld(e, peer.address, peer.port)) return 0;
  // Node's own report of the same refusal comes later; it is this one.
  e.refusalsReported++;
  d.icmpError(ECONNREFUSED);
  return d.takeError();
}

/** sendto(2) of the bytes `src` (to the sockaddr at `sa` in `mem`, if >= 0). */
export function sendDatagram(e: Entry, src: Uint8Array, mem: Uint8Array, sa: number): number {
  const len = src.length;
  const d = e.d!;
  // Linux binds an unbound socket to an ephemeral port on its first send, even one that
  // then fails for want of a destination or a valid port.
  if (e.pending === -EAGAIN) return -EAGAIN;
  if (!e.udpBound) {
    const denied = netDenied(anyAddress(e.family), 0);
    if (denied) return -denied;
    const r = bindUdp(e, anyAddress(e.family), 0);
    // A bind that ends later wakes this send's caller when it has.
    if (r === -EINPROGRESS) return -EAGAIN;
    if (r < 0) return r;
  }
  if (sa < 0 && !e.udpConnected) return -EDESTADDRREQ;
  // udp_sendmsg looks at the destination's port before what the socket holds (a pending error,
  // a shut write side); only a length past 0xFFFF comes first.
  const addr = sa >= 0 ? readDestination(e, mem, sa) : null;
  if (addr !== null && addr.port === 0 && len <= 0xffff) return -EINVAL;
  const err = d.sendError(len);
  if (err < 0) return err;
  const udp = e.udp!;
  const data = copyOf(src);
  const onSent = e.udpSent!;
  const st = states.get(e);
  if (addr === null) {
    if (st?.source && st.peer && withinSend(e, st.source, st.peer, 0, data)) return len;
    // To a socket of this program that closed: loopback's refusal (ICMP) is pending when the
    // send returns, as udp_err leaves it on a connected socket, and nobody takes the datagram.
    if (st?.peer && local.closedHere(e.family, st.peer) && unheld(e, st.peer.address, st.peer.port)) {
      d.icmpError(ECONNREFUSED);
      e.wakeAll();
      return len;
    }
    udp.send(data, onSent);
    e.unanswered = true;
    return len;
  }
  const denied = netDenied(addr.address, addr.port);
  if (denied) return -denied;
  if (addr.port === 0) return -EINVAL;
  if (st?.source && withinSend(e, st.source, addr, addr.scopeId, data)) return len;
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

/** Queues datagram `data` on its receiver in this thread when udp_local.ts says the real kernel
 * would deliver it there alone: true when it did, and Node need not carry it. */
function withinSend(e: Entry, source: Source, to: Endpoint, scopeId: number, data: Uint8Array): boolean {
  const r = local.route(e.family, to, scopeId, source);
  return r !== null && local.deliver(r, data, source);
}

/** recvfrom(2) into `dst` on a datagram socket, the source written at `sa` in `mem` (if >= 0). */
export function recvDatagram(e: Entry, dst: Uint8Array, mem: Uint8Array, flags: number, sa: number): number {
  const d = e.d!;
  const r = d.recv(dst, flags);
  if (r >= 0 && sa >= 0) {
    if (d.source) writeSource(e, mem, sa, d.source);
    else writeNoSockAddr(mem, sa);
  }
  return r;
}

// A datagram socket mostly talks to one peer: keep its last sockaddr both ways, so that
// recvfrom and sendto do not parse and format the same address for every datagram.

function writeSource(e: Entry, mem: Uint8Array, sa: number, d: Source): void {
  const c = e.sourceCache;
  if (c && c.port === d.port && c.address === d.address) {
    mem.set(c.bytes, sa);
    return;
  }
  const len = writeSockAddr(mem, sa, e.family, d.address, d.port);
  e.sourceCache = { address: d.address, port: d.port, bytes: mem.slice(sa, sa + len) };
}

function readDestination(e: Entry, mem: Uint8Array, sa: number): SockAddr {
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

export function udpSocket(e: Entry): dgram.Socket {
  if (e.udp) return e.udp;
  const udp = dgram.createSocket({
    type: e.family === AF_INET6 ? "udp6" : "udp4",
    lookup: numericLookup,
    ipv6Only: e.option(41, 26) !== 0,
    reuseAddr: e.option(1, 2) !== 0,
  });
  e.udp = udp;
  // A send's failure that Node reports later (one callback per socket, not per datagram).
  e.udpSent = (err: Error | null) => {
    if (err) {
      e.d!.failed(errnoOf(err));
      e.wakeAll();
    }
  };
  udp.on("message", (data, rinfo) => {
    const from = { address: rinfo.address, port: rinfo.port };
    states.get(e)?.rx?.arrived(from);
    if (e.d!.received(plain(data), from)) e.wake(READ);
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
      e.d!.icmpError(errno);
    } else {
      e.d!.failed(errno);
    }
    e.wakeAll();
  });
  e.adopt(udp);
  return udp;
}

export function applyUdpOptions(e: Entry): void {
  const udp = e.udp!;
  if (e.option(1, 6)) udp.setBroadcast(true);
  if (e.options?.has((0 << 16) | 2)) udp.setTTL(e.option(0, 2));
}
