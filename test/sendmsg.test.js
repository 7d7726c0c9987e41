// sendmsg, recvmsg and recvmsg_into against CPython: every scenario of
// test/fixtures/sendmsg.json (recorded by scripts/record_sendmsg.py from test_socket.py's cases
// without ancillary data, over TCP, UDP, UDP6 and AF_UNIX stream sockets) replayed on pysocket
// and on pysocket/sync. One scenario differs by design: descriptors (SCM_RIGHTS), which Linux
// passes and Node cannot, are OSError [Errno 95] at the call.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asyncFacade from "pysocket";
import * as syncFacade from "pysocket/sync";
import { compareOutcome, decode, encode } from "./helpers/pyvalue.js";

process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const fixture = JSON.parse(readFileSync(new URL("./fixtures/sendmsg.json", import.meta.url), "utf8"));
const CANNOT_CARRY = new Set(["unix: descriptors are not supported"]);

async function make(m, w, kind) {
  if (kind === "unix") return m.socketpair();
  if (kind === "tcp") {
    const l = await w(m.create_server(["127.0.0.1", 0]));
    const a = await w(m.create_connection(l.getsockname()));
    const [b] = await w(l.accept());
    l.close();
    return [a, b];
  }
  const [fam, host] = kind === "udp" ? [m.AF_INET, "127.0.0.1"] : [m.AF_INET6, "::1"];
  const a = m.socket(fam, m.SOCK_DGRAM);
  const b = m.socket(fam, m.SOCK_DGRAM);
  await w(a.bind([host, 0]));
  await w(b.bind([host, 0]));
  return [a, b];
}

function sameAddress(x, y) {
  return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i]);
}

async function replay(m, isAsync, kind, steps) {
  const w = (x) => (isAsync ? x : Promise.resolve(x));
  const [a, b] = await make(m, w, kind);
  const socks = { a, b };
  const bufs = [];
  const arg = (x) => {
    if ("lit" in x) return decode(x.lit);
    if ("obj" in x) return {};
    if ("addr" in x) return socks[x.addr].getsockname();
    if ("gen" in x) {
      const items = x.gen.map(arg);
      return (function* () {
        yield* items;
      })();
    }
    if ("list" in x || "tuple" in x) return (x.list ?? x.tuple).map(arg);
    if ("buf" in x) {
      const buf = new Uint8Array(x.buf);
      bufs.push(buf);
      return buf;
    }
    throw new Error(`unknown argument ${JSON.stringify(x)}`);
  };
  /** The recorder's tags, with the sockets' own addresses named. */
  const tag = (v) => {
    for (const [name, s] of Object.entries(socks)) {
      if (s.fileno() >= 0 && sameAddress(v, s.getsockname())) return { addr: name };
    }
    if (Array.isArray(v)) return { tuple: v.map(tag) };
    return encode(v);
  };
  const problems = [];
  try {
    for (const rec of steps) {
      const [op, who, method, ...args] = rec.step;
      let outcome;
      try {
        let value;
        if (op === "call") value = await w(socks[who][method](...args.map(arg)));
        else if (op === "bufs") value = bufs.map((x) => x.slice());
        else if (op === "close") value = socks[who].close();
        else if (op === "settimeout") value = socks[who].settimeout(method);
        outcome = { value };
      } catch (error) {
        outcome = { error };
      }
      if ("result" in rec && "value" in outcome) {
        const got = JSON.stringify(tag(outcome.value));
        const want = JSON.stringify(rec.result);
        if (got !== want) problems.push(`${JSON.stringify(rec.step)}: expected ${want}, got ${got}`);
        continue;
      }
      const diff = compareOutcome(outcome, rec, m);
      if (diff.length > 0) problems.push(`${JSON.stringify(rec.step)}: ${diff.join("; ")}`);
    }
  } finally {
    a.close();
    b.close();
  }
  return problems;
}

for (const [facade, m, isAsync] of [["pysocket", asyncFacade, true], ["pysocket/sync", syncFacade, false]]) {
  const test = suite(`sendmsg/recvmsg on ${facade}`);
  for (const [name, { kind, steps }] of Object.entries(fixture)) {
    if (CANNOT_CARRY.has(name)) continue;
    test(name, async () => {
      const problems = await replay(m, isAsync, kind, steps);
      assert.equal(problems, [], problems.join("\n"));
    });
  }
  test("ancillary data Node cannot carry is OSError [Errno 95] at the call", async () => {
    const w = (x) => (isAsync ? x : Promise.resolve(x));
    for (const kind of ["unix", "udp"]) {
      const [a, b] = await make(m, w, kind);
      const to = kind === "udp" ? [0, b.getsockname()] : [];
      const items = kind === "unix"
        ? [[m.SOL_SOCKET, m.SCM_RIGHTS, new Uint8Array(4)], [m.SOL_SOCKET, m.SCM_CREDENTIALS, new Uint8Array(12)]]
        : [[m.IPPROTO_IP, m.IP_TOS, new Uint8Array([16, 0, 0, 0])]];
      for (const item of items) {
        let error = null;
        try {
          await w(a.sendmsg([new Uint8Array([1])], [item], ...to));
        } catch (err) {
          error = err;
        }
        assert.instance(error, m.OSError);
        assert.is(error.errno, 95);
        assert.is(error.message, "[Errno 95] Operation not supported");
      }
      a.close();
      b.close();
    }
  });
  test.run();
}
