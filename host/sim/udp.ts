// UDP sockets of a simulated host. The queue, its receive-buffer limit, truncation and the
// pending error an ICMP port unreachable leaves are Linux's rules (host/kernel's
// DatagramSocket); this file holds the socket's addresses and hears its packets.

import { DatagramSocket } from "../kernel/index.js";
import { READ, SimSocket, type KernelTimers } from "./socket.js";

const ECONNREFUSED = 111;

export interface Source {
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
  readonly rules: DatagramSocket<Source>;

  constructor(family: number, timers: KernelTimers) {
    super(family, 2, timers);
    this.rules = new DatagramSocket<Source>(family);
  }

  /** A datagram arrived for this socket (dropped when the receive buffer is full). */
  deliver(data: Uint8Array, from: Source): void {
    if (this.rules.received(data, from)) this.wake(READ);
  }

  /** An ICMP port unreachable for a datagram this socket sent to ip:port. */
  refused(ip: string, port: number): void {
    if (!this.connected || ip !== this.rip || port !== this.rport) return;
    this.rules.icmpError(ECONNREFUSED);
    this.wake();
  }

  /** inet_shutdown: recorded by the rules, and the socket's sleepers woken (sk_state_change). */
  shut(how: number): number {
    const r = this.rules.shut(how);
    this.wake();
    return r;
  }

  close(): void {
    this.wake();
  }

  waitingFor(interest: number): string {
    return interest === 1 ? "recvfrom" : "sendto";
  }
}
