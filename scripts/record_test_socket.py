#!/usr/bin/env python3
"""Records CPython's answers to the cases of its own Lib/test/test_socket.py, for what pysocket has.

    python3 scripts/record_test_socket.py

The cases (scripts/test_socket_cases_module.py and scripts/test_socket_cases_io.py, built with
scripts/test_socket_steps.py) take test_socket.py's inputs and checks (not its code) and restate
them as scenarios in test/helpers/scenario.js's format; this script runs each on CPython and
writes the steps with every answer to test/fixtures/test_socket_cases.json, which
test/test_socket_cases.test.js replays on both facades. docs/TEST_SOCKET_COVERAGE.md maps every
test class and method of test_socket.py to its case here (or says why none applies).

A case is {"id": "Class.method[variant]", "steps", "results"} plus, where the original has a
client thread, {"peer": {"steps", "results"}}: steps run concurrently by a peer thread (in JS, a
worker_thread running pysocket/sync). Nine module-level calls are the harness's, not socket's:
  value(x)               returns x (to record a module constant)
  issubclass(a, b), same(a, b)   Python's issubclass(a, b) and `a is b` (JS: a === b or
                         a.prototype instanceof b; a === b), for the module's classes
  write_until_full(f, data, n)  testWriteNonBlocking's loop (see write_until_full() below)
  readable(s, timeout)   the original's `s in select.select([s], [], [], timeout)[0]`
  start_peer(name, v...) starts the peer; its env holds the name/value pairs given
  peer_arg(name)         (peer only) the value start_peer passed under that name
  join_peer()            waits until the peer's steps have run and its sockets are closed
  join_peer_sync()       the same, blocking the thread even on the Promise facade: no turn of
                         the event loop runs between the peer's last step and the next step
KW(...) as the last argument of a step builder gives the step its "kwargs". A step with "expect"
records the shape of an answer that varies between runs (see shape()). Unix socket paths are
relative: both sides run in a fresh temporary directory.
Every case is run twice and must answer the same both times.
"""
import builtins
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading

import pyvalue
import record_scenarios as rs
# Importing the case modules registers their cases, in this order.
import test_socket_cases_module  # noqa: F401
import test_socket_cases_io  # noqa: F401
from test_socket_steps import CASES, HARNESS

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "test_socket_cases.json")
STEP_LIMIT = 10


# --- running the cases ---------------------------------------------------------------------------

class HarnessError(Exception):
    pass


def tag(v):
    """As record_scenarios.tag_socket, and a list is a JS array, as a tuple is."""
    if isinstance(v, list):
        return {"tuple": [pyvalue.encode(x, tag=tag) for x in v]}
    return rs.tag_socket(v)


def shape(expect, res):
    """The recorded result of a step whose answer varies: {"regex": r} for a str or bytes (read
    as latin-1) that r matches."""
    if expect is None:
        return res
    v = res.get("result", {})
    if "regex" in expect:
        text = v.get("str", bytes.fromhex(v.get("bytes", "")).decode("latin-1"))
        if ("str" in v or "bytes" in v) and re.search(expect["regex"], text):
            return {"result": expect}
    raise HarnessError("%r does not have the shape %r" % (res, expect))


def write_until_full(f, data, limit):
    """testWriteNonBlocking's loop and checks: the first f.write(data) takes some bytes, and so
    does each next one until one returns None (the buffer is full) or limit writes have run (the
    original then skips: "failed to saturate the socket buffer"). True when that holds."""
    if not f.write(data):
        return False
    for _ in range(limit):
        n = f.write(data)
        if n is None:
            return True
        if not n:
            return False
    return True


class Runner:
    """Runs one step list (the main's or the peer's) as record_scenarios.run_scenario does."""

    def __init__(self, steps, env, peer=None):
        self.steps = steps
        self.env = env
        self.peer = peer
        self.opened = []
        self.norm = rs.Normalizer()
        self.thread = None
        self.peer_results = None

    def prepare(self, step):
        if "call" in step and "on" not in step and step["call"] in HARNESS:
            # A harness call's constant may be a builtin class (OSError), which JS exports too.
            args = [getattr(builtins, a["const"])
                    if "const" in a and not hasattr(socket, a["const"]) else rs.decode(a, self.env)
                    for a in step.get("args", [])]
            return lambda: self.harness(step["call"], args)
        return rs.prepare(step, self.env)

    def harness(self, name, args):
        if name == "value":
            return args[0]
        if name == "issubclass":
            return issubclass(args[0], args[1])
        if name == "same":
            return args[0] is args[1]
        if name == "write_until_full":
            return write_until_full(*args)
        if name == "readable":
            return args[0] in select.select([args[0]], [], [], args[1])[0]
        if name == "peer_arg":
            return self.env["peer:" + args[0]]
        if name == "start_peer":
            if self.peer is None or self.thread is not None:
                raise HarnessError("start_peer without a peer, or twice")
            env = {"peer:" + k: v for k, v in zip(args[::2], args[1::2])}
            runner = Runner(self.peer["steps"], env)
            self.thread = threading.Thread(target=lambda: setattr(self, "peer_results",
                                                                  runner.run()))
            self.thread.start()
            return None
        if name in ("join_peer", "join_peer_sync"):
            self.thread.join(STEP_LIMIT)
            if self.thread.is_alive():
                raise HarnessError("the peer did not finish")
            if self.peer_results is None:
                raise HarnessError("the peer failed")
            return None
        raise HarnessError(name)

    def outcome(self, step):
        fn = self.prepare(step)
        try:
            value = fn()
        except (rs.StepHung, HarnessError):
            raise
        except Exception as e:
            return {"error": pyvalue.error(e, tag=tag)}, None
        return {"result": pyvalue.encode(value, tag=tag)}, value

    def run(self):
        results = []
        try:
            for step in self.steps:
                res, value = self.outcome(step)
                self.opened.extend(rs.sockets_in(value))
                store = step.get("store")
                if isinstance(store, str) and "result" in res:
                    self.env[store] = value
                elif isinstance(store, list) and "result" in res:
                    self.env.update(zip(store, value))
                res = shape(step.get("expect"), res)
                results.append(self.norm.result(step, res))
        finally:
            for s in self.opened:
                try:
                    s.close()
                except OSError:
                    pass
        return results


def run_case(c):
    runner = Runner(c["steps"], {}, c.get("peer"))
    signal.alarm(STEP_LIMIT * len(c["steps"]))
    try:
        results = runner.run()
    except rs.StepHung:
        sys.exit("%s: blocked" % c["id"])
    except HarnessError as e:
        sys.exit("%s: %s" % (c["id"], e))
    finally:
        signal.alarm(0)
        socket.setdefaulttimeout(None)
    out = {"results": results}
    if "peer" in c:
        out["peer_results"] = runner.peer_results
    return out


def main():
    signal.signal(signal.SIGALRM, rs.on_alarm)
    only = sys.argv[1:]
    cases = [c for c in CASES if not only or any(o in c["id"] for o in only)]
    cwd = os.getcwd()
    recorded = []
    for attempt in range(2):
        tmp = tempfile.mkdtemp(prefix="pysocket-test-socket-")
        os.chdir(tmp)
        try:
            recorded.append([run_case(c) for c in cases])
        finally:
            os.chdir(cwd)
            shutil.rmtree(tmp)
    flaky = [c["id"] for c, a, b in zip(cases, *recorded) if a != b]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    if only:
        for c, r in zip(cases, recorded[0]):
            print(json.dumps({"id": c["id"], **r}))
        return
    head = {"recorded_by": "scripts/record_test_socket.py", "python": sys.version.split()[0],
            "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
            "source": "CPython %s Lib/test/test_socket.py" % sys.version.split()[0]}
    with open(OUT, "w") as f:
        f.write(json.dumps(head)[:-1] + ',\n"cases": [\n')
        for i, (c, r) in enumerate(zip(cases, recorded[0])):
            f.write('{"id": %s,\n "steps": [\n' % json.dumps(c["id"]))
            f.write(",\n".join("  " + json.dumps(s) for s in c["steps"]))
            f.write('\n ],\n "results": [\n')
            f.write(",\n".join("  " + json.dumps(x, sort_keys=True) for x in r["results"]))
            f.write("\n ]")
            if "peer" in c:
                f.write(',\n "peer": {"steps": [\n')
                f.write(",\n".join("  " + json.dumps(s) for s in c["peer"]["steps"]))
                f.write('\n ], "results": [\n')
                f.write(",\n".join("  " + json.dumps(x, sort_keys=True)
                                   for x in r["peer_results"]))
                f.write("\n ]}")
            f.write("}%s\n" % ("," if i < len(cases) - 1 else ""))
        f.write("]}\n")
    print("%s: %d cases" % (os.path.relpath(OUT, os.getcwd()), len(cases)))


if __name__ == "__main__":
    main()
