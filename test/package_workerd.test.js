// The packed package in workerd (Cloudflare Workers' runtime, from the npm registry; `.ci/run`
// installs it in build/ci-tools): test/workerd/worker.js imports `pysocket/addr` and `pysocket`
// as a bundler would under the "workerd" condition, and talks to a loopback echo server.
// Expected exceptions are CPython's (scripts/record_runtimes.py).
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { join, posix, relative } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { exportTarget, packAndInstall, repo } from "./helpers/pack.js";

const WORKERD = join(repo, "build/ci-tools/node_modules/.bin/workerd");
const CONDITIONS = ["workerd", "worker", "import", "default"];
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/runtimes.json", import.meta.url), "utf8"));

const target = (node) => exportTarget(node, CONDITIONS);

/** workerd's config: the worker and every file of the package as modules named by their path,
 * with the package's entries and "#core-module" as modules that re-export their targets. */
function writeConfig(consumer) {
  const pkgDir = join(consumer, "node_modules/pysocket");
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const modules = [`(name = "main.js", esModule = embed "main.js")`];
  const reexport = (name, file) => {
    const spec = posix.relative(posix.dirname(name), file);
    modules.push(`(name = ${JSON.stringify(name)}, esModule = ${JSON.stringify(`export * from "${spec.startsWith(".") ? spec : "./" + spec}";`)})`);
  };
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      const name = relative(consumer, path);
      if (statSync(path).isDirectory()) {
        if (f !== "cjs") walk(path);
      } else if (f.endsWith(".js")) {
        modules.push(`(name = ${JSON.stringify(name)}, esModule = embed ${JSON.stringify(name)})`);
        if (readFileSync(path, "utf8").includes('from "#core-module"')) {
          reexport(posix.join(posix.dirname(name), "#core-module"), posix.join("node_modules/pysocket", target(pkg.imports["#core-module"])));
        }
      } else if (f.endsWith(".wasm")) {
        modules.push(`(name = ${JSON.stringify(name)}, wasm = embed ${JSON.stringify(name)})`);
      }
    }
  };
  walk(join(pkgDir, "dist"));
  for (const sub of [".", "./addr"]) {
    reexport(posix.join("pysocket", sub), posix.join("node_modules/pysocket", target(pkg.exports[sub])));
  }
  writeFileSync(join(consumer, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  compatibilityDate = "2024-09-23",
  globalOutbound = "internet",
);
`);
}

/** Starts workerd on the config; resolves with its port and the child process. */
function startWorkerd(cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(WORKERD, ["serve", "config.capnp"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const look = (d) => {
      out += d;
      const m = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("exit", (code) => reject(new Error(`workerd exited with ${code}:\n${out}`)));
  });
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

const Workerd = suite("workerd");

/** The check's outcome against CPython's recorded exception. */
function sameError(outcome, recorded) {
  const want = recorded.error;
  assert.equal(outcome, { error: { type: want.type, message: want.message, errno: want.errno, strerror: want.strerror } });
}

if (!existsSync(WORKERD)) {
  console.log(`package_workerd: ${WORKERD} is not installed (bash .ci/run installs it); nothing to run`);
} else {
  const pack = packAndInstall();
  copyFileSync(join(repo, "test/workerd/worker.js"), join(pack.consumer, "main.js"));
  writeConfig(pack.consumer);
  const echo = net.createServer({ allowHalfOpen: true }, (c) => {
    c.on("data", (d) => c.write(d));
    c.on("end", () => c.end());
    c.on("error", () => {});
  });
  const port = await listen(echo);
  const spare = net.createServer();
  const closed = await listen(spare);
  await new Promise((r) => spare.close(r));
  let r = {};
  let workerd = null;
  try {
    workerd = await startWorkerd(pack.consumer);
    r = await (await fetch(`http://127.0.0.1:${workerd.port}/?port=${port}&closed=${closed}`)).json();
  } finally {
    workerd?.child.kill();
    echo.close();
    pack.cleanup();
  }

  Workerd("pysocket/addr", () => {
    assert.equal(r.addr, { value: ["2001:db8::1", 256] });
  });

  Workerd("create_connection, sendall, makefile readline, shutdown, read to EOF, getpeername", () => {
    assert.equal(r.create_connection, { value: { peer: ["127.0.0.1", port], line: "hello\n", rest: "world" } });
  });

  Workerd("create_connection to localhost tries its addresses in turn", () => {
    assert.equal(r.localhost, { value: { peer: ["127.0.0.1", port], line: "hello\n", rest: "world" } });
  });

  Workerd("socket(), connect, send, recv_into, close", () => {
    assert.equal(r.connect, { value: { sent: 3, data: "abc", fileno: -1 } });
  });

  Workerd("a refused connection is CPython's ConnectionRefusedError", () => {
    sameError(r.refused_create_connection, fixtures.refused.create_connection);
    sameError(r.refused_connect, fixtures.refused.connect);
  });

  Workerd("what a Worker cannot do raises OSError with Linux's errno", () => {
    for (const name of ["bind", "listen", "dgram", "unix"]) sameError(r[name], fixtures.unsupported[name]);
  });
}

Workerd.run();
