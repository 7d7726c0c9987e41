// How fast the `pysocket` facade moves data over real loopback sockets, against anchors doing
// the same work in the same run:
//   node     raw node:net / node:dgram, written as a Node programmer would (events, write/drain)
//   CPython  python3's socket module, server in a thread (bench/socket_cpython.py), for reference
//   thin     the benchmark's own pysocket code run on bench/socket_thin.js, a bare Promise-per-call
//            wrapper of node:net/node:dgram: the ceiling for any awaitable socket API over Node,
//            against which pysocket's ratio to raw node should be read
// Workloads, client and server in one process each (127.0.0.1 only):
//   ping-pong  TCP, TCP_NODELAY, 64-byte messages echoed: round trips per second and p99 latency
//   bulk       TCP, a warm-up, a barrier, then BULK bytes in 64 KiB chunks (sendall → recv_into)
//   udp        64-byte datagrams, sendto → recvfrom → sendto back: round trips per second, p99
//   connect    connect + accept + close, one after another: connections per second
//   pingpong-x, bulk-x, udp-x  as pingpong, bulk and udp, with the far end in another process (raw
//              node:net/node:dgram, bench/socket_peer.mjs): only the client differs between contenders. With both
//              ends in one process pysocket queues a send's bytes on the peer within the send,
//              as Linux's loopback does, and no longer has them carried by Node too, so pingpong
//              and bulk measure that path; these two measure the network path. So does udp: a
//              datagram between two sockets of this process bound to 127.0.0.1 goes onto the
//              receiver's queue within the send (host/kernel/udp_local.ts), as Linux's loopback
//              delivers it, and Node does not carry it.
// Each round runs every contender once, in an order that rotates from round to round, so that
// all of them meet the machine's load as it comes and goes; the table quotes medians over rounds.
// Speed targets are printed as PASS/MISS and never change the exit status; a contender that fails
// (a lost datagram, an error) is reported and the script goes on. Every loop is bounded.
//
// Environment: ROUNDS (default 7), BULK_MIB (default 256), PINGPONG_N, UDP_N, CONNECT_N,
// NO_CPYTHON=1 to skip python3, NO_THIN=1 to skip the thin wrapper, ONLY=pingpong,bulk,... to run some workloads, WHO=pysocket,node
// to run some contenders (for profiling: node --cpu-prof bench/socket.bench.js), PYSOCKET_B=path
// to another build's dist/src/index.js to race it as a fourth contender (pysocketB).

import { spawn } from "node:child_process";
import * as dgram from "node:dgram";
import * as net from "node:net";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as pysocket from "pysocket";
import * as thin from "./socket_thin.js";

const env = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const ROUNDS = env("ROUNDS", 7);
const HOST = "127.0.0.1";
const MSG = 64;
const CHUNK = 64 * 1024;
const PINGPONG_N = env("PINGPONG_N", 10000);
const UDP_N = env("UDP_N", 10000);
const CONNECT_N = env("CONNECT_N", 1000);
const BULK = env("BULK_MIB", 256) * 1024 * 1024;
const BULK_WARM = Math.min(32 * 1024 * 1024, BULK);
const WARM_RT = 500;
const WARM_CONNECT = 100;
/** A round that has not finished after this long is abandoned (a lost datagram, a stall): its
 * sockets are closed, which ends any call still waiting on them. No socket has a timeout of its
 * own, as none has in a plain Python program, so that no contender pays for per-call timers. */
const GUARD_MS = 30_000;
const ONLY = process.env.ONLY ? process.env.ONLY.split(",") : null;
const WHO = process.env.WHO ? process.env.WHO.split(",") : null;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function p99(lat) {
  const s = Float64Array.from(lat).sort();
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

/** The sockets, servers and processes of the round in progress, for `guard` to close. */
const live = new Set();
function track(x) {
  live.add(x);
  return x;
}

/** Rejects after GUARD_MS, closing what the round opened, so that no round can hang the script. */
function guard(promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => {
      for (const x of live) {
        try {
          if (x.destroy) x.destroy();
          else if (x.kill) x.kill("SIGKILL");
          else x.close();
        } catch {
          // already closed
        }
      }
      reject(new Error(`${what}: no end after ${GUARD_MS / 1000} s`));
    }, GUARD_MS);
  });
  return Promise.race([promise, limit]).finally(() => {
    clearTimeout(timer);
    live.clear();
  });
}

const message = () => new Uint8Array(MSG).fill(0x78);

// ---------------------------------------------------------------------------------------------
// pysocket, written as the Python program would be (bench/socket_cpython.py): blocking calls, an
// echo server that recv()s and sendall()s what it got, a client that counts what comes back.

async function pyTcpPair(socket) {
  const srv = track(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  await srv.bind([HOST, 0]);
  await srv.listen();
  const cli = track(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  await cli.connect(srv.getsockname());
  const [conn] = await srv.accept();
  track(conn);
  srv.close();
  for (const s of [cli, conn]) s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  return [cli, conn];
}

async function pyRecvExactly(s, buf) {
  let got = 0;
  while (got < buf.length) {
    const k = await s.recv_into(buf.subarray(got));
    if (k === 0) throw new Error("peer closed early");
    got += k;
  }
}

async function pyPingPong(socket, n) {
  const [cli, conn] = await pyTcpPair(socket);
  const served = (async () => {
    try {
      for (;;) {
        const data = await conn.recv(MSG);
        if (data.length === 0) return;
        await conn.sendall(data);
      }
    } finally {
      conn.close();
    }
  })();
  served.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  try {
    return await pyRoundTrips(cli, n);
  } finally {
    cli.close();
    await served;
  }
}

async function pyBulk(socket, warm, total) {
  const [cli, conn] = await pyTcpPair(socket);
  let end = 0;
  const served = (async () => {
    try {
      const buf = new Uint8Array(CHUNK);
      let got = 0;
      while (got < warm) {
        const k = await conn.recv_into(buf);
        if (k === 0) throw new Error("peer closed early");
        got += k;
      }
      await conn.sendall(new Uint8Array(1));
      got = 0;
      while (got < total) {
        const k = await conn.recv_into(buf);
        if (k === 0) throw new Error("peer closed early");
        got += k;
      }
      end = performance.now();
    } finally {
      conn.close();
    }
  })();
  served.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const data = new Uint8Array(CHUNK).fill(0x78);
  try {
    for (let sent = 0; sent < warm; sent += CHUNK) await cli.sendall(data);
    await pyRecvExactly(cli, new Uint8Array(1));
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += CHUNK) await cli.sendall(data);
    await served;
    return { seconds: (end - t0) / 1000 };
  } finally {
    cli.close();
    await served.catch(() => {});
  }
}

/** `cli`'s sendto → recvfrom round trips with the echo at `addr`: WARM_RT, then n timed. */
async function pyUdpRoundTrips(cli, addr, n) {
  const msg = message();
  const lat = new Float64Array(n);
  for (let i = 0; i < WARM_RT; i++) {
    await cli.sendto(msg, addr);
    await cli.recvfrom(2048);
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await cli.sendto(msg, addr);
    await cli.recvfrom(2048);
    lat[i] = performance.now() - s;
  }
  return { seconds: (performance.now() - t0) / 1000, p99: p99(lat) / 1000 };
}

async function pyUdpX(socket, port, n) {
  const cli = track(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  try {
    await cli.bind([HOST, 0]);
    return await pyUdpRoundTrips(cli, [HOST, port], n);
  } finally {
    cli.close();
  }
}

async function pyUdp(socket, n) {
  const srv = track(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  await srv.bind([HOST, 0]);
  const addr = srv.getsockname();
  const cli = track(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  await cli.bind([HOST, 0]);
  const stop = new TextEncoder().encode("stop");
  const served = (async () => {
    try {
      for (;;) {
        const [data, peer] = await srv.recvfrom(2048);
        if (data.length === stop.length) return;
        await srv.sendto(data, peer);
      }
    } finally {
      srv.close();
    }
  })();
  served.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  try {
    return await pyUdpRoundTrips(cli, addr, n);
  } finally {
    await cli.sendto(stop, addr).catch(() => {});
    await served.catch(() => {});
    cli.close();
  }
}

async function pyConnect(socket, n) {
  const srv = track(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  await srv.bind([HOST, 0]);
  await srv.listen();
  const addr = srv.getsockname();
  const one = async () => {
    const c = track(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
    try {
      await c.connect(addr);
      const [conn] = await srv.accept();
      c.close();
      conn.close();
    } finally {
      c.close();
      live.delete(c);
    }
  };
  try {
    return await timeConnects(one, n);
  } finally {
    srv.close();
  }
}

/** Runs `one` connect+accept+close WARM_CONNECT times, then `n` timed times. */
async function timeConnects(one, n) {
  for (let i = 0; i < WARM_CONNECT; i++) await one();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  return { seconds: (performance.now() - t0) / 1000 };
}

/** The ping-pong client's loop over connected socket `cli`: WARM_RT, then n timed round trips. */
async function pyRoundTrips(cli, n) {
  const msg = message();
  const back = new Uint8Array(MSG);
  const lat = new Float64Array(n);
  for (let i = 0; i < WARM_RT; i++) {
    await cli.sendall(msg);
    await pyRecvExactly(cli, back);
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await cli.sendall(msg);
    await pyRecvExactly(cli, back);
    lat[i] = performance.now() - s;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, p99: p99(lat) / 1000 };
}

async function pyConnected(socket, port) {
  const cli = track(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  await cli.connect([HOST, port]);
  cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  return cli;
}

async function pyPingPongX(socket, port, n) {
  const cli = await pyConnected(socket, port);
  try {
    return await pyRoundTrips(cli, n);
  } finally {
    cli.close();
  }
}

/** `total` bytes to the sink in CHUNK pieces after its 8-byte announcement; resolves on its ack. */
async function pySink(cli, total) {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(total), true);
  await cli.sendall(head);
  const data = new Uint8Array(CHUNK).fill(0x78);
  for (let sent = 0; sent < total; sent += CHUNK) await cli.sendall(data);
  await pyRecvExactly(cli, new Uint8Array(1));
}

async function pyBulkX(socket, port, warm, total) {
  const cli = await pyConnected(socket, port);
  try {
    await pySink(cli, warm);
    const t0 = performance.now();
    await pySink(cli, total);
    return { seconds: (performance.now() - t0) / 1000 };
  } finally {
    cli.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Raw node:net and node:dgram doing the same work the way Node code does it.

async function nodeTcpPair() {
  const server = track(net.createServer());
  server.listen(0, HOST);
  await once(server, "listening");
  const accepted = once(server, "connection");
  const cli = track(net.connect({ host: HOST, port: server.address().port, noDelay: true }));
  await once(cli, "connect");
  const [conn] = await accepted;
  track(conn);
  conn.setNoDelay(true);
  server.close();
  return [cli, conn];
}

/** The ping-pong client's loop over connected stream `cli`, as events: WARM_RT, then n timed. */
async function nodeRoundTrips(cli, n) {
  const msg = Buffer.from(message());
  const lat = new Float64Array(n);
  const all = WARM_RT + n;
  let i = 0;
  let got = 0;
  let s = 0;
  let t0 = 0;
  const done = new Promise((resolve, reject) => {
    cli.on("error", reject);
    cli.on("data", (d) => {
      got += d.length;
      if (got < MSG) return;
      got -= MSG;
      const now = performance.now();
      if (i >= WARM_RT) lat[i - WARM_RT] = now - s;
      if (++i === all) return resolve(now);
      if (i === WARM_RT) t0 = now;
      s = now;
      cli.write(msg);
    });
  });
  s = performance.now();
  cli.write(msg);
  const end = await done;
  return { seconds: (end - t0) / 1000, p99: p99(lat) / 1000 };
}

async function nodePingPong(n) {
  const [cli, conn] = await nodeTcpPair();
  conn.on("data", (d) => conn.write(d));
  try {
    return await nodeRoundTrips(cli, n);
  } finally {
    cli.destroy();
    conn.destroy();
  }
}

async function nodeBulk(warm, total) {
  const [cli, conn] = await nodeTcpPair();
  let got = 0;
  let phase = 0;
  const warmed = new Promise((resolve) => cli.once("data", resolve));
  const received = new Promise((resolve, reject) => {
    conn.on("error", reject);
    conn.on("data", (d) => {
      got += d.length;
      if (phase === 0 && got >= warm) {
        phase = 1;
        got -= warm;
        conn.write(Buffer.alloc(1));
      }
      if (phase === 1 && got >= total) {
        phase = 2;
        resolve(performance.now());
      }
    });
  });
  const data = Buffer.alloc(CHUNK, 0x78);
  const pump = async (bytes) => {
    for (let sent = 0; sent < bytes; sent += CHUNK) {
      if (!cli.write(data)) await once(cli, "drain");
    }
  };
  try {
    await pump(warm);
    await warmed;
    const t0 = performance.now();
    await pump(total);
    const end = await received;
    return { seconds: (end - t0) / 1000 };
  } finally {
    cli.destroy();
    conn.destroy();
  }
}

async function nodeUdp(n) {
  const srv = track(dgram.createSocket("udp4"));
  srv.bind(0, HOST);
  await once(srv, "listening");
  const port = srv.address().port;
  srv.on("message", (m, rinfo) => srv.send(m, rinfo.port, rinfo.address));
  try {
    return await nodeUdpRoundTrips(port, n);
  } finally {
    srv.close();
  }
}

/** Round trips from a new node:dgram socket to the echo at `port`, as events: WARM_RT, then n. */
async function nodeUdpRoundTrips(port, n) {
  const cli = track(dgram.createSocket("udp4"));
  cli.bind(0, HOST);
  await once(cli, "listening");
  const msg = Buffer.from(message());
  const lat = new Float64Array(n);
  const all = WARM_RT + n;
  let i = 0;
  let s = 0;
  let t0 = 0;
  const done = new Promise((resolve) => {
    cli.on("message", () => {
      const now = performance.now();
      if (i >= WARM_RT) lat[i - WARM_RT] = now - s;
      if (++i === all) return resolve(now);
      if (i === WARM_RT) t0 = now;
      s = now;
      cli.send(msg, port, HOST);
    });
  });
  s = performance.now();
  cli.send(msg, port, HOST);
  try {
    const end = await done;
    return { seconds: (end - t0) / 1000, p99: p99(lat) / 1000 };
  } finally {
    cli.close();
  }
}

async function nodeConnected(port) {
  const cli = track(net.connect({ host: HOST, port, noDelay: true }));
  await once(cli, "connect");
  return cli;
}

async function nodePingPongX(port, n) {
  const cli = await nodeConnected(port);
  try {
    return await nodeRoundTrips(cli, n);
  } finally {
    cli.destroy();
  }
}

async function nodeBulkX(port, warm, total) {
  const cli = await nodeConnected(port);
  const data = Buffer.alloc(CHUNK, 0x78);
  const sink = async (bytes) => {
    const acked = new Promise((resolve, reject) => {
      cli.once("data", resolve);
      cli.once("error", reject);
    });
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(bytes));
    cli.write(head);
    for (let sent = 0; sent < bytes; sent += CHUNK) {
      if (!cli.write(data)) await once(cli, "drain");
    }
    await acked;
  };
  try {
    await sink(warm);
    const t0 = performance.now();
    await sink(total);
    return { seconds: (performance.now() - t0) / 1000 };
  } finally {
    cli.destroy();
  }
}

async function nodeConnect(n) {
  const server = track(net.createServer());
  server.listen(0, HOST);
  await once(server, "listening");
  const port = server.address().port;
  let pending = null;
  server.on("connection", (c) => {
    const p = pending;
    pending = null;
    p(c);
  });
  const one = async () => {
    const accepted = new Promise((resolve) => { pending = resolve; });
    const c = track(net.connect(port, HOST));
    await once(c, "connect");
    const conn = await accepted;
    c.destroy();
    conn.destroy();
    live.delete(c);
  };
  try {
    return await timeConnects(one, n);
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// CPython, one process for the whole run, one command per round.

async function startCPython() {
  if (process.env.NO_CPYTHON || (WHO && !WHO.includes("cpython"))) return null;
  const script = fileURLToPath(new URL("./socket_cpython.py", import.meta.url));
  const child = spawn("python3", [script], { stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.on("error", () => {}); // python3 gone: its rounds report it
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const spawnFailed = new Promise((resolve) => child.once("error", (error) => resolve({ error })));
  const first = await Promise.race([lines.next(), spawnFailed]);
  if (first.error || first.done) {
    console.log(`CPython: skipped (${first.error?.message ?? "python3 exited without an answer"})`);
    return null;
  }
  const { python } = JSON.parse(first.value);
  return {
    python,
    async run(command) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error("python3 is not running");
      // A stuck CPython round is ended by killing python3 (guard); later rounds then fail.
      track(child);
      child.stdin.write(`${command}\n`);
      const line = await lines.next();
      if (line.done) throw new Error("python3 exited");
      const answer = JSON.parse(line.value);
      if (answer.error) throw new Error(answer.error);
      return answer;
    },
    close: () => child.stdin.end(),
  };
}

// ---------------------------------------------------------------------------------------------

/** The far end of the cross-process workloads (bench/socket_peer.mjs), one process per run. */
async function startPeer() {
  if (ONLY && !ONLY.some((w) => w.endsWith("-x"))) return null;
  const script = fileURLToPath(new URL("./socket_peer.mjs", import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) {
    console.log("cross-process peer: skipped (it exited without an answer)");
    return null;
  }
  return { ...JSON.parse(first.value), close: () => child.stdin.end() };
}

/** A second build of pysocket to race against this one (PYSOCKET_B=path/to/dist/src/index.js),
 * for measuring a change: its column is "pysocket B" and its ratios are also against raw node. */
const pysocketB = process.env.PYSOCKET_B ? await import(pathToFileURL(process.env.PYSOCKET_B).href) : null;

/** Each workload: its contenders and how a round's result becomes the figures in the table. */
function workloads(py, peer) {
  const rt = (n) => (r) => ({ rate: n / r.seconds, p99: r.p99 * 1e6 });
  const mib = (r) => ({ rate: BULK / r.seconds / (1024 * 1024) });
  const perSec = (n) => (r) => ({ rate: n / r.seconds });
  const both = (run) => ({
    pysocket: () => run(pysocket),
    pysocketB: pysocketB && (() => run(pysocketB)),
    thin: !process.env.NO_THIN && (() => run(thin)),
  });
  const list = [
    {
      name: "pingpong", title: `TCP ping-pong, ${MSG} B, TCP_NODELAY, ${PINGPONG_N} round trips`,
      unit: "round trips/s", latency: true, target: 0.8, figures: rt(PINGPONG_N),
      ...both((m) => pyPingPong(m, PINGPONG_N)), node: () => nodePingPong(PINGPONG_N),
      cpython: py && (() => py.run(`pingpong ${PINGPONG_N}`)),
    },
    {
      name: "bulk", title: `bulk TCP, ${BULK / 1048576} MiB in ${CHUNK / 1024} KiB chunks after ${BULK_WARM / 1048576} MiB warm-up`,
      unit: "MiB/s", target: 0.85, figures: mib,
      ...both((m) => pyBulk(m, BULK_WARM, BULK)), node: () => nodeBulk(BULK_WARM, BULK),
      cpython: py && (() => py.run(`bulk ${BULK_WARM} ${BULK} ${CHUNK}`)),
    },
    {
      name: "udp", title: `UDP ping-pong, ${MSG} B datagrams, ${UDP_N} round trips`,
      unit: "round trips/s", latency: true, target: 0.8, figures: rt(UDP_N),
      ...both((m) => pyUdp(m, UDP_N)), node: () => nodeUdp(UDP_N),
      cpython: py && (() => py.run(`udp ${UDP_N}`)),
    },
    {
      name: "connect", title: `connect + accept + close, ${CONNECT_N} connections`,
      unit: "connections/s", target: 0.9, figures: perSec(CONNECT_N),
      ...both((m) => pyConnect(m, CONNECT_N)), node: () => nodeConnect(CONNECT_N),
      cpython: py && (() => py.run(`connect ${CONNECT_N}`)),
    },
  ];
  if (peer) {
    list.push({
      name: "pingpong-x", title: `TCP ping-pong as pingpong, against an echo server in another process (raw node:net)`,
      unit: "round trips/s", latency: true, target: 0.8, figures: rt(PINGPONG_N),
      ...both((m) => pyPingPongX(m, peer.echo, PINGPONG_N)), node: () => nodePingPongX(peer.echo, PINGPONG_N),
    }, {
      name: "bulk-x", title: `bulk TCP as bulk, into a sink in another process (raw node:net)`,
      unit: "MiB/s", target: 0.85, figures: mib,
      ...both((m) => pyBulkX(m, peer.sink, BULK_WARM, BULK)), node: () => nodeBulkX(peer.sink, BULK_WARM, BULK),
    }, {
      name: "udp-x", title: `UDP ping-pong as udp, against an echo in another process (raw node:dgram)`,
      unit: "round trips/s", latency: true, target: 0.8, figures: rt(UDP_N),
      ...both((m) => pyUdpX(m, peer.udp, UDP_N)), node: () => nodeUdpRoundTrips(peer.udp, UDP_N),
    });
  }
  return ONLY ? list.filter((w) => ONLY.includes(w.name)) : list;
}

const CONTENDERS = ["pysocket", "pysocketB", "node", "thin", "cpython"];

async function measure(w) {
  const who = CONTENDERS.filter((c) => w[c] && (!WHO || WHO.includes(c)));
  const samples = Object.fromEntries(who.map((c) => [c, []]));
  const errors = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < who.length; k++) {
      const c = who[(k + round) % who.length];
      try {
        samples[c].push(w.figures(await guard(w[c](), `${w.name} ${c}`)));
      } catch (err) {
        errors.push(`${c} round ${round + 1}: ${err.message}`);
      }
    }
  }
  const out = {};
  for (const c of who) {
    const s = samples[c];
    if (s.length === 0) continue;
    out[c] = { rate: median(s.map((x) => x.rate)), p99: median(s.map((x) => x.p99)), rounds: s.length };
  }
  return { out, errors };
}

const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? "-" : x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
const ratio = (a, b) => (a && b ? a / b : NaN);

const started = performance.now();
const py = await startCPython();
const peer = await startPeer();
console.log(`pysocket socket benchmark: node ${process.version}${py ? `, CPython ${py.python}` : ""}, ` +
  `${ROUNDS} rounds per workload, contenders alternating; medians over rounds`);
if (BULK !== 256 * 1024 * 1024) console.log(`bulk size: ${BULK / 1048576} MiB per round (BULK_MIB)`);
if (pysocketB) console.log(`pysocket B: ${process.env.PYSOCKET_B}`);
const results = [];
try {
  for (const w of workloads(py, peer)) {
    const t = performance.now();
    const { out, errors } = await measure(w);
    results.push({ w, out, errors });
    const r = ratio(out.pysocket?.rate, out.node?.rate);
    console.log(`  ${w.name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s, pysocket/node ${fmt(r, 2)}`);
    for (const e of errors) console.log(`    error: ${e}`);
  }
} finally {
  py?.close();
  peer?.close();
}

const cols = [["workload", 10], ["metric", 15], ["pysocket", 9], ["node", 9], ["CPython", 9], ["py/node", 8], ["py/CPython", 10], ["thin", 9], ["thin/node", 9]];
if (pysocketB) cols.push(["pysocket B", 10], ["B/node", 7]);
const row = (cells) => console.log(cells.map((x, i) => (i < 2 ? String(x).padEnd(cols[i][1]) : String(x).padStart(cols[i][1]))).join(" "));
console.log("\nmedians over rounds; a ratio above 1 means pysocket does better (p99 latency: lower is better, so its ratios are node/py)");
row(cols.map(([h]) => h));
for (const { w, out } of results) {
  const { pysocket: p, pysocketB: b, node: n, cpython: c, thin: t } = out;
  const cells = [w.name, w.unit, fmt(p?.rate), fmt(n?.rate), fmt(c?.rate), fmt(ratio(p?.rate, n?.rate), 2), fmt(ratio(p?.rate, c?.rate), 2), fmt(t?.rate), fmt(ratio(t?.rate, n?.rate), 2)];
  if (pysocketB) cells.push(fmt(b?.rate), fmt(ratio(b?.rate, n?.rate), 2));
  row(cells);
  if (w.latency) {
    const lat = ["", "p99 latency µs", fmt(p?.p99, 1), fmt(n?.p99, 1), fmt(c?.p99, 1), fmt(ratio(n?.p99, p?.p99), 2), fmt(ratio(c?.p99, p?.p99), 2), fmt(t?.p99, 1), fmt(ratio(n?.p99, t?.p99), 2)];
    if (pysocketB) lat.push(fmt(b?.p99, 1), fmt(ratio(n?.p99, b?.p99), 2));
    row(lat);
  }
}
for (const { w } of results) console.log(`  ${w.name}: ${w.title}`);

console.log("\ntargets (informational: the exit status does not depend on them)");
for (const { w, out } of results) {
  const r = ratio(out.pysocket?.rate, out.node?.rate);
  if (Number.isNaN(r)) {
    console.log(`  MISS  ${w.name}: no result to compare`);
    continue;
  }
  const ceiling = out.thin && out.node ? `; the thin wrapper gets ${fmt(out.thin.rate / out.node.rate, 2)}×` : "";
  console.log(`  ${r >= w.target ? "PASS" : "MISS"}  ${w.name}: ≥ ${w.target}× raw node (${fmt(r, 2)}×${ceiling})`);
}
console.log(`\ntotal time ${((performance.now() - started) / 1000).toFixed(1)} s`);
