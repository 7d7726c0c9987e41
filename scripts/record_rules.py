#!/usr/bin/env python3
"""Records CPython's answers for test/scenarios/rules.json into test/fixtures/scenarios_rules.json.

    python3 scripts/record_rules.py

The scenarios of scripts/record_scenarios.py, with ops for what they cannot say alone (the JS
runner, test/helpers/rules_ops.js, implements the same ops):
  {"op": "peer", "args": [role], "store": name}   starts scripts/rules_peer.py ROLE in another
                                                  process; the result is its ("127.0.0.1", port)
  {"op": "peer_done", "args": [name]}             waits for that peer to exit; its last line
  {"op": "connect_ex_settled", "on": s, "args": [addr]}
                                                  connect_ex until it stops answering EALREADY
  {"op": "chdir_tmp"} / {"op": "chdir_back"}      into a fresh temporary directory, and back
  {"op": "unix_name_shape", "on": s}              (type name, length, first byte) of
                                                  getsockname(), for names that differ per run
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "rules_peer.py")
peers = {}
cwd = []


def start_peer(role, name):
    p = subprocess.Popen([sys.executable, PEER, role], stdout=subprocess.PIPE, text=True)
    peers[name] = p
    return ("127.0.0.1", int(p.stdout.readline()))


def peer_done(name):
    out, _ = peers.pop(name).communicate(timeout=5)
    return out.strip().splitlines()[-1]


def connect_ex_settled(s, addr):
    while True:
        r = s.connect_ex(addr)
        if r != 114:
            return r
        time.sleep(0.01)


def chdir_tmp():
    cwd.append((os.getcwd(), tempfile.mkdtemp(prefix="pysocket-rules-")))
    os.chdir(cwd[-1][1])


def chdir_back():
    back, tmp = cwd.pop()
    os.chdir(back)
    shutil.rmtree(tmp)


def unix_name_shape(s):
    name = s.getsockname()
    return (type(name).__name__, len(name), name[0] if isinstance(name, bytes) else ord(name[0]))


plain_prepare = record_scenarios.prepare


def prepare(step, env):
    op = step.get("op")
    args = [record_scenarios.decode(a, env) for a in step.get("args", [])]
    if op == "peer":
        return lambda: start_peer(args[0], step["store"])
    if op == "peer_done":
        return lambda: peer_done(args[0])
    if op == "connect_ex_settled":
        return lambda: connect_ex_settled(env[step["on"]], *args)
    if op == "chdir_tmp":
        return chdir_tmp
    if op == "chdir_back":
        return chdir_back
    if op == "unix_name_shape":
        return lambda: unix_name_shape(env[step["on"]])
    return plain_prepare(step, env)


def main():
    record_scenarios.prepare = prepare
    signal.signal(signal.SIGALRM, record_scenarios.on_alarm)
    record_scenarios.record("rules")


if __name__ == "__main__":
    main()
