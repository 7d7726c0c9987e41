// Runs each test/*.test.js in its own `node` process, so that a test file that leaks a handle
// (and so never exits) fails by timing out instead of hiding behind the others. Up to JOBS files
// run at once (most of a file's time is waiting on timeouts and the resolver, not the CPU); each
// file's output is held and printed in one piece when it ends. Prints uvu's counts summed over
// all files and a closing line "N passed, M failed".
// The files that take longest start first, so that none is left running alone at the end. The
// files that install the packed package (test/helpers/pack.js) share one tarball, packed once
// while the first files run: packing builds the package, seconds of CPU each time.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../test/", import.meta.url));
const only = process.argv.slice(2);
/** The slowest files, slowest first (seconds of waiting on timeouts and peers, or packing). */
const SLOW = ["makefile_sync", "sync_direct.test", "test_socket_cases", "sync_fallback", "review_fastpaths", "timeouts",
  "package.test", "sync_scenarios", "edges.test", "package_runtimes", "package_browser", "sync_direct_full", "select.test",
  "rules.test", "makefile.test", "package_workerd", "sync_lifetime", "sim_cli", "sync.test"];
const rank = (f) => {
  const i = SLOW.findIndex((s) => f.startsWith(s));
  return i < 0 ? SLOW.length : i;
};
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.js") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
const PER_FILE_MS = 240_000;
const JOBS = 6;
const installsPackage = (f) => f.startsWith("package");

/** Packs the package once for the files that install it; resolves to the environment they run
 * with (nothing more when packing failed: each file then packs for itself, and reports why). */
function packOnce() {
  if (!files.some(installsPackage)) return Promise.resolve({});
  const work = mkdtempSync(join(tmpdir(), "pysocket-tarball-"));
  process.on("exit", () => rmSync(work, { recursive: true, force: true }));
  const script = fileURLToPath(new URL("./pack-tarball.mjs", import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, work], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("close", (code) => resolve(code === 0 ? { PYSOCKET_PACKED: join(work, "packed.json") } : {}));
  });
}
const packed = packOnce();

/** Runs one file; its output comes back as [stream, chunk] pairs in the order they were written. */
function runFile(file, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [dir + file], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    const chunks = [];
    let out = "";
    child.stdout.on("data", (d) => { out += d; chunks.push([process.stdout, d]); });
    child.stderr.on("data", (d) => { out += d; chunks.push([process.stderr, d]); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, PER_FILE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
      // A file that crashed, hung or exited non-zero with all its tests passing still fails once.
      const failed = Math.max(total - passed, code === 0 ? 0 : 1);
      const notes = [];
      if (timedOut) notes.push(`${file}: did not exit within ${PER_FILE_MS / 1000}s (a leaked handle or a hang)`);
      if (code !== 0) notes.push(`${file}: exited with ${code ?? "a signal"}`);
      resolve({ file, chunks, notes, passed, failed, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function print({ file, chunks, notes, seconds }) {
  console.log(`\n# ${file} (${seconds.toFixed(1)} s)`);
  for (const [stream, chunk] of chunks) stream.write(chunk);
  for (const note of notes) console.log(note);
}

let passed = 0;
let failed = 0;
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file, installsPackage(file) ? await packed : {});
    print(r);
    passed += r.passed;
    failed += r.failed;
  }
}
await Promise.all(Array.from({ length: Math.min(JOBS, files.length) }, worker));
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
