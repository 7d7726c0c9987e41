// pysocket/sync's sends ahead (host/worker.ts): each stream and each connected datagram socket
// keeps its own credit, so a program that alternates sockets sends ahead on all of them; bytes
// must still arrive whole and in order on every stream, and datagrams one by one, never merged.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket/sync";

const test = suite("pysocket/sync: sends ahead on many sockets");

/** Deterministic bytes for message `i` of stream `s`. */
function message(s, i, size) {
  return new Uint8Array(size).map((_, k) => (s * 31 + i * 7 + k) & 0xff);
}

function recvExactly(sock, n) {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) got += sock.recv_into(out.subarray(got));
  return out;
}

test("streams in turn: every byte in order on each", () => {
  const pairs = [socket.socketpair(), socket.socketpair()];
  const srv = socket.create_server(["127.0.0.1", 0]);
  const c = socket.create_connection(srv.getsockname());
  const [conn] = srv.accept();
  pairs.push([c, conn]);
  for (let i = 0; i < 300; i++) {
    for (const [s, [a, b]] of pairs.entries()) {
      const size = 1 + ((i * 977 + s * 131) % 3000);
      const m = message(s, i, size);
      a.sendall(m);
      assert.equal(recvExactly(b, size), m, `stream ${s}, message ${i}`);
    }
  }
  for (const [a, b] of pairs) {
    a.close();
    b.close();
  }
  srv.close();
});

test("connected datagram sockets in turn: each datagram whole, in order, never merged", () => {
  const socks = [0, 1, 2].map(() => {
    const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    return u;
  });
  const [rx, ...txs] = socks;
  rx.settimeout(5);
  for (const tx of txs) tx.connect(rx.getsockname());
  const ports = txs.map((tx) => tx.getsockname()[1]);
  const sent = [];
  for (let i = 0; i < 50; i++) {
    for (const [t, tx] of txs.entries()) {
      // Three in a row from one socket: they go ahead side by side, and stay three.
      for (let j = 0; j < 3; j++) {
        const m = message(t, i * 3 + j, 1 + ((i * 389 + j * 97 + t) % 1200));
        assert.is(tx.send(m), m.length);
        sent.push([ports[t], m]);
      }
    }
    // Read what was sent so far, so that the receive buffer never drops one.
    while (sent.length > 0) {
      const [data, from] = rx.recvfrom(2048);
      const i = sent.findIndex(([port]) => port === from[1]);
      assert.ok(i >= 0, `a datagram from ${from}`);
      assert.equal(data, sent[i][1]);
      sent.splice(i, 1);
    }
  }
  for (const s of socks) s.close();
});

test.run();
