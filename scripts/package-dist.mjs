// After `tsc`: turns dist/ into what the package ships (package.json "files").
// - dist/src/core.wasm, which workerd imports as a compiled module (src/core_module_workerd.ts).
// - The declarations reachable from the public entries only (package.json "exports"), each that
//   names WebAssembly or Symbol.dispose referring to dist/src/globals.d.ts, so that a consumer
//   without the DOM lib or the disposable lib (Node's or workerd's types alone) type-checks them.
// - dist/cjs/: the CommonJS build of `pysocket/addr` (require cannot wait for a top-level await;
//   src/core_module_cjs.ts loads the core there), and for "." and "./sync", which need the
//   event loop to start, a module that throws and says to use import(). Its own package.json
//   makes the files there CommonJS.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

copyFileSync(join(root, "build/core.wasm"), join(dist, "src/core.wasm"));

/** The relative specifiers (and "#core-module") that a JS or .d.ts file imports. */
function specifiers(text) {
  const out = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([^"]+)"/g)) out.push(m[1]);
  return out;
}

/** Every file reachable from `entries` through relative imports; `mapSpecifier` resolves the
 * non-relative ones it knows (returning null to skip). */
function reachable(entries, mapSpecifier = () => null) {
  const seen = new Set();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const target = spec.startsWith(".") ? join(dirname(file), spec) : mapSpecifier(spec);
      if (target === null) continue;
      todo.push(file.endsWith(".d.ts") ? target.replace(/\.js$/, ".d.ts") : target);
    }
  }
  return seen;
}

/** Every "types" target in package.json "exports", at any depth. */
function exportedTypes(node, out = []) {
  if (typeof node !== "object" || node === null) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === "types" && typeof value === "string") out.push(join(root, value));
    else exportedTypes(value, out);
  }
  return out;
}

// Declarations: the public ones, and nothing else (dist/cjs gets its own copy below).
const esmTypes = exportedTypes(pkg.exports).filter((f) => !f.startsWith(join(dist, "cjs")));
const publicTypes = reachable(esmTypes);
const GLOBALS = join(dist, "src/globals.d.ts");
writeFileSync(
  GLOBALS,
  "// The global types that pysocket's declarations name, for a project without the DOM lib or\n" +
    "// TypeScript's esnext.disposable lib; each merges with the lib's or @types/node's own, as\n" +
    "// @types/node's compatibility/disposable.d.ts does.\n" +
    "declare namespace WebAssembly {\n  interface Memory {}\n  interface Module {}\n  interface Instance {}\n}\n" +
    "interface SymbolConstructor {\n  readonly dispose: unique symbol;\n  readonly asyncDispose: unique symbol;\n}\n",
);
for (const file of publicTypes) {
  // stripInternal drops @internal members but keeps `implements` clauses that name them; in a
  // declaration file a clause only checks the class, so it goes.
  // TypeScript 5.7 made typed arrays generic and prints inferred ones as `Uint8Array<ArrayBufferLike>`,
  // which before 5.7 is an error; the plain name means the same in every version.
  let text = readFileSync(file, "utf8")
    .replace(/^(export declare (?:abstract )?class [^{]*?) implements [^{]*\{/gm, "$1 {")
    .replace(/\b(Uint8Array|ArrayBufferView)<ArrayBufferLike>/g, "$1");
  if (/\bWebAssembly\.|\bSymbol\.(?:async)?[dD]ispose\b/.test(text)) {
    const ref = relative(dirname(file), GLOBALS);
    text = `/// <reference path="${ref.startsWith(".") ? ref : "./" + ref}" />\n${text}`;
  }
  writeFileSync(file, text);
}
publicTypes.add(GLOBALS);
for (const dir of ["src", "host"]) {
  for (const file of ts.sys.readDirectory(join(dist, dir), [".d.ts"])) {
    if (!publicTypes.has(join(file))) rmSync(file);
  }
}

// CommonJS.
const cjs = join(dist, "cjs");
rmSync(cjs, { recursive: true, force: true });
mkdirSync(cjs, { recursive: true });
writeFileSync(join(cjs, "package.json"), '{\n  "type": "commonjs"\n}\n');
const coreModuleCjs = join(dist, "src/core_module_cjs.js");
const cjsEntries = [join(dist, "src/addr.js"), coreModuleCjs];
const cjsFiles = reachable(cjsEntries, (spec) => (spec === "#core-module" ? coreModuleCjs : null));
cjsFiles.delete(join(dist, "src/core_module.js"));
for (const file of cjsFiles) {
  const out = join(cjs, relative(dist, file));
  mkdirSync(dirname(out), { recursive: true });
  // dist/cjs/package.json starts a package scope without "imports": name the CJS loader itself.
  const source = readFileSync(file, "utf8").replace(/from "#core-module"/g, `from "./${relative(dirname(file), coreModuleCjs)}"`);
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  writeFileSync(out, outputText);
}
for (const file of reachable([join(dist, "src/addr.d.ts")])) {
  const out = join(cjs, relative(dist, file));
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(file, out);
}
for (const [entry, name] of [["index", "pysocket"], ["sync", "pysocket/sync"], ["sim", "pysocket/sim"]]) {
  writeFileSync(
    join(cjs, `src/${entry}.js`),
    `"use strict";\n// require("${name}"): it is an ES module only (its WASM core and its host load with top-level\n` +
      `// await, which require cannot wait for).\n` +
      `const err = new Error('${name} is an ES module: load it with \`await import("${name}")\`' +\n` +
      `  ' (require works for "pysocket/addr" only)');\n` +
      `err.code = "ERR_REQUIRE_ESM";\nthrow err;\n`,
  );
}
