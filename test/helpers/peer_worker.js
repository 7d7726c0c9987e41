// The worker of test/helpers/peer.js: runs each peer's steps in turn on pysocket/sync, compares
// them with CPython's answers, posts {job, mismatches: text | null} and publishes the job's
// number as done.
import { parentPort, workerData } from "node:worker_threads";
import * as socket from "pysocket/sync";
import { harnessCalls } from "./harness.js";
import { formatMismatches, runScenario } from "./scenario.js";

const { done, port } = workerData;

async function run({ job, steps, results, env }) {
  const values = new Map(env);
  const module = { ...socket, ...harnessCalls({ module: socket, blocking: true }), peer_arg: (name) => values.get(name) };
  let mismatches;
  try {
    const found = await runScenario(module, { steps }, results, { promiseCalls: new Set() });
    mismatches = found.length ? formatMismatches(found) : null;
  } catch (e) {
    mismatches = `(harness) ${e?.stack ?? e}`;
  }
  port.postMessage({ job, mismatches });
  Atomics.store(done, 0, job);
  Atomics.notify(done, 0);
}

let queue = Promise.resolve();
parentPort.on("message", (message) => {
  queue = queue.then(() => run(message));
});
