// The clients of bench/select.bench.js: CLIENTS node:net connections to 127.0.0.1:PORT, each
// echoing 64-byte messages one at a time (TCP_NODELAY), counted over SECONDS after a warm-up.
// Usage: node select_load.mjs PORT CLIENTS SECONDS; prints {"rps": round trips per second}.
import * as net from "node:net";

const [port, clients, seconds] = process.argv.slice(2).map(Number);
const MSG = Buffer.alloc(64, 97);
let counting = false;
let count = 0;
const socks = [];
for (let i = 0; i < clients; i++) {
  const s = net.connect({ port, host: "127.0.0.1", noDelay: true });
  let got = 0;
  s.on("connect", () => s.write(MSG));
  s.on("data", (d) => {
    got += d.length;
    while (got >= 64) {
      got -= 64;
      if (counting) count++;
      s.write(MSG);
    }
  });
  s.on("error", (err) => {
    console.error(`client ${i}: ${err.message}`);
    process.exit(1);
  });
  socks.push(s);
}
setTimeout(() => {
  counting = true;
  const t0 = performance.now();
  setTimeout(() => {
    const rps = count / ((performance.now() - t0) / 1000);
    console.log(JSON.stringify({ rps }));
    for (const s of socks) s.destroy();
  }, seconds * 1000);
}, 500);
