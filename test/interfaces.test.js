// if_nameindex, if_nametoindex and if_indextoname against CPython's recorded answers
// (scripts/record_interfaces.py -> test/fixtures/interfaces.json), on every facade, and the
// machine's whole interface list against a live python3's.
import "./helpers/sim_guard.js";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asyncSocket from "pysocket";
import { SimNetwork } from "pysocket/sim";
import * as syncSocket from "pysocket/sync";
import * as errors from "../dist/src/errors.js";
import { capture, compareOutcome, decode, formatCall } from "./helpers/pyvalue.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/interfaces.json", import.meta.url), "utf8"));

/** if_nameindex()'s first entry, and whether every entry is an [int, str] pair (the recorder's
 * "if_nameindex_first"). */
function firstOfNameindex(m) {
  const names = m.if_nameindex();
  return [names[0], names.every(([i, n]) => Number.isInteger(i) && typeof n === "string")];
}

const FACADES = [
  ["pysocket", asyncSocket],
  ["pysocket/sync", syncSocket],
  ["pysocket/sim", new SimNetwork({ seed: 1 }).host("solo")],
];

for (const [label, m] of FACADES) {
  const test = suite(`${label}: interface functions against CPython ${fixture.python}`);
  for (const name of ["if_nametoindex", "if_indextoname", "if_nameindex"]) {
    test(name, () => {
      const problems = [];
      for (const c of fixture.cases.filter((x) => x.call === name || (name === "if_nameindex" && x.call === "if_nameindex_first"))) {
        const args = c.args.map(decode);
        const call = c.call === "if_nameindex_first" ? () => firstOfNameindex(m) : () => m[c.call](...args);
        for (const p of compareOutcome(capture(call), c, errors)) problems.push(`${formatCall(c.call, c.args)}: ${p}`);
      }
      assert.is(problems.length, 0, `${problems.length} mismatches:\n${problems.join("\n")}`);
    });
  }
  test.run();
}

const live = suite("if_nameindex: this machine's interfaces, as a live python3 lists them");
live("pysocket and pysocket/sync", () => {
  const py = JSON.parse(execFileSync("python3", ["-c", "import socket, json; print(json.dumps(socket.if_nameindex()))"], { encoding: "utf8" }));
  assert.ok(py.length > 0);
  assert.equal(asyncSocket.if_nameindex(), py);
  assert.equal(syncSocket.if_nameindex(), py);
  for (const [index, name] of py) {
    assert.is(syncSocket.if_nametoindex(name), index);
    assert.is(asyncSocket.if_indextoname(index), name);
  }
});
live.run();
