// File access for socket.sendfile(), through node:fs: fstat(2) for the size and positional reads
// (pread(2)), so the file's own offset is left alone.
import { fstatSync, readSync } from "node:fs";
import { errnoOf } from "./errno.js";

export const nodeFiles = {
  /** st_size of `fd`, or -errno. */
  size(fd: number): number {
    try {
      return fstatSync(fd).size;
    } catch (err) {
      return -errnoOf(err);
    }
  },
  /** Reads up to into.length bytes of `fd` at `position`, or at the file's own position when
   * that is -1: the count (0 at the end), or -errno. */
  read(fd: number, into: Uint8Array, position: number): number {
    try {
      return readSync(fd, into, 0, into.length, position < 0 ? null : position);
    } catch (err) {
      return -errnoOf(err);
    }
  },
};
