// The peer of bench/sync.bench.js, in a process of its own so that every client meets the same
// server: raw node:net on 127.0.0.1, three ports:
//   echo    ping-pong: writes back what it reads (TCP_NODELAY)
//   sink    upload: counts what it reads until the client shuts down, then answers "count\n"
//   source  download: reads "N\n", writes N bytes in 64 KiB chunks as fast as the client takes
//           them, then closes
// Prints {"echo", "sink", "source"} ports as one JSON line; exits when stdin closes.
import * as net from "node:net";
import { once } from "node:events";

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

function serve(onConnection) {
  const server = net.createServer({ noDelay: true }, (c) => {
    c.on("error", () => {});
    onConnection(c);
  });
  server.listen(0, "127.0.0.1");
  return server;
}

const echo = serve((c) => c.on("data", (d) => c.write(d)));

const sink = serve((c) => {
  let count = 0;
  c.on("data", (d) => {
    count += d.length;
  });
  c.on("end", () => c.end(`${count}\n`));
});

const source = serve((c) => {
  let line = "";
  const onData = async (d) => {
    line += d;
    if (!line.includes("\n")) return;
    c.off("data", onData);
    let left = Number(line.trim());
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!c.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await once(c, "drain");
    }
    c.end();
  };
  c.on("data", onData);
});

await Promise.all([echo, sink, source].map((s) => once(s, "listening")));
console.log(JSON.stringify({ echo: echo.address().port, sink: sink.address().port, source: source.address().port }));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
