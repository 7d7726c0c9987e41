// Datagrams between a program's own UDP sockets, which both facades queue on the receiver within
// the send (host/kernel/udp_local.ts; pysocket/sync in its calling thread, host/inthread_udp.ts),
// against CPython's answers recorded by scripts/record_udp_local.py: truncation and MSG_TRUNC,
// MSG_PEEK, the source recvfrom reports, a closed or connected-elsewhere receiver, a sender in
// another process, readiness, non-blocking reads and timeouts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { PROMISE_CALLS, scenarioSuite } from "./helpers/scenario.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { scenarios } = read("./udp_local/udp_local.json");
const fixtures = read("./fixtures/scenarios_udp_local.json");
const PEER = new URL("../scripts/udp_local_peer.py", import.meta.url).pathname;

/** The ops of scripts/record_udp_local.py, on `module`. */
function opsFor(module) {
  return {
    udp_peer([addr, n]) {
      return new Promise((resolve, reject) => {
        const child = spawn("python3", [PEER, addr[0], String(addr[1]), String(n)], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (t) => (out += t));
        child.on("error", reject);
        child.on("close", () => resolve([addr[0].includes(":") ? "::1" : "127.0.0.1", Number(out.trim().split("\n")[0])]));
      });
    },
    async drain(_args, step, env) {
      const s = env.get(step.on);
      s.setblocking(false);
      const got = [];
      for (;;) {
        try {
          const [data, addr] = await s.recvfrom(65536);
          got.push([new TextDecoder().decode(data), addr]);
        } catch (err) {
          if (err instanceof module.BlockingIOError) break;
          throw err;
        }
      }
      return got.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    },
    async readable([t], step, env) {
      const [r] = await module.select.select([env.get(step.on)], [], [], t);
      return r.length;
    },
    async poll_in(_args, step, env) {
      const p = module.select.poll();
      p.register(env.get(step.on), module.select.POLLIN);
      const r = await p.poll(0);
      return r.length ? r[0][1] : 0;
    },
    async recvmsg([n, flags], step, env) {
      const [data, , msgFlags, addr] = await env.get(step.on).recvmsg(n, 0, flags);
      return [data, msgFlags, addr];
    },
  };
}

for (const [facade, module, promiseCalls] of [["pysocket", asyncSocket, PROMISE_CALLS], ["pysocket/sync", syncSocket, new Set()]]) {
  const options = { promiseCalls, ops: opsFor(module) };
  scenarioSuite(`${facade}: udp_local.json`, module, scenarios, fixtures, "python3 scripts/record_udp_local.py", options).run();
}
