// The README's examples, run as a reader would copy them: each ```js block under a heading that
// names it is written into the package (so `pysocket/...` resolves by self-reference) and run.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The ```js blocks of the README section that starts with `heading`. */
function blocks(heading) {
  const start = readme.indexOf(heading);
  assert.ok(start >= 0, `README has ${heading}`);
  const end = readme.indexOf("\n### ", start + heading.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Runs `code` as an ES module inside the package with `args` for node; returns the result. */
function run(code, name, args = []) {
  const file = fileURLToPath(new URL(`./.readme_${name}.mjs`, import.meta.url));
  writeFileSync(file, code);
  try {
    return spawnSync(process.execPath, [...args, file], { encoding: "utf8", timeout: 60_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

const sim = blocks("### `pysocket/sim`: deterministic network tests");

test("the simulator's uvu example passes", () => {
  const r = run(sim[0], "sim_uvu");
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Passed:\s+1/);
});

test("the simulator's node:test example passes", () => {
  const r = run(sim[1], "sim_node_test", ["--test"]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass 1/);
});

test.run();
