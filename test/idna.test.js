// str.encode("idna") (src/idna.ts) against CPython's recorded answers: the names of
// scripts/record_resolve.py's cases (test/fixtures/resolve.json's "idna" list), each encoded or
// refused with CPython's UnicodeError text.
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as pysocket from "../dist/src/index.js";
import { idnaEncode } from "../dist/src/idna.js";
import { capture, compareOutcome, decode, repr } from "./helpers/pyvalue.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/resolve.json", import.meta.url), "utf8"));

const encode = suite("idnaEncode");

encode("str.encode('idna') as recorded", () => {
  assert.ok(fixtures.idna.length > 20);
  const problems = [];
  for (const c of fixtures.idna) {
    const got = capture(() => Uint8Array.from(idnaEncode(decode(c.name)), (ch) => ch.charCodeAt(0)));
    for (const p of compareOutcome(got, c, pysocket)) problems.push(`${repr(c.name)}.encode('idna'): ${p}`);
  }
  assert.is(problems.length, 0, `${problems.length} mismatches:\n${problems.slice(0, 60).join("\n")}`);
});

encode.run();
