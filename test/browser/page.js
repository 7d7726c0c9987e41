// Runs in headless Chromium (test/package_browser.test.js serves it): every recorded CPython case
// of test/fixtures/addr.json through the packed `pysocket/addr`, imported by its bare name through
// the page's import map, compared in the page so that exceptions are checked against the
// package's own classes. Returns, per function, how many cases ran and what differed.
import * as addr from "pysocket/addr";
import { capture, compareOutcome, decode, formatCall } from "/pyvalue.js";

/** The report line for a case that differs: the call, clipped, and what differed. */
function line(c, problem) {
  const call = formatCall(c.fn, c.args);
  return `${call.length > 200 ? `${call.slice(0, 200)}…` : call}: ${problem}`;
}

export async function run() {
  const { cases } = await (await fetch("/addr.json")).json();
  const byFunction = {};
  for (const c of cases) {
    const seen = (byFunction[c.fn] ??= { cases: 0, errors: 0, problems: [] });
    const outcome = capture(() => addr[c.fn](...c.args.map(decode)));
    seen.cases++;
    if ("error" in c) seen.errors++;
    for (const p of compareOutcome(outcome, c, addr)) seen.problems.push(line(c, p));
  }
  return byFunction;
}
