// Every public name of CPython's socket module (scripts/record_module_names.py ->
// test/fixtures/module_names.json) against the exports of each facade: each name is exported
// with CPython's kind and value, or listed in LEFT_OUT with the reason. The README's "Names left
// out, and why" says the same. The enums and CMSG_* are also checked in their own modules, so
// they are verified before the facades export them.
import { existsSync, readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as cmsg from "../dist/src/cmsg.js";
import * as enums from "../dist/src/enums.js";
import * as errors from "../dist/src/errors.js";
import { capture, compareOutcome, decode, formatCall } from "./helpers/pyvalue.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/module_names.json", import.meta.url), "utf8"));
const RECORDED = fixture.names;

/** Names CPython's socket module has that pysocket deliberately does not export. */
const LEFT_OUT = {
  // Python modules and classes that Lib/socket.py imports for its own use.
  os: "a Python module socket.py imports; Node has node:os",
  sys: "a Python module socket.py imports",
  io: "a Python module socket.py imports; makefile() returns pysocket's own file objects",
  array: "a Python module socket.py imports (for send_fds/recv_fds)",
  errno: "a Python module socket.py imports; errors carry errno numbers",
  IntEnum: "Python's enum base class; the enums here are plain two-way maps",
  IntFlag: "Python's enum base class; the enums here are plain two-way maps",
  // C-level plumbing.
  CAPI: "a PyCapsule for C extensions; JavaScript has no C API to hand out",
  // Needs what Node does not give.
  send_fds: "SCM_RIGHTS over sendmsg(); Node cannot send ancillary data",
  recv_fds: "SCM_RIGHTS over recvmsg(); Node cannot receive ancillary data",
  // Would change the machine.
  sethostname: "needs CAP_SYS_ADMIN and renames the machine",
};

const facades = [["pysocket", await import("pysocket")]];
if (existsSync(new URL("../dist/src/sync.js", import.meta.url))) {
  facades.push(["pysocket/sync", await import("pysocket/sync")]);
} else {
  console.log("note: dist/src/sync.js is not built; pysocket/sync is not checked");
}
// The modules that implement recorded names, checked whether or not a facade exports them yet.
const sources = [["dist/src/enums.js", enums], ["dist/src/cmsg.js", cmsg]];

/** How an exported value differs from CPython's recorded kind and value; null when it agrees. */
function kindProblem(rec, v) {
  switch (rec.kind) {
    case "int":
    case "bool":
      return v === rec.value ? null : `${String(v)}, CPython has ${rec.value}`;
    case "function":
    case "class":
      return typeof v === "function" ? null : `a ${typeof v}, not a function`;
    case "exception":
      if (typeof v !== "function" || !(v.prototype instanceof Error)) return "not an Error class";
      return v.name === rec.class_name ? null : `class ${v.name}, CPython's is ${rec.class_name}`;
    case "enum":
      return enumProblem(rec, v);
    case "module":
      // socket.selectors is the selectors module; pysocket exports its own (API.md).
      return typeof v === "object" && v !== null ? null : "not a namespace object";
    default:
      return `a ${rec.kind} in CPython, which pysocket cannot export`;
  }
}

function enumProblem(rec, v) {
  if (typeof v !== "object" || v === null || !Object.isFrozen(v)) return "not a frozen object";
  const out = [];
  for (const [member, value] of rec.members) if (v[member] !== value) out.push(`${member} is ${v[member]}, not ${value}`);
  for (const [value, member] of rec.names) if (v[value] !== member) out.push(`[${value}] is ${v[value]}, not ${member}`);
  const want = new Set([...rec.members.map(([m]) => m), ...rec.names.map(([n]) => String(n))]);
  for (const key of Object.keys(v)) if (!want.has(key)) out.push(`extra key ${key}`);
  return out.length === 0 ? null : out.join("; ");
}

/** The recorded calls (fixture.cmsg) run against `mod`'s function of that name, if it has one. */
function callProblems(mod) {
  const out = [];
  for (const [fn, cases] of Object.entries(fixture.cmsg)) {
    if (typeof mod[fn] !== "function") continue;
    for (const c of cases) {
      const args = c.args.map(decode);
      for (const p of compareOutcome(capture(() => mod[fn](...args)), c, errors)) {
        out.push(`${formatCall(fn, c.args)}: ${p}`);
      }
    }
  }
  return out;
}

function valueProblems(mod) {
  const out = [];
  for (const [name, rec] of Object.entries(RECORDED)) {
    if (!(name in mod)) continue;
    const p = kindProblem(rec, mod[name]);
    if (p !== null) out.push(`${name}: ${p}`);
  }
  return out;
}

const lists = suite("LEFT_OUT");

lists("every LEFT_OUT name is a recorded name of CPython's module", () => {
  assert.equal(Object.keys(LEFT_OUT).filter((n) => !(n in RECORDED)), []);
});

lists("the README lists exactly LEFT_OUT, with the same reasons", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = /^## Names left out, and why\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.equal(Object.fromEntries(rows), LEFT_OUT);
});

lists.run();

for (const [label, mod] of facades) {
  const t = suite(label);

  t("exports every recorded name that is not LEFT_OUT", () => {
    const missing = Object.keys(RECORDED).filter((n) => !(n in mod) && !(n in LEFT_OUT));
    assert.equal(missing, [], `missing from ${label}: ${missing.join(" ")}`);
  });

  t("exports no LEFT_OUT name (else the list is stale)", () => {
    const stale = Object.keys(LEFT_OUT).filter((n) => n in mod);
    assert.equal(stale, [], `exported by ${label} yet LEFT_OUT: ${stale.join(" ")}`);
  });

  t("each export has CPython's kind, and each int constant its value", () => {
    const problems = valueProblems(mod);
    assert.equal(problems, [], problems.join("\n"));
  });

  t("CMSG_LEN and CMSG_SPACE answer as CPython", () => {
    const problems = callProblems(mod);
    assert.equal(problems, [], problems.slice(0, 20).join("\n"));
  });

  t.run();
}

for (const [label, mod] of sources) {
  const t = suite(label);

  t("has CPython's kinds and values for the names it implements", () => {
    const implemented = Object.keys(RECORDED).filter((n) => n in mod);
    assert.ok(implemented.length > 0, "implements no recorded name");
    const problems = valueProblems(mod);
    assert.equal(problems, [], problems.join("\n"));
  });

  t("answers the recorded calls as CPython", () => {
    const problems = callProblems(mod);
    assert.equal(problems, [], problems.slice(0, 20).join("\n"));
  });

  t.run();
}
