// Programs the simulator tests run: deterministic data, a reader to the end of stream, and a
// client/server run with faults whose digest is a seed's fingerprint (run by test/sim.test.js
// in its own process and, through sim_digest.js, in another).
import { createHash } from "node:crypto";
import { SimNetwork } from "pysocket/sim";

export const enc = (s) => new TextEncoder().encode(s);
export const dec = (b) => new TextDecoder().decode(b);
export const sha = (b) => createHash("sha256").update(b).digest("hex");

/** Deterministic bytes that are not a repeating pattern. */
export function bytes(n, seed = 1) {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** recv until the end of stream. */
export async function recvAll(sock) {
  const parts = [];
  for (;;) {
    const b = await sock.recv(65536);
    if (b.length === 0) break;
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/** 100 kB up a lossy, jittery, duplicating link and its SHA-256 back; returns the digest. */
export async function faultyUpload(seed) {
  const net = new SimNetwork({ seed, latency: 0.003 });
  const db = net.host("db");
  const app = net.host("app");
  net.link("app", "db", { loss: 0.1, jitter: 0.004, duplicate: 0.05 });
  const srv = await db.create_server(["", 7000]);
  const served = (async () => {
    const [c] = await srv.accept();
    const all = await recvAll(c);
    await c.sendall(enc(sha(all)));
    c.close();
  })();
  const cli = await app.create_connection(["db", 7000]);
  await cli.sendall(bytes(100000, 9));
  cli.shutdown(app.SHUT_WR);
  await recvAll(cli);
  await served;
  cli.close();
  srv.close();
  return net.digest();
}
