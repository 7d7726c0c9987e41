// What a `pysocket` call whose answer is ready costs, against the floor of any Promise API (an
// awaited resolved Promise) and the syscall path beneath it (the core's sock_recv into its memory
// and the copy out, with no Promise, no generator, no argument checks).
//   ready recv_into  await s.recv_into(buf, 0, MSG_PEEK) on a socketpair end with bytes queued
//   ready send+recv  await a.send(64 B); await b.recv_into(buf): a socketpair's round trip,
//                    both calls ready (Linux queues a send's bytes on the peer within the call)
// Each case runs N times per round, ROUNDS rounds (the first a warm-up), contenders alternating;
// medians in nanoseconds per iteration. PYSOCKET_B=path/to/dist/src/index.js adds another build.
//
//     node bench/socket_calls.bench.js
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import * as pysocket from "pysocket";

const N = Number(process.env.N ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MSG_PEEK = 2;
const pysocketB = process.env.PYSOCKET_B ? await import(pathToFileURL(process.env.PYSOCKET_B).href) : null;

async function setup(socket) {
  const [a, b] = socket.socketpair();
  // Let Node link the pair's second end (socketpair meets through a listener).
  await new Promise((resolve) => setTimeout(resolve, 20));
  await a.send(new Uint8Array(64).fill(1));
  return { a, b, buf: new Uint8Array(64), msg: new Uint8Array(64).fill(2) };
}

const cases = {
  "ready recv_into": async ({ b, buf }) => {
    for (let i = 0; i < N; i++) await b.recv_into(buf, 0, MSG_PEEK);
  },
  "ready send+recv": async ({ a, b, buf, msg }) => {
    for (let i = 0; i < N; i++) {
      await a.send(msg);
      await b.recv_into(buf, 64);
    }
  },
};

const contenders = { pysocket: await setup(pysocket) };
if (pysocketB) contenders["pysocket B"] = await setup(pysocketB);

const floor = async () => {
  for (let i = 0; i < N; i++) await Promise.resolve(64);
};
const raw = ({ b, buf }) => {
  const core = b._stack.core;
  const C = core.exports;
  for (let i = 0; i < N; i++) {
    const r = C.sock_recv(b._fd, 64, MSG_PEEK);
    buf.set(core.u8.subarray(core.in, core.in + r));
  }
};

const samples = {};
const time = async (name, f) => {
  const t = performance.now();
  await f();
  (samples[name] ??= []).push(((performance.now() - t) * 1e6) / N);
};
for (let round = 0; round < ROUNDS; round++) {
  await time("await Promise.resolve()", floor);
  await time("core sock_recv + copy (no Promise)", () => raw(contenders.pysocket));
  for (const [c, ctx] of Object.entries(contenders)) {
    for (const [name, f] of Object.entries(cases)) await time(`${c}: ${name}`, () => f(ctx));
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(`ns per iteration, median of ${ROUNDS - 1} rounds of ${N} (first round dropped)`);
for (const [name, xs] of Object.entries(samples)) console.log(`  ${name.padEnd(40)} ${median(xs.slice(1)).toFixed(0).padStart(6)}`);
for (const { a, b } of Object.values(contenders)) {
  a.close();
  b.close();
}
