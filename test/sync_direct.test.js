// pysocket/sync's direct mode (host/direct.ts): a client whose TCP stream the worker lends to
// the calling thread, against a python3 peer in another process (scripts/direct_peer.py), step
// by step as CPython answered (scripts/record_direct.py): a reset after data, FIN, a close with
// unread bytes, timeouts, non-blocking EAGAIN, a large sendall, select between recvs, flags;
// and the bytes a select staged (poll_staged_*: a recv for more than was staged, a close with
// staged bytes unread, a peek, a FIN or a reset after them).
// The same scenarios with direct mode off are in test/sync_fallback.test.js.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkDirect as check, countServed, DIRECT_PEER as PEER, facade, toReader, withEcho } from "./helpers/direct_facade.js";
import { echoRounds } from "./helpers/echo_rounds.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const direct = read("./rules/direct.json").scenarios;
const directFixtures = read("./fixtures/scenarios_direct.json");
const directRecorded = new Map(directFixtures.scenarios.map((s) => [s.name, s.results]));

const on = facade(true);
const served = countServed(on.host);
const lent = suite(`pysocket/sync, direct mode: direct.json against CPython ${directFixtures.python}`);
for (const scenario of direct) {
  lent(scenario.name, async () => {
    const before = served.n;
    await check(on.module, scenario, directRecorded.get(scenario.name), PEER);
    assert.ok(served.n > before, "no send or recv was served in direct mode");
  });
}
lent.run();

// An accepted connection whose peer is in another process is lent too: messages of many sizes
// echoed by a python3 client come back whole and in order.
const accepted = suite("pysocket/sync, direct mode: an accepted connection");
accepted("echoed messages come back whole and in order", () => withEcho(on.module, (conn) => {
  const before = served.n;
  assert.is(echoRounds(conn, 300, 7919, 20000), -1, "the index of a message that came back different");
  assert.ok(served.n > before, "no send or recv was served in direct mode");
  conn.shutdown(on.module.SHUT_WR);
  assert.is(conn.recv(10).length, 0);
}));
accepted.run();

// sendall of sizes that do not divide the worker's 4 MiB send buffer, to a reader that starts a
// second late or reads slowly: the buffer fills while sends ahead (host/worker.ts CREDIT) and
// calls that take part of a send alternate; every byte must arrive, in order.
function slowReader(m, command) {
  return toReader(m, command, (c, accepted) => {
    for (let i = 0; i < 200; i++) {
      const size = 50000 + ((i * 7919) % 60000);
      const chunk = new Uint8Array(size).map((_, k) => (i * 31 + k) & 0xff);
      c.sendall(chunk);
      accepted(chunk);
    }
  });
}

const off = facade(false);
const late = suite("pysocket/sync: sendall of uneven sizes to a slow reader");
for (const [name, command] of [["a reader that starts late", "z"], ["a reader that reads slowly", "y"]]) {
  late(`${name}, direct mode`, () => slowReader(on.module, command));
  late(`${name}, direct mode off`, () => slowReader(off.module, command));
}
late.run();

// A lent descriptor is never used once Node may have closed it: a worker thread that runs out of
// memory ends without its exit event (so without marking itself GONE), and Node closes its
// handles before the watcher sees the thread end. In between, a user's open() may get the lent
// number; a send must not write into that file (it did, before the identity check).
const dying = suite("pysocket/sync, direct mode: a worker that dies of running out of memory");

dying("never lets a send reach a reused descriptor", () => {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-oom-"));
  try {
    const dist = new URL("../dist/", import.meta.url).href;
    writeFileSync(join(dir, "entry.mjs"), `await import(${JSON.stringify(dist + "host/worker_main.js")});
setTimeout(() => { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); }, 400);\n`);
    const userFile = join(dir, "user-file");
    writeFileSync(join(dir, "main.mjs"), `
import { spawn } from "node:child_process";
import { fstatSync, openSync, readFileSync } from "node:fs";
const { WorkerHost } = await import(${JSON.stringify(dist + "host/worker.js")});
const { syncModule } = await import(${JSON.stringify(dist + "src/facade_sync.js")});
const names = await import(${JSON.stringify(dist + "src/names.js")});
const host = new WorkerHost({ entry: new URL("./entry.mjs", import.meta.url) });
const m = { ...names, ...syncModule(host) };
const peer = spawn("python3", [${JSON.stringify(PEER)}], { stdio: ["ignore", "pipe", "inherit"] });
let out = "";
peer.stdout.setEncoding("utf8");
const port = await new Promise((r) => peer.stdout.on("data", (t) => { out += t; if (out.includes("\\n")) r(Number(out.split("\\n")[0])); }));
const c = m.create_connection(["127.0.0.1", port]);
c.setblocking(false);
try { c.recv(10); } catch {}
const [[, fd]] = [...host.direct.fds];
let seen = "gone first";
for (;;) {
  let closed = false;
  try { fstatSync(fd); } catch (e) { closed = e.code === "EBADF"; }
  if (Atomics.load(host.ctl, 1) !== 0) break;
  if (closed) {
    const f = openSync(${JSON.stringify(userFile)}, "w+");
    try { c.send(new TextEncoder().encode("EVIL")); } catch {}
    seen = "closed while alive; the user's file " + (f === fd ? "(the lent number) " : "") + "holds " + JSON.stringify(readFileSync(${JSON.stringify(userFile)}, "utf8"));
    break;
  }
}
console.log(seen);
peer.kill();
process.exit(0);
`);
    const r = spawnSync(process.execPath, ["--max-old-space-size=48", join(dir, "main.mjs")], { encoding: "utf8", timeout: 60000 });
    assert.ok(/^(gone first|closed while alive)/m.test(r.stdout), `the program did not run to its end: ${r.stdout}${r.stderr}`);
    assert.not.ok(r.stdout.includes("EVIL"), r.stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

dying.run();
