// Runs each test/*.test.js in its own `node` process, so that a test file that leaks a handle
// (and so never exits) fails by timing out instead of hiding behind the others. Prints uvu's
// counts summed over all files and a closing line "N passed, M failed".
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../test/", import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.js") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const PER_FILE_MS = 240_000;

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [dir + file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; process.stdout.write(d); });
    child.stderr.on("data", (d) => { out += d; process.stderr.write(d); });
    const timer = setTimeout(() => {
      out += `\n${file}: did not exit within ${PER_FILE_MS / 1000}s (a leaked handle or a hang)\n`;
      child.kill("SIGKILL");
    }, PER_FILE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
      // A file that crashed, hung or exited non-zero with all its tests passing still fails once.
      const failed = Math.max(total - passed, code === 0 ? 0 : 1);
      if (code !== 0) console.log(`${file}: exited with ${code ?? "a signal"}`);
      resolve({ passed, failed });
    });
  });
}

let passed = 0;
let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const r = await runFile(file);
  passed += r.passed;
  failed += r.failed;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
