// socket.sendfile() against CPython: every case of test/fixtures/sendfile.json (recorded by
// scripts/record_sendfile.py with a file object opened "rb") replayed on pysocket, then on
// pysocket/sync when it is built. JS passes the file as an fd number from node:fs openSync; a few
// cases again as a node:fs/promises FileHandle and as an object with fileno(). Python's closed
// file object is replayed as a closed FileHandle. The peer is a node:net server in a worker
// thread, so that it keeps reading while pysocket/sync blocks this thread; it reports the byte
// count and sha256 of what it received up to EOF.
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";
import { compareOutcome, decode } from "./helpers/pyvalue.js";

process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const fixture = JSON.parse(readFileSync(new URL("./fixtures/sendfile.json", import.meta.url), "utf8"));

/** The recorder's file content: byte i = (i * 31 + (i >> 8)) & 0xff. */
function content(size) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "pysocket-sendfile-"));
const data = content(fixture.files.data.size);
const PATHS = { data: join(dir, "data"), empty: join(dir, "empty"), dev_zero: fixture.files.dev_zero.path };
writeFileSync(PATHS.data, data);
writeFileSync(PATHS.empty, new Uint8Array(0));

// Cases replayed once more with the file given another way (each also runs with the fd number).
const AS_FILEHANDLE = ["default arguments", "offset and count", "offset beyond EOF", "empty file", "count 0"];
const AS_FILENO = ["default arguments", "offset and count keywords", "offset and count", "offset beyond EOF", "count 0"];

/** The peer: a node:net server in a worker thread, reporting per client port. */
function startPeer() {
  const worker = new Worker(`
    const { parentPort } = require("node:worker_threads");
    const net = require("node:net");
    const { createHash } = require("node:crypto");
    const server = net.createServer((c) => {
      const port = c.remotePort;
      const hash = createHash("sha256");
      let length = 0;
      parentPort.postMessage({ type: "accepted", port });
      c.on("data", (d) => { hash.update(d); length += d.length; });
      c.on("end", () => {
        parentPort.postMessage({ type: "done", port, length, sha256: hash.digest("hex") });
        c.end();
      });
      c.on("error", (e) => parentPort.postMessage({ type: "done", port, error: e.code ?? e.message }));
    });
    server.listen(0, "127.0.0.1", () => parentPort.postMessage({ type: "listening", port: server.address().port }));
    parentPort.on("message", () => { server.close(); parentPort.close(); });
  `, { eval: true });
  const arrived = new Map();
  const waiting = new Map();
  worker.on("message", (m) => {
    const key = m.type === "listening" ? "listening " : `${m.type} ${m.port}`;
    const w = waiting.get(key);
    if (w) {
      waiting.delete(key);
      w(m);
    } else {
      arrived.set(key, m);
    }
  });
  const wait = (type, port = "") => {
    const key = `${type} ${port}`;
    if (arrived.has(key)) {
      const m = arrived.get(key);
      arrived.delete(key);
      return Promise.resolve(m);
    }
    return new Promise((resolve) => waiting.set(key, resolve));
  };
  return { worker, wait };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** A file object over `fd` as Python's has it: fileno(), and seek()/tell() of a position that
 * only seek() moves (sendfile reads at explicit offsets). */
function fileObject(fd, extra = {}) {
  let position = 0;
  return { fileno: () => fd, seek: (p) => { position = p; }, tell: () => position, ...extra };
}

/** io.BytesIO over the data: read(), seek() and tell(), and no descriptor. */
function bytesIO() {
  let position = 0;
  return {
    read(n) {
      const out = data.slice(position, position + n);
      position += out.length;
      return out;
    },
    seek: (p) => { position = p; },
    tell: () => position,
  };
}

/** The file argument for `kind` ("fd", "filehandle", "fileno", "bytesio", "text") in the case's
 * state. */
async function openFile(c, kind) {
  if (kind === "bytesio") return { arg: bytesIO(), close: () => {} };
  const path = PATHS[c.file === "text" ? "data" : c.file];
  if (kind === "filehandle") {
    const fh = await open(path, "r");
    if (c.state === "closed_file") await fh.close();
    return { arg: fh, close: () => (c.state === "closed_file" ? undefined : fh.close()) };
  }
  const fd = openSync(path, "r");
  if (c.state === "closed_fd") {
    closeSync(fd);
    return { arg: fd, close: () => {} };
  }
  const arg = kind === "fileno" ? fileObject(fd) : kind === "text" ? fileObject(fd, { mode: "r" }) : fd;
  return { arg, close: () => closeSync(fd) };
}

/** sendfile's JS arguments: keywords become positions, undefined filling a gap. */
function callArgs(c, file) {
  const args = c.args.map((t) => ("file" in t ? file : decode(t)));
  if ("count" in c.kw) {
    args[1] = "offset" in c.kw ? decode(c.kw.offset) : undefined;
    args[2] = decode(c.kw.count);
  } else if ("offset" in c.kw) {
    args[1] = decode(c.kw.offset);
  }
  return args;
}

async function runCase(c, mod, facade, peer, kind) {
  let a;
  let port = null;
  if (c.sock === "dgram") {
    a = mod.socket(mod.AF_INET, mod.SOCK_DGRAM);
  } else {
    a = await mod.create_connection(["127.0.0.1", peer.port]);
    port = a.getsockname()[1];
    // Let the peer take its descriptor before a closed one's number could be handed out again.
    await withTimeout(peer.wait("accepted", port), 5000, "peer accept");
  }
  const problems = [];
  let file = null;
  let outcome;
  try {
    for (const [method, args] of c.setup) await a[method](...args.map(decode));
    file = await openFile(c, kind);
    try {
      const r = a.sendfile(...callArgs(c, file.arg));
      if ((r instanceof Promise) !== facade.promises) {
        problems.push(`sendfile() returned ${r instanceof Promise ? "a Promise" : "a plain value"} in ${facade.name}`);
      }
      outcome = { value: await r };
    } catch (error) {
      outcome = { error };
    }
  } finally {
    await file?.close();
    a.close();
  }
  problems.push(...compareOutcome(outcome, c.outcome, mod));
  // Only a file object can have its position moved: Node has no lseek for an fd number.
  if (typeof file?.arg?.tell === "function" && c.position !== null && file.arg.tell() !== c.position) {
    problems.push(`the file's position is ${file.arg.tell()}, expected ${c.position}`);
  }
  if (port !== null) {
    const got = await withTimeout(peer.wait("done", port), 10000, "peer EOF");
    if (got.error) problems.push(`the peer failed: ${got.error}`);
    else if (got.length !== c.peer.length || got.sha256 !== c.peer.sha256) {
      problems.push(`the peer received ${got.length} bytes (sha256 ${got.sha256.slice(0, 12)}…), expected ${c.peer.length} (sha256 ${c.peer.sha256.slice(0, 12)}…)`);
    }
  }
  return problems;
}

function caseSuite(mod, facade, peer) {
  const test = suite(`sendfile against CPython ${fixture.python} (${facade.name})`);
  for (const c of fixture.cases) {
    const kinds = c.state === "closed_file" ? ["filehandle"] : c.file === "bytesio" || c.file === "text" ? [c.file] : ["fd"];
    if (c.state !== "closed_file" && AS_FILEHANDLE.includes(c.name)) kinds.push("filehandle");
    if (AS_FILENO.includes(c.name)) kinds.push("fileno");
    for (const kind of kinds) {
      test(`${c.name} (${kind})`, async () => {
        const problems = await runCase(c, mod, facade, peer, kind);
        if (problems.length) assert.unreachable(`differs from CPython:\n  ${problems.join("\n  ")}`);
      });
    }
  }
  return test;
}

const setup = suite("sendfile fixture");

setup("the JS file content is the one CPython sent", () => {
  assert.is(sha256(data), fixture.files.data.sha256);
  for (const name of [...AS_FILEHANDLE, ...AS_FILENO]) {
    assert.ok(fixture.cases.some((c) => c.name === name), `no case named ${name}`);
  }
});

let sync = null;
try {
  sync = await import("pysocket/sync");
} catch (err) {
  console.log(`pysocket/sync is not built (${err.code ?? err.message}): its cases are skipped`);
}

const { worker, wait } = startPeer();
const { port } = await withTimeout(wait("listening"), 5000, "peer listen");
const peer = { port, wait };

const suites = [setup, caseSuite(socket, { name: "pysocket", promises: true }, peer)];
if (sync) suites.push(caseSuite(sync, { name: "pysocket/sync", promises: false }, peer));
// uvu runs the queued suites after this module; the last one lets the peer and the files go.
suites.at(-1).after(() => {
  worker.postMessage("stop");
  rmSync(dir, { recursive: true, force: true });
});
for (const s of suites) s.run();
