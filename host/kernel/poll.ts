// Readiness as Linux computes it for poll(2): tcp_poll (net/ipv4/tcp.c), unix_poll
// (net/unix/af_unix.c) and datagram_poll (net/core/datagram.c), over the state the stream and
// datagram modules own. No Node: the simulator uses this as it is.

import type { PollReport, PollRequest } from "../types.js";

/** poll(2) bits, Linux's values (include/uapi/asm-generic/poll.h). */
export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
export const POLLRDNORM = 0x40;
export const POLLRDBAND = 0x80;
export const POLLWRNORM = 0x100;
export const POLLWRBAND = 0x200;
export const POLLRDHUP = 0x2000;

/** sk_shutdown bits (include/net/sock.h). */
export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;

/** The part of a socket's state that readiness depends on. */
export interface PollState {
  /** Linux's sk_state: one of the TCP_* values in stream.ts. */
  readonly state: number;
  /** sk_shutdown: RCV_SHUTDOWN | SEND_SHUTDOWN. */
  readonly shutdown: number;
  /** sk_err: a pending error (positive errno), 0 if none. */
  readonly err: number;
  /** Bytes (stream) or datagrams waiting to be read. */
  readonly queued: number;
}

// sk_state values poll needs (include/net/tcp_states.h); stream.ts exports them all.
const TCP_SYN_SENT = 2;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;

/** tcp_poll. `writable`: the send buffer has room (sk_stream_is_writeable); `backlog`: for a
 * listener, connections waiting in the accept queue. */
export function tcpPoll(s: PollState, writable: boolean, backlog = 0): number {
  if (s.state === TCP_LISTEN) return backlog > 0 ? POLLIN | POLLRDNORM : 0;
  let mask = 0;
  if (s.shutdown === SHUTDOWN_MASK || s.state === TCP_CLOSE) mask |= POLLHUP;
  if (s.shutdown & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
  if (s.state !== TCP_SYN_SENT) {
    if (s.queued > 0) mask |= POLLIN | POLLRDNORM;
    if (!(s.shutdown & SEND_SHUTDOWN)) {
      if (writable) mask |= POLLOUT | POLLWRNORM;
    } else {
      mask |= POLLOUT | POLLWRNORM;
    }
  }
  if (s.err) mask |= POLLERR;
  return mask;
}

/** unix_poll, for AF_UNIX stream sockets. `connected`: it has (or had) a peer. */
export function unixStreamPoll(s: PollState, writable: boolean, backlog = 0): number {
  if (s.state === TCP_LISTEN) return backlog > 0 ? POLLIN | POLLRDNORM : 0;
  let mask = 0;
  if (s.err) mask |= POLLERR;
  if (s.shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
  if (s.shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (s.queued > 0) mask |= POLLIN | POLLRDNORM;
  if (s.state === TCP_CLOSE) mask |= POLLHUP;
  if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  return mask;
}

/** datagram_poll (udp_poll). */
export function datagramPoll(s: PollState, writable: boolean): number {
  let mask = 0;
  if (s.err) mask |= POLLERR;
  if (s.shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
  if (s.shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
  if (s.queued > 0) mask |= POLLIN | POLLRDNORM;
  if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
  return mask;
}

/** The poll(2) bits a wake-up for reading concerns (POLLIN, POLLPRI, POLLRDNORM, POLLRDBAND,
 * POLLHUP, POLLERR, POLLRDHUP), and for writing (POLLOUT, POLLWRNORM, POLLWRBAND, POLLERR). */
const POLLIN_SET = POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR | POLLRDHUP;
const POLLOUT_SET = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;

/** A socket's counts of wake-ups, per direction (edge-triggered epoll compares them). */
export interface WakeCounts {
  readWakes: number;
  writeWakes: number;
}

/** The wake-ups of `s` that concern a wait for `events`. */
export function wakesFor(s: WakeCounts, events: number): number {
  return ((events & POLLIN_SET ? s.readWakes : 0) + (events & POLLOUT_SET ? s.writeWakes : 0)) | 0;
}

/** Whether entry `i` of a poll(2)-style request is ready in `report`: its mask meets its
 * events and, for an edge-triggered wait (`since`), a wake-up came after the one it saw. */
export function entryReady(req: PollRequest, report: PollReport, i: number): boolean {
  return (report.masks[i] & req.events[i]) !== 0 && (req.since === null || req.since[i] !== report.wakes[i]);
}

/** A poll request's report: each handle's mask (`maskOf`: POLLNVAL for one not open) and its
 * wake-ups for its events (`countsOf`: undefined for a handle not open). */
export function pollReport(
  req: PollRequest, maskOf: (h: number) => number, countsOf: (h: number) => WakeCounts | undefined,
): PollReport {
  const n = req.handles.length;
  const masks = new Int32Array(n);
  const wakes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = req.handles[i];
    masks[i] = maskOf(h);
    const counts = countsOf(h);
    if (counts) wakes[i] = wakesFor(counts, req.events[i]);
  }
  return { masks, wakes };
}

/** Whether some entry of the request is ready in `report`. */
export function someReady(req: PollRequest, report: PollReport): boolean {
  for (let i = 0; i < req.handles.length; i++) if (entryReady(req, report, i)) return true;
  return false;
}

/** Whether a poll mask satisfies a wait for reading (POLLIN) or writing (POLLOUT): as
 * CPython's sock_call_ex's poll, an error or hang-up wakes either. */
export function ready(mask: number, events: number): boolean {
  return (mask & (events | POLLERR | POLLHUP | POLLNVAL)) !== 0;
}
