// An answer the kernel gives a call at once, whatever the socket's readiness (an error for the
// call's arguments or the socket's state), as CPython delivers it: sock_call_ex polls before the
// first call when the socket has a timeout, so the answer comes only once the socket is ready,
// or TimeoutError. sockCall calls first, so the operation answers EAGAIN until the poll would
// have passed.

import type { SocketBase } from "./socket.js";
import { EAGAIN } from "./sockcall.js";
import { READ } from "../host/types.js";

const EBADF = 9;
const POLLIN = 0x1;
const POLLOUT = 0x4;
/** POLLERR | POLLHUP | POLLNVAL: poll(2) reports them whatever was asked. */
const POLL_ALWAYS = 0x8 | 0x10 | 0x20;

/** The operation that answers `answer` (a negative errno) after sock_call_ex's poll for
 * `interest` (READ or WRITE) under `timeout`; EBADF at once for a closed descriptor, which the
 * syscall looks up first. */
export function answerAfterPoll(s: SocketBase<boolean>, interest: number, timeout: number | null, answer: number): () => number {
  const C = s._stack.core.exports;
  return pollFirst(s, interest, timeout, () => (C.sock_handle(s._fd) < 0 ? -EBADF : answer), (r) => r === answer);
}

/** Errors a read, write or accept answers from the socket's state, which a poll would not have
 * let it reach while the socket is not ready (a recv or accept on a socket that is not
 * readable, a send on a listener). Not those of sk_err, which a poll reports as POLLERR and the
 * call consumes: ECONNRESET, ECONNREFUSED, ETIMEDOUT... */
const STATE_ERRORS = new Set([22, 32, 89, 95, 106, 107]); // EINVAL EPIPE EDESTADDRREQ EOPNOTSUPP EISCONN ENOTCONN

/** `op` as sock_call_ex runs it under `timeout`: a state error is answered only once a poll
 * for `interest` would have passed (`answers` picks the answers that wait for it). */
export function pollFirst(
  s: SocketBase<boolean>, interest: number, timeout: number | null, op: () => number,
  answers: (r: number) => boolean = (r) => r < 0 && STATE_ERRORS.has(-r),
): () => number {
  if (!timeout) return op;
  const ready = (interest === READ ? POLLIN : POLLOUT) | POLL_ALWAYS;
  return () => {
    const r = op();
    return answers(r) && !(s._stack.core.exports.sock_poll(s._fd) & ready) ? -EAGAIN : r;
  };
}
