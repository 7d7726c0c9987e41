// Direct mode, the worker's side (host/worker_main.ts): lends the calling thread the descriptor of
// a connected TCP stream while nothing of Node's can touch it, and takes it back. The rules, and
// the caller's side, are in host/direct.ts.
//
// Lending stops the stream's reading (its libuv handle leaves epoll: readStop, as Node's own
// back-pressure does) once nothing is queued anywhere. Taking it back reads what the kernel holds
// into the stream's kernel socket, so that the call that follows answers as Linux would, then
// reads the stream again; an end of stream or an error the caller's read or write took is fed to
// the kernel socket as Node's events would have been. A stream given back with the kernel's send
// buffer full, or whose send Node could not write at once, is lent again once Node has written
// what it holds (Lender.sendWay, Lender.written).

import type * as net from "node:net";
import { EAGAIN, ECONNRESET, EPIPE } from "./errno.js";
import { TCP_ESTABLISHED } from "./kernel/index.js";
import { copyOf, RECV_HIGH_WATER, type Entry } from "./node_entry.js";
import { ended, transportError } from "./node_stream.js";
import { AF_UNIX } from "./sockaddr.js";
import { BACK, BACK_FIN, BACK_FULL, BACK_READ_ERROR, BACK_WRITE_ERROR, io } from "./direct.js";

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

/** Lender.sendWay's answers. */
export const WRITE_NOW = 1;
export const WAIT_NODE = 2;

const EMPTY = new Uint8Array(0);

/** Whether Node holds bytes of stream `s` that it has not written yet. */
function writing(s: net.Socket, handle: StreamHandle): boolean {
  return s.writableLength > 0 || (handle.writeQueueSize ?? 0) !== 0;
}

export class Lender {
  /** Streams lent: handle → their entry. */
  private readonly lent = new Map<number, Entry>();
  /** Streams whose last send found the kernel's send buffer full (BACK_FULL, or a send made at
   * once that Node could not write whole), not lent since. */
  private readonly full = new Set<number>();
  /** Streams the program polls among others (select, poll or epoll over several sockets, as a
   * server's loop): each such poll takes a lent one back, so that lending it on a send would
   * cost a round trip for one direct call. A send does not lend them. */
  private readonly polled = new Set<number>();
  private readonly buf = new Uint8Array(CHUNK);

  has(h: number): boolean {
    return this.lent.has(h);
  }

  /** Stream `h`'s handle if it could be lent but for what Node is writing of it: a connected
   * TCP stream with a peer in another process, nothing queued to read, no event recorded.
   * `busy`: the worker holds something of it (an error taken, stage). */
  private lendable(h: number, e: Entry | undefined, busy: boolean): StreamHandle | null {
    if (this.lent.has(h)) return null;
    const s = e?.stream;
    const k = e?.k;
    if (busy || !e || !s || !k || e.family === AF_UNIX || e.peer !== null || e.key >= 0 || e.linking || e.pending !== 0) return null;
    if (k.state !== TCP_ESTABLISHED || k.queued > 0 || k.err !== 0 || k.done || k.shutdown !== 0) return null;
    if (s.connecting || s.destroyed || s.errored || s.writableEnded || s.readableLength > 0 || s.isPaused()) return null;
    const handle = handleOf(s);
    const fd = handle?.fd;
    return handle && typeof fd === "number" && Number.isInteger(fd) && fd > 2 ? handle : null;
  }

  /** Lends stream `h` of entry `e` if nothing of Node's can touch its descriptor now: the
   * descriptor, else -1. `busy`: the worker holds something of it (an error taken, stage). */
  lend(h: number, e: Entry | undefined, busy: boolean): number {
    const handle = this.lendable(h, e, busy);
    if (!handle || writing(e!.stream!, handle)) return -1;
    if (handle.reading) {
      handle.reading = false;
      if (handle.readStop() !== 0) {
        this.read(handle);
        return -1;
      }
    }
    this.lent.set(h, e!);
    this.full.delete(h);
    return handle.fd as number;
  }

  /** How the worker serves a send on stream `h`, not lent: WRITE_NOW when it could be lent once
   * Node has written the bytes (Node holds none: the send is made before it is answered, which
   * may then lend the stream); WAIT_NODE when the kernel's send buffer was full and Node still
   * holds bytes (EAGAIN, as Linux's send with its buffer full, and the wait that follows lasts
   * until Node has written them); else 0, the worker's usual path. */
  sendWay(h: number, e: Entry | undefined, busy: boolean): number {
    if (this.polled.has(h)) return 0;
    const handle = this.lendable(h, e, busy);
    if (!handle) {
      this.full.delete(h);
      return 0;
    }
    if (!writing(e!.stream!, handle)) return WRITE_NOW;
    if (this.full.has(h)) return WAIT_NODE;
    return 0;
  }

  /** Whether a send on stream `h` waits for Node to write what it holds (see sendWay). */
  filling(h: number): boolean {
    return this.full.has(h);
  }

  /** After a send made at once (WRITE_NOW, or the retry of a WAIT_NODE's wait): if Node could not
   * write it all, the kernel's send buffer is full. */
  sent(h: number, e: Entry | undefined): void {
    const s = e?.stream;
    const handle = s ? handleOf(s) : undefined;
    if (s && handle && writing(s, handle)) this.full.add(h);
    else this.full.delete(h);
  }

  /** Stream `h` is in one of the program's polls, among `n` streams: its sends take the worker's
   * usual path until it is lent again, as a poll that reports it writable (POLLOUT while Node
   * has room) promises a send after it room; among others, for good (see `polled`). */
  polling(h: number, n: number): void {
    this.full.delete(h);
    if (n > 1) this.polled.add(h);
  }

  /** Stream `h` is closed (its handle may come again). */
  forget(h: number): void {
    this.full.delete(h);
    this.polled.delete(h);
  }

  /** Resolves once Node has written every byte it holds of entry `e`'s stream, or it failed. */
  written(e: Entry | undefined): Promise<void> {
    const s = e?.stream;
    if (!s || s.destroyed || s.writableEnded || s.writableLength === 0) return Promise.resolve();
    // The callback of an empty write runs after those queued before it are done.
    return new Promise((resolve) => s.write(EMPTY, () => resolve()));
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
    } else if (kind === BACK || kind === BACK_FULL) {
      if (kind === BACK_FULL) this.full.add(h);
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
