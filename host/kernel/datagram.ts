// Linux's rules for a datagram socket (UDP), in one place for every backend: the receive queue
// and its limit, truncation, the pending error an ICMP message leaves on a connected socket.
// No Node: the simulator uses it as it is. Buffers are Uint8Array.
//
// API (stable; host/sim builds on it). `A` is the backend's source address type.
//   new DatagramSocket<A>(family)       family AF_INET (2) or AF_INET6 (10)
// Transport events, from the backend:
//   received(data, from)                a datagram arrived; false if dropped (rcvbuf full)
//   icmpError(errno)                    an ICMP error for a datagram sent (port unreachable is
//                                       ECONNREFUSED): kept only if connected (__udp4_lib_err)
//   failed(errno)                       a local transport error to report once
//   connected(on)                       the socket was connected (true) or disconnected (false)
// Syscalls, answering a count, 0 or a negative errno:
//   recv(dst, flags)                    udp_recvmsg: the count copied, or the datagram's whole
//                                       length with MSG_TRUNC; `source` and `truncated` then
//                                       describe the datagram read
//   sendError(len)                      0 when a datagram of `len` bytes may go, else -errno
//   shut(how)                           inet_shutdown: 0, or -ENOTCONN (flags still recorded)
//   takeError()                         SO_ERROR
//   poll(writable)                      datagram_poll mask (poll.ts)
//   surely(len)                         whether Linux would surely queue a datagram of `len`
//                                       bytes now (udp_local.ts delivers only such ones)
// State read by backends: state, shutdown, err, queued (datagrams), bytes, rcvbuf.

import { EAGAIN, EMSGSIZE, ENOTCONN, EPIPE } from "../errno.js";
import { RCV_SHUTDOWN, SEND_SHUTDOWN, datagramPoll, type PollState } from "./poll.js";
import { MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, TCP_CLOSE, TCP_ESTABLISHED } from "./stream.js";

/** Linux's default receive buffer (net.core.rmem_default). */
export const UDP_RCVBUF = 212992;

/** The largest UDP payload: 65535 less the IPv4 and UDP headers; IPv6 has no header in its
 * 65535-byte payload length, so loopback allows 65527. */
export function maxPayload(family: number): number {
  return family === 10 ? 65527 : 65507;
}

/** An upper bound of the truesize Linux charges to sk_rmem_alloc for a UDP datagram of `len`
 * bytes: the skb head and the data rounded up to a power-of-two allocation (or pages), whatever
 * the kernel's sizes; the exact figure is the kernel's own and differs between versions. */
export function truesizeBound(len: number): number {
  return 2 * len + 4096;
}

export class DatagramSocket<A> implements PollState {
  readonly family: number;
  /** TCP_ESTABLISHED when connected, TCP_CLOSE otherwise (as udp sockets keep sk_state). */
  state = TCP_CLOSE;
  shutdown = 0;
  err = 0;
  /** Datagrams waiting. */
  queued = 0;
  /** Their bytes, against rcvbuf. */
  bytes = 0;
  /** The most rmem their skbs can charge (truesizeBound of each). */
  charge = 0;
  rcvbuf = UDP_RCVBUF;
  /** The source of the datagram the last recv read. */
  source: A | null = null;
  /** Whether the last recv read less than its datagram (recvmsg's MSG_TRUNC flag). */
  truncated = false;
  private queue: Array<{ data: Uint8Array; from: A }> = [];

  constructor(family: number) {
    this.family = family;
  }

  // Transport events.

  /** A datagram arrived; dropped, as __udp_enqueue_schedule_skb does, when the queue holds
   * rcvbuf bytes already. */
  received(data: Uint8Array, from: A): boolean {
    if (this.bytes + data.length > this.rcvbuf) return false;
    this.queue.push({ data, from });
    this.queued++;
    this.bytes += data.length;
    this.charge += truesizeBound(data.length);
    return true;
  }

  /** Whether __udp_enqueue_schedule_skb would queue a datagram of `len` bytes now, whatever the
   * kernel's truesize: it takes one whenever the queue is empty, and any one while the charge
   * with it stays within rcvbuf (older kernels check the charge before it only). */
  surely(len: number): boolean {
    return this.queued === 0 || this.charge + truesizeBound(len) <= this.rcvbuf;
  }

  /** __udp4_lib_err: without IP_RECVERR only a connected socket keeps the error. */
  icmpError(errno: number): void {
    if (this.state === TCP_ESTABLISHED) this.err = errno;
  }

  failed(errno: number): void {
    this.err = errno;
  }

  connected(on: boolean): void {
    this.state = on ? TCP_ESTABLISHED : TCP_CLOSE;
  }

  // Syscalls.

  /** udp_recvmsg: the pending error first (__skb_try_recv_datagram reads sk_err before the
   * queue), then the head datagram, cut to `dst` (the rest is dropped unless peeking). With
   * nothing queued a socket shut for reading returns 0 with no source if the call may block
   * (__skb_wait_for_more_packets ends at once), -EAGAIN under MSG_DONTWAIT (O_NONBLOCK). */
  recv(dst: Uint8Array, flags: number): number {
    if (this.err) return -this.takeError();
    const d = this.queue[0];
    if (!d) {
      this.source = null;
      return this.shutdown & RCV_SHUTDOWN && (flags & MSG_DONTWAIT) === 0 ? 0 : -EAGAIN;
    }
    const n = Math.min(dst.length, d.data.length);
    dst.set(d.data.subarray(0, n));
    if ((flags & MSG_PEEK) === 0) {
      this.queue.shift();
      this.queued--;
      this.bytes -= d.data.length;
      this.charge -= truesizeBound(d.data.length);
    }
    this.source = d.from;
    this.truncated = n < d.data.length;
    return flags & MSG_TRUNC ? d.data.length : n;
  }

  /** udp_sendmsg: too long is EMSGSIZE; sock_alloc_send_pskb then reports the pending error
   * (cleared), then a shut write side as EPIPE. */
  sendError(len: number): number {
    if (len > maxPayload(this.family)) return -EMSGSIZE;
    if (this.err) return -this.takeError();
    if (this.shutdown & SEND_SHUTDOWN) return -EPIPE;
    return 0;
  }

  /** inet_shutdown on a datagram socket: ENOTCONN unless connected, the flags recorded anyway. */
  shut(how: number): number {
    this.shutdown |= how + 1;
    return this.state === TCP_ESTABLISHED ? 0 : -ENOTCONN;
  }

  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  poll(writable: boolean): number {
    return datagramPoll(this, writable);
  }
}
