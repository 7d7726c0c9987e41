// How fast pysocket/addr is, against anchors doing the same work in the same run:
//   plain JS   glibc's rules written directly in JavaScript (bench/plain_glibc.js): the lower bound
//   ipaddr.js  the usual npm address library: parse(s).toByteArray(), fromByteArray(b).toString()
//   CPython    python3's socket module under timeit (bench/addr_cpython.py)
// on one fixed corpus (bench/corpus.js). Each figure is the median over rounds of ns per call,
// loop included; CPython's is given net of its empty loop as well, and the targets use that net
// figure, which favours CPython. Speed targets are reported, never enforced: the exit status is
// non-zero only when the plain-JS lower bound answers differently from pysocket.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import ipaddr from "ipaddr.js";
import { AF_INET, AF_INET6, htonl, inet_aton, inet_ntoa, inet_ntop, inet_pton, ntohs } from "pysocket/addr";
import { corpus } from "./corpus.js";
import * as plain from "./plain_glibc.js";

const WARMUP_MS = 150;
const SAMPLE_MS = 6;
const ROUNDS = 21;
const PY_SAMPLE_S = 0.02;

/** What each function does, for each contender. `use` folds a result into a checksum, so the
 * work cannot be optimised away; reading a string's last unit flattens it, as any use would. */
const CASES = [
  {
    name: "inet_pton4", label: "inet_pton(AF_INET, s)", inputs: corpus.pton4, use: "bytes",
    pysocket: (s) => inet_pton(AF_INET, s),
    plain: (s) => plain.inet_pton4(s),
    ipaddr: (s) => ipaddr.parse(s).toByteArray(),
  },
  {
    name: "inet_pton6", label: "inet_pton(AF_INET6, s)", inputs: corpus.pton6, use: "bytes", ipaddrTarget: true,
    pysocket: (s) => inet_pton(AF_INET6, s),
    plain: (s) => plain.inet_pton6(s),
    ipaddr: (s) => ipaddr.parse(s).toByteArray(),
  },
  {
    name: "inet_ntop4", label: "inet_ntop(AF_INET, b)", inputs: corpus.ntop4, use: "text",
    pysocket: (b) => inet_ntop(AF_INET, b),
    plain: (b) => plain.inet_ntop4(b),
    ipaddr: (b) => ipaddr.fromByteArray(b).toString(),
  },
  {
    name: "inet_ntop6", label: "inet_ntop(AF_INET6, b)", inputs: corpus.ntop6, use: "text", ipaddrTarget: true,
    pysocket: (b) => inet_ntop(AF_INET6, b),
    plain: (b) => plain.inet_ntop6(b),
    ipaddr: (b) => ipaddr.fromByteArray(b).toString(),
  },
  {
    name: "inet_aton", label: "inet_aton(s)", inputs: corpus.aton, use: "bytes",
    pysocket: (s) => inet_aton(s),
    plain: (s) => plain.inet_aton(s),
    ipaddr: (s) => ipaddr.parse(s).toByteArray(),
  },
  {
    name: "inet_ntoa", label: "inet_ntoa(b)", inputs: corpus.ntop4, use: "text",
    pysocket: (b) => inet_ntoa(b),
    plain: (b) => plain.inet_ntop4(b),
    ipaddr: (b) => ipaddr.fromByteArray(b).toString(),
  },
  {
    name: "htonl", label: "htonl(x)", inputs: corpus.u32, use: "int",
    pysocket: (x) => htonl(x),
    plain: (x) => plain.htonl(x),
  },
  {
    name: "ntohs", label: "ntohs(x)", inputs: corpus.u16, use: "int",
    pysocket: (x) => ntohs(x),
    plain: (x) => plain.ntohs(x),
  },
];

const JS_CONTENDERS = ["pysocket", "plain", "ipaddr"];

const key = (r) => (typeof r === "string" || typeof r === "number" ? r : Array.from(r).join(","));

/** The plain-JS lower bound must do exactly pysocket's work, or the comparison means nothing.
 * ipaddr.js follows other rules (it reads ::a.b.c.d as mapped, prints no dotted tails), so its
 * differences are only counted. */
function checkAgreement() {
  const expected = { inet_pton4: corpus.pton4Bytes, inet_pton6: corpus.pton6Bytes, inet_aton: corpus.atonBytes };
  const notes = [];
  for (const c of CASES) {
    c.results = c.inputs.map((x) => c.pysocket(x));
    const want = c.results.map(key);
    c.inputs.forEach((x, i) => {
      const got = key(c.plain(x));
      if (got !== want[i]) throw new Error(`plain JS ${c.name}(${x}) = ${got}, pysocket says ${want[i]}`);
      if (expected[c.name] && key(expected[c.name][i]) !== want[i]) {
        throw new Error(`pysocket ${c.name}(${x}) = ${want[i]}, the corpus built ${key(expected[c.name][i])}`);
      }
    });
    if (c.ipaddr) {
      const differ = c.inputs.filter((x, i) => key(c.ipaddr(x)) !== want[i]).length;
      if (differ > 0) notes.push(`${c.name} ${differ}/${c.inputs.length}`);
    }
  }
  return notes;
}

/** A fresh loop per contender and function, compiled from its own source text: V8 caches a
 * `new Function` by its text, feedback included, so two loops of the same text would share
 * call-site feedback, and with it make every contender's call polymorphic. Unique text keeps
 * each call site monomorphic, as in real use. */
function makeLoop(fn, inputs, use, label) {
  const fold = { bytes: "r[0] ^ r[r.length - 1]", text: "r.length ^ r.charCodeAt(r.length - 1)", int: "r" }[use];
  const body = `// ${label}
  return function loop(reps) {
    let acc = 0;
    for (let k = 0; k < reps; k++) {
      for (let i = 0; i < inputs.length; i++) {
        const r = fn(inputs[i]);
        acc = (acc + (${fold})) | 0;
      }
    }
    return acc;
  };`;
  return new Function("fn", "inputs", body)(fn, inputs);
}

/** Written after every sample so that no loop's result is dead. */
let sink = 0;

function timeLoop(loop, reps) {
  const t0 = process.hrtime.bigint();
  sink ^= loop(reps);
  return Number(process.hrtime.bigint() - t0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Starts bench/addr_cpython.py on the corpus; null when python3 cannot run it. */
async function startCPython() {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-bench-"));
  const file = join(dir, "corpus.json");
  writeFileSync(file, JSON.stringify({
    pton4: corpus.pton4, pton6: corpus.pton6, ntop4: corpus.ntop4.map(hex), ntop6: corpus.ntop6.map(hex),
    aton: corpus.aton, u32: corpus.u32, u16: corpus.u16,
  }));
  const script = fileURLToPath(new URL("./addr_cpython.py", import.meta.url));
  const child = spawn("python3", [script, file, String(PY_SAMPLE_S)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const spawnFailed = new Promise((resolve) => child.once("error", (error) => resolve({ error })));
  // The header line comes once python3 has read the corpus file, so it can go then.
  const first = await Promise.race([lines.next(), spawnFailed]);
  rmSync(dir, { recursive: true, force: true });
  if (first.error || first.done) {
    console.log(`CPython: skipped (${first.error?.message ?? "python3 exited without an answer"})`);
    return null;
  }
  return {
    ...JSON.parse(first.value),
    async round() {
      child.stdin.write("round\n");
      return JSON.parse((await lines.next()).value);
    },
    close: () => child.stdin.end(),
  };
}

function checkCPython(py) {
  const disagree = [];
  for (const c of CASES) {
    const mine = c.results.map((x) => (x instanceof Uint8Array ? hex(x) : x));
    const bad = py.results[c.name].filter((x, i) => x !== mine[i]).length;
    if (bad > 0) disagree.push(`${c.name} ${bad}/${c.inputs.length}`);
  }
  console.log(`CPython ${py.python}: ${disagree.length ? `DIFFERS from pysocket on ${disagree.join(", ")}`
    : "agrees with pysocket on the whole corpus"}`);
}

/** Warms every JS loop up, then runs ROUNDS rounds, each every JS cell (in rotated order) then
 * one CPython round, so that all contenders share the machine's load as it comes and goes. */
async function measure(py) {
  const runs = [];
  for (const c of CASES) {
    for (const who of JS_CONTENDERS) {
      if (!c[who]) continue;
      const loop = makeLoop(c[who], c.inputs, c.use, `${c.name} ${who}`);
      const start = Date.now();
      let passNs = Infinity;
      while (Date.now() - start < WARMUP_MS) passNs = Math.min(passNs, timeLoop(loop, 1));
      const reps = Math.max(1, Math.ceil((SAMPLE_MS * 1e6) / passNs));
      runs.push({ c, who, loop, reps, samples: [] });
    }
  }
  const pySamples = new Map(CASES.map((c) => [c, { loop: [], empty: [], call: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first, so no contender always follows the same neighbour's garbage.
    for (let i = 0; i < runs.length; i++) {
      const r = runs[(i + round) % runs.length];
      r.samples.push(timeLoop(r.loop, r.reps) / (r.reps * r.c.inputs.length));
    }
    if (!py) continue;
    const sample = await py.round();
    for (const [c, s] of pySamples) {
      const { loop, empty } = sample[c.name];
      s.loop.push(loop * 1e9);
      s.empty.push(empty * 1e9);
      s.call.push((loop - empty) * 1e9);
    }
  }
  for (const r of runs) r.c[r.who] = { ns: median(r.samples), spread: spread(r.samples) };
  if (!py) return;
  for (const [c, s] of pySamples) {
    c.cpython = { ns: median(s.call), loopNs: median(s.loop), emptyNs: median(s.empty), spread: spread(s.call) };
  }
}

/** Interquartile range over median. */
function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return (q(0.75) - q(0.25)) / median(s);
}

const f1 = (x) => (x === undefined ? "-" : x.toFixed(1));
const f2 = (x) => (x === undefined ? "-" : x.toFixed(2));

function report() {
  const cols = [
    ["function", 24], ["pysocket", 9], ["plain JS", 9], ["ipaddr.js", 10], ["CPython", 8],
    ["(loop", 7], ["empty)", 7], ["÷plain", 7], ["÷ipaddr", 8], ["÷CPython", 9],
  ];
  console.log("\nmedian ns per call; ÷X = pysocket's time divided by X's (below 1: pysocket is faster)");
  console.log(cols.map(([h, w], i) => (i === 0 ? h.padEnd(w) : h.padStart(w))).join(" "));
  for (const c of CASES) {
    const p = c.pysocket.ns;
    const cells = [
      c.label, f1(p), f1(c.plain.ns), f1(c.ipaddr?.ns), f1(c.cpython?.ns), f1(c.cpython?.loopNs),
      f1(c.cpython?.emptyNs), f2(p / c.plain.ns), c.ipaddr ? f2(p / c.ipaddr.ns) : "-",
      c.cpython ? f2(p / c.cpython.ns) : "-",
    ];
    console.log(cells.map((x, i) => (i === 0 ? x.padEnd(cols[i][1]) : x.padStart(cols[i][1]))).join(" "));
  }
  const widest = Math.max(...CASES.flatMap((c) => [...JS_CONTENDERS, "cpython"].map((w) => c[w]?.spread ?? 0)));
  console.log(`${ROUNDS} interleaved rounds, ~${SAMPLE_MS} ms per JS cell and ${PY_SAMPLE_S * 1000} ms per CPython ` +
    `loop; the widest interquartile range is ${(widest * 100).toFixed(0)}% of its median.\n` +
    `CPython = (loop) - (empty): its call alone, its own loop's cost taken out; pysocket's figure keeps its loop.`);

  console.log("\ntargets (informational)");
  const line = (ok, text) => console.log(`  ${ok ? "PASS" : "MISS"}  ${text}`);
  for (const c of CASES.filter((c) => c.cpython)) {
    const r = c.pysocket.ns / c.cpython.ns;
    line(r < 1, `${c.name}: faster than CPython per call (${f1(1 / r)}x as fast)`);
  }
  for (const c of CASES.filter((c) => c.ipaddrTarget)) {
    const r = c.ipaddr.ns / c.pysocket.ns;
    line(r >= 5, `${c.name}: at least 5x as fast as ipaddr.js (${f1(r)}x)`);
  }
  for (const c of CASES) {
    const r = c.pysocket.ns / c.plain.ns;
    line(r <= 1.5, `${c.name}: within 1.5x of plain JS (${f2(r)}x its time)`);
  }
}

const ipaddrNotes = checkAgreement();
console.log(`corpus: ${corpus.pton4.length} IPv4, ${corpus.pton6.length} IPv6, ${corpus.aton.length} inet_aton texts, ` +
  `${corpus.u32.length}+${corpus.u16.length} integers; plain JS agrees with pysocket on all of them`);
if (ipaddrNotes.length) console.log(`ipaddr.js answers differently (its own rules) on: ${ipaddrNotes.join(", ")}`);
const py = await startCPython();
if (py) checkCPython(py);
try {
  await measure(py);
} finally {
  py?.close();
}
report();
