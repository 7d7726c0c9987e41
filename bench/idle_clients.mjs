// Clients for bench/idle_memory.mjs: N connections to 127.0.0.1:PORT, held until stdin ends.
import net from "node:net";

const [port, n] = process.argv.slice(2).map(Number);
const sockets = [];
let connected = 0;
await new Promise((resolve) => {
  for (let i = 0; i < n; i++) {
    const s = net.connect({ host: "127.0.0.1", port }, () => { if (++connected === n) resolve(); });
    sockets.push(s);
  }
});
process.stdout.write("connected\n");
process.stdin.resume();
process.stdin.on("end", () => { for (const s of sockets) s.destroy(); });
