// A review of pysocket/sync's two fast paths, as regression coverage. Direct mode (host/direct.ts,
// a TCP stream lent to the calling thread) against a python3 peer in another process
// (scripts/direct_peer.py), step by step as CPython answered (test/rules/review.json, built and
// recorded by scripts/record_review.py), with direct mode on and off; byte-exact streams through
// a lent descriptor's edges (makefile, MSG_DONTWAIT and select, dup, sendmsg/recvmsg, sendfile,
// two threads, process.exit). Datagrams between the program's own UDP sockets
// (host/kernel/udp_local.ts) on both facades (test/rules/review_udp.json), and a pending async
// recvfrom's wake-up.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asyncSocket from "pysocket";
import { countServed, checkDirect as check, DIRECT_PEER as PEER, facade, PY_ECHO, withEcho } from "./helpers/direct_facade.js";
import { fail, failOnMismatches, PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));

const scenarios = read("./rules/review.json").scenarios;
const fixtures = read("./fixtures/scenarios_review.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

const on = facade(true);
const off = facade(false);
const served = countServed(on.host);

const lent = suite(`pysocket/sync, direct mode under review: review.json against CPython ${fixtures.python}`);
for (const scenario of scenarios) {
  lent(scenario.name, async () => {
    const before = served.n;
    await check(on.module, scenario, recorded.get(scenario.name));
    assert.ok(served.n > before, "no send or recv was served in direct mode");
  });
}
lent.run();

const fallback = suite("pysocket/sync, direct mode off: review.json");
for (const scenario of scenarios) {
  fallback(scenario.name, () => check(off.module, scenario, recorded.get(scenario.name)));
}
fallback.run();

// The same rules on `pysocket`, which has no direct mode: its Node host answers them alone.
const promises = suite("pysocket: review.json");
for (const scenario of scenarios) {
  promises(scenario.name, () => check(asyncSocket, scenario, recorded.get(scenario.name)));
}
promises.run();

// Datagrams between the program's own UDP sockets (host/kernel/udp_local.ts), on both facades.
const udpScenarios = read("./rules/review_udp.json").scenarios;
const udpFixtures = read("./fixtures/scenarios_review_udp.json");
const udpRecorded = new Map(udpFixtures.scenarios.map((s) => [s.name, s.results]));
for (const [name, module, promiseCalls] of [["pysocket", asyncSocket, PROMISE_CALLS], ["pysocket/sync", on.module, new Set()]]) {
  const udp = suite(`${name}: review_udp.json against CPython ${udpFixtures.python}`);
  for (const scenario of udpScenarios) {
    udp(scenario.name, async () => {
      const results = udpRecorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands`);
      const mismatches = await runScenario(module, scenario, results, { promiseCalls });
      failOnMismatches(mismatches);
    });
  }
  udp.run();
}

// A pending recvfrom of the Promise facade wakes when a datagram of the program's own is queued
// on its socket within the send (host/node_udp.ts), IPv4 and IPv6; the source is the sender's
// name, as CPython reports it for loopback-bound sockets (udp_local.json's
// peek_then_read_source_is_sender_name).
const wakes = suite("pysocket: a pending recvfrom wakes on a datagram of the program's own");
for (const [family, host] of [["AF_INET", "127.0.0.1"], ["AF_INET6", "::1"]]) {
  wakes(family, async () => {
    const m = asyncSocket;
    const a = m.socket(m[family], m.SOCK_DGRAM);
    const b = m.socket(m[family], m.SOCK_DGRAM);
    try {
      await b.bind([host, 0]);
      await a.bind([host, 0]);
      b.settimeout(5);
      const pending = b.recvfrom(100);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await a.sendto(new TextEncoder().encode("wake"), b.getsockname());
      const [data, source] = await pending;
      assert.is(new TextDecoder().decode(data), "wake");
      assert.equal(source, a.getsockname());
    } finally {
      a.close();
      b.close();
    }
  });
}
wakes.run();

// Byte streams through a lent descriptor's edges: every byte arrives once and in order.
/** A python3 peer in another process (scripts/direct_peer.py unless `args` say otherwise) that
 * prints its port first: the port, and `done`, its last line once it ends. */
async function pythonPeer(args = [PEER]) {
  const peer = spawn("python3", args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  peer.stdout.setEncoding("utf8");
  const port = await new Promise((resolve) => peer.stdout.on("data", (t) => {
    out += t;
    if (out.includes("\n")) resolve(Number(out.slice(0, out.indexOf("\n"))));
  }));
  const done = new Promise((resolve) => peer.on("close", () => resolve(out.trim().split("\n").at(-1))));
  return { peer, port, done };
}

const message = (i, size) => new Uint8Array(size).map((_, k) => (i * 29 + k * 7) & 0xff);

const streams = suite("pysocket/sync, direct mode: byte streams through a lent descriptor");

streams("makefile() reader and writer on a lent stream", () => withEcho(on.module, (conn) => {
  const before = served.n;
  const r = conn.makefile("rb");
  const w = conn.makefile("wb");
  for (let i = 0; i < 200; i++) {
    const line = new TextEncoder().encode(`${i}:${"x".repeat((i * 977) % 5000)}\n`);
    w.write(line);
    w.flush();
    assert.equal(r.readline(), line, `line ${i}`);
  }
  r.close();
  w.close();
  assert.ok(served.n > before, "no send or recv was served in direct mode");
}));

streams("plain sends, MSG_DONTWAIT sends and select between them keep their order", () => withEcho(on.module, (conn) => {
  const m = on.module;
  const before = served.n;
  let sent = 0;
  let got = 0;
  const all = [];
  const back = new Uint8Array(1 << 16);
  const take = (expect) => {
    while (got < expect) {
      const n = conn.recv_into(back);
      assert.ok(n > 0, "end of stream too early");
      all.push(back.slice(0, n));
      got += n;
    }
  };
  for (let i = 0; i < 120; i++) {
    const msg = message(i, 1 + ((i * 7919) % 40000));
    const how = i % 3;
    if (how === 0) {
      conn.sendall(msg);
    } else if (how === 1) {
      // MSG_DONTWAIT: the worker's path; what it does not take goes by plain sends.
      let at = 0;
      try {
        at = conn.send(msg, m.MSG_DONTWAIT);
      } catch (err) {
        if (!(err instanceof m.BlockingIOError)) throw err;
      }
      conn.sendall(msg.subarray(at));
    } else {
      let at = 0;
      while (at < msg.length) {
        m.select.select([], [conn], [], 5);
        at += conn.send(msg.subarray(at));
      }
    }
    sent += msg.length;
    if (i % 4 === 3) take(sent);
  }
  take(sent);
  const joined = new Uint8Array(got);
  let at = 0;
  for (const part of all) {
    joined.set(part, at);
    at += part.length;
  }
  at = 0;
  for (let i = 0; i < 120; i++) {
    const msg = message(i, 1 + ((i * 7919) % 40000));
    assert.equal(joined.subarray(at, at + msg.length), msg, `message ${i}`);
    at += msg.length;
  }
  assert.ok(served.n > before, "no send or recv was served in direct mode");
}));

streams("a dup() of a lent stream: recv on one, send on the other, the first closed midway", () => withEcho(on.module, (conn) => {
  const before = served.n;
  const d = conn.dup();
  for (let i = 0; i < 60; i++) {
    const msg = message(i, 1 + ((i * 104729) % 30000));
    (i % 2 ? d : conn).sendall(msg);
    const back = new Uint8Array(msg.length);
    let got = 0;
    while (got < msg.length) got += (i % 2 ? conn : d).recv_into(back.subarray(got));
    assert.equal(back, msg, `message ${i}`);
  }
  d.close();
  const msg = message(99, 5000);
  conn.sendall(msg);
  const back = new Uint8Array(msg.length);
  let got = 0;
  while (got < msg.length) got += conn.recv_into(back.subarray(got));
  assert.equal(back, msg);
  assert.ok(served.n > before, "no send or recv was served in direct mode");
}));

streams("sendmsg and recvmsg between plain sends and recvs of a lent stream", () => withEcho(on.module, (conn) => {
  const before = served.n;
  for (let i = 0; i < 80; i++) {
    const parts = [message(i, 1 + ((i * 131) % 9000)), message(i + 1, (i * 17) % 700)];
    const whole = new Uint8Array(parts[0].length + parts[1].length);
    whole.set(parts[0]);
    whole.set(parts[1], parts[0].length);
    if (i % 2) conn.sendall(whole);
    else {
      let sent = conn.sendmsg(parts);
      while (sent < whole.length) sent += conn.send(whole.subarray(sent));
    }
    const back = new Uint8Array(whole.length);
    let got = 0;
    while (got < whole.length) {
      if (i % 3 === 0) {
        const [data] = conn.recvmsg(whole.length - got);
        back.set(data, got);
        got += data.length;
      } else {
        got += conn.recv_into(back.subarray(got));
      }
    }
    assert.equal(back, whole, `message ${i}`);
  }
  assert.ok(served.n > before, "no send or recv was served in direct mode");
}));

// sendfile() on a lent stream, between plain sends: the peer (scripts/direct_peer.py's "e")
// reads every byte in order.
streams("sendfile() between plain sends of a lent stream", async () => {
  const { createHash } = await import("node:crypto");
  const { mkdtempSync, openSync, closeSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const m = on.module;
  const dir = mkdtempSync(join(tmpdir(), "pysocket-review-"));
  const body = message(7, 1500000);
  writeFileSync(join(dir, "f"), body);
  const fd = openSync(join(dir, "f"), "r");
  const { peer, port, done } = await pythonPeer();
  try {
    const c = m.create_connection(["127.0.0.1", port]);
    c.setblocking(false);
    assert.throws(() => c.recv(10), (err) => err instanceof m.BlockingIOError);
    c.setblocking(true);
    const before = served.n;
    c.send(new TextEncoder().encode("e"));
    const head = message(1, 70000);
    c.sendall(head);
    let position = 0;
    const file = { fileno: () => fd, seek: (p) => { position = p; }, tell: () => position };
    assert.is(c.sendfile(file), body.length);
    const tail = message(2, 3000);
    c.sendall(tail);
    c.shutdown(m.SHUT_WR);
    c.close();
    assert.ok(served.n > before, "no send or recv was served in direct mode");
    const sha = createHash("sha256").update(head).update(body).update(tail).digest("hex");
    assert.is(await done, `${head.length + body.length + tail.length} ${sha} EOF`);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
    peer.kill();
  }
});

// Two threads, each with its own pysocket/sync (each its own worker and lent streams), echo at
// once through connections accepted from python3 clients.
const WORKER_ECHO = `
import { workerData, parentPort } from "node:worker_threads";
const socket = await import(workerData.sync);
const { echoRounds } = await import(workerData.rounds);
const c = socket.create_connection(["127.0.0.1", workerData.port]);
const bad = echoRounds(c, 150, 6007, 30000);
c.close();
parentPort.postMessage(bad);
`;
const ECHO_SERVER = `${PY_ECHO}
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
ts = [threading.Thread(target=echo, args=(srv.accept()[0],)) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
`;

streams("two threads, each with its own pysocket/sync, both lending at once", async () => {
  const { Worker } = await import("node:worker_threads");
  const { peer: child, port, done: exited } = await pythonPeer(["-c", ECHO_SERVER]);
  const sync = new URL("../dist/src/sync.js", import.meta.url).href;
  const rounds = new URL("./helpers/echo_rounds.js", import.meta.url).href;
  const results = await Promise.all([0, 1].map(() => new Promise((resolve, reject) => {
    const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_ECHO)}`), { workerData: { sync, rounds, port } });
    w.once("message", resolve);
    w.once("error", reject);
  })));
  assert.equal(results, [-1, -1], "the index of a message that came back different");
  const timer = setTimeout(() => child.kill(), 5000);
  await exited;
  clearTimeout(timer);
});

// Linux sends the bytes send() accepted after the process exits: a lent stream's, part written
// in the calling thread and the rest handed to the worker, all reach the peer when the program
// calls process.exit() right after sendall (and after close()).
const EXIT_CLIENT = `
const socket = await import(process.argv[1]);
const c = socket.create_connection(["127.0.0.1", Number(process.argv[2])]);
c.setblocking(false);
try { c.recv(10); } catch {}
c.setblocking(true);
c.send(new TextEncoder().encode("z"));
c.sendall(new Uint8Array(3000000).map((_, i) => (i * 7) & 0xff));
if (process.argv[3] === "close") c.close();
process.exit(0);
`;

for (const how of ["sendall then process.exit()", "sendall, close() then process.exit()"]) {
  streams(`every byte reaches the peer: ${how}`, async () => {
    const { createHash } = await import("node:crypto");
    const { port, done } = await pythonPeer();
    const sync = new URL("../dist/src/sync.js", import.meta.url).href;
    const client = spawn(process.execPath, ["--input-type=module", "-e", EXIT_CLIENT, sync, String(port), how.includes("close") ? "close" : ""], {
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    client.stderr.setEncoding("utf8");
    client.stderr.on("data", (t) => (stderr += t));
    const code = await new Promise((resolve) => client.on("close", resolve));
    const last = await done;
    assert.is(code, 0);
    assert.is(stderr, "");
    const bytes = new Uint8Array(3000000).map((_, i) => (i * 7) & 0xff);
    assert.is(last, `3000000 ${createHash("sha256").update(bytes).digest("hex")} EOF`);
  });
}
streams.run();
