// The ops of test/rules/rules.json, as scripts/record_rules.py runs them on CPython: a peer
// in another process (scripts/rules_peer.py), connect_ex polled until settled, a temporary
// working directory, and the shape of a name that differs per run.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const RULES_PEER = new URL("../../scripts/rules_peer.py", import.meta.url).pathname;

/** The ops for one run of scenarios; `cleanup()` ends what a failed scenario left. `peerScript`:
 * the peer's program (test/sync_direct.test.js and sync_fallback.test.js run scripts/direct_peer.py). */
export function rulesOps(peerScript = RULES_PEER) {
  const peers = new Map();
  const dirs = [];
  const ops = {
    peer([role], step) {
      const child = spawn("python3", [peerScript, role], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      const exited = new Promise((resolve) => child.on("close", () => resolve(out)));
      peers.set(step.store, { child, exited });
      return new Promise((resolve, reject) => {
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (text) => {
          out += text;
          const nl = out.indexOf("\n");
          // The first line is the port; a Promise settles once, so later lines change nothing.
          if (nl >= 0) resolve(["127.0.0.1", Number(out.slice(0, nl))]);
        });
        child.on("error", reject);
      });
    },
    async peer_done([name]) {
      const peer = peers.get(name);
      peers.delete(name);
      const out = await peer.exited;
      return out.trim().split("\n").at(-1);
    },
    async connect_ex_settled([addr], step, env) {
      const s = env.get(step.on);
      for (;;) {
        const r = await s.connect_ex(addr);
        if (r !== 114) return r;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    chdir_tmp() {
      dirs.push([process.cwd(), mkdtempSync(join(tmpdir(), "pysocket-rules-"))]);
      process.chdir(dirs.at(-1)[1]);
      return null;
    },
    chdir_back() {
      const [back, dir] = dirs.pop();
      process.chdir(back);
      rmSync(dir, { recursive: true, force: true });
      return null;
    },
    unix_name_shape(_args, step, env) {
      const name = env.get(step.on).getsockname();
      return typeof name === "string" ? ["str", name.length, name.charCodeAt(0)] : ["bytes", name.length, name[0]];
    },
  };
  const cleanup = () => {
    for (const { child } of peers.values()) child.kill();
    peers.clear();
    while (dirs.length) ops.chdir_back();
  };
  return { ops, cleanup };
}
