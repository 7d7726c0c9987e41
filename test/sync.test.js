// pysocket/sync: blocking calls through the worker host (host/worker.ts), as Python programs
// make them: a server and a client in different threads, timeouts, non-blocking mode, faults
// (a peer that resets, a worker that dies, calls after close) and a process that exits by itself.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket/sync";

const SYNC_URL = new URL("../dist/src/sync.js", import.meta.url).href;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** Blocks this thread for `ms`, as time.sleep does. */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn`; returns what it threw (failing if it returned). */
function raises(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.unreachable("no exception");
}

/** A thread running `body` (CommonJS source) with `socket` = pysocket/sync and `workerData`. */
function thread(body, workerData = {}) {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    import(${JSON.stringify(SYNC_URL)}).then((socket) => { ${body} });`;
  const w = new Worker(code, { eval: true, workerData });
  const errors = [];
  w.on("error", (err) => errors.push(err));
  w.exited = once(w, "exit").then(([code]) => {
    if (errors.length) throw errors[0];
    return code;
  });
  return w;
}

/** The first message a thread posts. */
async function message(w) {
  const [m] = await Promise.race([once(w, "message"), w.exited.then(() => [undefined])]);
  return m;
}

/** A Python-style echo server: serves one connection, echoing until the client shuts down. */
const ECHO_SERVER = `
  const srv = socket.create_server(["127.0.0.1", 0]);
  parentPort.postMessage(srv.getsockname()[1]);
  const [conn] = srv.accept();
  conn.settimeout(5);
  for (;;) {
    const data = conn.recv(1024);
    if (data.length === 0) break;
    conn.sendall(data);
  }
  conn.close();
  srv.close();`;

const test = suite("pysocket/sync");

test("has every name of pysocket, and sockets of its own class", async () => {
  const async = await import("pysocket");
  const missing = Object.keys(async).filter((k) => !(k in socket));
  assert.equal(missing, []);
  const s = socket.socket();
  assert.ok(s instanceof socket.Socket);
  assert.is(typeof s.recv, "function");
  s.close();
});

test("a Python program: echo server in a thread, client here with timeouts", async () => {
  const server = thread(ECHO_SERVER);
  const port = await message(server);
  const out = [];
  const c = socket.create_connection(["localhost", port], 5);
  out.push(`connected ${c.getpeername()[0]} timeout=${c.gettimeout()}`);
  for (const word of ["hello", "world"]) {
    c.sendall(enc(word));
    out.push(`echo ${dec(c.recv(1024))}`);
  }
  c.settimeout(0.2);
  const t0 = performance.now();
  const err = raises(() => c.recv(1024));
  const waited = performance.now() - t0;
  out.push(`${err.name}: ${err.message}`);
  c.shutdown(socket.SHUT_WR);
  out.push(`eof ${JSON.stringify(Array.from(c.recv(1024)))}`);
  c.close();
  out.push(String(c));
  assert.equal(out, [
    "connected 127.0.0.1 timeout=5",
    "echo hello",
    "echo world",
    "TimeoutError: timed out",
    "eof []",
    "<socket.socket [closed] fd=-1, family=2, type=1, proto=6>",
  ]);
  assert.ok(waited >= 195 && waited < 2000, `recv waited ${waited} ms`);
  assert.ok(err instanceof socket.TimeoutError && err instanceof socket.OSError && err instanceof Error);
  assert.is(await server.exited, 0);
});

test("a server and a client in two other threads", async () => {
  const server = thread(ECHO_SERVER);
  const port = await message(server);
  const client = thread(`
    const c = socket.create_connection(["127.0.0.1", workerData.port], 5);
    let total = 0;
    for (let i = 0; i < 200; i++) {
      const msg = new Uint8Array(64).fill(i);
      c.sendall(msg);
      let got = 0;
      while (got < 64) {
        const part = c.recv(64 - got);
        if (part.some((b) => b !== i)) throw new Error("echo of message " + i + " differs");
        got += part.length;
      }
      total += got;
    }
    c.close();
    parentPort.postMessage(total);`, { port });
  assert.is(await message(client), 200 * 64);
  assert.is(await client.exited, 0);
  assert.is(await server.exited, 0);
});

/** Runs an ES module in a fresh node process; returns {status, stdout, stderr, ms}. */
function runNode(source, timeoutMs = 15000) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", source], { encoding: "utf8", timeout: timeoutMs });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

test("a process exits by itself, sockets closed or left open", () => {
  for (const closeThem of [true, false]) {
    const r = runNode(`
      const socket = await import(${JSON.stringify(SYNC_URL)});
      const srv = socket.create_server(["127.0.0.1", 0]);
      const c = socket.create_connection(srv.getsockname());
      const [conn] = srv.accept();
      c.sendall(new TextEncoder().encode("ping"));
      console.log(new TextDecoder().decode(conn.recv(10)));
      ${closeThem ? "c.close(); conn.close(); srv.close();" : ""}`);
    assert.is(r.signal, null, `killed after ${Math.round(r.ms)} ms: the process did not exit by itself`);
    assert.is(r.stderr, "");
    assert.is(r.status, 0);
    assert.is(r.stdout, "ping\n");
  }
});

test("importing where Atomics.wait is refused says why and points to pysocket", () => {
  const r = runNode(`
    Atomics.wait = () => { throw new TypeError("Atomics.wait cannot be called in this context"); };
    try {
      await import(${JSON.stringify(SYNC_URL)});
      console.log("imported");
    } catch (err) {
      console.log(err.message);
    }`);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^pysocket\/sync blocks the calling thread with Atomics\.wait, which this thread does not allow/);
  assert.match(r.stdout, /import "pysocket" instead/);
});

test("timeouts and non-blocking mode", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  srv.settimeout(0.2);
  let err = raises(() => srv.accept());
  assert.ok(err instanceof socket.TimeoutError);
  assert.is(err.message, "timed out");
  assert.is(err.errno, null);

  const c = socket.create_connection(srv.getsockname(), 2);
  const [conn] = srv.accept();
  conn.setblocking(false);
  err = raises(() => conn.recv(10));
  assert.ok(err instanceof socket.BlockingIOError && err instanceof socket.OSError);
  assert.is(err.errno, 11);
  assert.is(err.message, "[Errno 11] Resource temporarily unavailable");
  // A non-blocking poll sees data that arrives later, without any blocking call in between.
  c.sendall(enc("late"));
  let data = null;
  for (let i = 0; i < 200 && data === null; i++) {
    try {
      data = conn.recv(10);
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
      sleep(10);
    }
  }
  assert.is(dec(data), "late");
  assert.is(raises(() => conn.recv(10, socket.MSG_DONTWAIT)).errno, 11);
  srv.setblocking(false);
  assert.is(raises(() => srv.accept()).errno, 11);

  conn.settimeout(0.2);
  const t0 = performance.now();
  err = raises(() => conn.recv(10));
  assert.is(`${err.name}: ${err.message}`, "TimeoutError: timed out");
  assert.ok(performance.now() - t0 >= 195);
  // The timeout ended a wait, not the connection.
  c.sendall(enc("after"));
  assert.is(dec(conn.recv(10)), "after");
  for (const s of [c, conn, srv]) s.close();
});

test("a reset seen by a socket that had nothing to read, at once (same thread)", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  c.setblocking(false);
  assert.is(raises(() => c.recv(10)).errno, 11);
  // Closing with unread data resets the connection (Linux), and loopback delivers it at once.
  c.sendall(enc("unread"));
  sleep(50);
  conn.close();
  const err = raises(() => c.recv(10));
  assert.is(`${err.name}: ${err.message}`, "ConnectionResetError: [Errno 104] Connection reset by peer");
  c.close();
  srv.close();
});

test("a peer that resets mid-transfer: the blocked caller gets the error", async () => {
  // The peer is raw node:net in another thread: it reads a little, then resets.
  const peer = new Worker(`
    const net = require("node:net");
    const { parentPort } = require("node:worker_threads");
    const srv = net.createServer((s) => {
      let got = 0;
      s.on("data", (d) => {
        got += d.length;
        if (got >= 1 << 20) { s.resetAndDestroy(); srv.close(); }
      });
      s.on("error", () => {});
    });
    srv.listen(0, "127.0.0.1", () => parentPort.postMessage(srv.address().port));`, { eval: true });
  const [port] = await once(peer, "message");
  const c = socket.create_connection(["127.0.0.1", port], 10);
  const big = new Uint8Array(64 << 20);
  const t0 = performance.now();
  const err = raises(() => c.sendall(big));
  assert.ok(err instanceof socket.ConnectionResetError || err instanceof socket.BrokenPipeError, `${err.name}: ${err.message}`);
  assert.ok(performance.now() - t0 < 10000);
  c.close();
  await once(peer, "exit");
});

test("bytes larger than the worker's data area, and datagrams", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  const big = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);
  c.sendall(big);
  const got = new Uint8Array(big.length);
  let n = 0;
  while (n < big.length) n += conn.recv_into(got.subarray(n));
  assert.ok(got.every((b, i) => b === big[i]));
  for (const s of [c, conn, srv]) s.close();

  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  v.settimeout(2);
  assert.is(v.sendto(enc("dgram"), u.getsockname()), 5);
  const [data, from] = u.recvfrom(100);
  assert.is(dec(data), "dgram");
  assert.equal(from, ["127.0.0.1", v.getsockname()[1]]);
  const err = raises(() => v.sendto(new Uint8Array(70000), u.getsockname()));
  assert.is(`${err.name}: ${err.message}`, "OSError: [Errno 90] Message too long");
  u.close();
  v.close();
});

/** Deterministic sizes: a linear congruential generator. */
function sizes(seed) {
  let x = seed;
  return (max) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x % max);
  };
}

test("reads of every size, peeks among them, keep the byte stream exact", () => {
  // Bytes queue up in the worker while this thread reads, so most reads come from the bytes the
  // worker staged ahead; the stream must come out whole and in order all the same.
  const srv = socket.create_server(["127.0.0.1", 0]);
  const a = socket.create_connection(srv.getsockname());
  const [b] = srv.accept();
  const total = 6 << 20;
  const data = new Uint8Array(total).map((_, i) => (i * 31 + (i >> 11)) & 0xff);
  const next = sizes(7);
  let sent = 0;
  let got = 0;
  const buf = new Uint8Array(1 << 17);
  while (got < total) {
    if (sent < total && sent - got < (2 << 20)) {
      const n = Math.min(total - sent, next(1 << 19));
      a.sendall(data.subarray(sent, sent + n));
      sent += n;
    }
    const want = next(1 << 17);
    const kind = got % 5;
    let chunk;
    if (kind === 0) {
      const peeked = b.recv(want, socket.MSG_PEEK);
      chunk = b.recv(peeked.length);
      assert.equal(chunk, peeked, `a peek at ${got} shows what the next recv takes`);
    } else if (kind === 1) {
      const n = b.recv_into(buf, Math.min(want, buf.length));
      chunk = buf.slice(0, n);
    } else {
      chunk = b.recv(want);
    }
    assert.ok(chunk.length > 0 && chunk.length <= want, `recv(${want}) at ${got} gave ${chunk.length} bytes`);
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== data[got + i]) assert.unreachable(`byte ${got + i} differs`);
    }
    got += chunk.length;
  }
  b.setblocking(false);
  assert.is(raises(() => b.recv(1)).errno, 11);
  for (const s of [a, b, srv]) s.close();
});

test("closing with bytes staged and unread resets the peer, as Linux does", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const a = socket.create_connection(srv.getsockname());
  const [b] = srv.accept();
  a.sendall(new Uint8Array(200000));
  let got = 0;
  while (got < 10) got += b.recv(10 - got).length;
  sleep(50);
  b.close();
  const err = raises(() => a.recv(10));
  assert.is(`${err.name}: ${err.message}`, "ConnectionResetError: [Errno 104] Connection reset by peer");
  a.close();
  srv.close();
});

test("calls after close", () => {
  const s = socket.socket();
  s.close();
  s.close();
  assert.is(s.fileno(), -1);
  for (const call of [() => s.recv(1), () => s.send(enc("x")), () => s.connect(["127.0.0.1", 9]), () => s.getsockname()]) {
    const err = raises(call);
    assert.is(`${err.name}: ${err.message}`, "OSError: [Errno 9] Bad file descriptor");
  }
});

test("a worker that dies: the blocked call and every later one raise OSError, never hang", () => {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-sync-"));
  try {
    for (const [how, tail] of [
      ["exit()", "setTimeout(() => process.exit(3), 500);"],
      ["an uncaught error", "setTimeout(() => { throw new Error('worker crashed'); }, 500);"],
    ]) {
      // The worker's module, wrapped to die half a second in, while the caller is blocked.
      const entry = join(dir, `entry${how.length}.mjs`);
      writeFileSync(entry, `import ${JSON.stringify(new URL("../dist/host/worker_main.js", import.meta.url).href)};\n${tail}\n`);
      // In a process of its own, so that a hang fails the test instead of blocking it.
      const r = runNode(`
        const { WorkerHost } = await import(${JSON.stringify(new URL("../dist/host/worker.js", import.meta.url).href)});
        const { syncModule } = await import(${JSON.stringify(new URL("../dist/src/facade_sync.js", import.meta.url).href)});
        const { OSError, AF_INET, SOCK_DGRAM } = await import(${JSON.stringify(SYNC_URL)});
        const mod = syncModule(new WorkerHost({ entry: new URL(${JSON.stringify(`file://${entry}`)}) }));
        // Datagram sockets: a TCP connection whose both ends are this thread's is served in it
        // (host/inthread.ts), without the worker, and so goes on working.
        const conn = mod.socket(AF_INET, SOCK_DGRAM);
        conn.bind(["127.0.0.1", 0]);
        const c = mod.socket(AF_INET, SOCK_DGRAM);
        c.connect(conn.getsockname());
        const calls = {
          "blocked recv": () => conn.recv(10),
          "sendall": () => c.sendall(new Uint8Array(1)),
          "socket()": () => mod.socket(),
          "create_connection": () => mod.create_connection(["localhost", 80]),
        };
        for (const [name, call] of Object.entries(calls)) {
          try {
            call();
            console.log(name + ": returned");
          } catch (err) {
            console.log(name + ": " + (err instanceof OSError ? "OSError " : "") + err.name + ": " + err.message);
          }
        }
        for (const s of [c, conn]) s.close();`);
      assert.is(r.signal, null, `after ${how}, a call hung (killed after ${Math.round(r.ms)} ms)`);
      assert.is(r.stderr, "");
      assert.is(r.stdout, [
        "blocked recv: OSError OSError: [Errno 5] Input/output error",
        "sendall: OSError OSError: [Errno 5] Input/output error",
        "socket(): OSError OSError: [Errno 5] Input/output error",
        "create_connection: OSError gaierror: [Errno -11] System error",
        "",
      ].join("\n"));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("raw node:net peers see a normal TCP client", async () => {
  // The async server runs on this thread's event loop, so the client runs in a thread.
  const srv = net.createServer((s) => s.pipe(s));
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const client = thread(`
    const c = socket.create_connection(["127.0.0.1", workerData.port]);
    c.sendall(new TextEncoder().encode("via node:net"));
    parentPort.postMessage(new TextDecoder().decode(c.recv(100)));
    c.close();`, { port: srv.address().port });
  assert.is(await message(client), "via node:net");
  await client.exited;
  srv.close();
});

test.run();
