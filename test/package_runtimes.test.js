// The packed package on Bun and Deno (both from the npm registry; `.ci/run` installs them in
// build/ci-tools): each script of test/runtimes/ (address functions, a TCP echo and a UDP round
// trip on each facade, CommonJS) prints what it prints on Node; in Deno without --allow-net, each
// facade raises CPython's PermissionError (scripts/record_runtimes.py) and the program goes on.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EXPECTED, packAndInstall, repo } from "./helpers/pack.js";

const BIN = join(repo, "build/ci-tools/node_modules/.bin");
const RUNTIMES = [
  ["bun", (script) => [script]],
  ["deno", (script) => ["run", "--allow-all", script]],
].filter(([name]) => existsSync(join(BIN, name)));

const pack = RUNTIMES.length > 0 ? packAndInstall() : null;
if (pack) {
  cpSync(join(repo, "test/runtimes"), join(pack.consumer, "runtimes"), { recursive: true });
  process.on("exit", () => pack.cleanup());
}
else console.log(`package_runtimes: neither bun nor deno is in ${BIN} (bash .ci/run installs them); nothing to run`);

/** Runs `runtime` in the consumer project; its stdout, or what it printed on failing. */
function run(runtime, args) {
  const r = spawnSync(join(BIN, runtime), args, {
    cwd: pack.consumer, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" },
  });
  return r.status === 0 ? r.stdout : `exited with ${r.status}: ${r.stdout}${r.stderr}`;
}

const denied = JSON.parse(readFileSync(new URL("./fixtures/runtimes.json", import.meta.url), "utf8")).denied.error;

for (const [runtime, args] of RUNTIMES) {
  const test = suite(runtime);
  for (const script of Object.keys(EXPECTED)) {
    test(script, () => {
      assert.is(run(runtime, args(join("runtimes", script))), EXPECTED[script]);
    });
  }
  if (runtime === "deno") {
    test("without --allow-net: PermissionError [Errno 13] on each facade", () => {
      const out = run("deno", ["run", "--allow-read", "--allow-env", join("runtimes", "denied.mjs")]);
      const lines = out.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(lines.map(([facade, call]) => `${facade} ${call}`), [
        "pysocket create_server", "pysocket connect", "pysocket sendto",
        "pysocket/sync create_server", "pysocket/sync connect", "pysocket/sync sendto",
      ]);
      for (const [, call, e] of lines) {
        assert.is(e.type, denied.type);
        assert.is(e.errno, denied.errno);
        // create_server adds the address to the text, as socket.py's does.
        if (call !== "create_server") assert.equal(e, { type: denied.type, message: denied.message, errno: denied.errno, strerror: denied.strerror });
      }
    });
  }
  test.run();
}
