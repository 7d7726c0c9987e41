// pysocket/sync's direct mode when the kernel's send buffer fills (host/direct.ts `full`,
// host/direct_worker.ts sendWay): the part of a send the kernel did not take goes to the worker
// ahead of any answer, the next send waits for Node to have written it, and the stream is lent
// again. Every byte a send accepted must reach the peer once and in order, whatever the sizes,
// whether the sends block, time out or are non-blocking: a python3 reader in another process
// (scripts/direct_peer.py) that reads slowly or starts late reports the count and SHA-256 of what
// it read (toReader). With direct mode on (the paths above must be taken) and off.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { countServed, facade, toReader } from "./helpers/direct_facade.js";

const on = facade(true);
const off = facade(false);
const served = countServed(on.host);

/** The sends that found the kernel's buffer full in direct mode, and the count of sends and
 * recvs direct mode had served at the first of them. */
const fills = { n: 0, servedAtFirst: -1 };
const filled = on.host.direct.filled.bind(on.host.direct);
on.host.direct.filled = (h) => {
  if (fills.n++ === 0) fills.servedAtFirst = served.n;
  filled(h);
};

/** Sizes that alternate around the kernel's and Node's buffers: bytes, a page, 64 KiB, a
 * megabyte and more, none dividing another. */
const SIZES = [1, 65536, 7, 300001, 1000, 2 * 1024 * 1024 + 3, 4095, 65537, 123457, 1];

/** Some 21 MB in all: more than the kernel's send buffer (4 MiB at most here), the reader's
 * receive buffer and Node's 4 MiB together, so that the sends block before the reader starts. */
const CHUNKS = 80;

function chunk(i) {
  const size = SIZES[i % SIZES.length];
  return new Uint8Array(size).map((_, k) => (i * 31 + k * 7 + (k >> 10)) & 0xff);
}

/** Runs `test` on both modules; with direct mode on, some send must have found the buffer full
 * and a later one must have been served in direct mode again. */
function both(s, name, test) {
  s(`${name}, direct mode`, async () => {
    // Whether a send finds the buffer full, and one is lent again after it, depends on the
    // reader's pace, which a loaded machine can change: every run checks the bytes, and up to
    // three runs may look for both.
    for (let run = 1; ; run++) {
      fills.n = 0;
      await test(on.module);
      if ((fills.n > 0 && served.n > fills.servedAtFirst + 1) || run === 3) break;
    }
    assert.ok(fills.n > 0, "no send found the kernel's buffer full");
    assert.ok(served.n > fills.servedAtFirst + 1, "no send was served in direct mode after the buffer filled");
  });
  s(`${name}, direct mode off`, () => test(off.module));
}

const blocking = suite("pysocket/sync: sends that fill the kernel's buffer, blocking");
// The slow reader keeps the buffers full from the start: half the chunks do.
both(blocking, "sendall of alternating sizes to a slow reader", (m) => toReader(m, "y", (c, accepted) => {
  for (let i = 0; i < CHUNKS / 2; i++) {
    const data = chunk(i);
    c.sendall(data);
    accepted(data);
  }
}));
both(blocking, "send() of alternating sizes, partial counts kept, to a reader that starts late", (m) =>
  toReader(m, "z", (c, accepted) => {
    for (let i = 0; i < CHUNKS; i++) {
      const data = chunk(i);
      const n = c.send(data);
      assert.ok(n > 0 && n <= data.length);
      accepted(data.subarray(0, n));
    }
  }));
blocking.run();

/** Sends the chunks with send(), each to its end, passing what each send accepted to
 * `accepted`; `refused(err)` answers an error a send raised (and raises any other). */
function sendEach(c, accepted, refused) {
  for (let i = 0; i < CHUNKS; i++) {
    const data = chunk(i);
    for (let at = 0; at < data.length;) {
      try {
        const n = c.send(data.subarray(at));
        accepted(data.subarray(at, at + n));
        at += n;
      } catch (err) {
        refused(err);
      }
    }
  }
}

const timed = suite("pysocket/sync: sends that fill the kernel's buffer, with a timeout");
both(timed, "send() with a 50 ms timeout to a reader that starts late: the timeouts lose nothing", (m) =>
  toReader(m, "z", (c, accepted) => {
    c.settimeout(0.05);
    let timeouts = 0;
    sendEach(c, accepted, (err) => {
      if (err.name !== "TimeoutError") throw err;
      timeouts++;
    });
    assert.ok(timeouts > 0, "no send timed out while the reader had not started");
  }));
timed.run();

const nonblocking = suite("pysocket/sync: sends that fill the kernel's buffer, non-blocking with select");
both(nonblocking, "send() until BlockingIOError, select, send again, to a reader that starts late", (m) =>
  toReader(m, "z", (c, accepted) => {
    c.setblocking(false);
    let refused = 0;
    sendEach(c, accepted, (err) => {
      if (err.name !== "BlockingIOError") throw err;
      refused++;
      const [, w] = m.select.select([], [c], [], 10);
      assert.is(w.length, 1, "select timed out");
    });
    assert.ok(refused > 0, "no send was refused while the reader had not started");
  }));
nonblocking.run();
