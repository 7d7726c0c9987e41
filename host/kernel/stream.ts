// Linux's rules for a stream socket (TCP, AF_UNIX SOCK_STREAM), in one place for every backend.
// A backend moves bytes and reports what its transport saw; this module owns the state those
// events change and answers the syscalls from it as Linux does. No Node: the simulator uses it
// as it is. Buffers are Uint8Array.
//
// API (stable; host/sim builds on it):
//   new StreamSocket(unix)              a socket in state TCP_CLOSE (never connected)
// Transport events, from the backend:
//   connecting()                        connect() started: SYN_SENT
//   established()                       the handshake completed (or an accepted connection)
//   listening()                         listen() succeeded: TCP_LISTEN
//   received(bytes)                     bytes arrived in order (kept, not copied: hand over a
//                                       buffer nobody writes again); false when they reset
//                                       this socket instead (resetsData): the sender gets RST
//   fin()                               the peer's FIN (tcp_fin)
//   finAcked()                          the peer acknowledged this end's FIN: LAST_ACK ends
//   reset()                             an RST arrived (tcp_reset): the errno depends on state
//   failed(errno)                       the transport gave up (ETIMEDOUT, EHOSTUNREACH,
//                                       ECONNREFUSED for a refused connect): tcp_done with sk_err
//   peerClosed(unread)                  AF_UNIX: the peer closed (unix_release_sock); `unread`:
//                                       it left bytes unread, which resets this end
// Syscalls, answering a count, 0 or a negative errno:
//   recv(dst, flags)                    tcp_recvmsg / unix_stream_recvmsg, flags MSG_PEEK,
//                                       MSG_WAITALL, MSG_TRUNC (discard)
//   sendError()                         0 when send may queue bytes, else tcp_sendmsg's -errno
//   peerShutRead()                      AF_UNIX: the peer shut its read side (unix_shutdown)
//   shut(how)                           inet_shutdown / unix_shutdown: {result, fin, disconnect,
//                                       peerSend: the peer must be told peerShutRead}
//   peerName()                          0, or -ENOTCONN where inet_getname refuses
//   connectResult()                     -EAGAIN while SYN_SENT, then 0 or -sk_err (not cleared)
//   takeError()                         SO_ERROR: sk_err, cleared (sock_error)
//   poll(writable, backlog)             tcp_poll / unix_poll mask (poll.ts)
// State read by backends: state, shutdown, err, done, queued.

import { EAGAIN, ECONNREFUSED, ECONNRESET, EINVAL, ENOTCONN, EPIPE } from "../errno.js";
import { RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, tcpPoll, unixStreamPoll, type PollState } from "./poll.js";

/** sk_state values (include/net/tcp_states.h). */
export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_FIN_WAIT1 = 4;
export const TCP_CLOSE = 7;
export const TCP_CLOSE_WAIT = 8;
export const TCP_LAST_ACK = 9;
export const TCP_LISTEN = 10;

export const MSG_PEEK = 0x2;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_WAITALL = 0x100;

export { RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK };

/** What shutdown() did: its result, whether the backend must now send FIN (tcp_shutdown), and
 * whether it must abort the connection or stop listening (tcp_disconnect). */
export interface ShutdownResult {
  result: number;
  fin: boolean;
  disconnect: boolean;
  /** AF_UNIX: this end shut reading, so its peer may no longer send (peerShutRead). */
  peerSend: boolean;
}

/** The empty receive queue of every socket that has not received yet. */
const NO_CHUNKS: Uint8Array[] = [];

/** StreamSocket's small state in one field (memory per connection): sk_state in bits 0-3,
 * sk_shutdown in 4-5, the flags below, sk_err from bit 9. Getters keep the API. */
const STATE = 0xf;
const SHUT_SHIFT = 4;
const UNIX = 0x40;
const PAIRED = 0x80;
const DONE = 0x100;
const ERR_SHIFT = 9;
const LOW = (1 << ERR_SHIFT) - 1;

export class StreamSocket implements PollState {
  /** Bytes in the receive queue. */
  queued = 0;
  /** See STATE. */
  private bits: number;
  /** The receive queue; NO_CHUNKS (shared, never written) until bytes arrive, as most sockets
   * sit idle (memory per connection). */
  private chunks: Uint8Array[] = NO_CHUNKS;
  /** Bytes of chunks[0] already read. */
  private head = 0;

  constructor(unix: boolean) {
    this.bits = TCP_CLOSE | (unix ? UNIX : 0);
  }

  /** sk_state: one of the TCP_* values. */
  get state(): number { return this.bits & STATE; }
  set state(v: number) { this.bits = (this.bits & ~STATE) | v; }
  /** sk_shutdown: RCV_SHUTDOWN | SEND_SHUTDOWN. */
  get shutdown(): number { return (this.bits >> SHUT_SHIFT) & SHUTDOWN_MASK; }
  set shutdown(v: number) { this.bits = (this.bits & ~(SHUTDOWN_MASK << SHUT_SHIFT)) | (v << SHUT_SHIFT); }
  /** sk_err: the pending error, reported once. */
  get err(): number { return this.bits >>> ERR_SHIFT; }
  set err(v: number) { this.bits = (this.bits & LOW) | (v << ERR_SHIFT); }

  /** An AF_UNIX stream socket. */
  get unix(): boolean { return (this.bits & UNIX) !== 0; }
  /** SOCK_DONE: the peer's FIN arrived; reads past the data return 0 from then on. */
  get done(): boolean { return (this.bits & DONE) !== 0; }
  /** AF_UNIX: the socket has (had) a peer, so getpeername answers. */
  private get paired(): boolean { return (this.bits & PAIRED) !== 0; }

  // Transport events.

  /** connect() started: a new connection, nothing of an earlier one kept (tcp_disconnect). */
  connecting(): void {
    this.state = TCP_SYN_SENT;
    // tcp_disconnect after a failed attempt opens both directions again.
    this.shutdown = 0;
    this.err = 0;
    this.bits &= ~DONE;
    this.chunks = NO_CHUNKS;
    this.head = 0;
    this.queued = 0;
  }

  established(): void {
    this.state = TCP_ESTABLISHED;
    this.bits |= PAIRED;
  }

  listening(): void {
    this.state = TCP_LISTEN;
  }

  received(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    // tcp_rcv_state_process (RFC 1122): data for a socket that sent its FIN and was shut for
    // reading resets it, and the backend answers the sender with RST.
    if (this.resetsData) {
      this.reset();
      return false;
    }
    if (this.chunks === NO_CHUNKS) this.chunks = [bytes];
    else this.chunks.push(bytes);
    this.queued += bytes.length;
    return true;
  }

  /** tcp_fin: end of stream; ESTABLISHED becomes CLOSE_WAIT, and a socket that sent its own FIN
   * is done (FIN_WAIT → TIME_WAIT → tcp_done). */
  fin(): void {
    this.bits |= DONE;
    this.shutdown |= RCV_SHUTDOWN;
    if (this.state === TCP_ESTABLISHED) this.state = TCP_CLOSE_WAIT;
    else if (this.state === TCP_FIN_WAIT1) this.close();
  }

  /** Whether data reaching this socket draws a reset instead (tcp_rcv_state_process, RFC 1122):
   * it sent its FIN (FIN_WAIT1/2) and was shut for reading. */
  get resetsData(): boolean {
    return !this.unix && this.state === TCP_FIN_WAIT1 && (this.shutdown & RCV_SHUTDOWN) !== 0;
  }

  /** The ACK of this end's FIN (tcp_rcv_state_process): from LAST_ACK, tcp_done. (FIN_WAIT1
   * becomes FIN_WAIT2, which answers every syscall as FIN_WAIT1 does.) */
  finAcked(): void {
    if (this.state === TCP_LAST_ACK) this.close();
  }

  /** tcp_reset: the pending error by state, then tcp_done. Unread data stays readable. */
  reset(): void {
    if (this.unix) return this.peerClosed(true);
    if (this.state === TCP_CLOSE) return;
    if (this.state === TCP_SYN_SENT) this.err = ECONNREFUSED;
    else if (this.state === TCP_CLOSE_WAIT) this.err = EPIPE;
    else this.err = ECONNRESET;
    this.close();
  }

  /** The transport gave up with `errno` (tcp_write_err, a refused or timed-out connect). */
  failed(errno: number): void {
    this.err = errno;
    this.close();
  }

  /** unix_shutdown on the peer with SHUT_RD: sends here are EPIPE from now on. */
  peerShutRead(): void {
    this.shutdown |= SEND_SHUTDOWN;
  }

  /** unix_release_sock on the peer: no more reads or writes; a reset if it left data unread. */
  peerClosed(unread: boolean): void {
    this.shutdown = SHUTDOWN_MASK;
    if (unread) this.err = ECONNRESET;
  }

  /** tcp_done: state CLOSE, both directions shut. */
  private close(): void {
    this.state = TCP_CLOSE;
    this.shutdown = SHUTDOWN_MASK;
  }

  // Syscalls.

  /** tcp_recvmsg: queued data first; with none, end of stream (0), then the pending error once,
   * then a shut read side (0), then ENOTCONN if never connected, else EAGAIN. MSG_WAITALL waits
   * for `dst.length` bytes unless one of those ends the stream. */
  recv(dst: Uint8Array, flags: number): number {
    // unix_stream_read_generic refuses any socket not connected (listening, or never paired)
    // before anything else; tcp_recvmsg a listener.
    if (this.unix && !this.paired) return -EINVAL;
    if (this.state === TCP_LISTEN) return -ENOTCONN;
    const len = dst.length;
    if (this.queued > 0) {
      const short = (flags & MSG_WAITALL) !== 0 && this.queued < len;
      if (!short || this.done || this.err || this.shutdown & RCV_SHUTDOWN || this.state === TCP_CLOSE) {
        return this.take(dst, (flags & MSG_PEEK) !== 0);
      }
      return -EAGAIN;
    }
    if (this.unix) {
      if (this.err) return -this.takeError();
      if (this.shutdown & RCV_SHUTDOWN) return 0;
      return -EAGAIN;
    }
    if (this.done) return 0;
    if (this.err) return -this.takeError();
    if (this.shutdown & RCV_SHUTDOWN) return 0;
    if (this.state === TCP_CLOSE) return -ENOTCONN;
    return -EAGAIN;
  }

  /** Copies queued bytes into `dst`; consumes them unless peeking. */
  private take(dst: Uint8Array, peek: boolean): number {
    const chunks = this.chunks;
    const len = dst.length;
    let n = 0;
    let i = 0;
    let off = this.head;
    while (n < len && i < chunks.length) {
      const c = chunks[i];
      const k = Math.min(c.length - off, len - n);
      dst.set(c.subarray(off, off + k), n);
      n += k;
      off += k;
      if (off === c.length) {
        i++;
        off = 0;
      }
    }
    if (!peek) {
      if (i > 0) chunks.splice(0, i);
      this.head = off;
      this.queued -= n;
    }
    return n;
  }

  /** Drops up to `n` queued bytes, as a recv that copies nowhere. */
  discard(n: number): number {
    let left = Math.min(n, this.queued);
    const taken = left;
    while (left > 0) {
      const c = this.chunks[0];
      const k = Math.min(c.length - this.head, left);
      left -= k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.queued -= taken;
    return taken;
  }

  /** tcp_sendmsg's checks before it queues anything: still connecting is EAGAIN
   * (sk_stream_wait_connect); a pending error is returned and cleared; a shut write side or a
   * connection that is done is EPIPE. AF_UNIX (unix_stream_sendmsg): EPIPE once either side
   * shut it, the pending error left alone. */
  sendError(): number {
    if (this.unix) {
      if (!this.paired) return -ENOTCONN;
      return this.shutdown & SEND_SHUTDOWN ? -EPIPE : 0;
    }
    if (this.state === TCP_SYN_SENT) return -EAGAIN;
    if (this.state !== TCP_ESTABLISHED && this.state !== TCP_CLOSE_WAIT) {
      if (this.err) return -this.takeError();
      return -EPIPE;
    }
    if (this.err || this.shutdown & SEND_SHUTDOWN) return this.err ? -this.takeError() : -EPIPE;
    return 0;
  }

  /** shutdown(2) with how = SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2). inet_shutdown: a socket
   * never connected answers ENOTCONN yet records the flags; a listener shut for reading, or a
   * connect in progress, is disconnected. unix_shutdown always records and succeeds. */
  shut(how: number): ShutdownResult {
    const mode = how + 1;
    if (this.unix) {
      this.shutdown |= mode;
      return { result: 0, fin: (mode & SEND_SHUTDOWN) !== 0, disconnect: false, peerSend: (mode & RCV_SHUTDOWN) !== 0 };
    }
    if (this.state === TCP_LISTEN) {
      if (!(mode & RCV_SHUTDOWN)) return { result: 0, fin: false, disconnect: false, peerSend: false };
      this.state = TCP_CLOSE;
      return { result: 0, fin: false, disconnect: true, peerSend: false };
    }
    if (this.state === TCP_SYN_SENT) {
      this.state = TCP_CLOSE;
      return { result: 0, fin: false, disconnect: true, peerSend: false };
    }
    const result = this.state === TCP_CLOSE ? -ENOTCONN : 0;
    const already = this.shutdown & SEND_SHUTDOWN;
    this.shutdown |= mode;
    let fin = false;
    if (mode & SEND_SHUTDOWN && !already) {
      if (this.state === TCP_ESTABLISHED) {
        this.state = TCP_FIN_WAIT1;
        fin = true;
      } else if (this.state === TCP_CLOSE_WAIT) {
        this.state = TCP_LAST_ACK;
        fin = true;
      }
    }
    return { result, fin, disconnect: false, peerSend: false };
  }

  /** inet_getname(peer): ENOTCONN in CLOSE or SYN_SENT. unix_getname: any socket that had a
   * peer answers. */
  peerName(): number {
    if (this.unix) return this.paired ? 0 : -ENOTCONN;
    return this.state === TCP_CLOSE || this.state === TCP_SYN_SENT || this.state === TCP_LISTEN ? -ENOTCONN : 0;
  }

  /** The outcome of connect() so far: -EAGAIN while the handshake runs, then 0, or the pending
   * error (left pending: SO_ERROR or the next connect() takes it). */
  connectResult(): number {
    if (this.state === TCP_SYN_SENT) return -EAGAIN;
    if (this.err && !this.paired) return -this.err;
    return this.paired || this.state !== TCP_CLOSE ? 0 : -ECONNREFUSED;
  }

  /** sock_error: the pending error, cleared (SO_ERROR). */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  /** Readiness: tcp_poll or unix_poll. */
  poll(writable: boolean, backlog = 0): number {
    return this.unix ? unixStreamPoll(this, writable, backlog) : tcpPoll(this, writable, backlog);
  }
}
