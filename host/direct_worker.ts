// Direct mode, the worker's side (host/worker_main.ts): lends the calling thread the descriptor of
// a connected TCP stream while nothing of Node's can touch it, and takes it back. The rules, and
// the caller's side, are in host/direct.ts.
//
// Lending stops the stream's reading (its libuv handle leaves epoll: readStop, as Node's own
// back-pressure does) once nothing is queued anywhere. Taking it back reads what the kernel holds
// into the stream's kernel socket, so that the call that follows answers as Linux would, then
// reads the stream again; an end of stream or an error the caller's read or write took is fed to
// the kernel socket as Node's events would have been.

import type * as net from "node:net";
import { EAGAIN, ECONNRESET, EPIPE } from "./errno.js";
import { TCP_ESTABLISHED } from "./kernel/index.js";
import { copyOf, RECV_HIGH_WATER, type Entry } from "./node_entry.js";
import { ended, transportError } from "./node_stream.js";
import { AF_UNIX } from "./sockaddr.js";
import { BACK, BACK_FIN, BACK_READ_ERROR, BACK_WRITE_ERROR, io } from "./direct.js";

/** The parts of Node's stream handle (TCPWrap) used here: not documented. */
interface StreamHandle {
  fd?: unknown;
  reading?: boolean;
  writeQueueSize?: number;
  readStart(): number;
  readStop(): number;
}

const handleOf = (s: net.Socket): StreamHandle | undefined => (s as unknown as { _handle?: StreamHandle })._handle ?? undefined;

/** Bytes read at once as a stream is taken back. */
const CHUNK = 64 * 1024;

export class Lender {
  /** Streams lent: handle → their entry. */
  private readonly lent = new Map<number, Entry>();
  private readonly buf = new Uint8Array(CHUNK);

  has(h: number): boolean {
    return this.lent.has(h);
  }

  /** Lends stream `h` of entry `e` if nothing of Node's can touch its descriptor now: the
   * descriptor, else -1. `busy`: the worker holds something of it (an error taken, stage). */
  lend(h: number, e: Entry | undefined, busy: boolean): number {
    if (this.lent.has(h)) return -1;
    const s = e?.stream;
    const k = e?.k;
    if (busy || !e || !s || !k || e.family === AF_UNIX || e.peer !== null || e.key >= 0 || e.linking || e.pending !== 0) return -1;
    if (k.state !== TCP_ESTABLISHED || k.queued > 0 || k.err !== 0 || k.done || k.shutdown !== 0) return -1;
    if (s.connecting || s.destroyed || s.errored || s.writableEnded || s.writableLength > 0 || s.readableLength > 0 || s.isPaused()) return -1;
    const handle = handleOf(s);
    const fd = handle?.fd;
    if (!handle || typeof fd !== "number" || !Number.isInteger(fd) || fd <= 2 || (handle.writeQueueSize ?? 0) !== 0) return -1;
    if (handle.reading) {
      handle.reading = false;
      if (handle.readStop() !== 0) {
        this.read(handle);
        return -1;
      }
    }
    this.lent.set(h, e);
    return fd;
  }

  /** The caller gave stream `h` back, with what it saw (`kind`, host/direct.ts). */
  takeBack(h: number, kind: number, errno: number): void {
    const e = this.lent.get(h);
    if (!e) return;
    this.lent.delete(h);
    const s = e.stream!;
    const handle = handleOf(s)!;
    const fd = handle.fd as number;
    if (kind === BACK_FIN) {
      ended(e, s);
    } else if (kind === BACK_READ_ERROR) {
      this.failed(e, errno);
    } else if (kind === BACK_WRITE_ERROR) {
      // Bytes that came before the reset stay readable (tcp_reset leaves the receive queue).
      while (this.drainOnce(e, fd) > 0);
      this.failed(e, errno);
    } else if (kind === BACK) {
      let r = 1;
      while (r > 0 && e.k!.queued < RECV_HIGH_WATER) r = this.drainOnce(e, fd);
      if (r === 0) ended(e, s);
      else if (r < 0 && r !== -EAGAIN) transportError(e, -r);
      else this.read(handle);
    }
  }

  /** An error the caller's read or write took (and so cleared): the connection is over, the
   * error no longer pending (tcp_reset, then sock_error). */
  private failed(e: Entry, errno: number): void {
    const k = e.k!;
    if (errno === ECONNRESET || errno === EPIPE) k.reset();
    else k.failed(errno);
    k.takeError();
    e.wakeAll();
  }

  /** One read into the kernel socket: the count, 0 at end of stream, or -errno. */
  private drainOnce(e: Entry, fd: number): number {
    const n = io(true, fd, this.buf, 0, CHUNK);
    if (n > 0) e.deliver(copyOf(this.buf.subarray(0, n)));
    return n;
  }

  private read(handle: StreamHandle): void {
    if (handle.reading) return;
    handle.reading = true;
    handle.readStart();
  }
}
