// Where pysocket/addr's time goes, per function: runs one benchmark case's loop (the corpus of
// bench/corpus.js) under V8's sampling profiler (node:inspector) and prints self time by
// function, JavaScript and WASM alike. A companion to bench/addr.bench.js, which gives ratios.
//
// Usage: node bench/addr_profile.js [case ...]   (cases: inet_pton4 inet_pton6 inet_ntop4
//        inet_ntop6 inet_aton inet_ntoa htonl ntohs; default all)

import { Session } from "node:inspector/promises";
import { AF_INET, AF_INET6, htonl, inet_aton, inet_ntoa, inet_ntop, inet_pton, ntohs } from "pysocket/addr";
import { corpus } from "./corpus.js";

const RUN_MS = 1500;

const CASES = {
  inet_pton4: [corpus.pton4, (s) => inet_pton(AF_INET, s)[3]],
  inet_pton6: [corpus.pton6, (s) => inet_pton(AF_INET6, s)[15]],
  inet_ntop4: [corpus.ntop4, (b) => inet_ntop(AF_INET, b).length],
  inet_ntop6: [corpus.ntop6, (b) => inet_ntop(AF_INET6, b).length],
  inet_aton: [corpus.aton, (s) => inet_aton(s)[3]],
  inet_ntoa: [corpus.ntop4, (b) => inet_ntoa(b).length],
  htonl: [corpus.u32, (x) => htonl(x)],
  ntohs: [corpus.u16, (x) => ntohs(x)],
};

/** Each case gets its own loop, compiled from source, so no two share call-site feedback. */
function makeLoop(name, fn, inputs) {
  return new Function("fn", "inputs", `// ${name} (own text: V8 caches \`new Function\` by text, call-site feedback included)
  return function loop(ms) {
    let acc = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) for (let k = 0; k < 64; k++) for (let i = 0; i < inputs.length; i++) acc ^= fn(inputs[i]);
    return acc;
  };`)(fn, inputs);
}

/** Self time per function name (file:line for JS), as a share of the samples. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = url.replace(/^.*\//, "");
    const name = `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / total]);
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
let sink = 0;
for (const name of process.argv.length > 2 ? process.argv.slice(2) : Object.keys(CASES)) {
  const [inputs, fn] = CASES[name];
  const loop = makeLoop(name, fn, inputs);
  sink ^= loop(300);
  await session.post("Profiler.start");
  sink ^= loop(RUN_MS);
  const { profile } = await session.post("Profiler.stop");
  console.log(`\n${name}: self time`);
  for (const [fname, share] of selfTimes(profile).filter(([, s]) => s >= 0.01)) {
    console.log(`  ${(share * 100).toFixed(1).padStart(5)}%  ${fname}`);
  }
}
session.disconnect();
if (sink === 0.5) console.log(sink);
