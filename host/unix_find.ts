// What unix_find_other (net/unix/af_unix.c) answers within connect(2), as far as this process
// can see it at once: a path is looked up in the filesystem, an abstract name among the AF_UNIX
// sockets Linux lists in /proc/net/unix (unix_seq_show). Node's connect reports the same
// refusals, but on a later turn of the event loop, where Linux's non-blocking connect has
// already answered.
import { readFileSync, statSync } from "node:fs";
import { ECONNREFUSED, errnoOf } from "./errno.js";

/** __SO_ACCEPTCON in /proc/net/unix's Flags: the socket listens. */
const ACCEPTCON = 0x10000;

/** 0 when a stream connect to AF_UNIX name `path` may go ahead (or this cannot tell), else the
 * negative errno Linux answers at once: ENOENT (and the like) for a missing path,
 * ECONNREFUSED for a file that is not a socket or an abstract name nobody listens on. */
export function unixFind(path: string): number {
  if (path.startsWith("\0")) return abstractListening(path.slice(1)) === false ? -ECONNREFUSED : 0;
  try {
    return statSync(path).isSocket() ? 0 : -ECONNREFUSED;
  } catch (err) {
    return -errnoOf(err);
  }
}

/** Whether a stream socket listens on abstract name `name`; null when /proc cannot say
 * (no /proc, or a name that its listing would not show as it is: NULs print as '@', and a
 * newline or non-ASCII byte breaks the line format). */
function abstractListening(name: string): boolean | null {
  if (!/^[\x20-\x3f\x41-\x7e]*$/.test(name)) return null;
  let listing: string;
  try {
    listing = readFileSync("/proc/net/unix", "latin1");
  } catch {
    return null;
  }
  // Node (libuv's uv_pipe_bind and uv_pipe_connect) names an abstract socket by the whole
  // 108-byte sun_path, the name padded with NULs: that is the name its connect reaches.
  const padded = name.length < 107 ? name + "@".repeat(107 - name.length) : null;
  return listens(listing, name) || (padded !== null && listens(listing, padded));
}

/** Whether /proc/net/unix lists a listening stream socket named "@" + `shown`. */
function listens(listing: string, shown: string): boolean {
  const want = " @" + shown + "\n";
  for (let at = listing.indexOf(want); at >= 0; at = listing.indexOf(want, at + 1)) {
    // "Num: RefCount Protocol Flags Type St Inode Path": the line's fields before the path.
    const fields = listing.slice(listing.lastIndexOf("\n", at) + 1, at).split(/ +/);
    if (fields.length >= 7 && (parseInt(fields[3], 16) & ACCEPTCON) !== 0 && fields[4] === "0001") return true;
  }
  return false;
}
