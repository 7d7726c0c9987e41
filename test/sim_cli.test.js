// `pysocket sim`: sweeps, replays, determinism checks, traces and diagrams, run as a user runs
// them (a child process per command) on scenario files written to a temporary folder.
import "./helpers/sim_guard.js";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const BIN = fileURLToPath(new URL("../bin/pysocket.mjs", import.meta.url));
const SIM = new URL("../dist/src/sim.js", import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), "pysocket-sim-cli-"));

function scenario(name, body) {
  const file = join(dir, name);
  writeFileSync(file, `import { SimNetwork } from ${JSON.stringify(SIM)};\n${body}`);
  return file;
}

function run(...args) {
  const r = spawnSync(process.execPath, [BIN, "sim", ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, out: r.stdout + r.stderr };
}

// Fails exactly on the seeds whose first SYN is lost on a link that loses half the packets.
const flaky = scenario("flaky.mjs", `
export const options = { latency: 0.001 };
export default async function (net) {
  const db = net.host("db");
  const app = net.host("app");
  net.link("app", "db", { loss: 0.5 });
  const srv = await db.create_server(["", 7000]);
  const cli = app.socket();
  cli.settimeout(0.5);
  await cli.connect(["db", 7000]);
  cli.close();
  srv.close();
}
`);

const cli = suite("pysocket sim");

cli("a sweep prints each failing seed with the command that replays it", () => {
  const r = run(flaky, "--seeds", "1..12");
  assert.is(r.status, 1);
  const failed = [...r.out.matchAll(/seed (\d+) failed: TimeoutError: timed out\n {2}replay: (npx pysocket sim \S+ --seed \d+)/g)];
  assert.ok(failed.length > 0 && failed.length < 12, r.out);
  assert.match(r.out, `${12 - failed.length} of 12 seeds passed`);
  for (const [, seed, command] of failed) {
    assert.is(command, `npx pysocket sim ${flaky} --seed ${seed}`);
    const again = run(flaky, "--seed", seed);
    assert.is(again.status, 1);
    assert.match(again.out, `seed ${seed} failed: TimeoutError: timed out`);
  }
  const passing = [...Array(12).keys()].map((i) => String(i + 1)).find((s) => !failed.some(([, f]) => f === s));
  const ok = run(flaky, "--seed", passing);
  assert.is(ok.status, 0, ok.out);
  assert.match(ok.out, new RegExp(`seed ${passing} passed; digest [0-9a-f]{64}`));
});

cli("--trace writes the trace whose SHA-256 is the digest; --svg draws it", () => {
  const trace = join(dir, "t.jsonl");
  const svg = join(dir, "t.svg");
  const r = run(flaky, "--seed", "1", "--trace", trace, "--svg", svg);
  const text = readFileSync(trace, "utf8");
  assert.ok(text.split("\n")[0].startsWith('{"t":0,"ev":"network","seed":"1"'));
  if (r.status === 0) assert.match(r.out, createHash("sha256").update(text).digest("hex"));
  const drawing = readFileSync(svg, "utf8");
  assert.match(drawing, /^<svg /);
  assert.match(drawing, />db</);
  assert.match(drawing, />app</);
  assert.match(drawing, /link app–db/);
});

cli("--check finds the first event where two runs of a seed differ", () => {
  const steady = run(flaky, "--seeds", "1..3", "--check");
  assert.not.match(steady.out, "not deterministic");
  const wobbly = scenario("wobbly.mjs", `
export default async function (net) {
  const a = net.host("a");
  const b = net.host("b");
  await a.time.sleep(Math.random());
  const s = a.socket(a.AF_INET, a.SOCK_DGRAM);
  await s.sendto(new Uint8Array(1), ["b", 9]);
}
`);
  const r = run(wobbly, "--seed", "5", "--check");
  assert.is(r.status, 1);
  assert.match(r.out, /seed 5 failed: not deterministic: the traces differ at event 4\n {4}first run: {2}\{"t":\d+,"ev":"send"/);
  assert.match(r.out, `replay: npx pysocket sim ${wobbly} --seed 5 --check`);
});

cli("a scenario that waits for ever is reported with its blocked calls", () => {
  const stuck = scenario("stuck.mjs", `
export default async function (net) {
  const db = net.host("db");
  const app = net.host("app");
  const srv = await db.create_server(["", 7000]);
  const c = await app.create_connection(["db", 7000]);
  await c.recv(10);
}
`);
  const r = run(stuck, "--seed", "1");
  assert.is(r.status, 1);
  assert.match(r.out, /seed 1 failed: Error: the scenario waits for ever at t=[\d.]+s: blocked in app fd 3 recv/);
});

cli("a scenario that keeps the clock running without end stops at --max-time", () => {
  const flooding = scenario("flooding.mjs", `
export default async function (net) {
  const db = net.host("db");
  const app = net.host("app");
  const srv = await db.create_server(["", 7000]);
  const c = await app.create_connection(["db", 7000]);
  await srv.accept();
  await c.sendall(new Uint8Array(64 << 20));
}
`);
  const r = run(flooding, "--seed", "2", "--max-time", "1000");
  assert.is(r.status, 1);
  assert.match(r.out, "seed 2 failed: Error: the scenario is still running after 1000 virtual seconds (--max-time)");
});

cli("bad arguments", () => {
  assert.is(run().status, 2);
  assert.is(run(flaky, "--seeds", "5..1").status, 2);
  assert.is(run(flaky, "--bogus").status, 2);
  assert.is(run(flaky, "--max-time", "0").status, 2);
});

cli.after(() => rmSync(dir, { recursive: true, force: true }));
cli.run();
