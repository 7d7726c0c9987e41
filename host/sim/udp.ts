// UDP sockets of a simulated host: a queue of whole datagrams, bounded by the receive buffer
// (datagrams past it are dropped, as Linux drops them), read one per call and truncated to the
// reader's buffer; the pending error that an ICMP port unreachable sets on a connected socket.

import { EAGAIN } from "../errno.js";
import { SimSocket, type KernelTimers } from "./socket.js";

const MSG_PEEK = 2;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
/** net.core.rmem_default. */
const DEFAULT_RCVBUF = 212992;

export interface Datagram {
  data: Uint8Array;
  ip: string;
  port: number;
}

export class UdpSock extends SimSocket {
  lip = "";
  lport = 0;
  bound = false;
  rip = "";
  rport = 0;
  connected = false;
  error = 0;
  private queue: Datagram[] = [];
  private queued = 0;

  constructor(family: number, timers: KernelTimers) {
    super(family, 2, timers);
  }

  /** A datagram arrived for this socket. */
  deliver(d: Datagram): void {
    if (this.queued + d.data.length > this.option(SOL_SOCKET, SO_RCVBUF, DEFAULT_RCVBUF)) return;
    this.queue.push(d);
    this.queued += d.data.length;
    this.wake();
  }

  /** An ICMP port unreachable for a datagram this socket sent: only a connected socket hears
   * it (__udp4_lib_err without IP_RECVERR). */
  refused(ip: string, port: number): void {
    if (!this.connected || ip !== this.rip || port !== this.rport) return;
    this.error = 111;
    this.wake();
  }

  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  /** __skb_recv_udp: a pending error first, then the oldest datagram. */
  recv(into: Uint8Array, at: number, len: number, flags: number): Datagram | number {
    if (this.error) return -this.takeError();
    const d = this.queue[0];
    if (!d) return -EAGAIN;
    into.set(d.data.subarray(0, Math.min(len, d.data.length)), at);
    if ((flags & MSG_PEEK) === 0) {
      this.queue.shift();
      this.queued -= d.data.length;
    }
    return d;
  }

  close(): void {
    this.queue = [];
    this.queued = 0;
    this.wake();
  }

  waitingFor(interest: number): string {
    return interest === 1 ? "recvfrom" : "sendto";
  }
}
