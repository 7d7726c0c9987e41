// socket.sendfile(file, offset=0, count=None), as Lib/socket.py does it on Linux: the
// _sendfile_use_sendfile path (whose os.sendfile is emulated here by reading the file and
// sending each block whole), with its checks in CPython's order, and _sendfile_use_send for file
// objects without a descriptor. The file is an fd number, an object with an `fd` (a node:fs
// FileHandle; -1 once closed) or a fileno() method, or one with read() (and seek()) only.

import { AttributeError, OSError, OverflowError, UnsupportedOperation, ValueError, fromErrno, pyRepr } from "./errors.js";
import { asBytes, isInt, typeName } from "./pyargs.js";
import type { Op } from "./sockcall.js";

/** What sendfile needs of the runtime's files. Both return -errno on failure. */
export interface Files {
  size(fd: number): number;
  /** Reads at `position`, or at the file's own position (advancing it) when that is -1. */
  read(fd: number, into: Uint8Array, position: number): number;
}

const BLOCK = 65536;
const SEND_BLOCK = 8192;
const EINVAL = 22;
const SSIZE_MAX = 2n ** 63n - 1n;

/** A file object's methods sendfile may call, as Python's file objects have them. */
interface FileObject {
  fd?: unknown;
  fileno?: () => unknown;
  read?: (n: number) => unknown;
  seek?: (position: number) => unknown;
  mode?: unknown;
}

/** file.fileno() as the file object answers it, or null when it has no descriptor (no fileno,
 * or one raising io.UnsupportedOperation): socket.py then gives up on os.sendfile. */
function fileDescriptor(file: unknown): number | null {
  if (typeof file === "number" && Number.isInteger(file)) return file;
  const f = file as FileObject | null;
  let fd: unknown;
  if (f && typeof f.fd === "number") fd = f.fd;
  else if (f && typeof f.fileno === "function") {
    try {
      fd = f.fileno();
    } catch (err) {
      if (err instanceof UnsupportedOperation) return null;
      throw err;
    }
  } else return null;
  if (fd === -1) throw new ValueError("I/O operation on closed file");
  return Number(fd);
}

export interface SendfileTarget {
  readonly type: number;
  readonly timeout: number | null;
  fileno(): number;
}

export function* sendfileOp(
  sock: SendfileTarget, files: Files, sendAll: (data: Uint8Array) => Op<unknown>,
  file: unknown, offset: unknown, count: unknown,
): Op<number> {
  // _check_sendfile_params
  const mode = (file as FileObject | null)?.mode;
  if (typeof mode === "string" && !mode.includes("b")) throw new ValueError("file should be opened in binary mode");
  const SOCK_STREAM = 1;
  if (!(sock.type & SOCK_STREAM)) throw new ValueError("only SOCK_STREAM type sockets are supported");
  if (count !== null && count !== undefined) {
    if (!isInt(count)) throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`);
    if (Number(count) <= 0) throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`);
  }
  // _sendfile_use_sendfile
  const sockno = sock.fileno();
  const fd = fileDescriptor(file);
  if (fd === null) return yield* useSend(sock, sendAll, file as FileObject, offset, count);
  const fsize = files.size(fd);
  if (fsize === 0) return 0;
  if (sock.timeout === 0) throw new ValueError("non-blocking sockets are not supported");
  // A file fstat cannot size goes to _sendfile_use_send, which reads it (and fails there).
  if (fsize > 0 && sockno === -1) throw new ValueError("Invalid file descriptor: -1");
  if (offset === null || offset === undefined) {
    // os.sendfile(offset=None) sends from the file's own position; then socket.py's
    // `offset += sent` fails, after that first (whole-file) block went out.
    const block = new Uint8Array(Math.min(fsize, count === null || count === undefined ? fsize : Number(count)));
    const n = files.read(fd, block, -1);
    if (n < 0) throw fromErrno(-n);
    if (n > 0) yield* sendAll(block.subarray(0, n));
    throw new TypeError("unsupported operand type(s) for +=: 'NoneType' and 'int'");
  }
  // os.sendfile's own argument conversions: off_t offset, Py_ssize_t count.
  if (!isInt(offset)) throw new TypeError(`'${typeName(offset)}' object cannot be interpreted as an integer`);
  const off = BigInt(typeof offset === "boolean" ? Number(offset) : offset);
  if (off > SSIZE_MAX || off < -SSIZE_MAX - 1n) throw new OverflowError("Python int too large to convert to C long");
  if (count !== null && count !== undefined && BigInt(Number(count) === Infinity ? 0 : count as number | bigint) > SSIZE_MAX) {
    throw new OverflowError("Python int too large to convert to C ssize_t");
  }
  // A negative offset fails os.sendfile (EINVAL); the fallback's file.seek() fails the same way.
  // Offsets past 2**53 are past any file Node can read, and past Linux's file size limit there.
  if (off < 0n || off > BigInt(Number.MAX_SAFE_INTEGER)) throw fromErrno(EINVAL);
  let position = Number(off);
  const limit = count === null || count === undefined ? Infinity : Number(count);
  let total = 0;
  const block = new Uint8Array(BLOCK);
  try {
    while (total < limit) {
      const want = Math.min(BLOCK, limit - total);
      const n = files.read(fd, want === BLOCK ? block : block.subarray(0, want), position);
      if (n < 0) {
        if (total === 0) throw fromErrno(-n);
        throw new OSError(-n, "read failed");
      }
      if (n === 0) break;
      yield* sendAll(block.slice(0, n));
      total += n;
      position += n;
    }
    return total;
  } finally {
    // A file object's position moves past what was sent (an fd number has no seek()).
    if (total > 0) seekTo(file, position);
  }
}

function seekTo(file: unknown, position: number): void {
  const seek = (file as FileObject | null)?.seek;
  if (typeof seek === "function") seek.call(file, position);
}

/** socket.py's _sendfile_use_send, for a file object without a descriptor: file.read() blocks
 * of 8192 bytes at most, sent whole. */
function* useSend(
  sock: SendfileTarget, sendAll: (data: Uint8Array) => Op<unknown>, file: FileObject, offset: unknown, count: unknown,
): Op<number> {
  if (sock.timeout === 0) throw new ValueError("non-blocking sockets are not supported");
  const off = offset === null || offset === undefined ? 0 : Number(offset);
  if (off) seekTo(file, off);
  if (typeof file?.read !== "function") throw new AttributeError(`'${typeName(file)}' object has no attribute 'read'`);
  const limit = count === null || count === undefined ? Infinity : Number(count);
  let total = 0;
  try {
    while (total < limit) {
      const data = asBytes(file.read(Math.min(limit - total, SEND_BLOCK)));
      if (data.length === 0) break;
      yield* sendAll(data);
      total += data.length;
    }
    return total;
  } finally {
    if (total > 0) seekTo(file, off + total);
  }
}
