// How fast pysocket/sim simulates, against the same work on `pysocket` over real loopback in the
// same run. Workloads:
//   ping-pong   TCP between two simulated hosts at zero latency, 64-byte messages echoed:
//               round trips per wall second, vs `pysocket` over 127.0.0.1 (target: ratio >= 2)
//   hour        3,600 one-second time.sleep calls: wall milliseconds (target < 100 ms)
//   fleet       1,000 client hosts, one connection each to one server host, 100 request/replies
//               per connection: wall seconds, creating the hosts included (target < 10 s), and
//               heap bytes per simulated connection (run with --expose-gc for a steadier number)
// Each workload runs ROUNDS times in a row (medians quoted); targets print PASS/MISS and never change the
// exit status. Environment: ROUNDS (default 5), PINGPONG_N (default 10000), FLEET (default 1000),
// FLEET_RT (default 100).
import { performance } from "node:perf_hooks";
import * as real from "pysocket";
import { SimNetwork } from "pysocket/sim";

const env = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const ROUNDS = env("ROUNDS", 5);
const PINGPONG_N = env("PINGPONG_N", 10000);
const FLEET = env("FLEET", 1000);
const FLEET_RT = env("FLEET_RT", 100);
const MSG = new Uint8Array(64).fill(0x61);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function recvExactly(sock, n) {
  let got = 0;
  while (got < n) {
    const b = await sock.recv(n - got);
    if (b.length === 0) throw new Error("unexpected end of stream");
    got += b.length;
  }
}

/** The ping-pong loop on a client module `cm` and a server module `sm`, server at `addr`. */
async function pingPong(cm, sm, bindAddr, connectAddr, n) {
  const srv = await sm.create_server(bindAddr);
  const port = srv.getsockname()[1];
  const cli = await cm.create_connection([connectAddr, port]);
  cli.setsockopt(cm.IPPROTO_TCP, cm.TCP_NODELAY, 1);
  const [conn] = await srv.accept();
  conn.setsockopt(sm.IPPROTO_TCP, sm.TCP_NODELAY, 1);
  const echo = (async () => {
    for (let i = 0; i < n; i++) {
      await recvExactly(conn, MSG.length);
      await conn.sendall(MSG);
    }
  })();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await cli.sendall(MSG);
    await recvExactly(cli, MSG.length);
  }
  const ms = performance.now() - t0;
  await echo;
  cli.close();
  conn.close();
  srv.close();
  return (n / ms) * 1000;
}

async function simPingPong(n = PINGPONG_N) {
  const net = new SimNetwork({ seed: 1, latency: 0 });
  const db = net.host("db");
  const app = net.host("app");
  return pingPong(app, db, ["", 0], "db", n);
}

async function realPingPong(n = PINGPONG_N) {
  return pingPong(real, real, ["127.0.0.1", 0], "127.0.0.1", n);
}

async function hour() {
  const net = new SimNetwork();
  const h = net.host("h");
  const t0 = performance.now();
  for (let i = 0; i < 3600; i++) await h.time.sleep(1);
  const ms = performance.now() - t0;
  if (net.now() !== 3600) throw new Error(`virtual time ${net.now()}`);
  return ms;
}

function heap() {
  // Several passes: the first ones may only finalize what a previous round left.
  for (let i = 0; i < 4; i++) globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function fleet() {
  const t0 = performance.now();
  const net = new SimNetwork({ seed: 1, latency: 0.0005 });
  const server = net.host("server");
  const srv = await server.create_server(["", 7000], { backlog: 4096 });
  const serving = [];
  const acceptor = (async () => {
    for (let i = 0; i < FLEET; i++) {
      const [c] = await srv.accept();
      serving.push((async () => {
        for (;;) {
          const b = await c.recv(64);
          if (b.length === 0) break;
          await c.sendall(b);
        }
        c.close();
      })());
    }
  })();
  const clients = [];
  for (let i = 0; i < FLEET; i++) clients.push(net.host(`c${i}`));
  const hostsMs = performance.now() - t0;
  const before = heap();
  const socks = await Promise.all(clients.map((m) => m.create_connection(["server", 7000])));
  await acceptor;
  const perConnection = (heap() - before) / FLEET;
  await Promise.all(socks.map(async (s) => {
    for (let i = 0; i < FLEET_RT; i++) {
      await s.sendall(MSG);
      await recvExactly(s, MSG.length);
    }
    s.close();
  }));
  await Promise.all(serving);
  const seconds = (performance.now() - t0) / 1000;
  srv.close();
  return { seconds, perConnection, hostsMs, virtual: net.now() };
}

// Warm-up: both loops compiled before anything is timed.
await simPingPong(2000);
await realPingPong(2000);

const rows = { sim: [], real: [], hour: [], fleet: [], mem: [], hosts: [] };
// Each workload's rounds run together, so that no ping-pong pays for the garbage of a fleet of
// 1,000 cores before it.
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the order so both contenders meet the machine's load alike.
  if (r % 2) {
    rows.real.push(await realPingPong());
    rows.sim.push(await simPingPong());
  } else {
    rows.sim.push(await simPingPong());
    rows.real.push(await realPingPong());
  }
}
for (let r = 0; r < ROUNDS; r++) rows.hour.push(await hour());
let virtual = 0;
for (let r = 0; r < ROUNDS; r++) {
  const f = await fleet();
  rows.fleet.push(f.seconds);
  rows.mem.push(f.perConnection);
  rows.hosts.push(f.hostsMs);
  virtual = f.virtual;
}

const sim = median(rows.sim);
const realRt = median(rows.real);
const ratio = sim / realRt;
const verdict = (ok) => (ok ? "PASS" : "MISS");
console.log(`pysocket/sim benchmark, ${ROUNDS} rounds (medians), node ${process.version}`);
console.log(`ping-pong   sim ${sim.toFixed(0)} rt/s   pysocket real loopback ${realRt.toFixed(0)} rt/s   ratio ${ratio.toFixed(2)}x   target >= 2x: ${verdict(ratio >= 2)}`);
const h = median(rows.hour);
console.log(`hour        3600 x sleep(1): ${h.toFixed(1)} ms wall   target < 100 ms: ${verdict(h < 100)}`);
const fs = median(rows.fleet);
console.log(`fleet       ${FLEET} hosts x ${FLEET_RT} request/replies: ${fs.toFixed(2)} s wall (${virtual.toFixed(3)} s virtual)   target < 10 s: ${verdict(fs < 10)}`);
console.log(`            of which creating the ${FLEET + 1} hosts (a WASM core each): ${(median(rows.hosts) / 1000).toFixed(2)} s`);
// The first fleet's figure: later ones see the previous fleets' 1,000 cores freed meanwhile.
console.log(`memory      ${(rows.mem[0] / 1024).toFixed(1)} KiB heap per simulated connection (both ends: sockets, TCP state, buffers)${globalThis.gc ? "" : " (run with --expose-gc for a steadier number)"}`);
