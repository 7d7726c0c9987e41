// The `pysocket` facade's own promises (API.md "Blocking and the facades"): call order on one
// socket, rejections instead of throws, no pending Promise after close, disposal, and a process
// that exits by itself with sockets left open. The CPython-recorded behaviour of each call is
// in socket.test.js; these are the parts that only a Promise facade has.
import { spawnSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});

async function pair() {
  const server = await socket.create_server(["127.0.0.1", 0]);
  const client = await socket.create_connection(server.getsockname());
  const [conn] = await server.accept();
  server.close();
  return [client, conn];
}

test("concurrent recv calls on one socket are served in call order", async () => {
  const [a, b] = await pair();
  const first = b.recv(3);
  const second = b.recv(3);
  await a.sendall(enc("one"));
  await new Promise((r) => setTimeout(r, 20));
  await a.sendall(enc("two"));
  assert.is(dec(await first), "one");
  assert.is(dec(await second), "two");
  a.close();
  b.close();
});

test("concurrent sendall calls keep their order on the wire", async () => {
  const [a, b] = await pair();
  const big = new Uint8Array(1 << 20).fill(0x61);
  const sends = [a.sendall(big), a.sendall(enc("END"))];
  let got = 0;
  let tail = "";
  while (got < big.length + 3) {
    const chunk = await b.recv(65536);
    if (chunk.length === 0) break;
    got += chunk.length;
    tail = (tail + dec(chunk.subarray(Math.max(0, chunk.length - 3)))).slice(-3);
  }
  await Promise.all(sends);
  assert.is(got, big.length + 3);
  assert.is(tail, "END");
  a.close();
  b.close();
});

test("bad arguments reject the Promise; they do not throw", async () => {
  const s = socket.socket();
  let thrown = null;
  let p;
  try {
    p = s.recv(-1);
  } catch (err) {
    thrown = err;
  }
  assert.is(thrown, null);
  assert.instance(p, Promise);
  try {
    await p;
    assert.unreachable("recv(-1) resolved");
  } catch (err) {
    assert.is(err.name, "ValueError");
    assert.is(err.message, "negative buffersize in recv");
  }
  s.close();
});

test("closing a socket settles a recv that waits on it (EBADF), leaving no Promise pending", async () => {
  const [a, b] = await pair();
  const pending = b.recv(10);
  b.close();
  try {
    await pending;
    assert.unreachable("recv resolved after close");
  } catch (err) {
    assert.is(err.name, "OSError");
    assert.is(err.errno, 9);
  }
  a.close();
});

test("using disposes: Symbol.dispose and Symbol.asyncDispose close the socket", async () => {
  const s = socket.socket();
  s[Symbol.dispose]();
  assert.is(s.fileno(), -1);
  const t = socket.socket();
  await t[Symbol.asyncDispose]();
  assert.is(t.fileno(), -1);
});

test("socket() works with and without new, and instances are Socket", () => {
  const a = socket.socket();
  const b = new socket.socket();
  assert.ok(a instanceof socket.socket);
  assert.ok(b instanceof socket.Socket);
  a.close();
  b.close();
});

test("a program that leaves sockets open still exits by itself", () => {
  const program = `
    import * as socket from "pysocket";
    const srv = await socket.create_server(["127.0.0.1", 0]);
    const c = await socket.create_connection(srv.getsockname());
    const [conn] = await srv.accept();
    await c.sendall(new Uint8Array([1, 2, 3]));
    console.log((await conn.recv(10)).length);
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8", timeout: 20000 });
  assert.is(r.error, undefined, "the child did not exit within 20 s");
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), "3");
});

test("a call that waits keeps the process alive until it is answered", () => {
  // The far end of a socketpair() is still being accepted by Node when recv starts waiting.
  const program = `
    import * as socket from "pysocket";
    const [a, b] = socket.socketpair();
    const got = b.recv(10);
    setTimeout(() => a.sendall(new Uint8Array([7, 8])), 50);
    console.log((await got).length);
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8", timeout: 20000 });
  assert.is(r.error, undefined, "the child did not exit within 20 s");
  assert.is(r.stdout.trim(), "2", r.stderr);
});

test("no rejection went unhandled", () => {
  assert.is(unhandled, 0);
});

test.run();
