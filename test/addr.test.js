// pysocket/addr against CPython: every case recorded by scripts/record_addr.py (run as recorded,
// with its ints as bigints or unsafe numbers, and with its bytes as Buffers), inputs behind known
// CVEs of JavaScript IP parsers, round-trip properties, and the package's portability promises.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as addr from "pysocket/addr";
import * as pysocket from "pysocket";
import { capture, compareOutcome, decode, encode, formatCall, sameValue } from "./helpers/pyvalue.js";
import { fail } from "./helpers/scenario.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/addr.json", import.meta.url), "utf8"));
const FUNCTIONS = ["htonl", "htons", "ntohl", "ntohs", "inet_aton", "inet_ntoa", "inet_pton", "inet_ntop"];

/** The ways a recorded call is made from JS; each must give CPython's answer. */
const VARIANTS = [
  ["", (v) => v],
  [" with ints as bigints", (v) => (typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v)],
  [" with bytes as a Buffer", (v) => (v instanceof Uint8Array ? Buffer.from(v) : v)],
  // 2**64 is a JS number too, one that is not a safe integer.
  [" with ints as unsafe numbers", (v) => (typeof v === "bigint" && BigInt(Number(v)) === v ? Number(v) : v)],
];

/** A report line short enough to read even when the case holds a 70,000-character string. */
const clip = (line) => (line.length > 500 ? `${line.slice(0, 500)}… (${line.length} characters)` : line);

/** Every difference between pysocket and CPython over these cases, one line each. */
function mismatches(cases) {
  const lines = [];
  for (const c of cases) {
    const args = c.args.map(decode);
    for (const [label, convert] of VARIANTS) {
      const converted = args.map(convert);
      if (label && converted.every((v, i) => v === args[i])) continue;
      const problems = compareOutcome(capture(() => addr[c.fn](...converted)), c, pysocket);
      const where = `${formatCall(c.fn, c.args)}${label}${c.cve ? ` [${c.cve}]` : ""}`;
      for (const p of problems) lines.push(clip(`  ${where}: ${p}`));
    }
  }
  return lines;
}

function checkAll(cases) {
  const lines = mismatches(cases);
  if (lines.length) fail(`${lines.length} differences from CPython ${fixtures.python}:\n${lines.join("\n")}`);
}

for (const fn of FUNCTIONS) {
  const cases = fixtures.cases.filter((c) => c.fn === fn);
  const s = suite(fn);
  s(`matches CPython on ${cases.length} recorded cases`, () => {
    assert.ok(cases.length > 0, "no recorded cases");
    checkAll(cases);
  });
  s.run();
}

const cves = suite("CVE inputs of JavaScript IP parsers");
const byCve = new Map();
for (const c of fixtures.cases) if (c.cve) byCve.set(c.cve, [...(byCve.get(c.cve) ?? []), c]);
for (const [cve, cases] of byCve) {
  cves(`${cve} (${cases[0].note}): ${cases.length} cases as CPython reads them`, () => checkAll(cases));
}
cves.run();

const props = suite("properties");
const bytesOf = (n) => fc.uint8Array({ minLength: n, maxLength: n });
// Zero groups are common so that the "::" runs and their ties come up.
const v6Bytes = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => new Uint8Array(groups.flatMap((g) => [g >> 8, g & 0xff])));

props("inet_pton(inet_ntop(b)) == b for 4- and 16-byte values", () => {
  fc.assert(fc.property(bytesOf(4), (b) => sameValue(addr.inet_pton(addr.AF_INET, addr.inet_ntop(addr.AF_INET, b)), b)));
  fc.assert(fc.property(fc.oneof(bytesOf(16), v6Bytes), (b) =>
    sameValue(addr.inet_pton(addr.AF_INET6, addr.inet_ntop(addr.AF_INET6, b)), b)), { numRuns: 2000 });
});

props("inet_ntoa and inet_aton agree on canonical dotted quads", () => {
  const quad = fc.tuple(...Array(4).fill(fc.integer({ min: 0, max: 255 }))).map((q) => q.join("."));
  fc.assert(fc.property(quad, (s) => {
    const packed = addr.inet_aton(s);
    return addr.inet_ntoa(packed) === s && sameValue(addr.inet_pton(addr.AF_INET, s), packed);
  }));
});

props("htonl(ntohl(x)) == x and htons(ntohs(x)) == x", () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const u16 = fc.integer({ min: 0, max: 0xffff });
  fc.assert(fc.property(u32, (x) => addr.htonl(addr.ntohl(x)) === x && addr.ntohl(addr.htonl(BigInt(x))) === x));
  fc.assert(fc.property(u16, (x) => addr.htons(addr.ntohs(x)) === x && addr.ntohs(addr.htons(BigInt(x))) === x));
});
props("each result is its own bytes: later calls and writes to another result leave it as it was", () => {
  const calls = [
    () => addr.inet_pton(addr.AF_INET6, "2001:db8::1"), () => addr.inet_pton(addr.AF_INET6, "::ffff:10.0.0.1"),
    () => addr.inet_pton(addr.AF_INET, "192.0.2.1"), () => addr.inet_aton("10.1"),
  ];
  const held = calls.map((call) => call());
  const want = held.map((b) => Array.from(b));
  for (const call of calls) call().fill(0xee);
  held.forEach((b, i) => assert.equal(Array.from(b), want[i]));
  assert.ok(held.every((b) => b.byteOffset === 0 && b.buffer.byteLength === b.length));
});

props.run();

const pkg = suite("package");
const addrFile = fileURLToPath(import.meta.resolve("pysocket/addr"));

/** The specifiers a built ES module imports: static import/export-from lines and import(). */
function importsOf(source) {
  const found = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s[^;"'()]*?\bfrom\s*["']([^"']+)["']/gm)) found.push(m[1]);
  for (const m of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

pkg("dist/src/addr.js and everything it imports have no node: import", () => {
  const builtins = new Set(builtinModules);
  const seen = new Set();
  const bad = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else if (spec.startsWith("node:") || builtins.has(spec)) bad.push(`${file} imports ${spec}`);
    }
  };
  visit(addrFile);
  assert.ok(seen.size > 1, `followed no imports from ${addrFile}`);
  assert.equal(bad, []);
});

pkg("pysocket/addr imports from another folder", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "pysocket-addr-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "pysocket"), "dir");
    const recorded = fixtures.cases.find((c) => c.fn === "inet_pton" && c.args[1]?.str === "2001:DB8::0:1");
    const code = `import { inet_pton, AF_INET6 } from "pysocket/addr";
      const b = inet_pton(AF_INET6, ${JSON.stringify(recorded.args[1].str)});
      console.log(JSON.stringify({ url: import.meta.resolve("pysocket/addr"), af: AF_INET6, bytes: Array.from(b) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: dir, encoding: "utf8" }));
    assert.is(fileURLToPath(out.url), addrFile);
    assert.is(out.af, decode(recorded.args[0]));
    assert.equal(encode(new Uint8Array(out.bytes)), recorded.result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
pkg.run();
