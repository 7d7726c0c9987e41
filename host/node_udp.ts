// The Node backend's datagram sockets, over node:dgram: the transport half of UDP. Linux's rules
// (the queue, truncation, the pending error) are host/kernel/datagram.ts's.

import * as dgram from "node:dgram";
import { EAGAIN, ECONNREFUSED, EDESTADDRREQ, EINPROGRESS, EINVAL, errnoOf } from "./errno.js";
import { AF_INET6, readSockAddr, writeSockAddr, type SockAddr } from "./sockaddr.js";
import { Entry, anyAddress, copyOf, numericLookup, plain, sameHost, type Source } from "./node_entry.js";
import { READ } from "./types.js";
import { netDenied } from "./deno.js";

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
  const err = d.sendError(len);
  if (err < 0) return err;
  const udp = e.udp!;
  const data = copyOf(src);
  const onSent = e.udpSent!;
  if (sa < 0) {
    udp.send(data, onSent);
    e.unanswered = true;
    return len;
  }
  const addr = readDestination(e, mem, sa);
  const denied = netDenied(addr.address, addr.port);
  if (denied) return -denied;
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

/** recvfrom(2) into `dst` on a datagram socket, the source written at `sa` in `mem` (if >= 0). */
export function recvDatagram(e: Entry, dst: Uint8Array, mem: Uint8Array, flags: number, sa: number): number {
  const d = e.d!;
  const r = d.recv(dst, flags);
  if (r >= 0 && sa >= 0 && d.source) writeSource(e, mem, sa, d.source);
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
    if (e.d!.received(plain(data), { address: rinfo.address, port: rinfo.port })) e.wake(READ);
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
