// Lifetimes on the `pysocket` facade: what a program that ends does to its sockets. Each case
// runs a small program in its own process.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";

const MODULE = new URL("../dist/src/index.js", import.meta.url).pathname;
const program = (name) => new URL(`./programs/${name}`, import.meta.url).pathname;
const PEER = new URL("../scripts/rules_peer.py", import.meta.url).pathname;

test("a recv pending on a socketpair() end keeps the program alive until it settles", () => {
  const r = spawnSync(process.execPath, [program("pair_pending.mjs"), MODULE], { encoding: "utf8", timeout: 20000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "now\n");
});

test("sendall, close, program end: a peer in another process gets every byte", async () => {
  const n = 16 << 20;
  // A sink that waits a second before reading, so that bytes are still unsent at close().
  const peer = spawn("python3", [PEER, "slow_sink"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  peer.stdout.setEncoding("utf8");
  const port = await new Promise((resolve) => peer.stdout.on("data", (d) => {
    out += d;
    if (out.includes("\n")) resolve(Number(out.split("\n")[0]));
  }));
  const done = new Promise((resolve) => peer.on("close", resolve));
  const r = spawnSync(process.execPath, [program("send_close_exit.mjs"), MODULE, String(port), String(n)], { encoding: "utf8", timeout: 60000 });
  assert.is(r.status, 0, r.stderr);
  await done;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 2654435761) >>> 24;
  assert.is(out.trim().split("\n").at(-1), `${n} ${createHash("sha256").update(data).digest("hex")}`);
});

test.run();
