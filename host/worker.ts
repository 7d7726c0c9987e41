// The worker host, behind `pysocket/sync`. Node's sockets need a running event loop, and a thread
// that blocks as CPython does cannot run one; so a worker thread runs the Node host
// (host/worker_main.ts), and this proxy, on the calling thread, makes each syscall by an id-tagged
// message and blocks in Atomics.wait until the worker answers in a SharedArrayBuffer.
// - Bytes never travel by structured clone: the worker's Node host works in a shared
//   WebAssembly.Memory, and the proxy copies what a syscall reads (data to send, sockaddrs) from
//   the caller's core into it and what a syscall writes (data received, sockaddrs) back out.
// - sock_call_ex retries the call that answered EAGAIN as soon as its wait reports readiness, so
//   the wait carries that call: the worker runs it when the socket is ready (again after a
//   spurious wake-up) and hands back its result with the readiness, one round trip instead of two.
// - The worker publishes which sockets it knows to have nothing to read (QUIET), so that a recv
//   or accept on one answers EAGAIN here, and a blocking one costs the wait's round trip alone.
// - A send that the Node host will take whole is answered before Node writes it, so that the
//   caller prepares its next call meanwhile; the next send's bytes go to the other data area.
//   The worker then grants the socket CREDIT, the bytes it could take more (each socket its
//   own, so that a program that alternates sockets keeps them all; a connected datagram socket
//   gets one after a send went through): a send within it is posted without waiting for any
//   answer, as send(2) returns once the kernel has the bytes.
// - After a recv, the worker peeks what else the socket holds into the STAGE area: recvs serve
//   themselves from it, and tell the worker what they took (CONSUME) ahead of the next message,
//   or at once after a megabyte; the bytes stay queued in the worker until then, so that a close
//   with unread bytes still resets the connection, as Linux's does.
// - A poll's answer carries the first bytes of each stream it reports readable (the POLL area):
//   the recvs after a select serve themselves, reported taken with the next message (CONSUME,
//   which a send ahead need not wait for), and queued in the worker until then, as STAGE's. A
//   recv for more than was staged asks the worker when the stream had news since (NEWS), so
//   that it gets the bytes that came meanwhile, as Linux's would.
// - A dead worker makes the pending call and every later one fail with EIO, never hang: see
//   WATCHER. No request ends it: one that throws there is answered with an errno.
// - A program's own two ends need no worker: socketpair()'s, and a loopback TCP connection whose
//   both ends are this thread's, which the worker hands over as it answers the accept (MOVED),
//   are served in this thread by host/inthread.ts, with host/kernel's rules; so are datagrams
//   between this thread's own UDP sockets (host/inthread_udp.ts).
// - A connected TCP stream with a peer in another process is lent to this thread while Node has
//   nothing of it to do: its sends and recvs are then write(2) and read(2) made here, with no
//   message and no wake-up of the worker (host/direct.ts, direct mode); when the kernel's send
//   buffer fills, it is lent again once Node has written what it was given (sendRest).
// - The threads start on the first call, not at import; and the calling thread, as it ends,
//   waits for Node to hand the kernel every byte its sends accepted (FLUSH), which Linux
//   delivers after close() and exit.
// The message codes, control words and memory layout both threads share are
// host/worker_protocol.ts's.

import type { MessagePort } from "node:worker_threads";
import { SYSCALLS } from "./syscalls.js";
import { EAGAIN, EINPROGRESS, EIO } from "./errno.js";
import { InThreadStreams, type HandedOver } from "./inthread.js";
import type { DirectStreams as Lent } from "./direct.js";
import { someReady } from "./kernel/index.js";
import { InThreadDatagrams } from "./inthread_udp.js";
import { readSockAddr } from "./sockaddr.js";
import { unixFind } from "./unix_find.js";
import {
  ACCEPT, ADDR_LOCAL, ADDR_REMOTE, BIND, CLOSE, CONNECT, CONSUME, CONTROL_WORDS, CREDIT_SLOTS,
  creditWord, DATA, DATA_SIZE, EAI_SYSTEM, ERROR, FINISH, FLUSH, FREE, GIVE_BACK, GONE, ID, LISTEN,
  LOOKUP, MOVED, MOVED_A, MOVED_AREA, MOVED_B, MOVED_LINGER, NEWS_SLOTS, OPEN, PAGES, PAIR,
  PAIR_OUT, POLL, POLL_WAIT, QUIET_SLOTS, READY, RECV, RECV_FROM, type Request, RESOLVE, RESULT,
  RING, RING_SIZE, SA, SA_SIZE, SEND, SEND_AHEAD, SEND_TO, SET_OPTION, SHUTDOWN, SOCK_STREAM,
  STAGE, STAGE_AREA, STAGE_H, STAGE_LEN, STAGED, type StagedPollReport, STATE, TAKEN, WAIT,
  type WorkerData,
} from "./worker_protocol.js";
import {
  READ, type LookupResult, type PollReport, type PollRequest, type ResolveAnswer, type ResolveRequest,
  type SyncHost,
} from "./types.js";

function atomicsWaitAllowed(): boolean {
  if (typeof SharedArrayBuffer !== "function") return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

// Checked before anything Node-only is loaded, so that a browser gets this and not a failed import.
if (!atomicsWaitAllowed()) {
  throw new Error(
    "pysocket/sync blocks the calling thread with Atomics.wait, which this thread does not allow " +
    "(a browser's main thread never does): import \"pysocket\" instead, whose blocking calls return Promises.",
  );
}

const { MessageChannel, Worker, receiveMessageOnPort } = await import("node:worker_threads");
const { fdLimitOfProcess } = await import("./limits.js");
const { DirectStreams, PASS, directAllowed } = await import("./direct.js");

/** Staged bytes taken that are reported at once, rather than with the next message. */
const CONSUME_BATCH = 1 << 20;
/** The longest datagram sent ahead: IPv4's largest UDP payload. */
const MAX_DATAGRAM_AHEAD = 65507;
/** How often a blocked caller looks at the GONE mark if no notify reaches it. */
const SLICE_MS = 50;

/** The watcher thread. Only a parent sees a thread exit, and the caller's thread cannot: blocked
 * in Atomics.wait, no event reaches it. So a thread of its own starts the worker and marks it GONE
 * when it exits, whatever the reason (an uncaught error, exit(), running out of memory), waking
 * the caller. A data: URL, so that it loads no module graph and is read as an ES module whatever
 * flags (--input-type) the process was started with. */
const WATCHER = new URL("data:text/javascript," + encodeURIComponent(`
import { Worker, workerData } from "node:worker_threads";
const { entry, ...data } = workerData;
const gone = () => { Atomics.store(data.ctl, ${GONE}, 1); Atomics.notify(data.ctl, ${STATE}); };
new Worker(new URL(entry), { workerData: data, transferList: [data.port] }).on("error", gone).on("exit", gone);
`));

export interface WorkerHostOptions {
  /** The worker's module; a test may wrap host/worker_main.js to make the worker die. */
  entry?: URL;
}

/** The hosts of this thread whose threads have started. */
const started = new Set<WorkerHost>();

/** Linux sends the bytes a send accepted after close() and after the process exits; Node only
 * while the worker runs. So this thread, as it ends, waits for every host's worker to hand them
 * to the kernel: a thread's children end after its 'exit' listeners have run. */
function flushAtExit(): void {
  for (const host of started) host.flush();
}

export class WorkerHost implements SyncHost {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly quiet = new Int32Array(new SharedArrayBuffer(QUIET_SLOTS * 4));
  private readonly news = new Int32Array(new SharedArrayBuffer(NEWS_SLOTS * 4));
  private readonly credit = new BigInt64Array(new SharedArrayBuffer(CREDIT_SLOTS * 8));
  private readonly shared = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
  /** The shared memory never grows (maximum = initial), so one view serves for ever. */
  private readonly data = new Uint8Array(this.shared.buffer);
  /** The program's own two ends (socketpair()'s, TCP connections handed over), served in this
   * thread (host/inthread.ts). */
  private readonly local = new InThreadStreams();
  /** Datagrams between this thread's own UDP sockets, queued here (host/inthread_udp.ts). */
  private readonly udp = new InThreadDatagrams({
    name: (h, remote) => {
      const r = this.call([0, remote ? ADDR_REMOTE : ADDR_LOCAL, h, SA]);
      return r < 0 ? null : readSockAddr(this.data, SA, r);
    },
    error: (h) => this.call([0, ERROR, h]),
    alive: () => Atomics.load(this.ctl, GONE) === 0,
  });
  /** The channel to the worker, once the threads are started (on first use). */
  private port: MessagePort | null = null;
  private readonly entry: string;
  private seq = 0;
  private memory: WebAssembly.Memory | null = null;
  private view = new Uint8Array(0);
  /** The data area the last send used. */
  private area = DATA;
  /** Stream handles: their sends are cut to the data area, a datagram is passed whole. */
  private readonly streams = new Set<number>();
  /** Listening handles: their QUIET speaks for accept only; a recv on one is the kernel's ENOTCONN. */
  private readonly listening = new Set<number>();
  /** The last syscall, when it answered EAGAIN: the wait that follows retries it. */
  private again: Request | null = null;
  /** What that retry answered in the worker; the caller's next syscall is the retry itself. */
  private prefetched: { req: Request; result: number } | null = null;
  /** The stream whose STAGE the caller holds (TAKEN), -1 if none; what it has read of it. */
  private staged = -1;
  private stageAt = 0;
  private stageEnd = 0;
  /** Staged bytes taken and not yet reported, per stream: CONSUME goes ahead of the next
   * message. */
  private readonly consumed = new Map<number, number>();
  private consumedTotal = 0;
  /** What the last poll staged of each stream it reported readable: where the bytes not yet
   * taken are in the POLL area. */
  private readonly pollStaged = new Map<number, { at: number; end: number; news: number }>();
  /** Where the next send ahead goes in the ring; it starts over once the worker has answered,
   * since it answers in order and so has sent everything ahead before. */
  private ringAt = 0;
  /** Streams lent to this thread (direct mode), where the runtime allows it. */
  private readonly direct: Lent | null = directAllowed()
    ? new DirectStreams(this.ctl, this.quiet, () => Atomics.load(this.ctl, GONE) !== 0, (m) => this.post(m), GIVE_BACK)
    : null;

  /** The threads start on first use, not here: importing pysocket/sync starts none. */
  constructor(options: WorkerHostOptions = {}) {
    this.entry = (options.entry ?? new URL("./worker_main.js", import.meta.url)).href;
  }

  /** Starts the threads (they boot in some 100 ms; the first request waits for them). */
  private start(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = {
      ctl: this.ctl, quiet: this.quiet, news: this.news, credit: this.credit, memory: this.shared, port: port2, direct: this.direct !== null,
    };
    // The threads run this package's modules only: the caller's flags (an --input-type for its
    // -e script, a preload) are not for them, and the worker inherits the watcher's none.
    const watcher = new Worker(WATCHER, { workerData: { entry: this.entry, ...data }, transferList: [port2], execArgv: [] });
    // It only fails if a thread cannot be started; the caller then sees EIO, not a crash.
    watcher.on("error", () => {
      Atomics.store(this.ctl, GONE, 1);
    });
    // As CPython's sockets do not, the threads must not keep the process alive...
    watcher.unref();
    // ...but bytes a send accepted outlive the program on Linux: see flushAtExit.
    if (started.size === 0) process.once("exit", flushAtExit);
    started.add(this);
    this.port = port1;
    return port1;
  }

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  now(): number {
    return performance.now() / 1000;
  }

  /** The caller's core memory, re-viewed after it grows. */
  private mem(): Uint8Array {
    if (this.view.byteLength === 0) this.view = new Uint8Array(this.memory!.buffer);
    return this.view;
  }

  private copyIn(from: number, to: number, n: number): void {
    this.data.set(this.mem().subarray(from, from + n), to);
  }

  private copyOut(from: number, to: number, n: number): void {
    this.mem().set(this.data.subarray(from, from + n), to);
  }

  // The syscalls (host/syscalls.ts), each a message to the worker.
  sock_open(family: number, type: number, proto: number): number {
    const h = this.call([0, OPEN, family, type, proto]);
    if (h >= 0 && type === SOCK_STREAM) this.streams.add(h);
    this.udp.open(h, family, type);
    return h;
  }
  sock_pair(family: number, type: number, proto: number, out: number): number {
    if (type === SOCK_STREAM) {
      const dv = new DataView(this.mem().buffer, out, 8);
      const [a, b] = this.local.pair();
      dv.setInt32(0, a, true);
      dv.setInt32(4, b, true);
      return 0;
    }
    const r = this.call([0, PAIR, family, type, proto, PAIR_OUT]);
    if (r >= 0) {
      this.copyOut(PAIR_OUT, out, 8);
      const handles = new Int32Array(this.shared.buffer, PAIR_OUT, 2);
      for (const h of handles) this.streams.add(h);
    }
    return r;
  }
  sock_bind(h: number, sa: number, salen: number): number {
    if (this.local.has(h)) return this.local.refuse(h);
    this.copyIn(sa, SA, salen);
    this.udp.settling(h);
    return this.udp.settled(h, this.call([0, BIND, h, SA, salen]));
  }
  sock_listen(h: number, backlog: number): number {
    if (this.local.has(h)) return this.local.refuse(h);
    const r = this.call([0, LISTEN, h, backlog]);
    if (r === 0 || r === -EINPROGRESS) this.listening.add(h);
    return r;
  }
  sock_connect(h: number, sa: number, salen: number): number {
    if (this.local.has(h)) return this.local.refuse(h);
    this.copyIn(sa, SA, salen);
    this.udp.settling(h);
    return this.udp.settled(h, this.call([0, CONNECT, h, SA, salen]));
  }
  /** Answered in this thread: the filesystem and /proc are the same from every thread. */
  sock_find(sa: number, salen: number): number {
    return unixFind(readSockAddr(this.mem(), sa, salen).address);
  }
  sock_finish(h: number): number {
    if (this.local.has(h)) return 0;
    return this.udp.settled(h, this.call([0, FINISH, h]));
  }
  sock_accept(h: number): number {
    if (this.local.has(h)) return this.local.refuse(h);
    const c = this.read([0, ACCEPT, h]);
    if (c >= 0) {
      this.streams.add(c);
      if (this.ctl[MOVED] >= 0) this.adopt(c, this.ctl[MOVED]);
    }
    return c;
  }

  /** Takes over the TCP connection of ends `a` (just accepted) and `b`, which the worker handed
   * over as it answered the accept (see MOVED). */
  private adopt(a: number, b: number): void {
    const ctl = this.ctl;
    const ends = [a, b].map((h, i): HandedOver => {
      const at = MOVED_AREA[i];
      const w = i === 0 ? MOVED_A : MOVED_B;
      return {
        h,
        queued: this.data.slice(at.queued, at.queued + ctl[w]),
        name: this.data.slice(at.name, at.name + ctl[w + 1]),
        peerName: this.data.slice(at.peerName, at.peerName + ctl[w + 2]),
        lingerZero: (ctl[MOVED_LINGER] & (1 << i)) !== 0,
      };
    });
    this.local.adopt(ends[0], ends[1]);
  }
  sock_recv(h: number, buf: number, len: number, flags: number): number {
    if (this.local.has(h)) return this.local.recv(h, this.mem().subarray(buf, buf + len), flags);
    if (this.pollStaged.has(h)) {
      const n = flags === 0 && len > 0 && this.prefetched === null ? this.fromPollStage(h, buf, len) : 0;
      if (n > 0) return n;
      this.pollStaged.delete(h);
    }
    const d = this.direct !== null && this.prefetched === null ? this.direct.recv(h, this.mem(), buf, len, flags) : PASS;
    if (d !== PASS) return this.directAgain(d, h, len, flags);
    const u = this.udp.recv(h, this.mem(), buf, len, flags, -1);
    if (u !== null) return u;
    if (flags === 0 && len > 0 && this.prefetched === null) {
      const n = this.fromStage(h, buf, len);
      if (n > 0) return n;
    }
    const r = this.read([0, RECV, h, DATA, Math.min(len, DATA_SIZE), flags]);
    // MSG_TRUNC: a datagram's whole length, of which `len` bytes at most were read.
    if (r > 0) this.copyOut(DATA, buf, Math.min(r, len));
    return r;
  }
  sock_recv_from(h: number, buf: number, len: number, flags: number, sa: number): number {
    // A stream's recvfrom names no source: the core reads no sockaddr.
    if (this.local.has(h)) return this.local.recv(h, this.mem().subarray(buf, buf + len), flags);
    this.direct?.giveBack(h);
    this.pollStaged.delete(h);
    const u = this.udp.recv(h, this.mem(), buf, len, flags, sa);
    if (u !== null) return u;
    const r = this.read([0, RECV_FROM, h, DATA, Math.min(len, DATA_SIZE), flags, SA]);
    if (r >= 0) {
      this.copyOut(DATA, buf, Math.min(r, len));
      this.copyOut(SA, sa, SA_SIZE);
    }
    return r;
  }
  sock_send(h: number, buf: number, len: number, flags: number): number {
    if (this.local.has(h)) return this.local.send(h, this.mem().subarray(buf, buf + len));
    const d = this.direct !== null && this.prefetched === null ? this.direct.send(h, this.mem(), buf, len, flags) : PASS;
    if (d !== PASS && (d < 0 || d === len)) return d;
    if (d !== PASS) return this.sendRest(h, buf, len, d, flags);
    if (this.prefetched === null && this.direct?.waits(h)) {
      // The wait that follows needs no retry: it lends the stream, and the retry writes there.
      this.again = null;
      return -EAGAIN;
    }
    const u = this.udp.send(h, this.mem(), buf, len, flags, -1);
    if (u !== null) return u;
    if (flags === 0 && len > 0 && this.prefetched === null && this.sendAhead(h, buf, len)) return len;
    const at = this.sendArea();
    return this.call([0, SEND, h, at, this.sendLength(h, buf, len, at), flags]);
  }
  sock_send_to(h: number, buf: number, len: number, flags: number, sa: number, salen: number): number {
    // The Node host sends on a connected stream whatever the address; so does a pair here.
    if (this.local.has(h)) return this.local.send(h, this.mem().subarray(buf, buf + len));
    this.direct?.giveBack(h);
    const u = this.udp.send(h, this.mem(), buf, len, flags, sa);
    if (u !== null) return u;
    const at = this.sendArea();
    const n = this.sendLength(h, buf, len, at);
    this.copyIn(sa, SA, salen);
    return this.call([0, SEND_TO, h, at, n, flags, SA, salen]);
  }
  sock_shutdown(h: number, how: number): number {
    if (this.local.has(h)) return this.local.shutdown(h, how);
    this.direct?.giveBack(h);
    this.pollStaged.delete(h);
    this.udp.shutdown(h);
    return this.call([0, SHUTDOWN, h, how]);
  }
  sock_close(h: number): number {
    if (this.local.has(h)) {
      // A TCP end handed over still has its Node socket in the worker, idle: it goes too.
      const inWorker = this.local.handedOver(h);
      const r = this.local.close(h);
      if (inWorker) {
        this.streams.delete(h);
        this.call([0, CLOSE, h]);
      }
      return r;
    }
    this.streams.delete(h);
    this.listening.delete(h);
    this.direct?.giveBack(h);
    this.udp.close(h);
    // Bytes staged and not taken stay unread: closing with them resets, as Linux does.
    if (this.staged === h) this.releaseStage();
    this.pollStaged.delete(h);
    return this.call([0, CLOSE, h]);
  }
  sock_addr_local(h: number, sa: number): number {
    if (this.local.has(h)) return this.local.addr(h, false, this.mem(), sa);
    return this.addr(ADDR_LOCAL, h, sa);
  }
  sock_addr_remote(h: number, sa: number): number {
    if (this.local.has(h)) return this.local.addr(h, true, this.mem(), sa);
    return this.addr(ADDR_REMOTE, h, sa);
  }
  sock_set_option(h: number, level: number, name: number, value: number): number {
    if (this.local.has(h)) return this.local.setOption(h, level, name, value);
    this.direct?.giveBack(h);
    this.udp.option(h, level, name, value);
    return this.call([0, SET_OPTION, h, level, name, value]);
  }
  sock_error(h: number): number {
    if (this.local.has(h)) return this.local.error(h);
    this.direct?.giveBack(h);
    return this.call([0, ERROR, h]);
  }
  sock_poll(h: number): number {
    if (this.local.has(h)) return this.local.poll(h);
    this.direct?.giveBack(h);
    return this.udp.mask(h, this.call([0, POLL, h]));
  }

  /** Sends ahead within the stream's credit, while the ring has room: copies the bytes to the
   * ring and posts them, unanswered. */
  private sendAhead(h: number, buf: number, len: number): boolean {
    if (!this.ringHas(len)) return false;
    // A datagram too long for UDP gets its EMSGSIZE from a call.
    if (len > MAX_DATAGRAM_AHEAD && !this.streams.has(h)) return false;
    const slot = h % CREDIT_SLOTS;
    const word = Atomics.load(this.credit, slot);
    if (word < creditWord(h, len) || word >= creditWord(h + 1, 0)) return false;
    if (Atomics.compareExchange(this.credit, slot, word, word - BigInt(len)) !== word) return false;
    this.postAhead(h, buf, len);
    return true;
  }

  private ringHas(len: number): boolean {
    return this.ringAt + len <= RING_SIZE && Atomics.load(this.ctl, GONE) === 0;
  }

  /** Copies the bytes of a send ahead to the ring and posts them. */
  private postAhead(h: number, buf: number, len: number): void {
    const at = RING + this.ringAt;
    this.ringAt += len;
    this.copyIn(buf, at, len);
    this.post([0, SEND_AHEAD, h, at, len]);
  }

  /** The kernel took `n` bytes of a direct send of `len` and has given stream `h` back, its
   * buffer full: the rest goes ahead, unanswered, since Node, which holds nothing of a stream
   * lent, takes it whole; the next send answers EAGAIN (host/direct.ts `full`). Through a call
   * when the ring has no room. */
  private sendRest(h: number, buf: number, len: number, n: number, flags: number): number {
    if (this.ringHas(len - n)) {
      this.postAhead(h, buf + n, len - n);
      this.direct!.filled(h);
      return len;
    }
    const r = this.sock_send(h, buf + n, len - n, flags);
    return n === 0 ? r : this.direct!.sentRest(h, n, r);
  }

  /** Serves a recv from the STAGE area when it holds bytes of stream `h`: their count, or 0. */
  private fromStage(h: number, buf: number, len: number): number {
    const ctl = this.ctl;
    if (this.staged !== h) {
      if (Atomics.load(ctl, STAGE) !== STAGED || ctl[STAGE_H] !== h) return 0;
      if (Atomics.compareExchange(ctl, STAGE, STAGED, TAKEN) !== STAGED) return 0;
      this.staged = h;
      this.stageAt = STAGE_AREA;
      this.stageEnd = STAGE_AREA + ctl[STAGE_LEN];
    }
    const n = Math.min(len, this.stageEnd - this.stageAt);
    this.copyOut(this.stageAt, buf, n);
    this.stageAt += n;
    this.took(h, n);
    // The worker drops what was taken while this thread reads on, so that its next recv finds
    // the worker free to stage more.
    if (this.stageAt === this.stageEnd) {
      this.post(null);
      this.releaseStage();
    }
    return n;
  }

  /** Serves a recv of stream `h` from what the last poll staged of it: the count; 0 when it asks
   * for more than is staged and more may have come since (the worker then answers it). */
  private fromPollStage(h: number, buf: number, len: number): number {
    const s = this.pollStaged.get(h)!;
    if (len > s.end - s.at && Atomics.load(this.news, h % NEWS_SLOTS) !== s.news) return 0;
    const n = Math.min(len, s.end - s.at);
    this.copyOut(s.at, buf, n);
    s.at += n;
    if (s.at === s.end) this.pollStaged.delete(h);
    this.took(h, n);
    return n;
  }

  /** Notes `n` staged bytes of stream `h` taken; reported with the next message, or at once
   * after a megabyte. */
  private took(h: number, n: number): void {
    this.consumed.set(h, (this.consumed.get(h) ?? 0) + n);
    this.consumedTotal += n;
    if (this.consumedTotal >= CONSUME_BATCH) this.post(null);
  }

  /** Gives the STAGE area back; bytes not taken stay queued in the worker, unread. */
  private releaseStage(): void {
    this.staged = -1;
    Atomics.store(this.ctl, STAGE, FREE);
  }

  /** Posts a message (or none), after the report of staged bytes taken, which must reach the
   * worker before anything else of the caller's that could read, lend or close the streams; a
   * send ahead does none of that, so it need not wait for the report (one message, not two,
   * for a recv and a send after a select). */
  private post(msg: Request | null): void {
    const port = this.port ?? this.start();
    if (this.consumedTotal > 0 && (msg === null || msg[1] !== SEND_AHEAD)) {
      const m: Request = [0, CONSUME];
      for (const [h, n] of this.consumed) m.push(h, n);
      port.postMessage(m);
      this.consumed.clear();
      this.consumedTotal = 0;
    }
    if (msg !== null) port.postMessage(msg);
  }

  /** Where a send's bytes go: not where the last send's went, which the worker may still be
   * reading; a retry after a wait goes where its first try went, as the worker retried that. */
  private sendArea(): number {
    if (this.prefetched !== null) return this.prefetched.req[3] as number;
    this.area = this.area === DATA ? DATA + DATA_SIZE : DATA;
    return this.area;
  }

  /** Copies the bytes a send reads to `at`; returns the length to pass on. */
  private sendLength(h: number, buf: number, len: number, at: number): number {
    const n = Math.min(len, DATA_SIZE);
    this.copyIn(buf, at, n);
    // A datagram longer than the area is longer than any UDP payload: the host refuses it with
    // EMSGSIZE by its length alone, so it gets the real one.
    return this.streams.has(h) ? n : len;
  }

  /** What a direct recv answered: on EAGAIN, the wait that follows spins on the descriptor,
   * and hands the worker this call to retry if the spin gives up (see waitSync). */
  private directAgain(r: number, h: number, len: number, flags: number): number {
    this.again = r === -EAGAIN ? [0, RECV, h, DATA, Math.min(len, DATA_SIZE), flags] : null;
    return r;
  }

  private addr(code: number, h: number, sa: number): number {
    const r = this.call([0, code, h, SA]);
    if (r >= 0) this.copyOut(SA, sa, SA_SIZE);
    return r;
  }

  waitSync(h: number, interest: number, timeout: number): boolean {
    if (this.local.has(h)) {
      // The call before this wait answered EAGAIN, and only this thread could change that.
      this.again = null;
      this.local.sleep(timeout);
      return false;
    }
    if (this.direct?.has(h)) {
      // Only the retry of a plain recv can be served by reading here.
      const a = this.again;
      const plain = a !== null && a[1] === RECV && a[2] === h && a[5] === 0;
      const r = plain ? this.direct.spin(h, a[4] as number, timeout) : -1;
      if (!plain) this.direct.giveBack(h);
      if (r >= 0) {
        this.again = null;
        return r === 1;
      }
      if (timeout >= 0) timeout = Math.max(0, timeout - this.direct.spent);
    }
    // Datagrams queued in this thread: the retry reads them.
    if (interest === READ && this.udp.readable(h)) {
      this.again = null;
      return true;
    }
    const retry = this.again !== null && this.again[2] === h ? this.again.slice(1) : [];
    this.again = null;
    if (!this.exchange([0, WAIT, h, interest, timeout, ...retry])) return true;
    const ctl = this.ctl;
    if (ctl[READY] === 0) return false;
    if (retry.length > 0) this.prefetched = { req: [0, ...retry] as Request, result: ctl[RESULT] };
    return true;
  }

  lookupSync(host: string, family: number): LookupResult {
    return this.ask([0, LOOKUP, host, family]) as LookupResult;
  }

  /** The machine's name, from the worker (this thread may not load node:os). */
  /** The process's RLIMIT_NOFILE, which the worker's sockets share with this thread's. */
  fdLimit(): number {
    return fdLimitOfProcess();
  }

  hostname(): string {
    const answer = this.resolveSync({ op: "gethostname", args: [] });
    if ("value" in answer) return answer.value as string;
    throw Object.assign(new Error("pysocket worker host: no host name"), { code: "EIO" });
  }

  interfaces(): Array<[string, number]> {
    const answer = this.resolveSync({ op: "interfaces", args: [] });
    if ("value" in answer) return (answer.value as { names: Array<[string, number]> }).names;
    throw Object.assign(new Error("pysocket worker host: no interfaces"), { code: "EIO" });
  }

  resolveSync(req: ResolveRequest): ResolveAnswer {
    return this.ask([0, RESOLVE, req]) as ResolveAnswer;
  }

  /** poll(2), waited for in the worker: one message, one wake-up. Once the worker is gone every
   * handle reads as not open. */
  pollWaitSync(req: PollRequest): PollReport {
    this.again = null;
    this.direct?.giveBackAll(req.handles);
    return this.udp.poll(req, (r) => this.pollAll(r), someReady);
  }

  private pollAll(req: PollRequest): PollReport {
    const local: number[] = [];
    for (let i = 0; i < req.handles.length; i++) if (this.local.has(req.handles[i])) local.push(i);
    return local.length === 0 ? this.pollWorker(req) : this.pollMixed(req, local);
  }

  /** A poll over in-thread ends (entries `local` of the request) and maybe the worker's sockets:
   * the in-thread ends cannot change while this thread blocks, so the worker's are polled for the
   * whole timeout only when no in-thread end is ready, and not at all when there are none. */
  private pollMixed(req: PollRequest, local: number[]): PollReport {
    const n = req.handles.length;
    const report: PollReport = { masks: new Int32Array(n), wakes: new Int32Array(n) };
    const ready = this.local.pollInto(req, local, report);
    const remote: number[] = [];
    for (let i = 0; i < n; i++) if (!this.local.has(req.handles[i])) remote.push(i);
    if (remote.length === 0) {
      if (!ready) this.local.sleep(req.timeout);
      return report;
    }
    const pick = (a: Int32Array) => Int32Array.from(remote, (i) => a[i]);
    const sub = this.pollWorker({
      handles: pick(req.handles), events: pick(req.events), since: req.since && pick(req.since), timeout: ready ? 0 : req.timeout,
    });
    remote.forEach((i, j) => {
      report.masks[i] = sub.masks[j];
      report.wakes[i] = sub.wakes[j];
    });
    return report;
  }

  /** poll(2) in the worker, which stages the first bytes of each readable stream (STAGE too is
   * given back, so that no byte is staged twice): the recvs that follow serve themselves. */
  private pollWorker(req: PollRequest): PollReport {
    if (this.staged !== -1) this.releaseStage();
    this.pollStaged.clear();
    if (!this.exchange([0, POLL_WAIT, req])) {
      return { masks: new Int32Array(req.handles.length).fill(0x20), wakes: new Int32Array(req.handles.length) };
    }
    const report = receiveMessageOnPort(this.port!)!.message as StagedPollReport;
    const s = report.staged;
    for (let i = 0; i < s.length; i += 4) this.pollStaged.set(s[i], { at: s[i + 1], end: s[i + 1] + s[i + 2], news: s[i + 3] });
    return report;
  }

  /** A resolver query: its answer is a message; once the worker is gone, EAI_SYSTEM, and so for
   * a query that cannot be posted (an argument structuredClone refuses). */
  private ask(req: Request): unknown {
    this.again = null;
    try {
      if (!this.exchange(req)) return { eai: EAI_SYSTEM };
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === "DataCloneError") return { eai: EAI_SYSTEM };
      throw err;
    }
    return receiveMessageOnPort(this.port!)!.message;
  }

  /** A recv or accept: EAGAIN here if the worker knows there is nothing to take (a zero-length
   * recv answers 0 even then), unless the worker is gone and can never say otherwise. */
  private read(req: Request): number {
    const h = req[2] as number;
    // The worker stages for the stream read last: give it the area.
    if (this.staged !== -1) this.releaseStage();
    this.pollStaged.delete(h);
    if (this.prefetched === null && req[4] !== 0 && Atomics.load(this.quiet, h % QUIET_SLOTS) === h &&
      (req[1] === ACCEPT || !this.listening.has(h)) && Atomics.load(this.ctl, GONE) === 0) {
      this.again = req;
      return -EAGAIN;
    }
    return this.call(req);
  }

  /** One syscall: answered from the prefetched retry, or by the worker; -EIO once it is gone. */
  private call(req: Request): number {
    const p = this.prefetched;
    if (p !== null) {
      this.prefetched = null;
      this.again = null;
      if (p.req.length !== req.length || p.req.some((v, i) => i > 0 && v !== req[i])) {
        throw new Error(`pysocket worker host: ${SYSCALLS[req[1]]} follows a wait that retried ${SYSCALLS[p.req[1]]}`);
      }
      return p.result;
    }
    const r = this.exchange(req) ? this.ctl[RESULT] : -EIO;
    this.again = r === -EAGAIN ? req : null;
    return r;
  }

  /** Waits for Node to hand the kernel every byte this host's sends accepted. */
  flush(): void {
    this.exchange([0, FLUSH]);
  }

  /** Sends `req` and blocks until the worker answers (true) or is gone (false). */
  private exchange(req: Request): boolean {
    const ctl = this.ctl;
    if (Atomics.load(ctl, GONE) !== 0) return false;
    const id = (this.seq = (this.seq + 1) | 0);
    req[0] = id;
    Atomics.store(ctl, STATE, 0);
    this.post(req);
    while (Atomics.load(ctl, STATE) === 0) {
      if (Atomics.load(ctl, GONE) !== 0) return false;
      Atomics.wait(ctl, STATE, 0, SLICE_MS);
    }
    if (ctl[ID] !== id) throw new Error(`pysocket worker host: answer ${ctl[ID]} to request ${id}`);
    this.ringAt = 0;
    this.direct?.lent();
    return true;
  }
}
