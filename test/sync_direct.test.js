// pysocket/sync's direct mode (host/direct.ts): a client whose TCP stream the worker lends to
// the calling thread, against a python3 peer in another process (scripts/direct_peer.py), step
// by step as CPython answered (scripts/record_direct.py): a reset after data, FIN, a close with
// unread bytes, timeouts, non-blocking EAGAIN, a large sendall, select between recvs, flags.
// The same scenarios, and those of test/rules/rules.json, also run with direct mode off
// (PYSOCKET_DIRECT=0), the path of Bun and Deno.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { WorkerHost } from "../dist/host/worker.js";
import { nodeFiles } from "../dist/host/files.js";
import { syncModule } from "../dist/src/facade_sync.js";
import * as names from "../dist/src/names.js";
import { formatMismatches, runScenario } from "./helpers/scenario.js";
import { rulesOps } from "./helpers/rules_ops.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const PEER = new URL("../scripts/direct_peer.py", import.meta.url).pathname;

/** A pysocket/sync module over a host of its own; `direct: false` as PYSOCKET_DIRECT=0 makes it. */
function facade(direct) {
  const saved = process.env.PYSOCKET_DIRECT;
  if (direct) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = "0";
  const host = new WorkerHost();
  if (saved === undefined) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = saved;
  return { host, module: { ...names, ...syncModule(host, nodeFiles) } };
}

/** Counts the sends and recvs that direct mode served (answered without the worker's path). */
function countServed(host) {
  const lent = host.direct;
  const served = { n: 0 };
  for (const name of ["recv", "send"]) {
    const real = lent[name].bind(lent);
    lent[name] = (...args) => {
      const r = real(...args);
      if (r !== -0x10000) served.n++;
      return r;
    };
  }
  return served;
}

/** Fails with a long report; uvu prints a stack after the message, which would repeat it. */
function fail(message) {
  const err = new assert.Assertion({ message, operator: "", details: false, generated: false });
  err.stack = "";
  throw err;
}

/** The ops of scripts/record_direct.py beyond record_rules.py's. */
function directOps(module, peerScript) {
  const { ops, cleanup } = rulesOps(peerScript);
  ops.sleep = ([seconds]) => new Promise((resolve) => setTimeout(() => resolve(null), seconds * 1000));
  ops.readable = ([t], step, env) => module.select.select([env.get(step.on)], [], [], t)[0].length === 1;
  return { ops, cleanup };
}

async function check(module, scenario, results, peerScript) {
  if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands`);
  const { ops, cleanup } = directOps(module, peerScript);
  try {
    const mismatches = await runScenario(module, scenario, results, { ops });
    const n = mismatches.length;
    if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
  } finally {
    cleanup();
  }
}

const direct = read("./rules/direct.json").scenarios;
const directFixtures = read("./fixtures/scenarios_direct.json");
const directRecorded = new Map(directFixtures.scenarios.map((s) => [s.name, s.results]));
const rules = read("./rules/rules.json").scenarios;
const rulesRecorded = new Map(read("./fixtures/scenarios_rules.json").scenarios.map((s) => [s.name, s.results]));

const on = facade(true);
const served = countServed(on.host);
const lent = suite(`pysocket/sync, direct mode: direct.json against CPython ${directFixtures.python}`);
for (const scenario of direct) {
  lent(scenario.name, async () => {
    const before = served.n;
    await check(on.module, scenario, directRecorded.get(scenario.name), PEER);
    assert.ok(served.n > before, "no send or recv was served in direct mode");
  });
}
lent.run();

const off = facade(false);
const fallback = suite("pysocket/sync, direct mode off (PYSOCKET_DIRECT=0): direct.json and rules.json");
fallback("the host lends nothing", () => {
  assert.is(off.host.direct, null);
});
for (const scenario of direct) {
  fallback(scenario.name, () => check(off.module, scenario, directRecorded.get(scenario.name), PEER));
}
for (const scenario of rules) {
  fallback(`rules: ${scenario.name}`, () => check(off.module, scenario, rulesRecorded.get(scenario.name)));
}
fallback.run();

// An accepted connection whose peer is in another process is lent too: messages of many sizes
// echoed by a python3 client come back whole and in order.
const ECHO_CLIENT = `
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    c.sendall(b)
c.close()
`;

const accepted = suite("pysocket/sync, direct mode: an accepted connection");
accepted("echoed messages come back whole and in order", async () => {
  const { spawn } = await import("node:child_process");
  const m = on.module;
  const srv = m.create_server(["127.0.0.1", 0]);
  const child = spawn("python3", ["-c", ECHO_CLIENT, String(srv.getsockname()[1])], { stdio: "inherit" });
  const exited = new Promise((resolve) => child.on("close", resolve));
  try {
    const [conn] = srv.accept();
    const before = served.n;
    for (let i = 0; i < 300; i++) {
      const size = 1 + ((i * 7919) % 20000);
      const msg = new Uint8Array(size).map((_, k) => (i * 13 + k) & 0xff);
      conn.sendall(msg);
      const back = new Uint8Array(size);
      let got = 0;
      while (got < size) got += conn.recv_into(back.subarray(got));
      assert.equal(back, msg, `message ${i}`);
    }
    assert.ok(served.n > before, "no send or recv was served in direct mode");
    conn.shutdown(m.SHUT_WR);
    assert.is(conn.recv(10).length, 0);
    conn.close();
  } finally {
    srv.close();
    const timer = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
});
accepted.run();

// sendall of sizes that do not divide the worker's 4 MiB send buffer, to a reader that starts a
// second late or reads slowly: the buffer fills while sends ahead (host/worker.ts CREDIT) and
// calls that take part of a send alternate; every byte must arrive, in order.
async function slowReader(m, command) {
  const { spawn } = await import("node:child_process");
  const { createHash } = await import("node:crypto");
  const child = spawn("python3", [PEER], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8");
  const port = await new Promise((resolve) => child.stdout.on("data", (t) => {
    out += t;
    if (out.includes("\n")) resolve(Number(out.slice(0, out.indexOf("\n"))));
  }));
  const exited = new Promise((resolve) => child.on("close", resolve));
  const c = m.create_connection(["127.0.0.1", port]);
  c.sendall(new TextEncoder().encode(command));
  const hash = createHash("sha256");
  let total = 0;
  for (let i = 0; i < 200; i++) {
    const size = 50000 + ((i * 7919) % 60000);
    const chunk = new Uint8Array(size).map((_, k) => (i * 31 + k) & 0xff);
    c.sendall(chunk);
    hash.update(chunk);
    total += size;
  }
  c.shutdown(m.SHUT_WR);
  await exited;
  c.close();
  assert.is(out.trim().split("\n").at(-1), `${total} ${hash.digest("hex")} EOF`);
}

const late = suite("pysocket/sync: sendall of uneven sizes to a slow reader");
for (const [name, command] of [["a reader that starts late", "z"], ["a reader that reads slowly", "y"]]) {
  late(`${name}, direct mode`, () => slowReader(on.module, command));
  late(`${name}, direct mode off`, () => slowReader(off.module, command));
}
late.run();
