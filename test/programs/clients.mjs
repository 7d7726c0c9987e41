// A peer process for test/load.test.js: opens N connections to 127.0.0.1:PORT with node:net,
// sends each its number, checks the echo, holds them all open at once, then closes them and
// prints "ok N".
import net from "node:net";

const [port, n] = process.argv.slice(2).map(Number);
const sockets = [];
let echoed = 0;
await new Promise((resolve, reject) => {
  let opened = 0;
  const open = () => {
    // A few hundred handshakes in flight at a time, as a client pool would.
    while (opened < n && opened - echoed < 500) {
      const i = opened++;
      const s = net.connect({ host: "127.0.0.1", port }, () => s.write(`${i}\n`));
      let got = "";
      s.setEncoding("utf8");
      s.on("data", (d) => {
        got += d;
        if (got !== `${i}\n`) return;
        if (++echoed === n) resolve();
        else open();
      });
      s.on("error", reject);
      sockets.push(s);
    }
  };
  open();
});
await Promise.all(sockets.map((s) => new Promise((resolve) => { s.on("close", resolve); s.end(); })));
console.log(`ok ${n}`);
