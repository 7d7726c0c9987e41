// pysocket/sync modules for direct mode's tests (host/direct.ts): a module over a host of its own
// with direct mode on or off, a count of the calls direct mode served, a scenario check against
// CPython with scripts/direct_peer.py and the ops of scripts/record_direct.py, and a stream to
// that peer whose every byte is checked.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as assert from "uvu/assert";
import { WorkerHost } from "../../dist/host/worker.js";
import { nodeFiles } from "../../dist/host/files.js";
import { syncModule } from "../../dist/src/facade_sync.js";
import * as names from "../../dist/src/names.js";
import { fail, failOnMismatches, runScenario } from "./scenario.js";
import { rulesOps } from "./rules_ops.js";

export const DIRECT_PEER = new URL("../../scripts/direct_peer.py", import.meta.url).pathname;

/** A pysocket/sync module over a host of its own; `direct: false` as PYSOCKET_DIRECT=0 makes it. */
export function facade(direct) {
  const saved = process.env.PYSOCKET_DIRECT;
  if (direct) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = "0";
  const host = new WorkerHost();
  if (saved === undefined) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = saved;
  return { host, module: { ...names, ...syncModule(host, nodeFiles) } };
}

/** Counts the sends and recvs that direct mode served (answered without the worker's path). */
export function countServed(host) {
  const lent = host.direct;
  const served = { n: 0 };
  for (const name of ["recv", "send"]) {
    const real = lent[name].bind(lent);
    lent[name] = (...args) => {
      const r = real(...args);
      if (r !== -0x10000) served.n++;
      return r;
    };
  }
  return served;
}

/** Runs `scenario` on `module` against CPython's `results`, with the peer of `peerScript`. */
export async function checkDirect(module, scenario, results, peerScript = DIRECT_PEER) {
  if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands`);
  const { ops, cleanup } = rulesOps(peerScript);
  ops.sleep = ([seconds]) => new Promise((resolve) => setTimeout(() => resolve(null), seconds * 1000));
  ops.readable = async ([t], step, env) => (await module.select.select([env.get(step.on)], [], [], t))[0].length === 1;
  try {
    const mismatches = await runScenario(module, scenario, results, { ops });
    failOnMismatches(mismatches);
  } finally {
    cleanup();
  }
}

/** Python: echo(c) sends back what connection c reads until the end of its stream. */
export const PY_ECHO = `
import socket, sys, threading
def echo(c):
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        c.sendall(b)
    c.close()
`;

/** A python3 client in another process that echoes what it reads until the end of the stream. */
const ECHO_CLIENT = `${PY_ECHO}
echo(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
`;

/** Runs `body(conn)` on a connection of `m` accepted from a python3 echo client in another
 * process; closes it, and waits for the client to end. */
export async function withEcho(m, body) {
  const srv = m.create_server(["127.0.0.1", 0]);
  const child = spawn("python3", ["-c", ECHO_CLIENT, String(srv.getsockname()[1])], { stdio: "inherit" });
  const exited = new Promise((resolve) => child.on("close", resolve));
  try {
    const [conn] = srv.accept();
    try {
      await body(conn);
    } finally {
      conn.close();
    }
  } finally {
    srv.close();
    const timer = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Connects `m` to scripts/direct_peer.py given `command` ("y": reads slowly; "z": starts a
 * second late), runs `body(c, accepted)`, which passes each run of bytes a send accepted to
 * `accepted`, shuts the stream down and checks that the peer read exactly those bytes. */
export async function toReader(m, command, body) {
  const child = spawn("python3", [DIRECT_PEER], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8");
  const port = await new Promise((resolve) => child.stdout.on("data", (t) => {
    out += t;
    if (out.includes("\n")) resolve(Number(out.slice(0, out.indexOf("\n"))));
  }));
  const exited = new Promise((resolve) => child.on("close", resolve));
  const c = m.create_connection(["127.0.0.1", port]);
  const hash = createHash("sha256");
  let total = 0;
  try {
    c.sendall(new TextEncoder().encode(command));
    await body(c, (bytes) => {
      hash.update(bytes);
      total += bytes.length;
    });
    c.setblocking(true);
    c.shutdown(m.SHUT_WR);
  } finally {
    await exited;
    c.close();
  }
  assert.is(out.trim().split("\n").at(-1), `${total} ${hash.digest("hex")} EOF`);
}
