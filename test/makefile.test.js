// socket.makefile() against CPython: every scenario of test/fixtures/makefile.json (recorded by
// scripts/record_makefile.py on a TCP loopback pair) replayed step by step on pysocket
// (test/helpers/makefile_replay.js; pysocket/sync's in test/makefile_sync.test.js). Plus what the
// fixtures cannot show: Promises, iteration protocols, disposal and concurrent calls.
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";
import { connectedPair, drain, scenarioSuite } from "./helpers/makefile_replay.js";

process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const extra = suite("makefile in JavaScript");

extra("blocking file methods return Promises in pysocket; the others plain values", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("rwb");
  const write = f.write(new Uint8Array([1, 2]));
  assert.instance(write, Promise);
  assert.is(await write, 2);
  assert.is(typeof f.readable(), "boolean");
  assert.is(f.closed, false);
  const close = f.close();
  assert.instance(close, Promise);
  await close;
  assert.equal(Array.from(await b.recv(10)), [1, 2]);
  a.close();
  b.close();
});

extra("for...of on a pysocket file is refused before it reads", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("r");
  await b.sendall(new TextEncoder().encode("one\ntwo\n"));
  assert.throws(() => {
    for (const line of f) assert.unreachable(line);
  }, (err) => err instanceof TypeError && /for await/.test(err.message));
  assert.is(await f.readline(), "one\n");
  await f.close();
  a.close();
  b.close();
});

extra("reads in call order, and a write is not held up behind a waiting read", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("rwb");
  const first = f.readline();
  const second = f.readline();
  // The peer answers only after it has seen the write, which must get out while reads wait.
  await f.write(new TextEncoder().encode("ping"));
  await f.flush();
  assert.equal(new TextDecoder().decode(await b.recv(10)), "ping");
  await b.sendall(new TextEncoder().encode("1\n2\n"));
  assert.equal(new TextDecoder().decode(await first), "1\n");
  assert.equal(new TextDecoder().decode(await second), "2\n");
  await f.close();
  a.close();
  b.close();
});

extra("text pending when a read starts goes out in order with a write made meanwhile", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("rw");
  // Below the 8192-byte chunk, this stays in the text layer until a read or flush moves it on.
  await f.write("x".repeat(5000));
  await b.sendall(new TextEncoder().encode("ok\n"));
  const [line] = await Promise.all([f.readline(), f.write("y")]);
  assert.is(line, "ok\n");
  await f.close();
  assert.is(new TextDecoder().decode(await drain(b, 0.3)), "x".repeat(5000) + "y");
  a.close();
  b.close();
});

extra("await using closes the file, and the socket closes with its last file", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("w");
  a.close();
  assert.is(a.fileno() !== -1, true);
  await f.write("bye");
  await f[Symbol.asyncDispose]();
  assert.is(f.closed, true);
  assert.is(a.fileno(), -1);
  assert.equal(new TextDecoder().decode(await drain(b, 0.3)), "bye");
  b.close();
});

extra("a non-blocking writer keeps what it accepts: BlockingIOError counts it, flush sends it", async () => {
  // How much a socket takes before EAGAIN differs between Linux and the Node host, so this checks
  // BufferedWriter's bookkeeping rather than numbers recorded on CPython.
  const { a, b } = await connectedPair(socket);
  a.setblocking(false);
  const f = a.makefile("wb");
  let accepted = 0;
  let error = null;
  for (let i = 0; !error; i++) {
    try {
      accepted += await f.write(new Uint8Array(100_000).fill(i & 0xff));
    } catch (err) {
      error = err;
    }
  }
  assert.is(error.name, "BlockingIOError");
  assert.instance(error, socket.BlockingIOError);
  assert.is(error.message, "[Errno 11] write could not complete without blocking");
  assert.is(error.errno, 11);
  assert.equal(error.args, [11, "write could not complete without blocking", error.characters_written]);
  accepted += error.characters_written;
  let received = 0;
  const reading = (async () => {
    b.settimeout(0.5);
    try {
      for (;;) {
        const chunk = await b.recv(1 << 20);
        if (chunk.length === 0) break;
        received += chunk.length;
      }
    } catch (err) {
      if (err.name !== "TimeoutError") throw err;
    }
  })();
  for (;;) {
    try {
      await f.flush();
      break;
    } catch (err) {
      if (err.name !== "BlockingIOError") throw err;
      await sleep(10);
    }
  }
  await reading;
  assert.is(received, accepted);
  await f.close();
  a.close();
  b.close();
});

extra("bad arguments throw at once; state errors reject", async () => {
  const { a, b } = await connectedPair(socket);
  const f = a.makefile("rb");
  assert.throws(() => f.read("x"), (err) => err instanceof TypeError);
  assert.throws(() => f.read(-2), (err) => err.name === "ValueError");
  await f.close();
  const pending = f.read(1);
  assert.instance(pending, Promise);
  try {
    await pending;
    assert.unreachable("read of a closed file resolved");
  } catch (err) {
    assert.is(err.message, "read of closed file");
  }
  a.close();
  b.close();
});

scenarioSuite(socket, { name: "pysocket", promises: true }).run();
extra.run();
