// The far end for bench/socket.bench.js's cross-process workloads, in its own process, written
// with raw node:net so that it costs every contender the same: an echo server, and a sink that
// answers one byte once it has read the number of bytes announced in its first 8 (a u64 LE).
// Prints {"echo": port, "sink": port} once both listen; exits when stdin ends.
import * as net from "node:net";

const echo = net.createServer({ noDelay: true }, (c) => {
  c.setNoDelay(true);
  c.on("data", (d) => c.write(d));
  c.on("error", () => {});
});
const sink = net.createServer((c) => {
  let want = -1;
  let got = 0;
  let head = Buffer.alloc(0);
  c.on("data", (d) => {
    if (want < 0) {
      head = Buffer.concat([head, d]);
      if (head.length < 8) return;
      want = Number(head.readBigUInt64LE(0));
      d = head.subarray(8);
    }
    got += d.length;
    if (got >= want) {
      c.write(Buffer.alloc(1));
      want = -1;
      got = 0;
      head = Buffer.alloc(0);
    }
  });
  c.on("error", () => {});
});
echo.listen(0, "127.0.0.1");
sink.listen(0, "127.0.0.1");
await Promise.all([new Promise((r) => echo.once("listening", r)), new Promise((r) => sink.once("listening", r))]);
process.stdout.write(JSON.stringify({ echo: echo.address().port, sink: sink.address().port }) + "\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
