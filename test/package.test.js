// The package as published: packed from a clean copy of the repository (so "prepare" must build
// it), installed into a fresh project, each entry imported as ES module and required as
// CommonJS, and its declarations compiled by a strict consumer project (test/types/).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EXPECTED, exportsEntry, packAndInstall, repo } from "./helpers/pack.js";

const pack = packAndInstall();

/** Runs node in the consumer project; returns its stdout, or throws with its stderr. */
function node(args) {
  const r = spawnSync(process.execPath, args, { cwd: pack.consumer, encoding: "utf8", timeout: 60_000 });
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

cpSync(join(repo, "test/runtimes"), join(pack.consumer, "runtimes"), { recursive: true });

for (const [entry, script] of [["pysocket/addr", "addr.mjs"], ["pysocket", "async.mjs"], ["pysocket/sync", "sync.mjs"]]) {
  Esm(entry, () => {
    assert.is(node([join("runtimes", script)]), EXPECTED[script]);
  });
}

Esm("pysocket/sim, once it is exported", () => {
  if (!exportsEntry(pack.consumer, "./sim")) return;
  const out = node(["--input-type=module", "-e", 'const sim = await import("pysocket/sim"); console.log(typeof sim);']);
  assert.is(out, "object\n");
});

const Cjs = suite("require");

Cjs("pysocket/addr works; pysocket, pysocket/sync and pysocket/sim fail saying to use import()", () => {
  assert.is(node([join("runtimes", "require.cjs")]), EXPECTED["require.cjs"]);
});

const Types = suite("types");

/** The TypeScript compilers to check with: the repository's, and where `.ci/run` installed them
 * in build/ci-tools, 5.2 (the oldest that knows `using`) and the newest it names. */
const TOOLS = join(repo, "build/ci-tools/node_modules");
const compilers = [
  ["the repository's", join(repo, "node_modules/typescript/bin/tsc")],
  ["5.2", join(TOOLS, "typescript-5.2/bin/tsc")],
  ["the newest", join(TOOLS, "typescript/bin/tsc")],
].filter(([, tsc]) => existsSync(tsc));

cpSync(join(repo, "test/types"), join(pack.consumer, "types"), { recursive: true });
for (const [version, tsc] of compilers) {
  for (const config of readdirSync(join(pack.consumer, "types")).filter((f) => f.startsWith("tsconfig."))) {
    Types(`a strict consumer compiles with ${version} TypeScript, ${config}`, () => {
      let out = "";
      try {
        execFileSync(process.execPath, [tsc, "-p", join("types", config)], { cwd: pack.consumer, encoding: "utf8" });
      } catch (e) {
        out = e.stdout + e.stderr;
      }
      assert.is(out, "", execFileSync(process.execPath, [tsc, "-v"], { encoding: "utf8" }));
    });
  }
}

Types.after(() => pack.cleanup());

Tarball.run();
Esm.run();
Cjs.run();
Types.run();
