// Direct mode, the calling thread's side (host/worker.ts): a connected TCP stream of the worker's
// whose file descriptor the worker lends this thread, so that a send is one write(2) and a recv
// one read(2) made here, with no message to the worker and no wake-up of it: a round trip with a
// peer in another process then wakes one thread, as CPython's does. Node's side is
// host/direct_worker.ts.
//
// What it uses of Node beyond the documented API: the descriptor of a net.Socket
// (`socket._handle.fd`), and its handle's readStop()/readStart() and `reading` flag, which Node's
// own back-pressure uses (a plain pause() would not stop libuv's reading at once, and an accepted
// socket cannot be given the `onread` option that makes it do so). So it is on only where the
// runtime is Node proper (not Bun, not Deno, which keep the worker's path) and the descriptor is
// an integer above 2, and never when the environment sets PYSOCKET_DIRECT=0 (the tests' way to
// run the worker's path). Client and accepted connections alike; never AF_UNIX, never a
// connection whose other end is in this process (those have their own paths).
//
// Safety, as descriptor numbers are reused (a write into a reused one could land in a user's
// file), rests on these rules:
// - The worker lends a descriptor only as it answers a request about that stream (this thread is
//   blocked then), and only while nothing of Node's can touch it: its handle not reading (so not
//   in epoll: Node cannot see an error and close it), no write queued or under way in Node,
//   nothing queued in its kernel socket (host/kernel) or staged, no FIN, error or shutdown
//   recorded, no peer in this process; and it revokes the stream's CREDIT, so nothing of it is
//   sent ahead through Node meanwhile. It names the stream and the descriptor in LENT_H/LENT_FD.
// - Every other call about the stream (a wait that outlasts the spin, a recv with flags, recvfrom,
//   poll/select, close, shutdown, an option, SO_ERROR, a send that did not fit) first gives the
//   descriptor back, by a message the worker reads before that call: it reads what the kernel
//   holds into its kernel socket (so that the call answers as Linux would: a close with unread
//   bytes resets, a select sees them) and reads the stream again. Bytes are neither lost nor
//   reordered: nothing of Node's was queued when the stream was lent, and what this thread
//   wrote is in the kernel before anything the worker writes after it takes the stream back.
// - A read that sees the end of stream (0) or takes an error (ECONNRESET...: read(2) reports a
//   pending error once), and a write that takes one, give the descriptor back with that event,
//   so that the worker's kernel socket answers every later call as Linux would.
// - This thread uses a descriptor only while the worker has not exited (GONE, which the worker
//   also sets itself as it exits, before Node closes its handles) and while it still names the
//   socket it named when lent (device and inode, one fstat(2) per call): a worker thread that runs
//   out of memory ends without its exit event, and Node closes its handles before the watcher
//   can mark it GONE. A worker killed from outside (the process ends) ends this thread too.
// - The worker's wait stays the one way to block for longer than a short spin (SPIN_S) with
//   read(2): spinning longer would compete for a core with the peer that is to answer.
// - A write the kernel's send buffer does not take whole gives the stream back marked full
//   (BACK_FULL); the rest of that send goes to the worker ahead, unanswered (Node, which holds
//   nothing of a stream lent, takes it whole, after the give-back, in order). The next send
//   answers EAGAIN, as Linux's would with its buffer full, and its wait lasts until Node has
//   written the rest; its answer lends the stream again (only once Node holds nothing of it): a
//   bulk sender writes here, with one round trip each time the kernel's buffer fills.

import { fstatSync, readSync, writeSync } from "node:fs";
import { EAGAIN } from "./errno.js";

/** The control words of the lending, after host/worker.ts's own. */
export const LENT_H = 16;
export const LENT_FD = 17;
/** What gives a descriptor back: [0, GIVE_BACK, handle, kind, errno]; not answered. */
export const BACK = 0;
export const BACK_FIN = 1;
export const BACK_READ_ERROR = 2;
export const BACK_WRITE_ERROR = 3;
/** The worker keeps `errno` as the stream's pending error (a send that was partly written). */
export const BACK_KEEP = 4;
/** A write the kernel's send buffer did not take whole: the rest goes through Node, and the
 * stream is lent again once Node has written it (host/direct_worker.ts). */
export const BACK_FULL = 5;

/** How long a blocking recv reads again before it asks the worker to wait (seconds): a round
 * trip on loopback with a peer that answers at once takes some 30 µs; 30 to 150 µs served the
 * ping-pong benchmark alike, 10 µs fell back to the worker too often. */
const SPIN_S = 100e-6;

/** The answer of a call that direct mode does not serve: the worker's path serves it. */
export const PASS = -0x10000;

/** Whether this runtime may lend descriptors: Node proper, with fs.readSync and fs.writeSync. */
export function directAllowed(): boolean {
  const p = (globalThis as { process?: { versions?: Record<string, string>; env?: Record<string, string> } }).process;
  if (!p?.versions?.node || p.versions.bun || p.versions.deno || "Deno" in globalThis || "Bun" in globalThis) return false;
  return typeof readSync === "function" && typeof writeSync === "function" && p.env?.PYSOCKET_DIRECT !== "0";
}

/** What descriptor `fd` names: its socket's device and inode (sockfs), "" if it is not open. */
function identityOf(fd: number): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const st = fstatSync(fd);
    return `${st.dev}:${st.ino}`;
  } catch {
    return "";
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The errno of an exception fs threw (UVException: errno is negative). */
function errnoOfFs(err: unknown): number {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === "number" && n < 0 ? -n : 5;
}

/** read(2) or write(2) on a descriptor: a count, or -errno. The Error fs throws for EAGAIN is
 * built without a stack trace, which would cost more than the read itself (some 1.3 µs of
 * 3.5 µs per EAGAIN here). */
export function io(read: boolean, fd: number, mem: Uint8Array, at: number, len: number): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return read ? readSync(fd, mem, at, len, null) : writeSync(fd, mem, at, len, null);
  } catch (err) {
    return -errnoOfFs(err);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export class DirectStreams {
  /** Streams lent to this thread: handle → descriptor. */
  private readonly fds = new Map<number, number>();
  /** Bytes a spin read for the recv that is to be retried (sock_call_ex retries at once). */
  private stash = new Uint8Array(0);
  private stashH = -1;
  private stashLen = 0;

  constructor(
    private readonly ctl: Int32Array,
    /** host/worker.ts's QUIET marks, which a stream given back may no longer deserve. */
    private readonly quiet: Int32Array,
    private readonly gone: () => boolean,
    private readonly post: (msg: [number, number, ...number[]]) => void,
    private readonly code: number,
  ) {}

  /** The socket inode behind each lent descriptor, read as it is lent (the worker answers with
   * the stream's handle open): a descriptor that no longer names it was closed by the worker's
   * thread as it ended without its exit event (out of memory), and maybe reused. */
  private readonly identities = new Map<number, string>();

  /** Streams given back as the kernel's send buffer was full, the rest of whose send went to
   * the worker (host/worker.ts sendRest): the next send, if no other call comes first, answers
   * EAGAIN, as Linux's would with the buffer full, and the wait that follows lasts until Node has
   * written what it was given, then lends the stream again (host/direct_worker.ts). */
  private readonly full = new Set<number>();

  /** After every answer of the worker: the stream it lent, if any. */
  lent(): void {
    const h = this.ctl[LENT_H];
    if (h < 0) return;
    this.full.delete(h);
    const fd = this.ctl[LENT_FD];
    const id = identityOf(fd);
    if (id === "") {
      // Closed already (the worker's thread is ending): the worker's path answers.
      this.post([0, this.code, h, BACK, 0]);
      return;
    }
    this.fds.set(h, fd);
    this.identities.set(h, id);
  }

  /** Descriptor `fd` of lent stream `h` if it still names the stream's socket, else -1. */
  private usable(h: number): number {
    const fd = this.fds.get(h);
    if (fd === undefined || this.gone() || identityOf(fd) !== this.identities.get(h)) return -1;
    return fd;
  }

  has(h: number): boolean {
    return this.fds.has(h);
  }

  /** Stream `h`'s send found the kernel's buffer full (see `full`). */
  filled(h: number): void {
    this.full.add(h);
  }

  /** Whether a send on stream `h`, not lent, answers EAGAIN (see `full`). */
  waits(h: number): boolean {
    return this.full.size > 0 && this.full.delete(h);
  }

  /** Gives stream `h` back to the worker (if lent), with what this thread saw of it; a call
   * other than a send ends its `full` mark. */
  giveBack(h: number, kind = BACK, errno = 0): void {
    if (this.full.size > 0) this.full.delete(h);
    if (!this.fds.delete(h)) return;
    this.identities.delete(h);
    Atomics.compareExchange(this.quiet, h % this.quiet.length, h, 0);
    this.post([0, this.code, h, kind, errno]);
  }

  /** Gives back every lent stream among `handles` (a poll over them). */
  giveBackAll(handles: ArrayLike<number>): void {
    if (this.fds.size === 0 && this.full.size === 0) return;
    for (let i = 0; i < handles.length; i++) this.giveBack(handles[i]);
  }

  /** recv(2) into mem[at, at + len): the count, 0 at end of stream, -errno, -EAGAIN, or PASS
   * (flags, a zero length, not lent: the worker's path). */
  recv(h: number, mem: Uint8Array, at: number, len: number, flags: number): number {
    if (this.stashH === h) return this.fromStash(mem, at, len);
    if (this.full.size > 0) this.full.delete(h);
    const fd = this.plainFd(h, len, flags);
    if (fd < 0) return PASS;
    const n = io(true, fd, mem, at, len);
    if (n !== -EAGAIN) this.ended(h, n);
    return n;
  }

  /** The descriptor of lent stream `h` for a read or write of `len` bytes with `flags`, or -1:
   * not lent, or given back now (flags, a zero length, a descriptor no longer the stream's). */
  private plainFd(h: number, len: number, flags: number): number {
    if (!this.fds.has(h)) return -1;
    const fd = this.usable(h);
    if (flags === 0 && len > 0 && fd >= 0) return fd;
    this.giveBack(h);
    return -1;
  }

  /** A read that ended the stream (0) or took its error gives it back with that event. */
  private ended(h: number, n: number): void {
    if (n === 0) this.giveBack(h, BACK_FIN);
    else if (n < 0) this.giveBack(h, BACK_READ_ERROR, -n);
  }

  private fromStash(mem: Uint8Array, at: number, len: number): number {
    const n = Math.min(len, this.stashLen);
    mem.set(this.stash.subarray(0, n), at);
    this.stashH = -1;
    return n;
  }

  /** send(2) of mem[at, at + len): the count written (all of it, or what the kernel took before
   * its buffer was full, maybe 0, after which the worker has the stream back and takes the rest),
   * -errno, or PASS. */
  send(h: number, mem: Uint8Array, at: number, len: number, flags: number): number {
    const fd = this.plainFd(h, len, flags);
    if (fd < 0) return PASS;
    const n = io(false, fd, mem, at, len);
    if (n === len) return n;
    if (n < 0 && n !== -EAGAIN) {
      this.giveBack(h, BACK_WRITE_ERROR, -n);
      return n;
    }
    this.giveBack(h, BACK_FULL);
    return Math.max(n, 0);
  }

  /** A part of a send went here, the rest to the worker, which answered `r` for it: the count
   * sent, an error being left pending for the next call, as tcp_sendmsg leaves sk_err when it
   * had copied bytes. */
  sentRest(h: number, n: number, r: number): number {
    if (r >= 0) return n + r;
    if (r !== -EAGAIN) this.post([0, this.code, h, BACK_KEEP, -r]);
    return n;
  }

  /** sock_call_ex's wait after a recv of `len` bytes on lent stream `h` answered EAGAIN: reads
   * again for up to SPIN_S (never past `timeout`). 1: ready (bytes stashed for the retry, or
   * the end or an error the retry gets from the worker); 0: timed out; -1: not served here (the
   * stream is given back: the worker waits, for the time left: `timeout` less `spent`). */
  spin(h: number, len: number, timeout: number): number {
    const fd = this.fds.get(h);
    this.spent = 0;
    if (fd === undefined) return -1;
    if (len === 0) {
      // A zero-length read(2) answers 0 at once, which is no end of stream: the worker waits.
      this.giveBack(h);
      return -1;
    }
    if (this.stash.length < len) this.stash = new Uint8Array(len);
    const t0 = performance.now();
    const budget = timeout < 0 ? SPIN_S : Math.min(SPIN_S, timeout);
    for (;;) {
      if (this.usable(h) < 0) break;
      const n = io(true, fd, this.stash, 0, len);
      if (n > 0) {
        this.stashH = h;
        this.stashLen = n;
        return 1;
      }
      if (n !== -EAGAIN) {
        // The retry goes to the worker, which has heard of the end or the error first.
        this.ended(h, n);
        return 1;
      }
      this.spent = (performance.now() - t0) / 1000;
      if (this.spent >= budget) break;
    }
    if (timeout >= 0 && this.spent >= timeout) return 0;
    this.giveBack(h);
    return -1;
  }

  /** The time a spin took (seconds), to be taken off the wait that follows it. */
  spent = 0;
}
