import { performance } from "node:perf_hooks";
const socket = await import(process.env.PYSOCKET_B ?? "pysocket");
const N = 500000;
const MSG_PEEK = 2;
const [a, b] = socket.socketpair();
const buf = new Uint8Array(64);
await new Promise((r) => setTimeout(r, 50));
await a.send(new Uint8Array(64).fill(1));
const core = a._stack.core, C = core.exports;
function raw() {
  for (let i = 0; i < N; i++) {
    const r = C.sock_recv(b._fd, 64, MSG_PEEK);
    buf.set(core.u8.subarray(core.in, core.in + r));
  }
}
function gen() {
  for (let i = 0; i < N; i++) b._recvInto("recv_into", 3, buf, 0, MSG_PEEK).next();
}
async function peek() { for (let i = 0; i < N; i++) await b.recv_into(buf, 0, MSG_PEEK); }
async function floor() { for (let i = 0; i < N; i++) await Promise.resolve(64); }
for (const round of [0, 1, 2]) for (const [name, f] of Object.entries({ raw, gen, peek, floor })) {
  const t = performance.now(); await f(); const dt = performance.now() - t;
  if (round) console.log(name, (dt * 1e6 / N).toFixed(0), "ns");
}
a.close(); b.close();
