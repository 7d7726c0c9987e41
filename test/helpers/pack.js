// The package as a user gets it: the repository's files that git would clone (no dist/, no
// build/) copied to a temporary folder, packed there with `npm pack` (which runs "prepare", the
// build), and the tarball installed into a fresh project; and what the scripts in test/runtimes/
// print there. Shared by test/package*.test.js.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("../../", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Packs a clean copy of the repository into folder `work`; returns npm's account of the tarball:
 * { tarball, size, unpackedSize, files }. */
export function pack(work) {
  const clean = join(work, "clean");
  const tracked = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repo)
    .split("\0")
    .filter((f) => f !== "" && f !== "node_modules" && !f.startsWith("node_modules/"));
  for (const file of tracked) {
    mkdirSync(dirname(join(clean, file)), { recursive: true });
    cpSync(join(repo, file), join(clean, file), { dereference: false, errorOnExist: false });
  }
  symlinkSync(join(repo, "node_modules"), join(clean, "node_modules"), "dir");
  const packed = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", work], clean));
  rmSync(clean, { recursive: true, force: true });
  return {
    tarball: join(work, packed[0].filename),
    size: packed[0].size,
    unpackedSize: packed[0].unpackedSize,
    files: packed[0].files.map((f) => f.path),
  };
}

/** The tarball packed once for the whole run by scripts/run-tests.mjs (PYSOCKET_PACKED names the
 * JSON `pack` returned), or else one packed now into `work`. Packing builds the package, which
 * takes seconds of CPU: four test files share one. */
function tarballFor(work) {
  const shared = process.env.PYSOCKET_PACKED;
  return shared ? JSON.parse(readFileSync(shared, "utf8")) : pack(work);
}

/** The package installed into a fresh project: returns { tarball, size, unpackedSize, files,
 * consumer, cleanup }: the tarball's path, its sizes, the paths it holds, the project's folder,
 * and what removes this call's temporary folder. */
export function packAndInstall() {
  const work = mkdtempSync(join(tmpdir(), "pysocket-pack-"));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  try {
    const packed = tarballFor(work);
    const consumer = join(work, "consumer");
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    run(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", packed.tarball], consumer);
    return { ...packed, consumer, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Whether the installed package exports `subpath` (another entry may not have landed yet). */
export function exportsEntry(consumer, subpath) {
  const pkg = JSON.parse(run("node", ["-p", "JSON.stringify(require('pysocket/package.json'))"], consumer));
  return subpath in pkg.exports;
}


/** A package.json "exports"/"imports" target resolved for `conditions`, taking the entry's
 * conditions in their own order, as bundlers do. */
export function exportTarget(node, conditions) {
  if (typeof node === "string") return node;
  for (const [cond, sub] of Object.entries(node)) {
    if (conditions.includes(cond)) {
      const t = exportTarget(sub, conditions);
      if (t !== null) return t;
    }
  }
  return null;
}

/** What each script of test/runtimes/ prints. */
export const EXPECTED = {
  "addr.mjs": "2001:db8::1 256\n",
  "async.mjs": "hello 1,2,3\n",
  "sync.mjs": "hello 1,2,3\n",
  "require.cjs": "::ffff:1.2.3.4 127.0.0.1 OSError: illegal IP address string passed to inet_pton\n" +
    ["pysocket", "pysocket/sync", "pysocket/sim"].map((name) =>
      `ERR_REQUIRE_ESM: ${name} is an ES module: load it with \`await import("${name}")\` (require works for "pysocket/addr" only)\n`).join(""),
};
