// File reads for socket.sendfile(), through node:fs: a positional read (pread(2)), so the
// file's own offset is left alone.
import { readSync } from "node:fs";
import { errnoOf } from "./errno.js";

/** Reads up to into.length bytes of `fd` at `position`: the count (0 at the end), or -errno. */
export function readFileAt(fd: number, into: Uint8Array, position: number): number {
  try {
    return readSync(fd, into, 0, into.length, position);
  } catch (err) {
    return -errnoOf(err);
  }
}
