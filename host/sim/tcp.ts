// A model of Linux's TCP for the simulated network. Linux-exact where a program can see it:
// the handshake crosses the link (connect takes a round trip), a SYN to a port nobody listens
// on draws RST (ECONNREFUSED), a SYN into silence is resent after 1, 2, 4, 8, 16 and 32 s and
// connect fails with ETIMEDOUT 127 s after it began (tcp_syn_retries = 6), lost segments are
// resent on an RTO of at least 200 ms doubling up to 120 s, and a connection whose data goes
// unacknowledged through tcp_retries2 = 15 retransmissions fails with ETIMEDOUT; close() with
// unread data, or SO_LINGER {on, 0}, sends RST; a segment for a connection the host does not
// have draws RST; the accept queue holds backlog + 1 connections and SYNs beyond it are dropped
// (the client retries). Simplified: no congestion control (the peer's receive window is the
// only limit), go-back-N after an RTO, no Nagle, no TIME_WAIT, sequence numbers start at 0.
// What the program sees (recv, send, shutdown, getpeername, SO_ERROR after data, FIN, RST or a
// failure) is host/kernel's StreamSocket: this file moves segments and reports transport events.

import { EAGAIN } from "../errno.js";
import { StreamSocket } from "../kernel/index.js";
import { ByteQueue } from "./bytes.js";
import type { Timer } from "./clock.js";
import { ACK, FIN, RST, SYN, type Packet } from "./network.js";
import { READ, SimSocket, WRITE, type KernelTimers } from "./socket.js";

const ETIMEDOUT = 110;
const NS = 1e9;
const RTO_INIT = 1;
const RTO_MIN = 0.2;
const RTO_MAX = 120;
const SYN_RETRIES = 6;
const SYNACK_RETRIES = 5;
const RETRIES2 = 15;
const DELACK = 0.04;
const FIN_TIMEOUT = 60;
/** MSS on loopback (MTU 65536) and on a link (MTU 1500). */
const MSS_LO = 65483;
const MSS_LINK = 1460;
const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_LINGER = 13;
const DEFAULT_RCVBUF = 131072;
/** Linux grows a connection's send buffer up to tcp_wmem[2] = 4 MiB; the simulator gives it
 * that at once (Node's host holds as much). */
const DEFAULT_SNDBUF = 4 * 1024 * 1024;

/** What a TCP socket asks of its kernel. */
export interface TcpKernel extends KernelTimers {
  transmit(p: Packet): void;
  /** Virtual time in nanoseconds. */
  ns(): number;
  /** Whether `ip` is this host (loopback or its own address). */
  isLocal(ip: string): boolean;
  /** The connection's 4-tuple starts (or stops) naming it for arriving segments. */
  register(s: TcpSock): void;
  unregister(s: TcpSock): void;
  /** The socket's port binding is released. */
  release(s: TcpSock): void;
}

type State = "closed" | "listen" | "syn_sent" | "syn_recv" | "open";

export class TcpSock extends SimSocket {
  lip = "";
  lport = 0;
  rip = "";
  rport = 0;
  /** The socket holds a port binding (bind, listen, connect). */
  bound = false;
  /** The peer's key for this connection, once both ends are known (Packet.flow). */
  flow: string | undefined = undefined;
  /** The binding came from bind(), so a failed connect keeps it. */
  explicit = false;
  state: State = "closed";
  // Listening.
  backlog = 0;
  acceptq: TcpSock[] = [];
  synq = new Set<TcpSock>();
  parent: TcpSock | null = null;
  // Sending: sequence numbers count the SYN (0), then data from 1, then the FIN.
  private sndq = new ByteQueue();
  /** The sequence number of sndq's first byte. */
  private qSeq = 1;
  private sndUna = 0;
  private sndNxt = 0;
  private finWanted = false;
  private finSent = false;
  finAcked = false;
  private peerWnd = 65535;
  // Receiving: the bytes wait in rules' queue.
  private rcvNxt = 0;
  private ofo = new Map<number, Packet>();
  private peerFin = false;
  private lastWnd = 0;
  private unacked = 0;
  /** The Python-visible state: Linux's rules (host/kernel). */
  readonly rules = new StreamSocket(false);
  /** The transport is gone (TCP_CLOSE: reset, timed out, or finished). */
  dead = false;
  /** The program closed it; the kernel finishes sending (an orphan, tcp_close). */
  orphan = false;
  // Timers.
  // The retransmission and delayed-ACK timers are set once and moved lazily, as Linux's
  // sk_reset_timer does: disarming only clears the deadline, and a timer that fires early
  // re-arms itself for the deadline, so a busy connection does not make a timer per segment.
  private rtoTimer: Timer | null = null;
  /** The retransmission deadline in virtual ns; 0 when disarmed. */
  private rtoAt = 0;
  private ackTimer: Timer | null = null;
  private ackDue = false;
  private finTimer: Timer | null = null;
  private srtt = 0;
  private rttvar = 0;
  private rto = RTO_INIT;
  private shift = 0;
  private retries = 0;
  private rttSeq = -1;
  private rttAt = 0;
  private now: () => number;

  constructor(family: number, private readonly k: TcpKernel, now: () => number) {
    super(family, 1, k);
    this.now = now;
  }

  private get local(): boolean {
    return this.k.isLocal(this.rip);
  }

  private mss(): number {
    return this.local ? MSS_LO : MSS_LINK;
  }

  private rcvbuf(): number {
    return this.option(SOL_SOCKET, SO_RCVBUF, DEFAULT_RCVBUF);
  }

  private sndbuf(): number {
    return this.option(SOL_SOCKET, SO_SNDBUF, DEFAULT_SNDBUF);
  }

  private window(): number {
    return Math.max(0, this.rcvbuf() - this.rules.queued);
  }

  private emit(flags: number, seq: number, data: Uint8Array | null): void {
    const wnd = this.window();
    if (flags & ACK) {
      this.lastWnd = wnd;
      this.unacked = 0;
      this.ackDue = false;
    }
    this.k.transmit({
      proto: "tcp", src: this.lip, sport: this.lport, dst: this.rip, dport: this.rport,
      flags, seq, ack: flags & ACK ? this.rcvNxt : 0, wnd, data, id: 0, flow: this.flow,
    });
  }

  private sendAck(): void {
    this.emit(ACK, this.sndNxt, null);
  }

  // -- connecting --

  /** connect(2) after the kernel chose both ends: sends the SYN. */
  connect(): void {
    this.state = "syn_sent";
    this.rules.connecting();
    this.k.register(this);
    this.sndUna = 0;
    this.sndNxt = 1;
    this.rttSeq = 0;
    this.rttAt = this.now();
    this.emit(SYN, 0, null);
    this.armRto();
  }

  /** A SYN reached listener `this`: a child in SYN_RECV answers it, or null when the accept
   * queue is full (the SYN is dropped, as Linux drops it, and the client resends). */
  spawn(p: Packet): TcpSock | null {
    if (this.acceptq.length + this.synq.size > this.backlog) return null;
    const c = new TcpSock(this.family, this.k, this.now);
    for (const [key, v] of this.options) c.options.set(key, v);
    c.lip = p.dst;
    c.lport = p.dport;
    c.rip = p.src;
    c.rport = p.sport;
    c.state = "syn_recv";
    c.rules.connecting();
    c.parent = this;
    c.rcvNxt = p.seq + 1;
    c.peerWnd = p.wnd;
    c.sndUna = 0;
    c.sndNxt = 1;
    this.synq.add(c);
    this.k.register(c);
    c.emit(SYN | ACK, 0, null);
    c.armRto();
    return c;
  }

  // -- arriving segments --

  receive(p: Packet): void {
    if (p.flags & RST) return this.onReset();
    if (this.state === "syn_sent") {
      if ((p.flags & (SYN | ACK)) !== (SYN | ACK) || p.ack !== 1) return;
      this.rcvNxt = p.seq + 1;
      this.sndUna = 1;
      this.peerWnd = p.wnd;
      this.established();
      this.sendAck();
      this.wake();
      return;
    }
    if (this.state === "syn_recv") {
      if (p.flags & SYN) return this.emit(SYN | ACK, 0, null);
      if (!(p.flags & ACK) || p.ack < 1) return;
      this.sndUna = 1;
      this.established();
      const parent = this.parent!;
      parent.synq.delete(this);
      parent.acceptq.push(this);
      parent.wake(READ);
    }
    if (this.state !== "open") return;
    if (p.flags & SYN) return this.sendAck();
    if (p.flags & ACK) this.onAck(p);
    if ((p.data && p.data.length > 0) || p.flags & FIN) this.onData(p);
    else if (p.seq < this.rcvNxt && !this.dead) this.sendAck();
  }

  private established(): void {
    this.state = "open";
    this.rules.established();
    this.rtoAt = 0;
    if (this.rttSeq >= 0 && this.retries === 0) this.sample(this.now() - this.rttAt);
    this.rttSeq = -1;
    this.retries = 0;
    this.shift = 0;
  }

  /** RFC 6298's estimator with Linux's 200 ms floor on the variance term. */
  private sample(rtt: number): void {
    if (this.srtt === 0) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    this.rto = Math.min(RTO_MAX, this.srtt + Math.max(4 * this.rttvar, RTO_MIN));
  }

  private onAck(p: Packet): void {
    this.peerWnd = p.wnd;
    const end = this.dataEnd() + (this.finSent ? 1 : 0);
    if (p.ack > this.sndUna && p.ack <= end) {
      const dataAcked = Math.min(p.ack, this.dataEnd()) - this.qSeq;
      if (dataAcked > 0) {
        this.sndq.drop(dataAcked);
        this.qSeq += dataAcked;
      }
      if (this.rttSeq >= 0 && p.ack > this.rttSeq) {
        this.sample(this.now() - this.rttAt);
        this.rttSeq = -1;
      }
      this.sndUna = p.ack;
      if (this.sndNxt < this.sndUna) this.sndNxt = this.sndUna;
      if (this.finSent && p.ack === end && !this.finAcked) {
        this.finAcked = true;
        this.rules.finAcked();
      }
      this.retries = 0;
      this.shift = 0;
      this.rtoAt = 0;
      this.wake(WRITE);
    }
    this.output();
    if (this.finAcked) this.maybeDone();
  }

  private onData(p: Packet): void {
    const len = p.data ? p.data.length : 0;
    if (this.orphan && len > 0 && p.seq + len > this.rcvNxt) {
      // tcp_rcv_state_process: data for a socket the program closed is answered with RST.
      this.emit(RST, this.sndNxt, null);
      return this.destroy();
    }
    if (p.seq > this.rcvNxt) {
      if (p.seq - this.rcvNxt < this.rcvbuf()) this.ofo.set(p.seq, p);
      return this.sendAck();
    }
    if (p.seq + len + (p.flags & FIN ? 1 : 0) <= this.rcvNxt) return this.sendAck();
    if (!this.take(p)) return;
    for (let next = this.ofo.get(this.rcvNxt); next; next = this.ofo.get(this.rcvNxt)) {
      this.ofo.delete(this.rcvNxt);
      if (!this.take(next)) return;
    }
    for (const seq of this.ofo.keys()) if (seq < this.rcvNxt) this.ofo.delete(seq);
    this.wake(READ);
    if (this.local || this.peerFin || this.ofo.size > 0 || ++this.unacked >= 2) this.sendAck();
    else {
      this.ackDue = true;
      this.ackTimer ??= this.k.after(DELACK * NS, this.ackFire);
    }
    if (this.peerFin) this.maybeDone();
  }

  /** Takes the new part of an in-order segment; false when it reset the connection. */
  private take(p: Packet): boolean {
    const data = p.data;
    if (data && data.length > 0) {
      const skip = this.rcvNxt - p.seq;
      const fresh = skip > 0 ? data.subarray(skip) : data;
      const room = this.window();
      const n = Math.min(fresh.length, room);
      if (n > 0 && !this.rules.received(n === data.length ? data : fresh.slice(0, n))) {
        // The rules reset this socket on the data (RFC 1122): the sender hears RST.
        this.emit(RST, this.sndNxt, null);
        this.destroy();
        return false;
      }
      this.rcvNxt += n;
      if (n < fresh.length) return true;
    }
    if (p.flags & FIN && !this.peerFin) {
      this.peerFin = true;
      this.rcvNxt++;
      this.rules.fin();
    }
    return true;
  }

  /** An RST: the rules set the error the state calls for (tcp_reset). */
  private onReset(): void {
    if (this.state === "syn_recv") {
      this.parent?.synq.delete(this);
      return this.destroy();
    }
    if (this.state !== "open" && this.state !== "syn_sent") return;
    this.rules.reset();
    this.destroy();
  }

  /** The transport gave up (ETIMEDOUT). */
  private fail(errno: number): void {
    this.rules.failed(errno);
    this.destroy();
  }

  /** TCP_CLOSE: the connection is gone; reads see the end, writes EPIPE. */
  destroy(): void {
    this.dead = true;
    this.state = "closed";
    this.k.cancel(this.rtoTimer);
    this.k.cancel(this.ackTimer);
    this.k.cancel(this.finTimer);
    this.rtoTimer = this.ackTimer = this.finTimer = null;
    this.rtoAt = 0;
    this.k.unregister(this);
    // tcp_set_state(TCP_CLOSE) gives back a port bind() did not pick.
    if (this.orphan || !this.explicit) this.k.release(this);
    this.wake();
  }

  private maybeDone(): void {
    if (!this.orphan) return;
    if (this.finAcked && this.peerFin) return this.destroy();
    if (this.finAcked && !this.finTimer) this.finTimer = this.k.after(FIN_TIMEOUT * NS, () => this.destroy());
  }

  // -- sending --

  private dataEnd(): number {
    return this.qSeq + this.sndq.length;
  }

  private output(): void {
    if (this.state !== "open") return;
    const end = this.dataEnd();
    const mss = this.mss();
    while (this.sndNxt < end) {
      const room = this.peerWnd - (this.sndNxt - this.sndUna);
      const len = Math.min(mss, end - this.sndNxt, room);
      if (len <= 0) break;
      const data = this.sndq.slice(this.sndNxt - this.qSeq, len);
      if (this.rttSeq < 0 && this.retries === 0) {
        this.rttSeq = this.sndNxt;
        this.rttAt = this.now();
      }
      const seq = this.sndNxt;
      this.sndNxt += len;
      this.emit(ACK, seq, data);
    }
    if (this.finWanted && !this.finSent && this.sndNxt === end) {
      this.finSent = true;
      this.sndNxt = end + 1;
      this.emit(FIN | ACK, end, null);
    }
    if (this.sndNxt > this.sndUna || (this.sndq.length > 0 && this.peerWnd === 0)) this.armRto();
  }

  private armRto(): void {
    if (this.rtoAt) return;
    const wait = Math.round(Math.min(RTO_MAX, this.rto * 2 ** this.shift) * NS);
    this.rtoAt = this.k.ns() + wait;
    this.rtoTimer ??= this.k.after(wait, this.rtoFire);
  }

  private readonly rtoFire = (): void => {
    this.rtoTimer = null;
    if (!this.rtoAt) return;
    const left = this.rtoAt - this.k.ns();
    if (left > 0) {
      this.rtoTimer = this.k.after(left, this.rtoFire);
      return;
    }
    this.rtoAt = 0;
    this.onRto();
  };

  private readonly ackFire = (): void => {
    this.ackTimer = null;
    if (this.ackDue && !this.dead) this.sendAck();
  };

  private onRto(): void {
    this.rttSeq = -1;
    if (this.state === "syn_sent" || this.state === "syn_recv") {
      if (++this.retries > (this.state === "syn_sent" ? SYN_RETRIES : SYNACK_RETRIES)) {
        if (this.state === "syn_recv") this.parent?.synq.delete(this);
        return this.fail(ETIMEDOUT);
      }
      this.shift++;
      this.emit(this.state === "syn_sent" ? SYN : SYN | ACK, 0, null);
      return this.armRto();
    }
    if (this.state !== "open") return;
    if (this.sndNxt === this.sndUna) {
      // A zero window: probe with an old sequence number, which the peer answers with an ACK
      // that carries its window (tcp_send_probe0).
      if (this.sndq.length === 0) return;
      this.shift = Math.min(this.shift + 1, 10);
      this.emit(ACK, this.sndUna - 1, null);
      return this.armRto();
    }
    if (++this.retries > RETRIES2) return this.fail(ETIMEDOUT);
    this.shift++;
    this.sndNxt = this.sndUna;
    if (!this.finAcked) this.finSent = false;
    this.output();
  }

  // -- the program's calls --

  recv(into: Uint8Array, at: number, len: number, flags: number): number {
    const n = this.rules.recv(into.subarray(at, at + len), flags);
    if (n > 0 && this.state === "open") {
      // A window that was closing is reopened at once (tcp_cleanup_rbuf's window update).
      const half = Math.min(this.rcvbuf() / 2, 65535);
      if (this.lastWnd < half && this.window() >= half) this.sendAck();
    }
    return n;
  }

  send(from: Uint8Array, at: number, len: number): number {
    const e = this.rules.sendError();
    if (e < 0) return e;
    if (this.state !== "open") return -EAGAIN;
    const room = this.sndbuf() - this.sndq.length;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(len, room);
    this.sndq.push(from.slice(at, at + n));
    this.output();
    return n;
  }

  /** Room in the send buffer (sk_stream_is_writeable; a fresh socket has all of it). */
  writable(): boolean {
    return this.sndq.length < this.sndbuf();
  }

  /** shutdown(2): the rules decide; the transport sends the FIN or disconnects. */
  shutdown(how: number): number {
    const r = this.rules.shut(how);
    if (r.fin) this.shutWrite();
    if (r.disconnect) {
      if (this.state === "listen") this.stopListening();
      else this.abort();
    }
    return r.result;
  }

  /** The FIN follows the queued data (shutdown(SHUT_WR), close()). */
  private shutWrite(): void {
    if (this.finWanted || this.state !== "open") return;
    this.finWanted = true;
    this.output();
  }

  /** A listener stops listening: its queued and half-open connections are reset. */
  stopListening(): void {
    for (const c of [...this.acceptq, ...this.synq]) {
      c.orphan = true;
      c.abort();
    }
    this.acceptq = [];
    this.synq.clear();
    this.state = "closed";
    this.wake();
  }

  /** Sends RST and forgets the connection (close with unread data, SO_LINGER 0). */
  abort(): void {
    if (this.state === "open" || this.state === "syn_recv") this.emit(RST | ACK, this.sndNxt, null);
    this.destroy();
  }

  close(): void {
    if (this.state === "listen") {
      this.stopListening();
      this.k.release(this);
      return;
    }
    const linger = this.options.get((SOL_SOCKET << 16) | SO_LINGER);
    this.orphan = true;
    if (this.state === "open" && (this.rules.queued > 0 || linger === 0)) return this.abort();
    if (this.state !== "open") {
      if (!this.dead) this.destroy();
      else this.k.release(this);
      return;
    }
    this.shutWrite();
    this.maybeDone();
  }

  /** sock_finish for a connect: the rules' outcome. The error stays pending in sk_err, where
   * the core reads it with SO_ERROR, as CPython's internal_connect does. */
  connectResult(): number {
    return this.rules.connectResult();
  }

  waitingFor(interest: number): string {
    if (this.state === "listen") return "accept";
    if (this.state === "syn_sent") return "connect";
    return interest === 1 ? "recv" : "send";
  }
}
