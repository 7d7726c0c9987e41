// The fd table and descriptor limits (EMFILE) as CPython's, recorded by scripts/record_rules.py
// in test/fixtures/rules_load.json; and 10,000 concurrent connections on the `pysocket` facade.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";
import { NodeHost } from "../dist/host/node.js";
import { asyncModule } from "../dist/src/facade_async.js";

const facts = JSON.parse(readFileSync(new URL("./fixtures/rules_load.json", import.meta.url), "utf8"));

/** A `pysocket` module whose process may hold `limit` descriptors (RLIMIT_NOFILE). */
function limitedModule(limit) {
  class LimitedHost extends NodeHost {
    fdLimit() { return limit; }
  }
  return asyncModule(new LimitedHost());
}

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length;

function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    return { type: e.constructor.name, errno: e.errno, message: e.message };
  }
  return null;
}

/** socket() until it fails: the sockets made, and the error. */
function fill(module) {
  const held = [];
  for (;;) {
    const err = errorOf(() => held.push(module.socket()));
    if (err) return { held, err };
  }
}

test("socket() reaches EMFILE where CPython does under the same limit", () => {
  const { held, err } = fill(limitedModule(facts.rlimit_nofile));
  assert.is(facts.rlimit_nofile - held.length, facts.emfile.headroom);
  assert.equal(err, facts.emfile.error);
  for (const s of held) s.close();
});

test("the fd table is not capped at 1,021: the process's limit decides", () => {
  const limit = new NodeHost().fdLimit();
  const { held, err } = fill(socket);
  assert.is(limit - held.length, facts.emfile.headroom);
  assert.ok(held.length > 1021, `${held.length} sockets`);
  assert.equal(err, facts.emfile.error);
  for (const s of held) s.close();
});

test("pysocket/sync's fd table is the process's limit too", async () => {
  const sync = await import("pysocket/sync");
  const limit = new NodeHost().fdLimit();
  const { held, err } = fill(sync);
  assert.is(limit - held.length, facts.emfile.headroom);
  assert.equal(err, facts.emfile.error);
  for (const s of held) s.close();
});

test("accept() at EMFILE leaves the connection queued", async () => {
  const m = limitedModule(facts.rlimit_nofile);
  const srv = m.socket();
  await srv.bind(["127.0.0.1", 0]);
  srv.listen();
  const cli = await m.create_connection(srv.getsockname());
  const { held } = fill(m);
  const outcome = [];
  try {
    await srv.accept();
    outcome.push("accepted");
  } catch (e) {
    outcome.push({ type: e.constructor.name, errno: e.errno, message: e.message });
  }
  held.pop().close();
  const [conn] = await srv.accept();
  await cli.sendall(new TextEncoder().encode("still queued"));
  outcome.push(new TextDecoder().decode(await conn.recv(100)));
  assert.equal(outcome, facts.accept_at_emfile);
  for (const s of [...held, conn, cli, srv]) s.close();
});

test("10,000 concurrent echoing connections, closed cleanly, every handle freed", async () => {
  const N = 10000;
  const srv = await socket.create_server(["127.0.0.1", 0], { backlog: 4096 });
  const port = srv.getsockname()[1];
  const child = spawn(process.execPath, [new URL("./programs/clients.mjs", import.meta.url).pathname, String(port), String(N)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  const exited = new Promise((resolve) => child.on("close", resolve));
  const conns = [];
  const served = [];
  for (let i = 0; i < N; i++) {
    const [conn] = await srv.accept();
    conns.push(conn);
    served.push((async () => {
      const line = await conn.recv(100);
      await conn.sendall(line);
      // Held until the client ends it: then b"" and a clean close.
      const end = await conn.recv(100);
      assert.is(end.length, 0);
      conn.close();
    })());
  }
  await Promise.all(served);
  assert.is(await exited, 0);
  assert.is(out.trim(), `ok ${N}`);
  srv.close();
  // Node closes handles on its next turns: wait for the TCP handles to go, then count them.
  for (let i = 0; i < 100 && tcpHandles() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(tcpHandles(), 0);
  // Every fd is free again: as many sockets can be made as before.
  const s = socket.socket();
  assert.ok(s.fileno() <= 4, `lowest free fd ${s.fileno()}`);
  s.close();
});

test.run();
