// Timeouts on both facades against CPython (test/fixtures/timeouts.json, recorded by
// scripts/record_timeouts.py): which moment ends a call (at once, a late peer's send, or the
// timeout) and with what, MSG_WAITALL and MSG_DONTWAIT on sockets with timeouts, timeouts past
// Node's timer range, and short timeouts that must never expire early.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as pysocket from "pysocket";
import * as sync from "pysocket/sync";
import { captureAsync, compareOutcome, decode, repr } from "./helpers/pyvalue.js";
import { spawnSync } from "node:child_process";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/timeouts.json", import.meta.url), "utf8"));
const PEER = new URL("./helpers/timed_peer.mjs", import.meta.url).pathname;

/** Starts test/helpers/timed_peer.mjs with `schedule`; resolves {port, exited}. */
async function startPeer(schedule) {
  const child = spawn(process.execPath, [PEER, JSON.stringify(schedule)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  return { port: Number(line), exited };
}

/** Blocks this thread for `ms`, as time.sleep does. */
function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The recorder's nearest(): which moment is nearest to `elapsed` ms. */
function nearest(elapsed, scenario) {
  const before = scenario.before_ms ?? 0;
  const moments = [["at once", 0]];
  scenario.peer.forEach(([at], i) => {
    if (at > before) moments.push([`peer ${i}`, at - before]);
  });
  const t = scenario.timeout;
  if (t && t * 1000 < 60000) moments.push(["timeout", t * 1000]);
  return moments.reduce((a, b) => (Math.abs(b[1] - elapsed) < Math.abs(a[1] - elapsed) ? b : a))[0];
}

/** The scenario's call on socket `c` of module `mod`, as a function of no arguments. */
function makeCall(mod, c, [method, n, flags = []]) {
  const f = flags.reduce((acc, name) => acc | mod[name], 0);
  if (method === "recv_into") {
    const buf = new Uint8Array(n);
    const r = () => c.recv_into(buf, n, f);
    return mod === sync ? () => [r(), buf] : async () => [await r(), buf];
  }
  return () => c[method](n, f);
}

const facades = [
  ["pysocket", pysocket, (ms) => new Promise((r) => setTimeout(r, ms))],
  ["pysocket/sync", sync, async (ms) => sleepSync(ms)],
];

for (const [facade, mod, sleep] of facades) {
  const test = suite(`${facade}: timeouts against CPython ${fixture.python}`);
  for (const scenario of fixture.scenarios) {
    test(scenario.name, async () => {
      const peer = await startPeer(scenario.peer);
      const c = await mod.create_connection(["127.0.0.1", peer.port]);
      await sleep(scenario.before_ms ?? 0);
      c.settimeout(scenario.timeout);
      const call = makeCall(mod, c, scenario.call);
      const t0 = performance.now();
      const outcome = await captureAsync(call);
      const ended = nearest(performance.now() - t0, scenario);
      c.close();
      await peer.exited;
      const problems = compareOutcome(outcome, scenario, mod);
      if (ended !== scenario.ended) problems.push(`ended ${ended}, CPython's ended ${scenario.ended}`);
      assert.equal(problems, [], `${scenario.name}: ${problems.join("; ")}`);
    });
  }

  test(`${fixture.early.calls} recv with settimeout(${fixture.early.timeout}): none ends early`, async () => {
    const { timeout, calls } = fixture.early;
    const srv = await mod.create_server(["127.0.0.1", 0]);
    const c = await mod.create_connection(srv.getsockname());
    const [conn] = await srv.accept();
    c.settimeout(timeout);
    let early = 0;
    const errors = new Set();
    const late = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      const { error } = await captureAsync(() => c.recv(10));
      const ms = performance.now() - t0;
      errors.add(`${error?.name}: ${error?.message}`);
      if (ms < timeout * 1000) early++;
      late.push(ms - timeout * 1000);
    }
    for (const s of [c, conn, srv]) s.close();
    assert.equal([...errors].sort(), fixture.early.errors);
    assert.is(early, fixture.early.early, `${early} of ${calls} ended before ${timeout} s`);
    // Late by scheduling noise only: the median, generously, on a loaded machine.
    late.sort((a, b) => a - b);
    assert.ok(late[calls >> 1] < 100, `median lateness ${late[calls >> 1]} ms`);
  });

  test.run();
}

const test = suite("timeouts past Node's timer range");

test("wait, and no Node warning reaches stderr, on both facades", () => {
  const scenario = fixture.scenarios.find((s) => s.name === "timeout_30_days_beyond_node_timers");
  const want = decode(scenario.result);
  for (const entry of ["index", "sync"]) {
    const url = new URL(`../dist/src/${entry}.js`, import.meta.url).href;
    // A timer in the process (or the worker thread) past 2^31 - 1 ms would warn on stderr.
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", `
      import { spawn } from "node:child_process";
      import { createInterface } from "node:readline";
      import { once } from "node:events";
      const socket = await import(${JSON.stringify(url)});
      const peer = spawn(process.execPath, [${JSON.stringify(PEER)}, ${JSON.stringify(JSON.stringify(scenario.peer))}], { stdio: ["ignore", "pipe", "inherit"] });
      const [line] = await once(createInterface({ input: peer.stdout }), "line");
      const c = await socket.create_connection(["127.0.0.1", Number(line)]);
      c.settimeout(${scenario.timeout});
      const data = await c.recv(10);
      c.close();
      console.log(Buffer.from(data).toString("hex"));`], { encoding: "utf8", timeout: 15000 });
    assert.is(r.signal, null, `${entry}: hung`);
    assert.is(r.stderr, "", `${entry}: stderr`);
    assert.is(r.stdout, `${Buffer.from(want).toString("hex")}\n`, `${entry}: ${repr(scenario.result)}`);
  }
});

test.run();
