// CMSG_LEN and CMSG_SPACE: pure arithmetic over the platform's cmsghdr geometry, with CPython's
// range checks (Modules/socketmodule.c get_CMSG_LEN / get_CMSG_SPACE).

import { OverflowError } from "./errors.js";
import { arity, asSsizeT } from "./pyargs.js";
import { CMSG_ALIGNMENT, CMSG_HEADER, SOCKLEN_T_LIMIT } from "./tables/cmsg_linux.js";

function align(n: number): number {
  return Math.ceil(n / CMSG_ALIGNMENT) * CMSG_ALIGNMENT;
}

/** CMSG_LEN(length): the cmsg_len of a control message carrying `length` bytes of data. */
export function CMSG_LEN(length: number | bigint): number {
  arity("CMSG_LEN", 1, arguments.length);
  const n = asSsizeT(length);
  if (n < 0 || n > SOCKLEN_T_LIMIT - CMSG_HEADER) throw new OverflowError("CMSG_LEN() argument out of range");
  return CMSG_HEADER + n;
}

/** CMSG_SPACE(length): the buffer size a control message with `length` data bytes takes, padding
 * included. */
export function CMSG_SPACE(length: number | bigint): number {
  arity("CMSG_SPACE", 1, arguments.length);
  const n = asSsizeT(length);
  // CPython bounds by CMSG_SPACE(1) to leave room for the padding before and after the data.
  if (n < 0 || n > SOCKLEN_T_LIMIT - (CMSG_HEADER + CMSG_ALIGNMENT)) {
    throw new OverflowError("CMSG_SPACE() argument out of range");
  }
  return CMSG_HEADER + align(n);
}
