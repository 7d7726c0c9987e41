// How fast `pysocket/sync` is, against anchors doing the same work in the same run, each client
// in a process of its own and all against one server in another process (bench/sync_server.mjs,
// raw node:net on 127.0.0.1):
//   pysocket/sync  blocking calls, as a Python program makes them (bench/sync_client.mjs sync)
//   CPython        python3's blocking socket module, the same program (bench/sync_cpython.py)
//   node:net       raw node:net with events and write/drain (bench/sync_client.mjs node)
// Workloads, every connection with TCP_NODELAY (node:net's are; Nagle's algorithm would cost a
// bulk sender's kernel more work, so the others set it too, and all do the same work):
//   ping-pong  64-byte messages echoed: round trips per second
//   upload     BULK bytes in 64 KiB sendall calls, then shutdown and the server's count: MiB/s
//   download   BULK bytes read with recv(65536) until the server closes: MiB/s
// After a warm-up, each round runs every contender once per workload, in an order that rotates
// from round to round, so that all of them meet the machine's load as it comes and goes; the
// table quotes medians over rounds. Targets (issue 11): ping-pong >= 0.9x CPython's round trips
// per second; bulk (upload and download) >= 1.0x raw node:net's MiB/s. They are printed as
// PASS/MISS and never change the exit status; a contender that fails is reported and the script
// goes on.
//
// Environment: ROUNDS (default 5), PINGPONG_N (default 10000), BULK_MIB (default 256; lowered,
// with a note, if a run would take over a minute), NO_CPYTHON=1 to skip python3.

import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const env = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const ROUNDS = env("ROUNDS", 5);
const PINGPONG_N = env("PINGPONG_N", 10000);
const CHUNK = 64 * 1024;
const MIB = 1024 * 1024;
const WARM_BULK = 32 * MIB;
const RUN_LIMIT_S = 60;
/** A command not answered by then is abandoned and its process killed. */
const GUARD_MS = 180_000;

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A child process that answers one JSON line per line it is sent. */
class Peer {
  constructor(name, cmd, args) {
    this.name = name;
    this.proc = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
    this.failed = null;
  }

  async line() {
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${GUARD_MS / 1000} s`)), GUARD_MS);
    });
    try {
      const { value, done } = await Promise.race([this.lines.next(), limit]);
      if (done) throw new Error("the process ended");
      return JSON.parse(value);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a command: its seconds, or null once this contender has failed (reported once). */
  async ask(command) {
    if (this.failed) return null;
    try {
      this.proc.stdin.write(`${command}\n`);
      const answer = await this.line();
      if (answer.error) throw new Error(answer.error);
      return answer.seconds;
    } catch (err) {
      this.failed = err;
      console.log(`${this.name} failed on "${command}": ${err.message}`);
      this.proc.kill("SIGKILL");
      return null;
    }
  }

  close() {
    this.proc.stdin.end();
  }
}

const server = new Peer("server", process.execPath, [here("./sync_server.mjs")]);
const ports = await server.line();
const portsJson = JSON.stringify(ports);

const contenders = [
  new Peer("pysocket/sync", process.execPath, [here("./sync_client.mjs"), "sync", portsJson]),
  new Peer("node:net", process.execPath, [here("./sync_client.mjs"), "node", portsJson]),
];
let python = null;
if (!process.env.NO_CPYTHON && spawnSync("python3", ["--version"]).status === 0) {
  const cpython = new Peer("CPython", "python3", [here("./sync_cpython.py"), portsJson]);
  python = (await cpython.line()).python;
  contenders.splice(1, 0, cpython);
} else {
  console.log("python3 not run: the CPython column is empty");
}
const sync = contenders[0];
const cpython = contenders.find((c) => c.name === "CPython");
const node = contenders.find((c) => c.name === "node:net");

// Warm-up: every contender once on every workload; the bulk figures also size the timed runs.
let bulk = env("BULK_MIB", 256) * MIB;
let slowest = 0;
for (const c of contenders) {
  await c.ask(`pingpong ${Math.min(2000, PINGPONG_N)}`);
  for (const w of ["upload", "download"]) slowest = Math.max(slowest, (await c.ask(`${w} ${WARM_BULK} ${CHUNK}`)) ?? 0);
}
const projected = (slowest * bulk) / WARM_BULK;
let note = "";
if (projected > RUN_LIMIT_S) {
  const mib = Math.max(1, Math.floor(((RUN_LIMIT_S / projected) * bulk) / MIB));
  note = `bulk lowered from ${bulk / MIB} MiB to ${mib} MiB: a run would have taken about ${projected.toFixed(0)} s`;
  bulk = mib * MIB;
}

const WORKLOADS = [
  { name: "ping-pong", unit: "rt/s", command: `pingpong ${PINGPONG_N}`, rate: (s) => PINGPONG_N / s },
  { name: "upload", unit: "MiB/s", command: `upload ${bulk} ${CHUNK}`, rate: (s) => bulk / MIB / s },
  { name: "download", unit: "MiB/s", command: `download ${bulk} ${CHUNK}`, rate: (s) => bulk / MIB / s },
];
const rates = new Map(WORKLOADS.map((w) => [w.name, new Map(contenders.map((c) => [c, []]))]));
for (let round = 0; round < ROUNDS; round++) {
  const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
  for (const w of WORKLOADS) {
    for (const c of order) {
      const s = await c.ask(w.command);
      if (s !== null) rates.get(w.name).get(c).push(w.rate(s));
    }
  }
}
for (const c of contenders) c.close();
server.close();

const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-");
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "-");
const verdict = (r, target) => (Number.isFinite(r) ? `${r >= target ? "PASS" : "MISS"} (target >= ${target})` : "-");

console.log(`\npysocket/sync, CPython ${python ?? "(not run)"}, raw node:net; node ${process.version}; 127.0.0.1;`);
console.log(`ping-pong ${PINGPONG_N} round trips, bulk ${bulk / MIB} MiB in ${CHUNK / 1024} KiB chunks; medians of ${ROUNDS} rounds`);
if (note) console.log(`note: ${note}`);
const rows = [["workload", "pysocket/sync", "CPython", "node:net", "sync/CPython", "sync/node", "target"]];
for (const w of WORKLOADS) {
  const m = (c) => (c ? median(rates.get(w.name).get(c)) : NaN);
  const [s, p, n] = [m(sync), m(cpython), m(node)];
  const target = w.name === "ping-pong" ? verdict(s / p, 0.9) : verdict(s / n, 1.0);
  rows.push([`${w.name} (${w.unit})`, fmt(s), fmt(p), fmt(n), ratio(s, p), ratio(s, n), target]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  "));
