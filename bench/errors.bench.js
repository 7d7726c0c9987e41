// What an exception costs on a hot path, against CPython doing the same in the same run:
//   recv -> BlockingIOError  a non-blocking recv() with nothing to read, on a socketpair end
//                            (pysocket: its Promise rejects; pysocket/sync: it throws)
//   check(-EAGAIN)           the BlockingIOError a failed call raises (src/errors.ts fromErrno),
//                            thrown and caught; CPython: raise OSError(11, ...) from Python
//   sockCall's timeout       the TimeoutError("timed out") sock_call_ex raises (timedOut())
//   new BlockingIOError(...) one built by user code, which keeps its JS stack
// Each case runs N times per round (median of ROUNDS rounds); µs per call and the ratio to
// CPython (> 1 means pysocket is slower). NO_CPYTHON=1 skips python3.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const N = Number(process.env.N ?? 20000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** µs per call of `fn` (sync), median over rounds. */
function timeSync(fn) {
  for (let i = 0; i < N / 10; i++) fn();
  const per = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
  }
  return median(per);
}

/** µs per call of `fn` (async), median over rounds. */
async function timeAsync(fn) {
  for (let i = 0; i < N / 10; i++) await fn();
  const per = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn();
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
  }
  return median(per);
}

const swallow = (f) => () => {
  try {
    f();
  } catch {}
};
const swallowAsync = (f) => () => f().catch(() => {});

const results = {};
{
  const socket = await import("pysocket");
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  results["pysocket: recv -> BlockingIOError"] = await timeAsync(swallowAsync(() => a.recv(64)));
  const errors = await import("../dist/src/errors.js");
  results["check(-EAGAIN) -> BlockingIOError"] = timeSync(swallow(() => { throw errors.fromErrno(11); }));
  results["sockCall's TimeoutError('timed out')"] = timeSync(swallow(() => { throw errors.timedOut(); }));
  results["new BlockingIOError(11, strerror)"] = timeSync(swallow(() => { throw new socket.BlockingIOError(11, "Resource temporarily unavailable"); }));
  a.close();
  b.close();
}
{
  const socket = await import("pysocket/sync");
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  results["pysocket/sync: recv -> BlockingIOError"] = timeSync(swallow(() => a.recv(64)));
  a.close();
  b.close();
}

let cpython = {};
if (!process.env.NO_CPYTHON) {
  const script = fileURLToPath(new URL("./errors_cpython.py", import.meta.url));
  const r = spawnSync("python3", [script, String(N), String(ROUNDS)], { encoding: "utf8" });
  if (r.status === 0) cpython = JSON.parse(r.stdout);
  else console.log(`CPython: failed (${r.stderr.trim()})`);
}
const anchor = {
  "pysocket: recv -> BlockingIOError": "recv -> BlockingIOError",
  "pysocket/sync: recv -> BlockingIOError": "recv -> BlockingIOError",
  "check(-EAGAIN) -> BlockingIOError": "OSError(11, strerror)",
  "sockCall's TimeoutError('timed out')": "TimeoutError('timed out')",
  "new BlockingIOError(11, strerror)": "OSError(11, strerror)",
};
console.log(`N=${N}, ${ROUNDS} rounds, medians; µs per call`);
console.log("case".padEnd(42) + "pysocket".padStart(10) + "CPython".padStart(10) + "ratio".padStart(8));
for (const [name, us] of Object.entries(results)) {
  const py = cpython[anchor[name]];
  const ratio = py ? (us / py).toFixed(1) + "x" : "-";
  console.log(name.padEnd(42) + us.toFixed(2).padStart(10) + (py ? py.toFixed(2) : "-").padStart(10) + ratio.padStart(8));
}
