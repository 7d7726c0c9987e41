// A TCP peer in a process of its own, for scenarios where a blocked caller waits for it:
//   node timed_peer.mjs '<schedule JSON>'
// listens on 127.0.0.1, prints its port, serves one connection: sends each [ms, hex] of the
// schedule that many ms after accepting (["ms", "close"] closes instead), then reads until the
// client closes, and exits.
import * as net from "node:net";

const schedule = JSON.parse(process.argv[2]);
const srv = net.createServer({ allowHalfOpen: true }, (conn) => {
  srv.close();
  const t0 = performance.now();
  conn.on("error", () => {});
  conn.on("data", () => {});
  conn.on("end", () => conn.end());
  let closed = false;
  for (const [at, what] of schedule) {
    setTimeout(() => {
      if (closed) return;
      if (what === "close") {
        closed = true;
        conn.end();
      } else {
        conn.write(Buffer.from(what, "hex"));
      }
    }, Math.max(0, t0 + at - performance.now()));
  }
});
srv.listen(0, "127.0.0.1", () => console.log(srv.address().port));
