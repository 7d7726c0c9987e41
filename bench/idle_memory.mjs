// Memory per idle connection: N connections held open on the server side, by raw node:net and
// by the `pysocket` facade, with the clients in another process (test/programs/idle_clients.mjs).
// Reports the growth of RSS and of the JS heap (+ external buffers) per connection, after a GC,
// and of V8's young generation: it grows with the rate of allocation while the connections are
// accepted (up to --max-semi-space-size) and stays committed, so it is in RSS without being held
// by any connection. It grows by doubling, when the bytes that survived scavenges since it last
// grew exceed its size, so its figure is quantised: one doubling more or less, at a given N,
// moves it by half its size. It is printed at the start and the end, as importing pysocket
// leaves it larger than a bare Node does (IMPORT_PYSOCKET=1 imports it for node:net too, so that
// both start alike). To compare what the connections keep, cap it for both:
//
//     node --expose-gc bench/idle_memory.mjs [N] [pysocket]      (default 5000, node:net)
//     node --expose-gc --max-semi-space-size=1 bench/idle_memory.mjs [N] [pysocket]
import { spawn } from "node:child_process";
import net from "node:net";
import v8 from "node:v8";

const N = Number(process.argv[2] ?? 5000);
const CLIENTS = new URL("./idle_clients.mjs", import.meta.url).pathname;

function sample() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers, young };
}

/** Starts the clients against `port`; resolves once they are all connected. */
function clients(port) {
  const child = spawn(process.execPath, [CLIENTS, String(port), String(N)], { stdio: ["pipe", "pipe", "inherit"] });
  const ready = new Promise((resolve) => child.stdout.once("data", resolve));
  const done = new Promise((resolve) => child.on("close", resolve));
  return { ready, stop: () => { child.stdin.end(); return done; } };
}

async function rawNet() {
  const conns = [];
  const server = net.createServer((c) => conns.push(c));
  await new Promise((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  const before = sample();
  const c = clients(server.address().port);
  await c.ready;
  while (conns.length < N) await new Promise((resolve) => setTimeout(resolve, 10));
  const after = sample();
  await c.stop();
  for (const s of conns) s.destroy();
  server.close();
  return [before, after];
}

async function pysocket() {
  const socket = await import("pysocket");
  const srv = await socket.create_server(["127.0.0.1", 0], { backlog: 4096 });
  const before = sample();
  const c = clients(srv.getsockname()[1]);
  const conns = [];
  for (let i = 0; i < N; i++) conns.push((await srv.accept())[0]);
  await c.ready;
  const after = sample();
  await c.stop();
  for (const s of conns) s.close();
  srv.close();
  return [before, after];
}

const which = process.argv[3];
if (which !== "pysocket" && process.env.IMPORT_PYSOCKET) await import("pysocket");
const [before, after] = which === "pysocket" ? await pysocket() : await rawNet();
const per = (k) => ((after[k] - before[k]) / N / 1024).toFixed(2);
const mib = (b) => (b / 1048576).toFixed(0);
console.log(`${which ?? "node:net"}: ${N} idle connections: RSS ${per("rss")} KiB, heap+external ${per("heap")} KiB, young generation ${per("young")} KiB per connection (young generation ${mib(before.young)} -> ${mib(after.young)} MiB)`);
