// One program, unchanged, on `pysocket` over real loopback and on a simulated host: the answers
// (values, exception classes, errno and messages) must be the same, since the simulator keeps
// Linux's rules for everything local to a host.
import { realSockets } from "./helpers/sim_guard.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as real from "pysocket";
import { SimNetwork } from "pysocket/sim";

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** A client and a server on one host's loopback, through data, FIN, reset, refusal, timeouts,
 * non-blocking calls, UDP and a socketpair. Returns what each step answered. */
async function program(m) {
  const out = [];
  async function step(label, f) {
    try {
      const v = await f();
      out.push([label, v instanceof Uint8Array ? `bytes:${dec(v)}` : v]);
    } catch (e) {
      out.push([label, e.name, e.errno ?? null, e.message]);
    }
  }
  const srv = await m.create_server(["127.0.0.1", 0]);
  const port = srv.getsockname()[1];
  const cli = await m.create_connection(["127.0.0.1", port], 5);
  const [conn, peer] = await srv.accept();
  await step("accept names the client", () => peer[0] === "127.0.0.1" && peer[1] === cli.getsockname()[1]);
  await step("getpeername", () => cli.getpeername()[1] === port);
  await step("sendall", () => cli.sendall(enc("hello")));
  await step("recv", () => conn.recv(5));
  await step("shutdown(SHUT_WR)", () => conn.shutdown(m.SHUT_WR));
  await step("recv after FIN", () => cli.recv(10));
  await step("recv after FIN again", () => cli.recv(10));
  await step("send after the peer's FIN", () => cli.send(enc("late")));
  await step("the late bytes arrive", () => conn.recv(10));
  await step("send on a shut write side", () => conn.send(enc("x")));
  await step("SO_ERROR", () => cli.getsockopt(m.SOL_SOCKET, m.SO_ERROR));

  const a = await m.create_connection(["127.0.0.1", port], 5);
  const [b] = await srv.accept();
  await a.sendall(enc("unread"));
  await step("peer has the bytes", () => b.recv(6, m.MSG_PEEK));
  b.close();
  a.settimeout(2);
  await step("recv after a reset", () => a.recv(10));
  await step("recv after the reset was reported", () => a.recv(10));
  await step("getpeername after a reset", () => a.getpeername());
  a.close();

  srv.close();
  const refused = m.socket();
  await step("connect to a closed port", () => refused.connect(["127.0.0.1", port]));
  await step("connect_ex to a closed port", () => refused.connect_ex(["127.0.0.1", port]));
  refused.close();

  const u = m.socket(m.AF_INET, m.SOCK_DGRAM);
  await u.bind(["127.0.0.1", 0]);
  const v = m.socket(m.AF_INET, m.SOCK_DGRAM);
  await step("sendto", () => v.sendto(enc("datagram"), u.getsockname()));
  await step("recvfrom truncates", async () => {
    const [d, from] = await u.recvfrom(4);
    return [dec(d), from[1] === v.getsockname()[1]];
  });
  u.settimeout(0.05);
  await step("recv times out", () => u.recv(10));
  u.setblocking(false);
  await step("non-blocking recv", () => u.recv(10));
  const closedPort = u.getsockname();
  u.close();
  await v.connect(closedPort);
  await step("send to a closed port", () => v.send(enc("?")));
  v.settimeout(2);
  await step("ICMP refused reaches the connected socket", () => v.recv(10));
  await step("too large", () => v.send(new Uint8Array(70000)));
  v.close();

  const [p, q] = m.socketpair();
  await step("socketpair", async () => {
    await p.sendall(enc("pair"));
    return dec(await q.recv(10));
  });
  p.close();
  await step("socketpair after the peer closed", () => q.recv(10));
  q.close();
  return out;
}

test("the same program answers the same on real loopback and on a simulated host", async () => {
  const onReal = await program(real);
  const before = { ...realSockets };
  const onSim = await program(new SimNetwork({ seed: 3 }).host("h"));
  assert.equal(realSockets, before, "the simulated run opened no real socket");
  assert.equal(onSim, onReal);
});

test.run();
