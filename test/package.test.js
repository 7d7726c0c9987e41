// The package as published: packed from a clean copy of the repository (so "prepare" must build
// it), installed into a fresh project, each entry imported as ES module and required as
// CommonJS, and its declarations compiled by a strict consumer project (test/types/).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { exportsEntry, packAndInstall, repo } from "./helpers/pack.js";

const pack = packAndInstall();

/** Runs a script in the consumer project; returns its stdout, or throws with its stderr. */
function node(args, input) {
  const r = spawnSync(process.execPath, args, { cwd: pack.consumer, input, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const Tarball = suite("tarball");

Tarball("holds the license, the readme, the built entries and the core", () => {
  for (const f of ["LICENSE", "README.md", "package.json", "dist/src/index.js", "dist/src/sync.js", "dist/src/addr.js",
    "dist/src/core.wasm", "dist/cjs/src/addr.js"]) {
    assert.ok(pack.files.includes(f), `${f} is in the tarball`);
  }
});

Tarball("holds no source map, no TypeScript source, no test and no build output", () => {
  const stray = pack.files.filter((f) => f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
    f.startsWith("test/") || f.startsWith("build/") || f.startsWith("assembly/") || f.startsWith("scripts/"));
  assert.equal(stray, []);
});

Tarball("holds only the declarations that the public ones reach", () => {
  for (const internal of ["dist/host/node.d.ts", "dist/host/worker.d.ts", "dist/host/worker_main.d.ts",
    "dist/src/generated/core_wasm.d.ts", "dist/src/core_module_workerd.d.ts"]) {
    assert.not.ok(pack.files.includes(internal), `${internal} is not shipped`);
  }
});

Tarball("package.json names the license, repository, entries and their types", () => {
  const pkg = JSON.parse(node(["-p", "JSON.stringify(require('pysocket/package.json'))"]));
  assert.is(pkg.license, "MIT");
  assert.ok(pkg.repository && pkg.homepage && pkg.bugs && pkg.keywords.length > 0);
  assert.is(pkg.sideEffects, false);
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === "./package.json") continue;
    assert.ok(JSON.stringify(target).includes('"types"'), `${subpath} has types`);
  }
  assert.match(readdirSync(join(pack.consumer, "node_modules/pysocket")).join(" "), "LICENSE");
});

const Esm = suite("import");

Esm("pysocket/addr", () => {
  const out = node(["--input-type=module"], `
    import { AF_INET6, inet_pton, inet_ntop, htons } from "pysocket/addr";
    console.log(inet_ntop(AF_INET6, inet_pton(AF_INET6, "2001:DB8::0:1")), htons(1));`);
  assert.is(out, "2001:db8::1 256\n");
});

Esm("pysocket: a TCP echo and a UDP round trip on loopback", () => {
  const out = node(["--input-type=module"], `
    import * as socket from "pysocket";
    const server = await socket.create_server(["127.0.0.1", 0]);
    const client = await socket.create_connection(server.getsockname(), 5);
    const [conn] = await server.accept();
    await client.sendall(new TextEncoder().encode("hello"));
    await conn.sendall(await conn.recv(1024));
    const tcp = new TextDecoder().decode(await client.recv(1024));
    for (const s of [conn, client, server]) s.close();
    const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    await a.bind(["127.0.0.1", 0]);
    const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    await b.sendto(new Uint8Array([1, 2, 3]), a.getsockname());
    const [data] = await a.recvfrom(10);
    a.close(); b.close();
    console.log(tcp, data.join());`);
  assert.is(out, "hello 1,2,3\n");
});

Esm("pysocket/sync: a TCP echo and a UDP round trip on loopback", () => {
  const out = node(["--input-type=module"], `
    import * as socket from "pysocket/sync";
    const server = socket.create_server(["127.0.0.1", 0]);
    const client = socket.create_connection(server.getsockname(), 5);
    const [conn] = server.accept();
    client.sendall(new TextEncoder().encode("hello"));
    conn.sendall(conn.recv(1024));
    const tcp = new TextDecoder().decode(client.recv(1024));
    for (const s of [conn, client, server]) s.close();
    const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    a.bind(["127.0.0.1", 0]);
    const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    b.sendto(new Uint8Array([1, 2, 3]), a.getsockname());
    const [data] = a.recvfrom(10);
    a.close(); b.close();
    console.log(tcp, data.join());`);
  assert.is(out, "hello 1,2,3\n");
});

Esm("pysocket/sim, once it is exported", () => {
  if (!exportsEntry(pack.consumer, "./sim")) return;
  const out = node(["--input-type=module"], `
    const sim = await import("pysocket/sim");
    console.log(typeof sim);`);
  assert.is(out, "object\n");
});

const Cjs = suite("require");

Cjs("pysocket/addr works, with CPython's errors", () => {
  const out = node([], `
    const { AF_INET6, inet_pton, inet_ntop, inet_aton } = require("pysocket/addr");
    let err;
    try { inet_pton(2, "010.1.1.1"); } catch (e) { err = String(e); }
    console.log(inet_ntop(AF_INET6, inet_pton(AF_INET6, "::ffff:1.2.3.4")), inet_aton("0x7f.1").join("."), err);`);
  assert.is(out, "::ffff:1.2.3.4 127.0.0.1 OSError: illegal IP address string passed to inet_pton\n");
});

for (const name of ["pysocket", "pysocket/sync"]) {
  Cjs(`${name} fails with a message that says to use import()`, () => {
    const out = node([], `
      try { require(${JSON.stringify(name)}); console.log("loaded"); }
      catch (e) { console.log(e.code + ": " + e.message); }`);
    assert.is(out, `ERR_REQUIRE_ESM: ${name} is an ES module: load it with \`await import("${name}")\`` +
      ` (require works for "pysocket/addr" only)\n`);
  });
}

const Types = suite("types");

/** The TypeScript compilers to check with: the repository's, and TypeScript 5.2 (the oldest
 * that knows `using`) where the devDependency alias typescript-5.2 is installed. */
const compilers = [["repository's", join(repo, "node_modules/typescript/bin/tsc")]];
const oldest = join(repo, "node_modules/typescript-5.2/bin/tsc");
if (existsSync(oldest)) compilers.push(["5.2", oldest]);

cpSync(join(repo, "test/types"), join(pack.consumer, "types"), { recursive: true });
for (const [version, tsc] of compilers) {
  for (const config of readdirSync(join(pack.consumer, "types")).filter((f) => f.startsWith("tsconfig."))) {
    Types(`a strict consumer compiles with TypeScript ${version}, ${config}`, () => {
      let out = "";
      try {
        execFileSync(process.execPath, [tsc, "-p", join("types", config)], { cwd: pack.consumer, encoding: "utf8" });
      } catch (e) {
        out = e.stdout + e.stderr;
      }
      assert.is(out, "");
    });
  }
}

Types.after(() => pack.cleanup());

Tarball.run();
Esm.run();
Cjs.run();
Types.run();
