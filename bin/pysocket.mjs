#!/usr/bin/env node
// The pysocket command line. One command so far:
//   pysocket sim SCENARIO.mjs [--seed N | --seeds A..B] [--check] [--trace FILE] [--svg FILE] [--max-time SECONDS]
// runs a simulation scenario (a module whose default export is `async (net) => {…}` that throws
// on failure) on a SimNetwork per seed; see docs/SIMULATOR.md.
import { main as sim } from "./sim.mjs";

const [command, ...rest] = process.argv.slice(2);
const usage = "usage: pysocket sim SCENARIO.mjs [--seed N | --seeds A..B] [--check] [--trace FILE] [--svg FILE] [--max-time SECONDS]";

if (command === "sim") {
  // A scenario abandoned as hung or too long may still have simulated calls waiting, which keep
  // the event loop alive: the verdict is final, so leave now.
  process.exit(await sim(rest));
} else {
  console.error(command === undefined || command === "--help" ? usage : `pysocket: unknown command ${command}\n${usage}`);
  process.exitCode = command === "--help" ? 0 : 2;
}
