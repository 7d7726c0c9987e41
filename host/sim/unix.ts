// AF_UNIX stream sockets within a simulated host: send() puts bytes straight on the peer's
// receive queue (unix_stream_sendmsg), so they are readable when send returns. What reads and
// writes answer is Linux's rules (host/kernel's StreamSocket, unix flavour). Paths name sockets
// in the host's in-memory namespace.

import { EAGAIN } from "../errno.js";
import { StreamSocket } from "../kernel/index.js";
import { READ, SimSocket, WRITE, type KernelTimers } from "./socket.js";

/** What one direction holds before send() waits (net.core.wmem_default). */
const CAPACITY = 212992;

export class UnixSock extends SimSocket {
  /** The bound name ("" unnamed; an abstract name starts with NUL). */
  path = "";
  peer: UnixSock | null = null;
  /** The peer's name, as getpeername reports it. */
  peerPath = "";
  listening = false;
  backlog = 0;
  acceptq: UnixSock[] = [];
  closed = false;
  readonly rules = new StreamSocket(true);

  constructor(timers: KernelTimers) {
    super(1, 1, timers);
  }

  static link(a: UnixSock, b: UnixSock): void {
    a.peer = b;
    b.peer = a;
    a.peerPath = b.path;
    b.peerPath = a.path;
    a.rules.established();
    b.rules.established();
  }

  recv(into: Uint8Array, at: number, len: number, flags: number): number {
    const n = this.rules.recv(into.subarray(at, at + len), flags);
    if (n > 0) this.peer?.wake(WRITE);
    return n;
  }

  send(from: Uint8Array, at: number, len: number): number {
    const e = this.rules.sendError();
    if (e < 0) return e;
    const p = this.peer!;
    const room = CAPACITY - p.rules.queued;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(room, len);
    p.rules.received(from.slice(at, at + n));
    p.wake(READ);
    return n;
  }

  /** Room on the peer's receive queue (unix_writable). */
  writable(): boolean {
    return this.peer !== null && this.peer.rules.queued < CAPACITY;
  }

  /** unix_shutdown: the peer's opposite side is shut too. */
  shutdown(how: number): number {
    if (this.listening) {
      if (how !== 1) this.listening = false;
      return 0;
    }
    const r = this.rules.shut(how);
    const p = this.peer;
    if (p && !p.closed) {
      if (r.fin) p.rules.fin();
      if (r.peerSend) p.rules.peerShutRead();
      p.wake();
    }
    return r.result;
  }

  /** unix_release_sock: the peer is shut both ways, and reset if data was left unread here. */
  close(): void {
    this.closed = true;
    for (const c of this.acceptq) c.close();
    this.acceptq = [];
    const p = this.peer;
    if (p) {
      p.rules.peerClosed(this.rules.queued > 0);
      p.wake();
    }
    this.wake();
  }

  waitingFor(interest: number): string {
    if (this.listening) return "accept";
    return interest === 1 ? "recv" : "send";
  }
}
