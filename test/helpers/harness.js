// The harness's own calls in the cases of scripts/record_test_socket.py, answered as the
// recorder's Python answers them: value(x), issubclass(a, b), same(a, b),
// write_until_full(f, data, n).

/**
 * testWriteNonBlocking's loop and checks: the first f.write(data) takes some bytes, and so does
 * each next one until one returns None or `limit` writes have run (the original then skips).
 */
function writeUntilFullSync(f, data, limit) {
  if (!f.write(data)) return false;
  for (let i = 0; i < limit; i++) {
    const n = f.write(data);
    if (n === null) return true;
    if (!n) return false;
  }
  return true;
}

async function writeUntilFullAsync(f, data, limit) {
  if (!(await f.write(data))) return false;
  for (let i = 0; i < limit; i++) {
    const n = await f.write(data);
    if (n === null) return true;
    if (!n) return false;
  }
  return true;
}

/** The harness calls for a facade: `blocking` for pysocket/sync, whose files do not return Promises. */
export function harnessCalls({ blocking }) {
  return {
    value: (x) => x,
    issubclass: (a, b) => a === b || a.prototype instanceof b,
    same: (a, b) => a === b,
    write_until_full: blocking ? writeUntilFullSync : writeUntilFullAsync,
  };
}
