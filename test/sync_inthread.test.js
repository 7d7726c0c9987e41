// pysocket/sync serves a program's own two ends in its thread (host/inthread.ts): socketpair()'s,
// and a loopback TCP connection whose both ends are the thread's, handed over by the worker at
// accept with what each end had queued. What CPython answers for these is in the recorded
// scenarios (test/rules, test/scenarios), which run on both facades; these check the hand-over
// itself: no byte lost or reordered, and polls that mix these ends with the worker's sockets.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket/sync";

const test = suite("pysocket/sync: a program's own two ends in its thread");
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function recvExactly(sock, n) {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) got += sock.recv_into(out.subarray(got));
  return out;
}

test("bytes sent before accept arrive once, in order, with those sent after", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const early = new Uint8Array(300000).map((_, i) => (i * 7) & 0xff);
  c.sendall(early);
  // Time for Node to carry them to the listener's side, so that the accept finds them queued.
  sleep(200);
  const [conn] = srv.accept();
  conn.sendall(enc("back"));
  c.sendall(enc("late"));
  assert.equal(recvExactly(conn, early.length), early);
  assert.is(dec(recvExactly(conn, 4)), "late");
  assert.is(dec(recvExactly(c, 4)), "back");
  assert.equal(conn.getpeername(), c.getsockname());
  assert.equal(c.getpeername(), conn.getsockname());
  for (const s of [c, conn, srv]) s.close();
});

test("select over a pair end, a handed-over end and a datagram socket of the worker", () => {
  const [a, b] = socket.socketpair();
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const readers = [b, conn, u];
  assert.equal(socket.select.select(readers, [], [], 0)[0], []);
  // Nothing can make the thread's own ends readable while it waits: the timeout runs out.
  const t0 = performance.now();
  assert.equal(socket.select.select(readers, [], [], 0.2)[0], []);
  assert.ok(performance.now() - t0 >= 150, "select returned before its timeout");
  a.send(enc("1"));
  assert.equal(socket.select.select(readers, [], [], 5)[0], [b]);
  c.send(enc("2"));
  assert.equal(socket.select.select(readers, [], [], 5)[0], [b, conn]);
  b.recv(1);
  conn.recv(1);
  // The worker's socket: readable once the datagram lands, which the wait is for.
  v.sendto(enc("3"), u.getsockname());
  assert.equal(socket.select.select(readers, [], [], 5)[0], [u]);
  assert.is(dec(u.recv(10)), "3");
  for (const s of [a, b, c, conn, srv, u, v]) s.close();
});

test("closing a handed-over end reaches its peer within the call", () => {
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  conn.setblocking(false);
  c.sendall(enc("bye"));
  c.close();
  assert.is(dec(conn.recv(10)), "bye");
  assert.is(conn.recv(10).length, 0);
  conn.close();
  srv.close();
});

test.run();
