// Runs each test/*.test.js in its own `node` process, so that a test file that leaks a handle
// (and so never exits) fails by timing out instead of hiding behind the others. Up to JOBS files
// run at once (most of a file's time is waiting on timeouts and the resolver, not the CPU); each
// file's output is held and printed in one piece when it ends. Prints uvu's counts summed over
// all files and a closing line "N passed, M failed".
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../test/", import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.js") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const PER_FILE_MS = 240_000;
const JOBS = 4;

/** Runs one file; its output comes back as [stream, chunk] pairs in the order they were written. */
function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [dir + file], { stdio: ["ignore", "pipe", "pipe"] });
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
    const r = await runFile(files[next++]);
    print(r);
    passed += r.passed;
    failed += r.failed;
  }
}
await Promise.all(Array.from({ length: Math.min(JOBS, files.length) }, worker));
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
