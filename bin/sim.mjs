// `pysocket sim`: runs a scenario on a fresh SimNetwork for each seed. A seed fails when the
// scenario throws, rejects, leaves an unhandled rejection, or waits for ever (the simulation
// went idle with the scenario still pending: the blocked calls are listed), or runs past
// --max-time virtual seconds (a day by default). Each failing seed
// is printed with the command that replays it; --check runs every seed twice and names the
// first event where the two traces differ.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SimNetwork } from "../dist/src/sim.js";
import { traceSvg } from "./svg.mjs";

/** Parses the arguments; throws a message for bad ones. */
function parse(args) {
  const o = { file: null, from: 0n, to: 0n, check: false, trace: null, svg: null, maxTime: 86400 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw `${a} needs a value`;
      return args[++i];
    };
    if (a === "--seed") {
      o.from = o.to = bigint(value());
    } else if (a === "--seeds") {
      const m = /^(-?\w+)\.\.(-?\w+)$/.exec(value());
      if (!m) throw "--seeds takes A..B";
      o.from = bigint(m[1]);
      o.to = bigint(m[2]);
      if (o.to < o.from) throw "--seeds A..B needs A <= B";
    } else if (a === "--max-time") {
      o.maxTime = Number(value());
      if (!(o.maxTime > 0)) throw "--max-time takes a positive number of virtual seconds";
    } else if (a === "--check") {
      o.check = true;
    } else if (a === "--trace") {
      o.trace = value();
    } else if (a === "--svg") {
      o.svg = value();
    } else if (a.startsWith("--")) {
      throw `unknown option ${a}`;
    } else if (o.file === null) {
      o.file = a;
    } else {
      throw `unexpected argument ${a}`;
    }
  }
  if (o.file === null) throw "which scenario? pysocket sim SCENARIO.mjs";
  return o;
}

function bigint(text) {
  try {
    return BigInt(text);
  } catch {
    throw `not an integer seed: ${text}`;
  }
}

/** What the scenario's process can leave behind that is a failure of the current run. */
const loose = { errors: [] };
process.on("unhandledRejection", (reason) => loose.errors.push(reason));

/** Runs the scenario once on seed `seed`: {net, error}. */
async function runOnce(scenario, options, seed, maxTime) {
  const net = new SimNetwork({ ...options, seed });
  loose.errors = [];
  let settled = false;
  let error = null;
  const run = Promise.resolve()
    .then(() => scenario(net))
    .then(() => {}, (e) => { error = e; })
    .finally(() => { settled = true; });
  // Idle with the scenario pending: nothing can ever end its wait.
  await new Promise((resolveWait) => {
    const poll = () => {
      if (settled) return resolveWait();
      if (net.idle()) {
        const blocked = net.blocked().map((b) => `${b.host} fd ${b.fd} ${b.call}`);
        error = new Error(`the scenario waits for ever at t=${net.now()}s${blocked.length ? `: blocked in ${blocked.join(", ")}` : ""}`);
        return resolveWait();
      }
      if (net.now() > maxTime) {
        error = new Error(`the scenario is still running after ${maxTime} virtual seconds (--max-time)`);
        return resolveWait();
      }
      setTimeout(poll, 20);
    };
    run.then(() => resolveWait());
    setTimeout(poll, 20);
  });
  if (!error && loose.errors.length > 0) error = loose.errors[0];
  return { net, error };
}

/** The first line where two traces differ, or null. */
export function firstDifference(a, b) {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return { line: i + 1, first: x[i] ?? "(end of trace)", second: y[i] ?? "(end of trace)" };
  }
  return null;
}

function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

class Progress {
  constructor(total, stream) {
    this.total = total;
    this.done = 0;
    this.failed = 0;
    this.stream = stream;
    this.tty = stream.isTTY === true && total > 1;
  }

  draw() {
    if (!this.tty) return;
    const width = 30;
    const filled = Math.round((width * this.done) / this.total);
    this.stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} seeds, ${this.failed} failed`);
  }

  /** Prints a line above the bar. */
  line(text) {
    if (this.tty) this.stream.write("\r\x1b[K");
    this.stream.write(text + "\n");
    this.draw();
  }

  end() {
    if (this.tty) this.stream.write("\n");
  }
}

export async function main(args) {
  let o;
  try {
    o = parse(args);
  } catch (message) {
    console.error(`pysocket sim: ${message}`);
    return 2;
  }
  const mod = await import(pathToFileURL(resolve(o.file)).href);
  const scenario = mod.default;
  if (typeof scenario !== "function") {
    console.error(`pysocket sim: ${o.file} has no default export async (net) => {…}`);
    return 2;
  }
  const options = mod.options ?? {};
  const total = Number(o.to - o.from) + 1;
  const progress = new Progress(total, process.stderr);
  const replay = (seed) => `npx pysocket sim ${o.file} --seed ${seed}${o.check ? " --check" : ""}`;
  let failures = 0;
  let kept = null;
  progress.draw();
  for (let seed = o.from; seed <= o.to; seed++) {
    const first = await runOnce(scenario, options, seed, o.maxTime);
    let problem = first.error ? describe(first.error) : null;
    if (!problem && o.check) {
      const second = await runOnce(scenario, options, seed, o.maxTime);
      const d = firstDifference(first.net.trace(), second.net.trace());
      if (d) problem = `not deterministic: the traces differ at event ${d.line}\n    first run:  ${d.first}\n    second run: ${d.second}`;
      else if (second.error) problem = `the second run failed: ${describe(second.error)}`;
    }
    progress.done++;
    if (problem) {
      failures++;
      progress.failed++;
      progress.line(`seed ${seed} failed: ${problem}\n  replay: ${replay(seed)}`);
    } else {
      progress.draw();
    }
    if (kept === null && (problem || seed === o.to)) kept = { seed, net: first.net };
  }
  progress.end();
  if (kept) {
    if (o.trace) writeFileSync(o.trace, kept.net.trace());
    if (o.svg) writeFileSync(o.svg, traceSvg(kept.net.trace(), { title: `${o.file} seed ${kept.seed}` }));
  }
  if (total > 1 || failures > 0) console.log(`${total - failures} of ${total} seeds passed`);
  else console.log(`seed ${o.from} passed; digest ${kept.net.digest()}`);
  return failures > 0 ? 1 : 0;
}
