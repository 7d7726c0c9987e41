// How fast select and selectors are, against CPython doing the same work in the same run:
//   echo    a selectors echo server (bench/select_server.mjs on pysocket and on pysocket/sync,
//           bench/select_cpython.py on python3) with CLIENTS concurrent clients echoing 64-byte
//           messages (bench/select_load.mjs, node:net, a process of its own): round trips per
//           second, the median over ROUNDS rounds in an order that rotates from round to round
//   select  select.select([...N idle sockets, one readable], [], [], 0): ns per call
// Targets (issue 10): echo >= 0.5x CPython on pysocket/sync and >= 0.8x on pysocket; select no
// slower than CPython's. Printed as PASS/MISS; they never change the exit status.
// Environment: ROUNDS (default 3), CLIENTS (default 100), SECONDS (default 3), N (default 1000),
// NO_CPYTHON=1 to skip python3.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const env = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const ROUNDS = env("ROUNDS", 3);
const CLIENTS = env("CLIENTS", 100);
const SECONDS = env("SECONDS", 3);
const N = env("N", 1000);
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

const SERVERS = {
  CPython: ["python3", [here("select_cpython.py"), "echo"]],
  pysocket: [process.execPath, [here("select_server.mjs"), "echo", "async"]],
  "pysocket/sync": [process.execPath, [here("select_server.mjs"), "echo", "sync"]],
};
if (process.env.NO_CPYTHON) delete SERVERS.CPython;

/** Runs a command to its end; its last stdout line as JSON. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

async function echoRound(name) {
  const [cmd, args] = SERVERS[name];
  const server = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
    const { port } = JSON.parse((await lines.next()).value);
    const { rps } = await run(process.execPath, [here("select_load.mjs"), String(port), String(CLIENTS), String(SECONDS)]);
    return rps;
  } finally {
    server.kill();
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const names = Object.keys(SERVERS);
const rps = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    try {
      rps[name].push(await echoRound(name));
    } catch (err) {
      console.log(`${name}: ${err.message}`);
    }
  }
}
console.log(`selectors echo server, ${CLIENTS} concurrent clients, 64-byte round trips (median of ${ROUNDS} rounds of ${SECONDS} s):`);
const base = median(rps.CPython ?? []);
for (const name of names) {
  const v = median(rps[name]);
  const ratio = base ? v / base : NaN;
  const target = name === "pysocket" ? 0.8 : name === "pysocket/sync" ? 0.5 : null;
  const verdict = target === null || !base ? "" : ratio >= target ? `PASS (>= ${target}x)` : `MISS (target ${target}x)`;
  console.log(`  ${name.padEnd(14)} ${Math.round(v).toString().padStart(8)} /s  ${base ? ratio.toFixed(2) + "x CPython" : ""}  ${verdict}`);
}

console.log(`select.select over ${N} idle sockets, one readable, timeout 0 (ns per call):`);
const sel = {};
if (!process.env.NO_CPYTHON) sel.CPython = (await run("python3", [here("select_cpython.py"), "select", String(N)])).ns;
sel.pysocket = (await run(process.execPath, [here("select_server.mjs"), "select", "async", String(N)])).ns;
sel["pysocket/sync"] = (await run(process.execPath, [here("select_server.mjs"), "select", "sync", String(N)])).ns;
for (const [name, ns] of Object.entries(sel)) {
  const ratio = sel.CPython ? ns / sel.CPython : NaN;
  const verdict = name === "CPython" || !sel.CPython ? "" : ratio <= 1 ? "PASS (<= CPython)" : "MISS (target <= CPython)";
  console.log(`  ${name.padEnd(14)} ${Math.round(ns).toString().padStart(8)} ns  ${sel.CPython ? ratio.toFixed(2) + "x CPython's time" : ""}  ${verdict}`);
}
