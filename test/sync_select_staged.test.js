// The bytes a select stages (host/worker.ts, the POLL area) on pysocket/sync, with direct mode on
// and off: many streams each with more queued than one stage holds, and more than the area holds
// altogether, read by a select loop with recvs of uneven sizes (some longer than what is staged,
// some shorter); every byte of every stream must arrive, in order, then its end of stream.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { facade } from "./helpers/direct_facade.js";

const STREAMS = 6;
const SIZE = 700_000;

// Connects STREAMS times; the i-th connection sends SIZE bytes of pattern i, in bursts, then closes.
const SENDERS = `
import socket, sys, time
port = int(sys.argv[1])
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(${STREAMS})]
data = [bytes((i * 7 + k) & 0xff for k in range(${SIZE})) for i in range(${STREAMS})]
for at in range(0, ${SIZE}, 100000):
    for i, c in enumerate(conns):
        c.sendall(data[i][at:at + 100000])
    time.sleep(0.01)
for c in conns:
    c.close()
`;

const staged = suite("pysocket/sync: recvs after a select");
for (const direct of [true, false]) {
  staged(`many streams, more than a poll stages, arrive whole (direct mode ${direct ? "on" : "off"})`, async () => {
    const { spawn } = await import("node:child_process");
    const m = facade(direct).module;
    const srv = m.create_server(["127.0.0.1", 0]);
    const child = spawn("python3", ["-c", SENDERS, String(srv.getsockname()[1])], { stdio: "inherit" });
    const exited = new Promise((resolve) => child.on("close", resolve));
    try {
      const conns = [];
      for (let i = 0; i < STREAMS; i++) conns.push(srv.accept()[0]);
      // Which pattern a connection carries is in its first byte: (i * 7) & 0xff.
      const got = new Map(conns.map((c) => [c, []]));
      const open = new Set(conns);
      let n = 0;
      while (open.size > 0) {
        const [ready] = m.select.select([...open], [], [], 10);
        assert.ok(ready.length > 0, "select timed out");
        for (const c of ready) {
          const b = c.recv([65536, 1000, 300_000, 7][n++ % 4]);
          if (b.length === 0) open.delete(c);
          else got.get(c).push(b);
        }
      }
      const seen = new Set();
      for (const c of conns) {
        const chunks = got.get(c);
        const all = new Uint8Array(chunks.reduce((s, b) => s + b.length, 0));
        let at = 0;
        for (const b of chunks) {
          all.set(b, at);
          at += b.length;
        }
        assert.is(all.length, SIZE);
        const i = [...Array(STREAMS).keys()].find((j) => ((j * 7) & 0xff) === all[0]);
        seen.add(i);
        const want = new Uint8Array(SIZE).map((_, k) => (i * 7 + k) & 0xff);
        assert.ok(all.every((v, k) => v === want[k]), `stream ${i}'s bytes`);
        c.close();
      }
      assert.is(seen.size, STREAMS);
    } finally {
      srv.close();
      await exited;
    }
  });
}
staged.run();
