// A client of bench/sync.bench.js in a process of its own: `pysocket/sync` written as a Python
// program is (blocking calls, no callbacks), or raw node:net written as a Node programmer would
// (events, write/drain). Usage: node sync_client.mjs sync|node '{"echo":…,"sink":…,"source":…}'.
// Answers each command read on stdin with one JSON line {"seconds"} (or {"error"}), timing the
// work alone (connected first, closed after):
// Every connection has TCP_NODELAY, in both implementations and in bench/sync_cpython.py.
//   pingpong N    N round trips of 64 bytes
//   upload B C    B bytes in C-byte sends, then shutdown(SHUT_WR) and the server's count
//   download B C  asks for B bytes, reads them C bytes at a time until the server closes
import * as net from "node:net";
import { once } from "node:events";
import { createInterface } from "node:readline";

const [impl, portsJson] = process.argv.slice(2);
const ports = JSON.parse(portsJson);
const HOST = "127.0.0.1";

/** A connection with TCP_NODELAY, as every contender's are (node:net's connect() below): Nagle's
 * algorithm costs a bulk sender's kernel more work, and the anchors must do the same work. */
function connectTo(port) {
  const s = socket.create_connection([HOST, port]);
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  return s;
}

const pysocket = {
  pingpong(n) {
    const s = connectTo(ports.echo);
    const msg = new Uint8Array(64).fill(0x61);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      s.sendall(msg);
      let got = 0;
      while (got < 64) {
        const data = s.recv(64 - got);
        if (data.length === 0) throw new Error("echo server closed");
        got += data.length;
      }
    }
    const t1 = performance.now();
    s.close();
    return (t1 - t0) / 1000;
  },
  upload(total, chunk) {
    const s = connectTo(ports.sink);
    const buf = new Uint8Array(chunk).fill(0x62);
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += chunk) s.sendall(sent + chunk <= total ? buf : buf.subarray(0, total - sent));
    s.shutdown(socket.SHUT_WR);
    let reply = "";
    for (;;) {
      const data = s.recv(64);
      if (data.length === 0) break;
      reply += new TextDecoder().decode(data);
    }
    const t1 = performance.now();
    s.close();
    if (Number(reply) !== total) throw new Error(`the server counted ${reply.trim()} bytes, not ${total}`);
    return (t1 - t0) / 1000;
  },
  download(total, chunk) {
    const s = connectTo(ports.source);
    const t0 = performance.now();
    s.sendall(new TextEncoder().encode(`${total}\n`));
    let got = 0;
    for (;;) {
      const data = s.recv(chunk);
      if (data.length === 0) break;
      got += data.length;
    }
    const t1 = performance.now();
    s.close();
    if (got !== total) throw new Error(`got ${got} bytes, not ${total}`);
    return (t1 - t0) / 1000;
  },
};

async function connect(port) {
  const s = net.connect({ host: HOST, port, noDelay: true });
  await once(s, "connect");
  return s;
}

const node = {
  async pingpong(n) {
    const s = await connect(ports.echo);
    const msg = Buffer.alloc(64, 0x61);
    let got = 0;
    let done = null;
    s.on("data", (d) => {
      got += d.length;
      if (got >= 64) {
        got -= 64;
        done();
      }
    });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const echoed = new Promise((resolve) => {
        done = resolve;
      });
      s.write(msg);
      await echoed;
    }
    const t1 = performance.now();
    s.destroy();
    return (t1 - t0) / 1000;
  },
  async upload(total, chunk) {
    const s = await connect(ports.sink);
    const buf = Buffer.alloc(chunk, 0x62);
    let reply = "";
    s.on("data", (d) => {
      reply += d;
    });
    const ended = once(s, "end");
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += chunk) {
      if (!s.write(sent + chunk <= total ? buf : buf.subarray(0, total - sent))) await once(s, "drain");
    }
    s.end();
    await ended;
    const t1 = performance.now();
    s.destroy();
    if (Number(reply) !== total) throw new Error(`the server counted ${reply.trim()} bytes, not ${total}`);
    return (t1 - t0) / 1000;
  },
  async download(total) {
    const s = await connect(ports.source);
    let got = 0;
    s.on("data", (d) => {
      got += d.length;
    });
    const ended = once(s, "end");
    const t0 = performance.now();
    s.write(`${total}\n`);
    await ended;
    const t1 = performance.now();
    s.destroy();
    if (got !== total) throw new Error(`got ${got} bytes, not ${total}`);
    return (t1 - t0) / 1000;
  },
};

const socket = impl === "sync" ? await import("pysocket/sync") : null;
const work = impl === "sync" ? pysocket : node;
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  try {
    console.log(JSON.stringify({ seconds: await work[cmd](...args.map(Number)) }));
  } catch (err) {
    console.log(JSON.stringify({ error: String(err?.stack ?? err) }));
  }
}
