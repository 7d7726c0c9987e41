// The client thread of CPython's threaded socket tests (test_socket.py's ThreadableTest), for
// test/helpers/scenario.js: a worker_thread running pysocket/sync that runs a peer's steps while
// the main side runs its own. `peerHarness` gives the harness calls of a case with a peer:
// start_peer(name, value, …) hands the peer the named values (its peer_arg(name) reads them)
// and starts its steps; join_peer() waits until they have run and the peer's sockets are
// closed, and raises a report of every step that differed from CPython's answer. On the
// blocking facade join_peer blocks (Atomics.wait); on the Promise facade it returns a Promise.
// join_peer_sync() blocks on both, so that no turn of the event loop runs until the next step.
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";

export const JOIN_LIMIT_MS = 20_000;

class PeerThread {
  jobs = 0;

  constructor() {
    // The number of the last job the worker finished; its reports come through `port`.
    this.done = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./peer_worker.js", import.meta.url), {
      workerData: { done: this.done, port: port2 },
      transferList: [port2],
    });
  }

  /** Queues a peer's steps; returns the job's number. */
  start(steps, results, env) {
    const job = ++this.jobs;
    this.worker.postMessage({ job, steps, results, env });
    return job;
  }

  /** Job `job`'s report, {mismatches: text | null}, once the worker has finished it, else null. */
  report(job) {
    if (Atomics.load(this.done, 0) < job) return null;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      if (m.message.job === job) return m.message;
    }
    return null;
  }

  /** Waits (blocking the thread) until job `job` is done or `deadline` (ms) has passed. */
  waitSync(job, deadline) {
    for (let seen = Atomics.load(this.done, 0); seen < job && Date.now() < deadline; seen = Atomics.load(this.done, 0)) {
      Atomics.wait(this.done, 0, seen, deadline - Date.now());
    }
  }

  async wait(job, deadline) {
    for (let seen = Atomics.load(this.done, 0); seen < job && Date.now() < deadline; seen = Atomics.load(this.done, 0)) {
      const w = Atomics.waitAsync(this.done, 0, seen, deadline - Date.now());
      if (w.async) await w.value;
    }
  }

  async terminate() {
    this.port.close();
    await this.worker.terminate();
  }
}

/** Peer threads for one test suite: one is reused while its peers finish; a stuck one is dropped. */
export class PeerPool {
  thread = null;
  dropped = [];

  acquire() {
    this.thread ??= new PeerThread();
    return this.thread;
  }

  /** A peer that did not finish may hold its thread blocked: later cases get a new one. */
  drop(thread) {
    if (this.thread !== thread) return;
    this.dropped.push(thread);
    this.thread = null;
  }

  async close() {
    const all = [...this.dropped, ...(this.thread ? [this.thread] : [])];
    this.thread = null;
    this.dropped = [];
    await Promise.all(all.map((t) => t.terminate()));
  }
}

/**
 * The harness calls start_peer, join_peer and join_peer_sync for one case's peer ({steps, results}), and
 * `settle()`, to call once the case has run: it drops the peer's thread unless join_peer saw
 * the peer finish.
 */
export function peerHarness(pool, peer, { blocking }) {
  let thread = null;
  let job = 0;
  let joined = false;
  const outcome = () => {
    const report = thread.report(job);
    if (report === null) throw new Error(`the peer did not finish within ${JOIN_LIMIT_MS} ms`);
    joined = true;
    if (report.mismatches) throw new Error(`the peer differs from CPython:\n${report.mismatches}`);
    return null;
  };
  return {
    start_peer(...pairs) {
      if (!peer || thread) throw new Error("start_peer without a peer, or twice");
      thread = pool.acquire();
      const env = [];
      for (let i = 0; i < pairs.length; i += 2) env.push([pairs[i], pairs[i + 1]]);
      job = thread.start(peer.steps, peer.results, env);
      return null;
    },
    join_peer() {
      if (!thread) throw new Error("join_peer before start_peer");
      const deadline = Date.now() + JOIN_LIMIT_MS;
      if (blocking) {
        thread.waitSync(job, deadline);
        return outcome();
      }
      return thread.wait(job, deadline).then(outcome);
    },
    join_peer_sync() {
      if (!thread) throw new Error("join_peer_sync before start_peer");
      thread.waitSync(job, Date.now() + JOIN_LIMIT_MS);
      return outcome();
    },
    settle() {
      if (thread && !joined) pool.drop(thread);
    },
  };
}
