// The protocol between pysocket/sync's calling thread (host/worker.ts) and its worker
// (host/worker_main.ts): the message codes (a syscall's is its index in SYSCALLS; the worker's
// own requests follow), the control words of the SharedArrayBuffer both threads block or write
// on, the slots of QUIET, NEWS and CREDIT, and the layout of the shared memory the worker's Node
// host works in. Both threads import it; it loads nothing of Node's.

import type { MessagePort } from "node:worker_threads";
import { EAGAIN, EINPROGRESS } from "./errno.js";
import { SYSCALLS } from "./syscalls.js";
import { READ, WRITE, type PollReport } from "./types.js";

const [
  OPEN, PAIR, BIND, LISTEN, CONNECT, FINISH, ACCEPT, RECV, RECV_FROM, SEND, SEND_TO, SHUTDOWN, CLOSE,
  ADDR_LOCAL, ADDR_REMOTE, SET_OPTION, ERROR, POLL,
] = SYSCALLS.keys();
export {
  OPEN, PAIR, BIND, LISTEN, CONNECT, FINISH, ACCEPT, RECV, RECV_FROM, SEND, SEND_TO, SHUTDOWN, CLOSE,
  ADDR_LOCAL, ADDR_REMOTE, SET_OPTION, ERROR, POLL,
};
/** [id, WAIT, handle, interest, timeout, ...the call to retry when ready (code, args)?] */
export const WAIT = SYSCALLS.length;
/** [id, LOOKUP, host, family]; the answer's LookupResult comes as a message. */
export const LOOKUP = WAIT + 1;
/** [id, RESOLVE, ResolveRequest]; the ResolveAnswer comes as a message. */
export const RESOLVE = LOOKUP + 1;
/** [0, SEND_AHEAD, handle, at, len]: a send within the credit, not answered. */
export const SEND_AHEAD = RESOLVE + 1;
/** [0, CONSUME, handle, len, handle, len...]: the caller took `len` staged bytes of each
 * stream; not answered. */
export const CONSUME = SEND_AHEAD + 1;
/** [id, FLUSH]: answered once Node has handed the kernel every byte sends accepted, on open and
 * closed streams alike; the calling thread asks as it ends (see WorkerHost.start). */
export const FLUSH = CONSUME + 1;
/** [id, POLL_WAIT, PollRequest]; the PollReport comes as a message. */
export const POLL_WAIT = FLUSH + 1;
/** [0, GIVE_BACK, handle, kind, errno]: a lent stream given back (host/direct.ts); not answered. */
export const GIVE_BACK = POLL_WAIT + 1;

/** A request: [id, code, ...arguments], pointers already in the worker's memory. */
export type Request = [number, number, ...unknown[]];

// The control words (Int32Array indices) of the SharedArrayBuffer both threads block or write on.
/** 0 while a request is pending; the worker stores 1 and notifies when it has answered. */
export const STATE = 0;
/** 1 once the worker has exited, set by the thread watching it. */
export const GONE = 1;
/** The id of the request answered. */
export const ID = 2;
/** A syscall's result. */
export const RESULT = 3;
/** A wait's outcome: 1 ready, 0 timed out. */
export const READY = 4;
/** The STAGE area: FREE (the worker may fill it), STAGED (with STAGE_LEN bytes of STAGE_H's
 * stream, for the caller to take) or TAKEN (the caller reads it; it sets FREE when done). */
export const STAGE = 5;
export const STAGE_H = 6;
export const STAGE_LEN = 7;
export const FREE = 0;
export const STAGED = 1;
export const TAKEN = 2;
/** After an accept: the handle of the new connection's peer when the worker handed the two over
 * to the caller's thread (host/inthread.ts), else -1. MOVED_A and MOVED_B (the accepted end, its
 * peer) each start three words: bytes queued, sockname length, peername length; MOVED_LINGER
 * has bit 0 (1) for the accepted end's SO_LINGER {on, 0}, bit 1 (2) for its peer's. The bytes
 * and the sockaddrs are in the worker's memory: see MOVED_AREA. */
export const MOVED = 8;
export const MOVED_A = 9;
export const MOVED_B = 12;
export const MOVED_LINGER = 15;
/** 16, 17: the stream lent with an answer, and its descriptor (host/direct.ts LENT_H, LENT_FD). */
export const CONTROL_WORDS = 18;

/** Slots of the CREDIT array, one 64-bit word each: slot h % CREDIT_SLOTS holds (h << 32) | n
 * while stream h may send n bytes ahead. Handle and count change together, so a send ahead
 * cannot spend a credit the worker has just given the slot's next stream. */
export const CREDIT_SLOTS = 1024;

/** A CREDIT word: stream `h` may send `n` bytes ahead. */
export function creditWord(h: number, n: number): bigint {
  return (BigInt(h) << 32n) | BigInt(n);
}

// The worker's memory: a sockaddr slot, socketpair's two handles, a byte for the worker's own
// peeks, two data areas, the STAGE area, an area where consumed bytes are dropped, and the ring
// of bytes sent ahead.
export const SA = 0;
/** sizeof(struct sockaddr_storage): room for any sockaddr, as the core's SA_OUT area has. */
export const SA_SIZE = 128;
export const PAIR_OUT = 128;
export const PROBE = 136;
export const DATA = 256;
/** The most one syscall moves: a longer stream send or recv moves a part, as send(2) may; a
 * datagram never exceeds it (UDP's payload is at most 65527 bytes). */
export const DATA_SIZE = 1 << 20;
export const STAGE_AREA = DATA + 2 * DATA_SIZE;
/** The most the worker stages: as much as the Node host queues before it pauses a stream. */
export const STAGE_SIZE = 4 << 20;
export const DISCARD = STAGE_AREA + STAGE_SIZE;
export const RING = DISCARD + DATA_SIZE;
/** The most credit the worker grants: the bytes sent ahead all fit the ring. */
export const RING_SIZE = 4 << 20;
/** The POLL area: a poll's answer stages there the first bytes of each stream it reports
 * readable, up to POLL_STAGE_MAX each (see StagedPollReport). */
export const POLL_AREA = RING + RING_SIZE;
export const POLL_AREA_SIZE = 1 << 20;
export const POLL_STAGE_MAX = 256 << 10;
export const PAGES = Math.ceil((POLL_AREA + POLL_AREA_SIZE) / 65536);
/** Where a hand-over puts each end's queued bytes, sockname and peername (the data areas, which
 * no send is using while the worker answers an accept). */
export const MOVED_AREA = [
  { queued: DATA + 256, name: DATA, peerName: DATA + 64 },
  { queued: DATA + DATA_SIZE, name: DATA + 128, peerName: DATA + 192 },
];
/** The most a hand-over moves of one end's queue. */
export const MOVED_LIMIT = DATA_SIZE - 256;

export const SOCK_STREAM = 1;
export const EAI_SYSTEM = -11;

/** Slots of the QUIET array: slot h % QUIET_SLOTS holds h while the worker knows that a recv or
 * accept on handle h would answer EAGAIN (it did, and no readiness event came since). */
export const QUIET_SLOTS = 1024;

/** Slots of the NEWS array: slot h % NEWS_SLOTS counts the readiness events (bytes, FIN, an
 * error) of the streams staged by a poll since, so that a recv asking for more than is staged
 * can tell whether Linux's would find more. */
export const NEWS_SLOTS = 1024;

/** A poll's report as the worker sends it: with [handle, at, len, news] for each readable stream
 * whose first `len` bytes it copied to the POLL area at `at` (still queued in the worker), when
 * its NEWS slot read `news`. */
export interface StagedPollReport extends PollReport {
  staged: Int32Array;
}

/** What the worker (host/worker_main.ts) is started with. */
export interface WorkerData {
  ctl: Int32Array;
  quiet: Int32Array;
  news: Int32Array;
  credit: BigInt64Array;
  memory: WebAssembly.Memory;
  port: MessagePort;
  /** Whether the worker may lend streams to the caller (host/direct.ts). */
  direct: boolean;
}

/** Which readiness an EAGAIN of syscall `code` waits for: poll(2)'s POLLIN or POLLOUT. */
export function interestOf(code: number): number {
  return code === RECV || code === RECV_FROM || code === ACCEPT ? READ : WRITE;
}

/** True when a syscall result means "wait, then call again". */
export function isAgain(r: number): boolean {
  return r === -EAGAIN || r === -EINPROGRESS;
}
