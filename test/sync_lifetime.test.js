// Lifetimes on pysocket/sync (and the soak on both facades): every byte a send accepted reaches
// the peer however the program or thread ends, as the kernel delivers an exited process's; no
// argument can end the worker thread; importing pysocket/sync starts no thread.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const DIST = new URL("../dist/src/", import.meta.url);
const RECEIVER = new URL("./helpers/receiver.py", import.meta.url).pathname;

/** The payload of sender `id`: deterministic bytes. */
function payload(id, size) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + id * 13 + (i >> 12)) & 0xff;
  return b;
}

/** How a sender program ends, after sending: each is a way a Python program may end. On the
 * `pysocket` facade Node's own event loop sends the bytes, and cannot run once process.exit()
 * is called: that ending is for pysocket/sync, whose worker thread sends them. */
const ENDINGS = {
  "close, then the program ends": "c.close();",
  "no close, the program ends": "",
  "close, then process.exit()": "c.close(); process.exit(0);",
  "send() in a loop, close, the program ends": "SEND_LOOP c.close();",
  "close in a worker thread that ends": "THREAD",
};

/** A sender program (an ES module for `node -e`): connects to `port`, sends its 4-byte id and
 * its payload, and ends as `ending` says. */
function senderSource(facade, port, id, size, ending) {
  const url = new URL(facade === "pysocket" ? "index.js" : "sync.js", DIST).href;
  const aw = facade === "pysocket" ? "await " : "";
  const head = `const socket = await import(${JSON.stringify(url)});
    const data = new Uint8Array(${size});
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + ${id} * 13 + (i >> 12)) & 0xff;
    const c = ${aw}socket.create_connection(["127.0.0.1", ${port}]);
    ${aw}c.sendall(new Uint8Array(new Uint32Array([${id}]).buffer));`;
  const send = ending.startsWith("SEND_LOOP")
    ? `for (let at = 0; at < data.length; ) at += ${aw}c.send(data.subarray(at, at + 100000));`
    : `${aw}c.sendall(data);`;
  if (ending !== "THREAD") return `${head}\n${send}\n${ending.replace("SEND_LOOP", "")}`;
  // The thread is a CommonJS eval: its module code runs in an async function.
  const body = `${head}\n${send}\nc.close();`;
  return `import { Worker } from "node:worker_threads";
    const w = new Worker(${JSON.stringify(`(async () => { ${body} })()`)}, { eval: true });
    w.on("error", (e) => { console.error(e); process.exitCode = 1; });`;
}

/** Starts the receiver for `count` connections (python3, the oracle's own sockets). */
async function startReceiver(count, delayMs) {
  const child = spawn("python3", [RECEIVER, String(count), String(delayMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const reports = [];
  const [port] = await once(lines, "line");
  lines.on("line", (l) => reports.push(JSON.parse(l)));
  return { port: Number(port), done: once(child, "exit").then(() => reports) };
}

function run(args, timeoutMs = 60000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

const hasPython = spawnSync("python3", ["--version"]).status === 0;

const soak = suite("no byte lost when a program ends (soak: short programs, a python3 receiver)");

for (const facade of ["pysocket/sync", "pysocket"]) {
  soak(`${facade}: every ending, every byte`, async () => {
    if (!hasPython) return console.log("  (skipped: no python3 for the receiver)");
    const endings = Object.entries(ENDINGS).filter(([name]) => facade === "pysocket/sync" || !name.includes("process.exit"));
    const rounds = 2;
    const count = endings.length * rounds;
    // The receiver reads only after 400 ms, through a small buffer: by then each sender has
    // ended with megabytes still in Node's hands.
    const receiver = await startReceiver(count, 400);
    const expected = new Map();
    const programs = [];
    for (let id = 0; id < count; id++) {
      const [name, ending] = endings[id % endings.length];
      const size = (3 << 20) + ((id * 611953) % (4 << 20));
      expected.set(id, { name, size, sha256: createHash("sha256").update(payload(id, size)).digest("hex") });
      programs.push(run(["--input-type=module", "-e", senderSource(facade, receiver.port, id, size, ending)])
        .then((r) => ({ id, name, ...r })));
    }
    for (const r of await Promise.all(programs)) {
      assert.is(r.signal, null, `sender ${r.id} (${r.name}) did not exit by itself`);
      assert.is(r.stderr, "", `sender ${r.id} (${r.name}) stderr`);
      assert.is(r.status, 0, `sender ${r.id} (${r.name})`);
    }
    const reports = await receiver.done;
    assert.is(reports.length, count);
    for (const { id, len, sha256 } of reports) {
      const want = expected.get(id);
      assert.ok(want, `a connection with id ${id}`);
      assert.is(len, want.size, `sender ${id} (${want.name}): ${len} of ${want.size} bytes arrived`);
      assert.is(sha256, want.sha256, `sender ${id} (${want.name}): the bytes differ`);
    }
  });
}

soak("pysocket/sync: bytes for the program's own unread sockets do not hold it at exit", async () => {
  // Linux discards them as the process's sockets close, so the program ends at once.
  const r = await run(["--input-type=module", "-e", `
    const socket = await import(${JSON.stringify(new URL("sync.js", DIST).href)});
    const fill = (s) => {
      s.settimeout(0.5);
      try { for (;;) s.send(new Uint8Array(1 << 20)); } catch (err) { return err.name; }
    };
    const [a, b] = socket.socketpair();
    const srv = socket.create_server(["127.0.0.1", 0]);
    const c = socket.create_connection(srv.getsockname());
    const [conn] = srv.accept();
    console.log(fill(a), fill(c));
    c.close();`], 20000);
  assert.is(r.signal, null, "the program did not exit");
  assert.is(r.stdout, "TimeoutError TimeoutError\n", r.stderr);
});

soak.run();

const robust = suite("pysocket/sync: no argument ends the worker");

robust("bad hosts and odd values, then the thread still works", async () => {
  const r = await run(["--input-type=module", "-e", `
    const socket = await import(${JSON.stringify(new URL("sync.js", DIST).href)});
    const odd = [1, null, {}, Symbol("x"), () => 1, 1n, [1, 2], new Uint8Array(2), NaN, -1, 2 ** 40];
    for (const host of odd) {
      for (const call of [
        () => socket.create_connection([host, 80], 0.5),
        () => socket.getaddrinfo(host, 80),
        () => socket.gethostbyname(host),
        () => socket.getaddrinfo("localhost", host),
        () => socket.socket().connect([host, 80]),
      ]) {
        try { call(); } catch (err) {
          if (err?.errno === 5) console.log("Errno 5 after " + String(host?.toString?.() ?? host) + ": " + err.message);
        }
      }
    }
    const srv = socket.create_server(["127.0.0.1", 0]);
    const c = socket.create_connection(srv.getsockname(), 5);
    const [conn] = srv.accept();
    c.sendall(new TextEncoder().encode("still here"));
    console.log(new TextDecoder().decode(conn.recv(100)));
    for (const s of [c, conn, srv]) s.close();`]);
  assert.is(r.signal, null, "hung");
  assert.is(r.stdout, "still here\n", r.stderr);
});

robust.run();

const start = suite("pysocket/sync: its threads start on first use");

start("importing starts no thread; the first call starts them", async () => {
  if (readdirSync("/proc/self/task").length === 0) return;
  const r = await run(["--input-type=module", "-e", `
    const threads = async () => (await import("node:fs")).readdirSync("/proc/self/task").length;
    const wait = (ms) => new Promise((r) => setTimeout(r, ms));
    // The thread pool starts with the first file read, which the import makes: start it first.
    await (await import("node:fs/promises")).readFile("/proc/self/stat");
    await wait(200);
    const before = await threads();
    const socket = await import(${JSON.stringify(new URL("sync.js", DIST).href)});
    await wait(300);
    const imported = await threads();
    const s = socket.socket();
    await wait(300);
    const used = await threads();
    s.close();
    console.log(JSON.stringify({ imported: imported - before, used: used - before }));`]);
  assert.is(r.stderr, "");
  const { imported, used } = JSON.parse(r.stdout);
  assert.is(imported, 0, "threads started by the import");
  assert.ok(used >= 2, `threads after the first call: ${used}`);
});

start.run();
