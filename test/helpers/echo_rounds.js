// Messages of many sizes sent on a connected pysocket/sync socket to an echo and read back
// (test/sync_direct.test.js, and review_fastpaths.test.js's worker threads, which import this
// file by URL: it imports nothing).

/** Sends `count` messages on `c`, message i of 1 + (i * spread) % limit bytes, each read back
 * whole before the next; returns the index of the first that came back different, or -1. */
export function echoRounds(c, count, spread, limit) {
  for (let i = 0; i < count; i++) {
    const size = 1 + ((i * spread) % limit);
    const msg = new Uint8Array(size).map((_, k) => (i * 13 + k) & 0xff);
    c.sendall(msg);
    const back = new Uint8Array(size);
    let got = 0;
    while (got < size) got += c.recv_into(back.subarray(got));
    if (back.some((v, k) => v !== msg[k])) return i;
  }
  return -1;
}
