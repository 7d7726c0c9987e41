#!/usr/bin/env python3
"""Records CPython's answers for test/udp_local/udp_local.json (datagrams between a program's own
UDP sockets, which pysocket delivers within the send) into test/fixtures/scenarios_udp_local.json.

    python3 scripts/record_udp_local.py

The scenarios of scripts/record_scenarios.py, with ops (the JS runner, test/udp_local.test.js,
implements the same):
  {"op": "udp_peer", "args": [addr, n], "store": name}
                                          scripts/udp_local_peer.py sends n datagrams b"peer <i>"
                                          to addr from another process; the result is its address
  {"op": "drain", "on": s}                recvfrom on s, made non-blocking, until BlockingIOError:
                                          the (text, source) pairs, sorted by text
  {"op": "readable", "on": s, "args": [t]}
                                          len(select.select([s], [], [], t)[0])
  {"op": "poll_in", "on": s}              the revents select.poll() reports for POLLIN at once
  {"op": "recvmsg", "on": s, "args": [n, flags]}
                                          s.recvmsg(n, 0, flags) without its (empty) ancillary
                                          list: (data, msg_flags, address)
"""
import os
import select
import subprocess
import sys

import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "udp_local_peer.py")


def udp_peer(addr, n):
    out = subprocess.run([sys.executable, PEER, addr[0], str(addr[1]), str(n)],
                         check=True, capture_output=True, text=True, timeout=5).stdout
    return ("::1" if ":" in addr[0] else "127.0.0.1", int(out.split()[0]))


def drain(s):
    s.setblocking(False)
    got = []
    while True:
        try:
            data, addr = s.recvfrom(65536)
        except BlockingIOError:
            return tuple(sorted((data.decode(), addr) for data, addr in got))
        got.append((data, addr))


def poll_in(s):
    p = select.poll()
    p.register(s, select.POLLIN)
    r = p.poll(0)
    return r[0][1] if r else 0


plain_prepare = record_scenarios.prepare


def prepare(step, env):
    op = step.get("op")
    args = [record_scenarios.decode(a, env) for a in step.get("args", [])]
    if op == "udp_peer":
        return lambda: udp_peer(*args)
    if op == "drain":
        return lambda: drain(env[step["on"]])
    if op == "readable":
        return lambda: len(select.select([env[step["on"]]], [], [], *args)[0])
    if op == "recvmsg":
        return lambda: (lambda r: (r[0], r[2], r[3]))(env[step["on"]].recvmsg(args[0], 0, args[1]))
    if op == "poll_in":
        return lambda: poll_in(env[step["on"]])
    return plain_prepare(step, env)


def main():
    record_scenarios.record("udp_local", folder="udp_local", ops=prepare)


if __name__ == "__main__":
    main()
