// The Node backend's stream events, fed to the kernel socket (host/kernel/stream.ts) of the
// stream's Entry: bytes, end of stream (told apart from a reset libuv hides), errors; and the
// ways the backend ends a Node stream.

import type * as net from "node:net";
import { EAGAIN, ECONNRESET, EPIPE, errnoOf } from "./errno.js";
import { TCP_CLOSE_WAIT, type StreamSocket } from "./kernel/index.js";
import { EMPTY, plain, sameHost, type Entry } from "./node_entry.js";
import { WRITE } from "./types.js";

/** Whether two addresses of a connection's ends are one: a dual-stack socket names an IPv4 peer
 * "::ffff:a.b.c.d", and an IPv6 address has several spellings (Node's "::1", the core's
 * "0000:...:0001" for the address connected to). */
export function sameEndpoint(a: string | undefined, b: string | undefined): boolean {
  const plain = (x: string | undefined) => (x?.startsWith("::ffff:") ? x.slice(7) : x);
  const x = plain(a);
  const y = plain(b);
  return x !== undefined && y !== undefined && sameHost(x, y);
}

/** Closes a stream with a reset (RST), as Linux's close with unread data does. libuv cannot
 * reset a stream it has shut for writing (uv_tcp_close_reset refuses one that is shutting, and
 * the handle is then never closed): that one is closed plainly. */
export function abort(s: net.Socket): void {
  if (s.writableEnded) s.destroy();
  else s.resetAndDestroy();
}

/** A stream's Entry, kept on the Node socket so that one set of listeners serves every stream
 * (a closure per event per connection would cost more than the rest of its record). */
const OWNER = Symbol("pysocket entry");
type Owned = net.Socket & { [OWNER]?: Entry };

function onData(this: Owned, data: Buffer): void {
  const e = this[OWNER]!;
  // Bytes for a socket closed since: Linux answers them with a reset.
  if (e.stream !== this) {
    abort(this);
    return;
  }
  if (!e.deliver(plain(data))) abort(this);
}

function onEnd(this: Owned): void {
  const e = this[OWNER]!;
  if (e.stream === this) ended(e, this);
}

/** Stream `s` of `e` reached end of stream (Node's 'end', or a read(2) of 0 in direct mode,
 * host/direct_worker.ts). */
export function ended(e: Entry, s: net.Socket): void {
  const k = e.k!;
  const errno = probeReset(s, k);
  // libuv reports end of stream for a reset that came with data (a hang-up after a partial
  // read); the pending error tells them apart: ECONNRESET is a reset without FIN, EPIPE a reset
  // after it (tcp_reset in CLOSE_WAIT).
  if (errno !== ECONNRESET) k.fin();
  if (errno === ECONNRESET || errno === EPIPE) k.reset();
  else if (errno) k.failed(errno);
  e.wakeAll();
}

function onDrain(this: Owned): void {
  const e = this[OWNER]!;
  if (e.stream === this) e.wake(WRITE);
}

function onError(this: Owned, err: Error): void {
  const e = this[OWNER]!;
  if (e.stream !== this) return;
  if (e.pending === -EAGAIN) {
    // The connect in flight failed (a stream's only asynchronous start).
    e.k!.failed(errnoOf(err));
    e.settle(err);
    return;
  }
  transportError(e, errnoOf(err));
}

function onClose(this: Owned): void {
  const e = this[OWNER]!;
  if (e.stream === this) e.wakeAll();
}

/** The pending error of a TCP stream whose peer's end Node reported, read as tcp_sendmsg
 * reports it to an empty write; 0 if none (or if it cannot be asked: the write side is shut,
 * bytes wait to be written, or AF_UNIX, where libuv reads a reset as end of stream). */
function probeReset(s: net.Socket, k: StreamSocket): number {
  if (k.unix || s.writableEnded || s.destroyed || s.writableLength > 0) return 0;
  s.write(EMPTY);
  return s.errored ? errnoOf(s.errored) : 0;
}

/** SO_ERROR on a TCP stream whose peer's FIN came first: libuv stops reading at the end of the
 * stream, so a reset that came after it (tcp_reset in CLOSE_WAIT: EPIPE) is still unheard of;
 * the empty write reads it, which takes it as sock_error takes sk_err. A peer in this process
 * delivers its reset within the call that sends it. */
export function resetAfterFin(e: Entry): void {
  const k = e.k!;
  const s = e.stream;
  if (s === null || e.peer !== null || k.state !== TCP_CLOSE_WAIT || k.err !== 0) return;
  const errno = probeReset(s, k);
  if (errno === ECONNRESET || errno === EPIPE) k.reset();
  else if (errno) k.failed(errno);
}

/** An error Node's stream reported: a reset (Node says ECONNRESET, or EPIPE for a write the
 * peer's reset refused), or another transport failure. */
export function transportError(e: Entry, errno: number): void {
  if (errno === ECONNRESET || errno === EPIPE) e.k!.reset();
  else e.k!.failed(errno);
  e.wakeAll();
}

/** The Entry whose events stream `s` feeds. */
export function entryOf(s: net.Socket): Entry {
  return (s as Owned)[OWNER]!;
}

/** The one 'end' listener a Node version gives every net.Socket it makes, once seen. */
let nodeOnEnd: ((this: net.Socket) => void) | null = null;

/** Node's 'end' listener, then ours: one function for both, shared by every stream. */
function onEndAfterNode(this: Owned): void {
  nodeOnEnd!.call(this);
  onEnd.call(this);
}

/** Adds onEnd to stream `s`. Node's net.Socket listens for its own 'end' (one function, the
 * same for every socket), and a second listener would make the event's listeners an array on
 * every stream (64 B per connection, bench/idle_memory.mjs): one function calling Node's and
 * then ours takes their place, through the documented listeners() and removeListener(). */
function listenForEnd(s: net.Socket): void {
  if (s.listenerCount("end") === 1) {
    nodeOnEnd ??= s.listeners("end")[0] as (this: net.Socket) => void;
    s.removeListener("end", nodeOnEnd);
    if (s.listenerCount("end") === 0) {
      s.on("end", onEndAfterNode);
      return;
    }
  }
  s.on("end", onEnd);
}

/** Makes Node's events on stream `s` feed `e`'s kernel socket. */
export function feedKernel(e: Entry, s: net.Socket): void {
  (s as Owned)[OWNER] = e;
  s.on("data", onData);
  listenForEnd(s);
  s.on("drain", onDrain);
  s.on("error", onError);
  s.on("close", onClose);
}

/** What Node's TCP handle writes a getpeername(2) or getsockname(2) answer into. */
interface SockName {
  address?: string;
  port?: number;
}
type NamedHandle = { getpeername?(out: SockName): number; getsockname?(out: SockName): number };
const NAME: SockName = {};

/** getpeername(2) (`peer`) or getsockname(2) of TCP stream `s`, asked of its handle into one
 * scratch object, read before the next call; null if the call fails. Node's remoteAddress and
 * localPort keep each answer on the socket for ever, an object and two strings per connection
 * (memory per idle connection, bench/idle_memory.mjs); the handle's methods are undocumented,
 * so a runtime without them (Bun) is asked those documented properties instead. */
export function askName(s: net.Socket, peer: boolean): SockName | null {
  if (s.connecting) return null;
  const h = (s as unknown as { _handle?: NamedHandle | null })._handle;
  const ask = peer ? h?.getpeername : h?.getsockname;
  if (typeof ask === "function") {
    const err = ask.call(h, NAME);
    return err === 0 && NAME.port !== undefined ? NAME : null;
  }
  NAME.address = peer ? s.remoteAddress : s.localAddress;
  NAME.port = peer ? s.remotePort : s.localPort;
  return NAME.address !== undefined && NAME.port !== undefined ? NAME : null;
}
