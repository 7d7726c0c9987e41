#!/usr/bin/env python3
"""Runs the socket scenarios of test/scenarios/ on CPython and records every step's answer.

    python3 scripts/record_scenarios.py [NAME ...]      (default: every file of test/scenarios/)

Reads test/scenarios/NAME.json and writes test/fixtures/scenarios_NAME.json, which
test/helpers/scenario.js compares pysocket against. The format of both is described in
test/helpers/scenario.js. Scenarios are sequential and use loopback only, so no threads are
needed: a TCP connect to a listening socket completes through the backlog before accept().
A step that blocks for more than STEP_LIMIT seconds aborts the recording, and so does a scenario
whose answers differ between two runs: such a scenario is wrong. Steps marked "unprivileged" are
run as uid nobody when the recorder is root, to record what an ordinary user gets.
"""
import hashlib
import io
import json
import os
import platform
import pwd
import re
import signal
import socket
import sys

import pyvalue

STEP_LIMIT = 5
RECV_CHUNK = 65536
# Calls whose int result is a file descriptor.
FD_RESULTS = {"fileno", "detach"}
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


class StepHung(Exception):
    pass


def pattern(length, seed):
    """Deterministic bytes: SHA-256 in counter mode, as the JS runner builds them."""
    out = bytearray()
    i = 0
    while len(out) < length:
        out += hashlib.sha256(b"pysocket:%d:%d" % (seed, i)).digest()
        i += 1
    return bytes(out[:length])


def decode(v, env):
    """A tagged argument to the Python value it stands for."""
    return pyvalue.decode(v, {"ref": lambda name: env[name],
                              "const": lambda name: getattr(socket, name),
                              "pattern": lambda p: pattern(p["len"], p["seed"])})


def tag_socket(v):
    """A socket result as an object, a makefile() file as a file, a list as a tuple. scripts/pyvalue.py tags the
    rest, not strictly: an integral float such as gettimeout()'s 3.0 stays a float, which JS reads
    as 3, rightly."""
    if isinstance(v, socket.socket):
        return {"object": "socket"}
    if isinstance(v, list):
        # recvmsg's ancillary data: a list is an array in JS, as a tuple is.
        return {"tuple": [pyvalue.encode(x, tag=tag_socket) for x in v]}
    return {"object": "file"} if isinstance(v, (io.IOBase, socket.SocketIO)) else None


def sockets_in(v):
    if isinstance(v, (socket.socket, io.IOBase)):
        yield v
    elif isinstance(v, tuple):
        for e in v:
            yield from sockets_in(e)


def recv_exactly(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(min(RECV_CHUNK, n - len(data)))
        if not chunk:
            break
        data += chunk
    return (len(data), hashlib.sha256(data).hexdigest())


def prepare(step, env):
    """The call a step makes, as a function of no arguments. A step that cannot even be built
    (an unknown name or tag) is a mistake in the scenario, not an answer to record."""
    args = [decode(a, env) for a in step.get("args", [])]
    kwargs = {k: decode(v, env) for k, v in step.get("kwargs", {}).items()}
    if "call" in step:
        target = env[step["on"]] if "on" in step else socket
        fn = getattr(target, step["call"])
        return lambda: fn(*args, **kwargs)
    if "get" in step:
        target = env[step["on"]]
        return lambda: getattr(target, step["get"])
    ops = {
        "repr": lambda: repr(env[step["on"]]),
        "recv_exactly": lambda: recv_exactly(env[step["on"]], *args),
        "bytearray": lambda: bytearray(*args),
        "bytes": lambda: bytes(*args),
        "str": lambda: str(*args),
    }
    return ops[step["op"]]


def outcome(step, env):
    """({"result": tagged} or {"error": {...}}, the raw value for storing)."""
    call = prepare(step, env)
    try:
        value = call()
    except StepHung:
        raise
    except Exception as e:
        return {"error": pyvalue.error(e, tag=tag_socket)}, None
    return {"result": pyvalue.encode(value, tag=tag_socket)}, value


def outcome_unprivileged(step):
    """What a user without CAP_NET_RAW and friends gets: as root, the step runs in a forked
    child that has dropped to uid/gid nobody (a fork, since nobody may not exec this python)."""
    if os.geteuid() != 0:
        return outcome(step, {})[0]
    nobody = pwd.getpwnam("nobody")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os.write(w, json.dumps(outcome(step, {})[0]).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        answer = f.read()
    os.waitpid(pid, 0)
    return json.loads(answer)


class Normalizer:
    """Replaces what differs between runs (fds, ephemeral ports) by numbered placeholders,
    numbered in order of first appearance, so equal values stay equal within a scenario."""

    def __init__(self):
        self.fds = {}
        self.ports = {}

    def fd(self, n):
        return self.fds.setdefault(n, len(self.fds) + 1)

    def port(self, n):
        return self.ports.setdefault(n, len(self.ports) + 1)

    def value(self, v):
        if "tuple" in v:
            items = [self.value(e) for e in v["tuple"]]
            if (len(items) in (2, 4) and "str" in items[0] and "int" in items[1]
                    and items[1]["int"] != "0"):
                items[1] = {"port": self.port(int(items[1]["int"]))}
            return {"tuple": items}
        if "str" in v:
            return {"str": self.text(v["str"])}
        return v

    def text(self, s):
        if s.isdigit() and int(s) in self.ports:
            return "<port %d>" % self.port(int(s))
        s = re.sub(r"\b(fd|name)=(\d+)", lambda m: "%s=<fd %d>" % (m.group(1), self.fd(int(m.group(2)))), s)
        s = re.sub(r" at 0x[0-9a-f]+>", " at <address>>", s)
        return re.sub(r"(\('[^']*', )(\d+)(?=[,)])",
                      lambda m: m.group(1) + (m.group(2) if m.group(2) == "0"
                                              else "<port %d>" % self.port(int(m.group(2)))), s)

    def result(self, step, res):
        if "result" not in res:
            return res
        v = res["result"]
        if step.get("call") in FD_RESULTS and "int" in v and int(v["int"]) >= 0:
            return {"result": {"fd": self.fd(int(v["int"]))}}
        return {"result": self.value(v)}


def on_alarm(signum, frame):
    raise StepHung()


def run_scenario(scenario):
    env = {}
    opened = []
    norm = Normalizer()
    results = []
    try:
        for i, step in enumerate(scenario["steps"]):
            if step.get("unprivileged"):
                if "store" in step or "on" in step or "ref" in json.dumps(step.get("args", [])):
                    sys.exit("%s: step %d: an unprivileged step runs alone, without stored values"
                             % (scenario["name"], i))
                res, value = outcome_unprivileged(step), None
            else:
                signal.alarm(STEP_LIMIT)
                try:
                    res, value = outcome(step, env)
                except StepHung:
                    sys.exit("%s: step %d %s blocked for %d s" % (
                        scenario["name"], i, json.dumps(step), STEP_LIMIT))
                finally:
                    signal.alarm(0)
            opened.extend(sockets_in(value))
            store = step.get("store")
            if isinstance(store, str) and "result" in res:
                env[store] = value
            elif isinstance(store, list) and "result" in res:
                env.update(zip(store, value))
            results.append(norm.result(step, res))
    finally:
        for s in opened:
            s.close()
        socket.setdefaulttimeout(None)
    return {"name": scenario["name"], "results": results}


def record(name, folder="scenarios", ops=None):
    """Records test/FOLDER/NAME.json into test/fixtures/scenarios_NAME.json; `ops`, a recorder's
    own prepare(step, env), runs the steps in place of this module's."""
    global prepare
    if ops is not None:
        prepare = ops
    signal.signal(signal.SIGALRM, on_alarm)
    with open(os.path.join(ROOT, "test", folder, name + ".json")) as f:
        scenarios = json.load(f)["scenarios"]
    names = [s["name"] for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        sys.exit("duplicate scenario names: %s" % ", ".join(dupes))
    head = {
        "recorded_by": "scripts/record_scenarios.py",
        "python": sys.version.split()[0],
        "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
    }
    recorded = [run_scenario(s) for s in scenarios]
    # A scenario whose answers depend on timing would make the tests flaky: refuse it.
    again = [run_scenario(s) for s in scenarios]
    flaky = [a["name"] for a, b in zip(recorded, again) if a != b]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    os.makedirs(os.path.join(ROOT, "test", "fixtures"), exist_ok=True)
    path = os.path.join(ROOT, "test", "fixtures", "scenarios_%s.json" % name)
    # One line per step, so that a change of behaviour shows as a one-line diff.
    with open(path, "w") as f:
        f.write(json.dumps(head)[:-1] + ',\n"scenarios": [\n')
        for i, s in enumerate(recorded):
            f.write('{"name": %s, "results": [\n' % json.dumps(s["name"]))
            f.write(",\n".join("  " + json.dumps(r, sort_keys=True) for r in s["results"]))
            f.write("\n]}%s\n" % ("," if i < len(recorded) - 1 else ""))
        f.write("]}\n")
    print("%s: %d scenarios" % (os.path.relpath(path, ROOT), len(scenarios)))


def main():
    every = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "test", "scenarios")) if f.endswith(".json"))
    for name in sys.argv[1:] or every:
        record(name)


if __name__ == "__main__":
    main()
