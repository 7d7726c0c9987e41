// An answer the kernel gives a call at once, whatever the socket's readiness (an error for the
// call's arguments), as CPython delivers it: sock_call_ex polls before the first call when the
// socket has a timeout, so the answer comes only once the socket is ready, or TimeoutError.
// sockCall calls first, so the operation answers EAGAIN until the poll would have passed.

import type { SocketBase } from "./socket.js";
import { EAGAIN } from "./sockcall.js";
import { READ } from "../host/types.js";

const POLLIN = 0x1;
const POLLOUT = 0x4;
/** POLLERR | POLLHUP | POLLNVAL: poll(2) reports them whatever was asked. */
const POLL_ALWAYS = 0x8 | 0x10 | 0x20;

/** The operation that answers `answer` (a negative errno) after sock_call_ex's poll for
 * `interest` (READ or WRITE) under `timeout`. */
export function answerAfterPoll(s: SocketBase<boolean>, interest: number, timeout: number | null, answer: number): () => number {
  const ready = (interest === READ ? POLLIN : POLLOUT) | POLL_ALWAYS;
  return () => (timeout && !(s._stack.core.exports.sock_poll(s._fd) & ready) ? -EAGAIN : answer);
}
