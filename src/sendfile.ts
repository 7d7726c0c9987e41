// socket.sendfile(file, offset=0, count=None), as Lib/socket.py's _sendfile_use_send: read the
// file in blocks from `offset` and send each block whole. The file is an fd number, or an object
// with an `fd` (a node:fs FileHandle) or a fileno() method; the facade reads it.

import { ValueError, fromErrno, pyRepr } from "./errors.js";
import { isInt, typeName } from "./pyargs.js";
import type { Op } from "./sockcall.js";

/** Reads up to `into.length` bytes of file `fd` at `position`: the count (0 at its end), or
 * -errno. */
export type ReadFile = (fd: number, into: Uint8Array, position: number) => number;

const BLOCK = 8192;

function fileDescriptor(file: unknown): number {
  if (typeof file === "number" && Number.isInteger(file) && file >= 0) return file;
  const f = file as { fd?: unknown; fileno?: unknown } | null;
  if (f && typeof f.fd === "number") return f.fd;
  if (f && typeof f.fileno === "function") return Number((f.fileno as () => unknown).call(f));
  throw new TypeError(`'${typeName(file)}' object has no attribute 'read'`);
}

export interface SendfileTarget {
  readonly type: number;
  readonly timeout: number | null;
}

/** The argument checks of _check_sendfile_params and _sendfile_use_send, then the copy loop. */
export function* sendfileOp(
  sock: SendfileTarget, readFile: ReadFile, sendAll: (data: Uint8Array) => Op<unknown>,
  file: unknown, offset: unknown, count: unknown,
): Op<number> {
  const SOCK_STREAM = 1;
  if (!(sock.type & SOCK_STREAM)) throw new ValueError("only SOCK_STREAM type sockets are supported");
  if (count !== null && count !== undefined) {
    if (!isInt(count)) throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`);
    if (Number(count) <= 0) throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`);
  }
  if (sock.timeout === 0) throw new ValueError("non-blocking sockets are not supported");
  const fd = fileDescriptor(file);
  if (!isInt(offset)) throw new TypeError(`'${typeName(offset)}' object cannot be interpreted as an integer`);
  let position = Number(offset);
  const limit = count === null || count === undefined ? Infinity : Number(count);
  let total = 0;
  const block = new Uint8Array(Math.min(BLOCK, limit));
  while (total < limit) {
    const want = Math.min(block.length, limit - total);
    const n = readFile(fd, want === block.length ? block : block.subarray(0, want), position);
    if (n < 0) throw fromErrno(-n);
    if (n === 0) break;
    yield* sendAll(block.slice(0, n));
    total += n;
    position += n;
  }
  return total;
}
