// A socketserver-style selectors server on pysocket/sync serves 100 clients at once: the clients
// (node:net, in worker threads) each connect, send a line and wait for its echo, then hold their
// connection open until every client has had its echo, so a server that served one connection at
// a time would never finish. Then each sends a second line, reads it back and closes.
import { Worker } from "node:worker_threads";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { create_server, selectors } from "pysocket/sync";

const CLIENTS = 100;
const THREADS = 4;

const CLIENT_CODE = `
const { workerData, parentPort } = require("node:worker_threads");
const net = require("node:net");
const { port, first, count, barrier, total } = workerData;
const results = [];
let pending = count;
for (let i = first; i < first + count; i++) {
  const s = net.connect(port, "127.0.0.1");
  let got = "";
  let phase = 1;
  s.setEncoding("utf8");
  s.on("connect", () => s.write("hello " + i + "\\n"));
  s.on("data", (d) => {
    got += d;
    if (phase === 1 && got === "hello " + i + "\\n") {
      phase = 2;
      Atomics.add(barrier, 0, 1);
      const wait = () => {
        if (Atomics.load(barrier, 0) < total) return setTimeout(wait, 5);
        s.write("bye " + i + "\\n");
      };
      wait();
    } else if (phase === 2 && got === "hello " + i + "\\nbye " + i + "\\n") {
      phase = 3;
      s.end();
    }
  });
  s.on("close", () => {
    results.push([i, phase === 3, got]);
    if (--pending === 0) parentPort.postMessage(results);
  });
  s.on("error", () => {});
}
`;

test("a selectors server on pysocket/sync serves 100 concurrent clients", async () => {
  const server = create_server(["127.0.0.1", 0], { backlog: 128 });
  server.setblocking(false);
  const port = server.getsockname()[1];
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const per = CLIENTS / THREADS;
  const workers = [];
  const done = [];
  for (let t = 0; t < THREADS; t++) {
    const w = new Worker(CLIENT_CODE, { eval: true, workerData: { port, first: t * per, count: per, barrier, total: CLIENTS } });
    workers.push(w);
    done.push(new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    }));
  }
  const sel = selectors.DefaultSelector();
  sel.register(server, selectors.EVENT_READ, null);
  let accepted = 0;
  let closed = 0;
  let mostOpen = 0;
  const deadline = Date.now() + 120_000;
  while (closed < CLIENTS && Date.now() < deadline) {
    for (const [key] of sel.select(1)) {
      if (key.data === null) {
        const [conn] = server.accept();
        conn.setblocking(false);
        sel.register(conn, selectors.EVENT_READ, { id: accepted++ });
        mostOpen = Math.max(mostOpen, accepted - closed);
        continue;
      }
      const conn = key.fileobj;
      const data = conn.recv(4096);
      if (data.length > 0) {
        conn.sendall(data);
      } else {
        sel.unregister(conn);
        conn.close();
        closed++;
      }
    }
  }
  sel.close();
  server.close();
  const results = (await Promise.all(done)).flat();
  await Promise.all(workers.map((w) => w.terminate()));
  assert.is(closed, CLIENTS, "every client closed");
  assert.is(mostOpen, CLIENTS, "all clients were connected at once");
  assert.is(results.filter(([, ok]) => ok).length, CLIENTS, JSON.stringify(results.filter(([, ok]) => !ok).slice(0, 3)));
});

test.run();
