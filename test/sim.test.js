// pysocket/sim across hosts: each promise of the simulator section of API.md, on the virtual
// clock. Expected values come from Linux's documented rules (shared/linux-rules.md: SYN retries
// 1+2+4+8+16+32+64 s, tcp_retries2 = 15) and from the network's own parameters, not from runs.
import { realSockets } from "./helpers/sim_guard.js";
import { spawnSync } from "node:child_process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as pysocket from "pysocket";
import { SimNetwork } from "pysocket/sim";
import { bytes, dec, enc, faultyUpload as scenario, recvAll, sha } from "./helpers/sim_programs.js";

async function rejection(p) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.unreachable("the call resolved");
}

/** Lets the simulation run until some call of `net` is blocked (at most 10,000 turns). */
async function untilBlocked(net) {
  for (let i = 0; i < 10000 && net.blocked().length === 0; i++) await new Promise((r) => setImmediate(r));
}

/** Hosts db and app, a server on db:7000, and a connection from app: its two ends. */
async function connected(options) {
  const net = new SimNetwork(options);
  const db = net.host("db");
  const app = net.host("app");
  const srv = await db.create_server(["", 7000]);
  const cli = await app.create_connection(["db", 7000]);
  const [conn] = await srv.accept();
  return { net, db, app, srv, cli, conn };
}

const hosts = suite("hosts, addresses and names");

hosts("default addresses are the lowest free 10.0.0.N and fd00::N; repeats are ValueError", () => {
  const net = new SimNetwork();
  const db = net.host("db", { address: "10.0.0.2" });
  const app = net.host("app");
  net.host("web", { address6: "fd00::3" });
  assert.throws(() => net.host("web2", { address6: "fd00::3" }), (e) => e.name === "ValueError");
  assert.is(db.gethostname(), "db");
  assert.is(app.gethostname(), "app");
  assert.throws(() => net.host("db"), (e) => e.name === "ValueError");
  assert.throws(() => net.host("other", { address: "10.0.0.2" }), (e) => e.name === "ValueError");
  assert.throws(() => net.crash("nobody"), (e) => e.name === "ValueError");
  const lines = net.trace().trim().split("\n").map((l) => JSON.parse(l)).filter((e) => e.ev === "host");
  assert.equal(lines.map((e) => [e.host, e.ip, e.ip6]), [
    ["db", "10.0.0.2", "fd00::1"], ["app", "10.0.0.1", "fd00::2"], ["web", "10.0.0.3", "fd00::3"],
  ]);
});

hosts("a host's module has every name of pysocket, and time", () => {
  const h = new SimNetwork().host("h");
  assert.equal(Object.keys(pysocket).filter((k) => !(k in h)), []);
  assert.equal(Object.keys(h).filter((k) => !(k in pysocket)), ["time"]);
  assert.ok(h.socket() instanceof h.Socket);
});

hosts("every host's name resolves on every host: IPv4 then IPv6; localhost; unknown is gaierror -2", async () => {
  const net = new SimNetwork();
  net.host("db", { address: "10.0.0.7", address6: "fd00::7" });
  const app = net.host("app");
  assert.is(await app.gethostbyname("db"), "10.0.0.7");
  const infos = await app.getaddrinfo("db", 80, { type: app.SOCK_STREAM });
  assert.equal(infos.map((i) => i[4][0]), ["10.0.0.7", "fd00::7"]);
  assert.is(await app.gethostbyname("localhost"), "127.0.0.1");
  const [name] = await app.gethostbyaddr("10.0.0.7");
  assert.is(name, "db");
  const err = await rejection(app.gethostbyname("nowhere"));
  assert.is(err.name, "gaierror");
  assert.is(err.errno, -2);
  assert.is(err.message, "[Errno -2] Name or service not known");
});

hosts("an exception escaping main surfaces as an unhandled rejection; unknown names are ValueError", async () => {
  const seen = [];
  const listener = (reason) => seen.push(reason);
  process.on("unhandledRejection", listener);
  const net = new SimNetwork();
  net.host("db", {
    main() {
      throw new Error("boom");
    },
  });
  const app = net.host("app");
  await app.time.sleep(1);
  await new Promise((r) => setImmediate(r));
  process.off("unhandledRejection", listener);
  assert.equal(seen.map((e) => e.message), ["boom"]);
  for (const call of [() => net.restart("nobody"), () => net.link("app", "nobody"), () => net.partition("app", ["nobody"])]) {
    assert.throws(call, (e) => e.name === "ValueError");
  }
  assert.throws(() => net.link("app", "db", { loss: 2 }), (e) => e.name === "ValueError");
});

const tcp = suite("TCP between hosts");

tcp("a connect takes one round trip of link latency and echoes data", async () => {
  const net = new SimNetwork({ seed: 3, latency: 0.01 });
  const db = net.host("db");
  const app = net.host("app");
  const srv = await db.create_server(["", 7000]);
  const served = (async () => {
    const [c] = await srv.accept();
    await c.sendall(await c.recv(100));
    c.close();
  })();
  const t0 = net.now();
  const cli = await app.create_connection(["db", 7000]);
  assert.ok(Math.abs(net.now() - t0 - 0.02) < 1e-9, `connect took ${net.now() - t0}`);
  await cli.sendall(enc("ping"));
  assert.is(dec(await cli.recv(100)), "ping");
  assert.is((await cli.recv(100)).length, 0);
  await served;
  cli.close();
  srv.close();
});

tcp("refused vs partitioned: RST from a live host, silence from a partition", async () => {
  const net = new SimNetwork({ latency: 0.005 });
  net.host("db");
  const app = net.host("app");
  const t0 = net.now();
  const s0 = app.socket();
  const refused = await rejection(s0.connect(["db", 7000]));
  assert.is(refused.name, "ConnectionRefusedError");
  assert.is(refused.errno, 111);
  assert.ok(Math.abs(net.now() - t0 - 0.01) < 1e-9, "refused after one round trip");
  s0.close();

  net.partition("app", "db");
  const t1 = net.now();
  // create_connection tries each address "db" has (IPv4, then IPv6), 30 s each.
  const timedOut = await rejection(app.create_connection(["db", 7000], 30));
  assert.is(timedOut.name, "TimeoutError");
  assert.is(timedOut.message, "timed out");
  assert.ok(Math.abs(net.now() - t1 - 60) < 1e-6, `timed out after ${net.now() - t1}`);

  // With no timeout, Linux gives up after its SYN retries: 1+2+4+8+16+32+64 = 127 s.
  const t2 = net.now();
  const s = app.socket();
  const syn = await rejection(s.connect(["db", 7000]));
  assert.is(syn.message, "[Errno 110] Connection timed out");
  assert.ok(Math.abs(net.now() - t2 - 127) < 1e-6, `SYN retries took ${net.now() - t2}`);
  s.close();
  const events = net.trace().trim().split("\n").map((l) => JSON.parse(l));
  const flags = new Map(events.filter((e) => e.ev === "send").map((e) => [e.p, e.flags]));
  const droppedSyns = events.filter((e) => e.ev === "drop" && e.reason === "partition" && flags.get(e.p) === "S");
  // SYNs at 0, 1, 3, 7 and 15 s in each 30 s attempt of create_connection; then at 0, 1, 3, 7,
  // 15, 31 and 63 s for the connect without a timeout.
  assert.is(droppedSyns.length, 5 + 5 + 7);
});

tcp("a partition that heals before the SYN retries run out connects late, not never", async () => {
  const net = new SimNetwork({ latency: 0.001 });
  const db = net.host("db");
  const app = net.host("app");
  const srv = await db.create_server(["", 7000]);
  net.partition(["app"], ["db"]);
  const connecting = app.create_connection(["db", 7000]);
  await app.time.sleep(2.5);
  net.heal();
  const cli = await connecting;
  // The SYN resent at 1 s and 3 s: the one at 3 s crosses the healed link.
  assert.ok(Math.abs(net.now() - 3.002) < 1e-6, `connected at ${net.now()}`);
  cli.close();
  srv.close();
});

tcp("loss is latency: 1 MiB crosses a lossy, jittery link intact", async () => {
  const net = new SimNetwork({ seed: 11, latency: 0.002 });
  const db = net.host("db");
  const app = net.host("app");
  net.link("app", "db", { loss: 0.2, jitter: 0.003 });
  const data = bytes(1 << 20, 5);
  const srv = await db.create_server(["", 7000]);
  const received = (async () => {
    const [c] = await srv.accept();
    const all = await recvAll(c);
    c.close();
    return all;
  })();
  const cli = await app.create_connection(["db", 7000]);
  await cli.sendall(data);
  cli.close();
  const got = await received;
  assert.is(got.length, data.length);
  assert.is(sha(got), sha(data));
  const events = net.trace().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(events.some((e) => e.ev === "drop" && e.reason === "loss"), "some segments were lost");
  const sent = new Map();
  for (const e of events) if (e.ev === "send" && e.flags?.includes("P")) sent.set(e.seq, (sent.get(e.seq) ?? 0) + 1);
  assert.ok([...sent.values()].some((n) => n > 1), "lost segments were sent again");
  srv.close();
});

tcp("a connection whose segments all vanish fails with [Errno 110] after tcp_retries2", async () => {
  const { net, srv, cli, conn } = await connected({ latency: 0.001 });
  net.partition("app", "db");
  await cli.send(enc("lost"));
  const t0 = net.now();
  const err = await rejection(cli.recv(10));
  assert.is(err.name, "TimeoutError");
  assert.is(err.message, "[Errno 110] Connection timed out");
  // RTO 200 ms doubling to 120 s: 0.2 * (2**10 - 1) + 6 * 120 = 924.6 s over 15 retransmissions.
  const took = net.now() - t0;
  assert.ok(took > 900 && took < 960, `gave up after ${took} s`);
  conn.close();
  cli.close();
  srv.close();
});

tcp("back-pressure: a non-blocking send is short, then BlockingIOError, and sendall waits", async () => {
  const { app, srv, cli, conn } = await connected({ latency: 0.001 });
  cli.setsockopt(app.SOL_SOCKET, app.SO_SNDBUF, 65536);
  cli.setblocking(false);
  const big = bytes(1 << 20);
  let accepted = 0;
  let err = null;
  for (;;) {
    try {
      accepted += await cli.send(big.subarray(0, 200000));
    } catch (e) {
      err = e;
      break;
    }
  }
  assert.is(err.name, "BlockingIOError");
  assert.ok(accepted > 0 && accepted < 1 << 20, `accepted ${accepted}`);
  cli.setblocking(true);
  const sending = cli.sendall(big).then(() => cli.close());
  const got = await recvAll(conn);
  await sending;
  assert.is(got.length, accepted + big.length);
  conn.close();
  srv.close();
});

tcp("crash: no FIN, the peer's calls time out; restart: the old connection draws RST, main runs again", async () => {
  const net = new SimNetwork({ latency: 0.001 });
  let boots = 0;
  const db = net.host("db", {
    async main(h) {
      boots++;
      const srv = await h.create_server(["", 7000]);
      for (;;) {
        const [c] = await srv.accept();
        (async () => {
          for (;;) {
            const b = await c.recv(100);
            if (b.length === 0) break;
            await c.sendall(b);
          }
          c.close();
        })();
      }
    },
  });
  const app = net.host("app");
  const cli = await app.create_connection(["db", 7000]);
  await cli.sendall(enc("one"));
  assert.is(dec(await cli.recv(10)), "one");
  assert.is(boots, 1);
  net.crash("db");
  cli.settimeout(5);
  const silent = await rejection(cli.recv(10));
  assert.is(silent.name, "TimeoutError");
  assert.is(silent.message, "timed out");
  net.restart("db");
  await app.time.sleep(0.01);
  assert.is(boots, 2);
  await cli.sendall(enc("two"));
  const reset = await rejection(cli.recv(10));
  assert.is(reset.name, "ConnectionResetError");
  assert.is(reset.errno, 104);
  cli.close();
  const fresh = await app.create_connection(["db", 7000]);
  await fresh.sendall(enc("three"));
  assert.is(dec(await fresh.recv(10)), "three");
  fresh.close();
  assert.ok(net.trace().includes('"ev":"crash","host":"db"'));
  assert.ok(db.gethostname() === "db");
  net.crash("db");
});

tcp("a crashed host's calls never settle, old or new, and connecting to it times out", async () => {
  const net = new SimNetwork();
  const db = net.host("db");
  const app = net.host("app");
  const u = db.socket(db.AF_INET, db.SOCK_DGRAM);
  await u.bind(["", 9000]);
  let settled = 0;
  db.time.sleep(1).then(() => settled++);
  net.crash("db");
  net.crash("db");
  u.settimeout(1);
  u.recv(10).then(() => settled++, () => settled++);
  db.create_connection(["app", 80], 1).then(() => settled++, () => settled++);
  const err = await rejection(app.create_connection(["db", 9000], 3));
  assert.is(err.name, "TimeoutError");
  await app.time.sleep(10);
  assert.is(settled, 0);
});

tcp("a program that ends while its kernel still probes a zero window exits", () => {
  const program = `
    import { SimNetwork } from "pysocket/sim";
    const net = new SimNetwork();
    const db = net.host("db");
    const app = net.host("app");
    const srv = await db.create_server(["", 7000]);
    const cli = await app.create_connection(["db", 7000]);
    await srv.accept();
    cli.setblocking(false);
    let sent = 0;
    try { for (;;) sent += await cli.send(new Uint8Array(1 << 20)); } catch (e) { console.log(e.name, sent > 0); }
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8", timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), "BlockingIOError true");
});

const udp = suite("UDP between hosts");

udp("loss and duplication counts stay within the seeded expectation", async () => {
  const net = new SimNetwork({ seed: 5 });
  const db = net.host("db");
  const app = net.host("app");
  const N = 2000;
  const loss = 0.1;
  const duplicate = 0.1;
  net.link("app", "db", { loss, duplicate, jitter: 0.002 });
  const r = db.socket(db.AF_INET, db.SOCK_DGRAM);
  await r.bind(["", 9000]);
  const s = app.socket(app.AF_INET, app.SOCK_DGRAM);
  for (let i = 0; i < N; i++) await s.sendto(enc(String(i)), ["db", 9000]);
  r.settimeout(1);
  const got = [];
  for (;;) {
    try {
      got.push(Number(dec(await r.recv(100))));
    } catch (e) {
      assert.is(e.name, "TimeoutError");
      break;
    }
  }
  // Each datagram arrives with probability 1 - loss, and then once more with probability
  // `duplicate`: mean N (1 - loss)(1 + duplicate), within 6 standard deviations.
  const p1 = 1 - loss;
  const mean = N * p1 * (1 + duplicate);
  const variance = N * (p1 * (1 + 3 * duplicate) - (p1 * (1 + duplicate)) ** 2);
  assert.ok(Math.abs(got.length - mean) < 6 * Math.sqrt(variance), `received ${got.length}, expected about ${mean}`);
  const distinct = new Set(got).size;
  assert.ok(Math.abs(distinct - N * p1) < 6 * Math.sqrt(N * p1 * loss), `distinct ${distinct}`);
  assert.ok(got.length > distinct, "some datagrams came twice");
  assert.ok(got.some((v, i) => i > 0 && v < got[i - 1]), "jitter reordered some datagrams");
  const trace = net.trace();
  assert.is(trace.split('"reason":"loss"').length - 1, N - distinct);
  r.close();
  s.close();
});

udp("a datagram to a closed port: ICMP unreachable, ConnectionRefusedError on a connected socket", async () => {
  const net = new SimNetwork({ latency: 0.002 });
  net.host("db");
  const app = net.host("app");
  const s = app.socket(app.AF_INET, app.SOCK_DGRAM);
  await s.connect(["db", 9999]);
  await s.send(enc("anyone?"));
  s.settimeout(1);
  const err = await rejection(s.recv(10));
  assert.is(err.name, "ConnectionRefusedError");
  assert.is(err.errno, 111);
  s.close();
});

udp("a datagram larger than the reader's buffer is truncated; too large to send is EMSGSIZE", async () => {
  const net = new SimNetwork();
  const db = net.host("db");
  const app = net.host("app");
  const r = db.socket(db.AF_INET, db.SOCK_DGRAM);
  await r.bind(["", 9000]);
  const s = app.socket(app.AF_INET, app.SOCK_DGRAM);
  await s.sendto(enc("0123456789"), ["db", 9000]);
  const [data, addr] = await r.recvfrom(4);
  assert.is(dec(data), "0123");
  assert.equal(addr[0], "10.0.0.2");
  const err = await rejection(s.sendto(new Uint8Array(65508), ["db", 9000]));
  assert.is(err.errno, 90);
  r.close();
  s.close();
});

const local = suite("within a host");

local("AF_UNIX stream sockets meet by path in the host's namespace", async () => {
  const net = new SimNetwork();
  const a = net.host("a");
  const b = net.host("b");
  const srv = a.socket(a.AF_UNIX, a.SOCK_STREAM);
  await srv.bind("/run/app.sock");
  srv.listen();
  const cli = a.socket(a.AF_UNIX, a.SOCK_STREAM);
  await cli.connect("/run/app.sock");
  const [conn] = await srv.accept();
  await cli.sendall(enc("hi"));
  assert.is(dec(await conn.recv(10)), "hi");
  assert.is(cli.getpeername(), "/run/app.sock");
  const other = b.socket(b.AF_UNIX, b.SOCK_STREAM);
  const err = await rejection(other.connect("/run/app.sock"));
  assert.is(err.name, "FileNotFoundError");
  for (const s of [srv, cli, conn, other]) s.close();
});

local("blocked() names the host, fd and call of a wait that nothing can end", async () => {
  const { net, srv, cli, conn } = await connected();
  const pending = conn.recv(10).catch((e) => e);
  await untilBlocked(net);
  assert.equal(net.blocked(), [{ host: "db", fd: conn.fileno(), call: "recv" }]);
  conn.close();
  assert.is((await pending).errno, 9);
  assert.equal(net.blocked(), []);
  cli.close();
  srv.close();
});

const time = suite("virtual time");

time("an hour of one-second sleeps is an hour of virtual time, not of wall time", async () => {
  const net = new SimNetwork({ epoch: 1_700_000_000 });
  const h = net.host("h");
  const wall = performance.now();
  for (let i = 0; i < 3600; i++) await h.time.sleep(1);
  assert.is(net.now(), 3600);
  assert.is(h.time.monotonic(), 3600);
  assert.is(h.time.time(), 1_700_003_600);
  assert.ok(performance.now() - wall < 60_000, "virtual seconds are not waited for");
});

time("a socket timeout expires on the virtual clock", async () => {
  const net = new SimNetwork();
  const h = net.host("h");
  const s = h.socket(h.AF_INET, h.SOCK_DGRAM);
  await s.bind(["127.0.0.1", 0]);
  s.settimeout(30);
  const err = await rejection(s.recv(10));
  assert.is(err.message, "timed out");
  assert.is(net.now(), 30);
  s.close();
});

const determinism = suite("determinism");

determinism("the same seed gives the same digest, twice in one process; another seed another", async () => {
  const a = await scenario(42);
  const b = await scenario(42n);
  const c = await scenario(43);
  assert.is(a, b);
  assert.is.not(a, c);
  assert.match(a, /^[0-9a-f]{64}$/);
});

determinism("the same seed gives the same digest in another process", async () => {
  const here = new URL("./helpers/sim_digest.js", import.meta.url);
  const run = () => spawnSync(process.execPath, [here.pathname, "42"], { encoding: "utf8" });
  const first = run();
  assert.is(first.status, 0, first.stderr);
  assert.is(first.stdout.trim(), await scenario(42));
});

determinism("two networks in one process do not affect each other", async () => {
  const alone = await scenario(7);
  const [together, other] = await Promise.all([scenario(7), scenario(8)]);
  assert.is(together, alone);
  assert.is(other, await scenario(8));
});

determinism("the trace is JSON lines whose times never decrease nor pass now()", async () => {
  const net = new SimNetwork({ seed: 1 });
  const db = net.host("db");
  const app = net.host("app");
  net.link("app", "db", { jitter: 0.01 });
  const srv = await db.create_server(["", 7000]);
  const cli = await app.create_connection(["db", 7000]);
  await cli.sendall(bytes(50000));
  cli.close();
  const text = net.trace();
  assert.ok(text.endsWith("\n"));
  let last = 0;
  for (const line of text.trim().split("\n")) {
    assert.ok(line.startsWith('{"t":'));
    const t = JSON.parse(line).t;
    assert.ok(Number.isInteger(t) && t >= last && t <= net.now() * 1e9 + 1);
    last = t;
  }
  assert.is(net.digest(), sha(text));
  srv.close();
});

const guard = suite("no real sockets");

guard("nothing in these simulations opened a real socket", () => {
  assert.equal(realSockets, { net: 0, dgram: 0 });
});

for (const s of [hosts, tcp, udp, local, time, determinism, guard]) s.run();
