// One thread's latency on `pysocket/sync` against CPython's doing the same (bench/sync_thread.py),
// the cases of issue 11: a round trip of 64-byte messages between a socketpair's two ends,
// between two UDP sockets on 127.0.0.1, and between the two ends of a TCP connection, all in
// the one thread; 10,000 pipelined "PING" lines read back with makefile().readline() (µs per
// batch); and ten non-blocking recv calls that raise BlockingIOError. Prints µs per
// operation (medians over rounds) and CPython's time / pysocket's (higher is better for
// pysocket; issue 11's target is >= 0.25). The socketpair, the TCP connection and the UDP sockets
// are all this thread's, so pysocket/sync serves them in it (host/inthread.ts, host/inthread_udp.ts).
// A round of N warms each case up first. Environment: ROUNDS (default 5), N (round trips per
// round, default 2000), NO_CPYTHON=1.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as socket from "pysocket/sync";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const N = Number(process.env.N ?? 2000);
const MSG = new Uint8Array(64).fill(97);
/** Lines in one pipelined batch; the case's time is per N / 1000 batches, so µs per batch. */
const PINGS = 10000;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function roundTrips(a, b, send) {
  return (n) => {
    for (let i = 0; i < n; i++) {
      send(a, MSG);
      b.recv(64);
      send(b, MSG);
      a.recv(64);
    }
  };
}

function* cases() {
  const sendall = (s, m) => s.sendall(m);
  const [a, b] = socket.socketpair();
  yield ["socketpair round trip", roundTrips(a, b, sendall)];
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  v.bind(["127.0.0.1", 0]);
  u.connect(v.getsockname());
  v.connect(u.getsockname());
  yield ["UDP round trip", roundTrips(u, v, (s, m) => s.send(m))];
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  for (const s of [c, conn]) s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  yield ["TCP round trip", roundTrips(c, conn, sendall)];
  const pings = new TextEncoder().encode("PING\r\n".repeat(PINGS));
  const lines = conn.makefile("rb");
  yield [`${PINGS} pipelined PINGs, makefile().readline() (ms per batch)`, (n) => {
    for (let i = 0; i < n / 1000; i++) {
      c.sendall(pings);
      for (let j = 0; j < PINGS; j++) lines.readline();
    }
  }];
  lines.close();
  conn.setblocking(false);
  yield ["non-blocking recv, BlockingIOError (per 10)", (n) => {
    for (let i = 0; i < n * 10; i++) {
      try {
        conn.recv(10);
      } catch (err) {
        if (!(err instanceof socket.BlockingIOError)) throw err;
      }
    }
  }];
  for (const s of [a, b, u, v, c, conn, srv]) s.close();
}

const ours = new Map();
for (const [name, run] of cases()) {
  run(N);
  const us = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    run(N);
    us.push(((performance.now() - t0) * 1000) / N);
  }
  ours.set(name, median(us));
}

let python = null;
let theirs = {};
if (!process.env.NO_CPYTHON) {
  const r = spawnSync("python3", [fileURLToPath(new URL("./sync_thread.py", import.meta.url)), String(ROUNDS), String(N)], { encoding: "utf8" });
  if (r.status === 0) ({ python, us: theirs } = JSON.parse(r.stdout));
  else console.log("python3 not run: the CPython column is empty");
}

console.log(`\none thread, 64-byte messages; pysocket/sync, CPython ${python ?? "(not run)"}; node ${process.version}; medians of ${ROUNDS} rounds of ${N}`);
const rows = [["case", "pysocket/sync µs", "CPython µs", "CPython/sync"]];
for (const [name, us] of ours) {
  const py = theirs[name] ? median(theirs[name]) : NaN;
  rows.push([name, us.toFixed(1), Number.isFinite(py) ? py.toFixed(1) : "-", Number.isFinite(py) ? (py / us).toFixed(3) : "-"]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  "));
