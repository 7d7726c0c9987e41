// CPython 3.11's own Lib/test/test_socket.py, for what pysocket has: its cases (inputs and
// CPython's answers, recorded by scripts/record_test_socket.py into
// test/fixtures/test_socket_cases.json) replayed step by step on both facades, with the original's
// client thread as a worker_thread running pysocket/sync (test/helpers/peer.js).
// docs/TEST_SOCKET_COVERAGE.md maps test_socket.py's classes and methods to these cases.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asyncSocket from "pysocket";
import * as syncSocket from "pysocket/sync";
import { harnessCalls } from "./helpers/harness.js";
import { PeerPool, peerHarness } from "./helpers/peer.js";
import { fail, formatMismatches, PROMISE_CALLS as SCENARIO_PROMISE_CALLS, runScenario } from "./helpers/scenario.js";

process.on("unhandledRejection", (reason) => {
  console.error("unhandled rejection:", reason);
  process.exitCode = 1;
});

const fixture = JSON.parse(readFileSync(new URL("./fixtures/test_socket_cases.json", import.meta.url), "utf8"));
// TEST_SOCKET_CASES=substring runs only the cases whose id contains it (while iterating).
const only = process.env.TEST_SOCKET_CASES;
const cases = fixture.cases.filter((c) => !only || c.id.includes(only));

/**
 * Cases where pysocket answers differently from CPython today, per facade ("both", "async" for
 * `pysocket`, "sync" for `pysocket/sync`), each with why. The test checks that they still
 * differ: when a fix lands, the case fails until its entry is removed here.
 */
const KNOWN_DIFFERENCES = {
  // rules: AF_UNIX abstract names
  "TestLinuxAbstractNamespace.testLinuxAbstractNamespace": { both: "getsockname()/getpeername() of an abstract name ending in byte 0xff give U+FFFD's UTF-8 bytes (the name is decoded as UTF-8)" },
  // rules: delivery from a peer outside this module instance (possibly a Node limit: Node reads
  // the kernel's socket only on a turn of its event loop)
  "NonBlockingTCPTests.testAccept[after the peer's connect returned]": { async: "non-blocking accept() right after the peer's connect() returned (no event-loop turn between) raises BlockingIOError; Linux has queued the connection" },
  "NonBlockingTCPTests.testRecv[after the peer's sendall returned]": { async: "non-blocking recv() right after the peer's sendall() returned (no event-loop turn between) raises BlockingIOError; Linux has queued the bytes" },
};

/**
 * Cases not run on a facade because pysocket's answer there depends on thread timing (so the
 * test would be flaky either way), each with what it does. They differ from CPython, which
 * answers the same every time.
 */
const TIMING_DEPENDENT = {
  "NonBlockingTCPTests.testAccept[after the peer's connect returned]": { sync: "non-blocking accept() raises BlockingIOError when the host worker has not yet seen the connection (rarely)" },
  "NonBlockingTCPTests.testRecv[after the peer's sendall returned]": { sync: "non-blocking recv() raises BlockingIOError when the host worker has not yet read the bytes (rarely)" },
};

// The calls of the Promise facade that can block (API.md), and the harness's that wait.
const PROMISE_CALLS = new Set([...SCENARIO_PROMISE_CALLS, "join_peer", "write_until_full", "readable"]);

// Longer than the cases' guard timeouts (10 s on a listener waiting for its peer), so that a
// peer's failure is reported by join_peer rather than as a hung step.
const STEP_LIMIT_MS = 15_000;

/** Unix socket paths in the cases are relative: run in a fresh directory, as the recorder does. */
const home = process.cwd();
const workdir = mkdtempSync(join(tmpdir(), "pysocket-test-socket-"));
process.chdir(workdir);

const FACADES = [
  { name: "async", label: "pysocket", module: asyncSocket, blocking: false },
  { name: "sync", label: "pysocket/sync", module: syncSocket, blocking: true },
];

const known = suite("KNOWN_DIFFERENCES and TIMING_DEPENDENT");
known("names only cases of the fixture, each for a facade", () => {
  const ids = new Set(fixture.cases.map((c) => c.id));
  for (const [id, where] of [...Object.entries(KNOWN_DIFFERENCES), ...Object.entries(TIMING_DEPENDENT)]) {
    assert.ok(ids.has(id), `${id} is not a case of test/fixtures/test_socket_cases.json`);
    for (const key of Object.keys(where)) assert.ok(["both", "async", "sync"].includes(key), `${id}: ${key}`);
  }
});
known.run();

for (const [i, facade] of FACADES.entries()) {
  const test = suite(`${facade.label}: test_socket.py cases against CPython ${fixture.python}`);
  const pool = new PeerPool();
  test.after(async () => {
    await pool.close();
    if (i === FACADES.length - 1) {
      process.chdir(home);
      rmSync(workdir, { recursive: true, force: true });
    }
  });
  for (const c of cases) {
    const known = KNOWN_DIFFERENCES[c.id]?.[facade.name] ?? KNOWN_DIFFERENCES[c.id]?.both;
    if (TIMING_DEPENDENT[c.id]?.[facade.name] ?? TIMING_DEPENDENT[c.id]?.both) continue;
    test(c.id, async () => {
      const harness = peerHarness(pool, c.peer, { blocking: facade.blocking });
      const { start_peer, join_peer, join_peer_sync } = harness;
      const module = { ...facade.module, ...harnessCalls(facade), start_peer, join_peer, join_peer_sync };
      // A makefile() file's close/write/read are Promises where a socket's close is not: the
      // Promise rule is checked by name, so cases with files leave it to test/makefile.test.js.
      const files = c.steps.some((s) => s.call === "makefile");
      const promiseCalls = facade.blocking ? new Set() : files ? undefined : PROMISE_CALLS;
      const mismatches = await runScenario(module, c, c.results, { promiseCalls, stepLimitMs: STEP_LIMIT_MS });
      harness.settle();
      const n = mismatches.length;
      if (known) {
        if (n === 0) fail(`${c.id} now agrees with CPython on ${facade.label}: remove it from KNOWN_DIFFERENCES (${known})`);
      } else if (n) {
        fail(`${n} ${n === 1 ? "step differs" : "steps differ"} from CPython:\n${formatMismatches(mismatches)}`);
      }
    });
  }
  test.run();
}
