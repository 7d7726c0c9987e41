// AF_UNIX stream sockets within a simulated host: a connection is two queues, and send() puts
// bytes straight on the peer's receive queue (unix_stream_sendmsg), so they are readable when
// send returns. Paths name sockets in the host's in-memory namespace.

import { EAGAIN, ECONNRESET, EPIPE } from "../errno.js";
import { ByteQueue } from "./bytes.js";
import { SimSocket, type KernelTimers } from "./socket.js";

const MSG_PEEK = 2;
const MSG_WAITALL = 0x100;
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
  rcvq = new ByteQueue();
  /** The peer will send nothing more (it shut its write side or closed). */
  eof = false;
  error = 0;
  closed = false;
  wrShut = false;

  constructor(timers: KernelTimers) {
    super(1, 1, timers);
  }

  static link(a: UnixSock, b: UnixSock): void {
    a.peer = b;
    b.peer = a;
    a.peerPath = b.path;
    b.peerPath = a.path;
  }

  recv(into: Uint8Array, at: number, len: number, flags: number): number {
    const q = this.rcvq;
    const waitAll = (flags & MSG_WAITALL) !== 0 && !this.eof;
    if (q.length > 0 && !(waitAll && q.length < len)) {
      const n = q.copy(0, len, into, at);
      if ((flags & MSG_PEEK) === 0) {
        q.drop(n);
        this.peer?.wake();
      }
      return n;
    }
    if (this.error) return -this.takeError();
    if (this.eof || q.length > 0) return q.length > 0 ? this.recv(into, at, len, 0) : 0;
    return -EAGAIN;
  }

  send(from: Uint8Array, at: number, len: number): number {
    if (this.error) return -this.takeError();
    const p = this.peer;
    if (!p || p.closed || this.wrShut) return -EPIPE;
    const room = CAPACITY - p.rcvq.length;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(room, len);
    p.rcvq.push(from.slice(at, at + n));
    p.wake();
    return n;
  }

  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  shutWrite(): void {
    this.wrShut = true;
    if (this.peer) {
      this.peer.eof = true;
      this.peer.wake();
    }
  }

  /** unix_release_sock: the peer sees the end, and ECONNRESET if data was left unread here. */
  close(): void {
    this.closed = true;
    for (const c of this.acceptq) c.close();
    this.acceptq = [];
    const p = this.peer;
    if (p) {
      p.eof = true;
      if (this.rcvq.length > 0) p.error = ECONNRESET;
      p.wake();
    }
    this.wake();
  }

  waitingFor(interest: number): string {
    if (this.listening) return "accept";
    return interest === 1 ? "recv" : "send";
  }
}
