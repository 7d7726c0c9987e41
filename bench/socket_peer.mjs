// The far end for bench/socket.bench.js's cross-process workloads, in its own process, written
// with raw node:net and node:dgram so that it costs every contender the same: a TCP echo server,
// a sink that answers one byte once it has read the number of bytes announced in its first 8 (a
// u64 LE), and a UDP echo. Prints {"echo": port, "sink": port, "udp": port} once all three are
// bound; exits when stdin ends.
import * as dgram from "node:dgram";
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
const udp = dgram.createSocket("udp4");
udp.on("message", (m, from) => udp.send(m, from.port, from.address));
echo.listen(0, "127.0.0.1");
sink.listen(0, "127.0.0.1");
udp.bind(0, "127.0.0.1");
await Promise.all([echo, sink, udp].map((s) => new Promise((r) => s.once("listening", r))));
process.stdout.write(JSON.stringify({ echo: echo.address().port, sink: sink.address().port, udp: udp.address().port }) + "\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
