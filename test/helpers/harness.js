// The harness's own calls in the cases of scripts/record_test_socket.py, answered as the
// recorder's Python answers them: value(x), issubclass(a, b), same(a, b),
// write_until_full(f, data, n), readable(s, timeout).

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

/**
 * The harness calls for a facade `module`: `blocking` for pysocket/sync, whose files and
 * select() do not return Promises.
 */
export function harnessCalls({ module, blocking }) {
  const readableIn = ([r]) => r.length === 1;
  return {
    // The original's `s in select.select([s], [], [], timeout)[0]`.
    readable: blocking
      ? (s, timeout) => readableIn(module.select.select([s], [], [], timeout))
      : async (s, timeout) => readableIn(await module.select.select([s], [], [], timeout)),
    value: (x) => x,
    issubclass: (a, b) => a === b || a.prototype instanceof b,
    same: (a, b) => a === b,
    write_until_full: blocking ? writeUntilFullSync : writeUntilFullAsync,
  };
}
