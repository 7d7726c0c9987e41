// Readiness as Linux's tcp_poll, unix_poll and datagram_poll give it (host/kernel/poll.ts),
// through the core's sock_poll, against poll(2)'s revents recorded from CPython in the same
// states by scripts/record_rules.py (test/fixtures/rules_poll.json).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";

const facts = JSON.parse(readFileSync(new URL("./fixtures/rules_poll.json", import.meta.url), "utf8"));
// poll(2) reports the events asked for, and POLLERR, POLLHUP, POLLNVAL always.
const SHOWN = facts.events | 0x8 | 0x10 | 0x20;

const revents = (s) => s._stack.core.exports.sock_poll(s.fileno()) & SHOWN;

/** A listener's queue fills when Node's event loop hands it the connection: wait a few turns. */
async function settled(s) {
  for (let i = 0; i < 1000 && revents(s) === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  return revents(s);
}

test("poll masks in each state, as CPython's poll() reports them", async () => {
  const out = {};
  const fresh = socket.socket();
  out.tcp_fresh = revents(fresh);
  const srv = socket.socket();
  await srv.bind(["127.0.0.1", 0]);
  srv.listen();
  out.tcp_listening_idle = revents(srv);
  const cli = await socket.create_connection(srv.getsockname());
  out.tcp_listening_pending = await settled(srv);
  const [conn] = await srv.accept();
  out.tcp_connected_idle = revents(cli);
  await cli.sendall(new Uint8Array([0x78]));
  await conn.recv(1, socket.MSG_PEEK);
  out.tcp_data_queued = revents(conn);
  cli.shutdown(socket.SHUT_WR);
  out.tcp_own_shut_wr = revents(cli);
  out.tcp_peer_fin_with_data = revents(conn);
  await conn.recv(1);
  out.tcp_peer_fin = revents(conn);
  await conn.sendall(new TextEncoder().encode("unread"));
  await cli.recv(1, socket.MSG_PEEK);
  cli.close();
  out.tcp_peer_reset = revents(conn);
  await conn.recv(10).catch(() => null);
  out.tcp_reset_error_taken = revents(conn);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  out.udp_fresh = revents(u);
  await u.bind(["127.0.0.1", 0]);
  await u.sendto(new Uint8Array([0x64]), u.getsockname());
  await u.recv(1, socket.MSG_PEEK);
  out.udp_datagram_queued = revents(u);
  const [a, b] = socket.socketpair();
  out.pair_idle = revents(a);
  await b.send(new Uint8Array([0x70]));
  out.pair_data_queued = revents(a);
  b.close();
  out.pair_peer_closed = revents(a);
  for (const x of [fresh, srv, conn, u, a]) x.close();
  assert.equal(out, facts.revents);
});

test("a descriptor that is not open polls as POLLNVAL", () => {
  const s = socket.socket();
  const fd = s.fileno();
  const core = s._stack.core.exports;
  s.close();
  assert.is(core.sock_poll(fd), 0x20);
});

test.run();
