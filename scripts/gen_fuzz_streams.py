#!/usr/bin/env python3
"""Writes test/scenarios/edges_fuzz_streams.json: seeded random traffic between the two ends of
one connection (TCP over IPv4 or IPv6 loopback, an AF_UNIX socketpair, a pair of connected UDP
sockets): sends, reads with flags, shutdowns, closes (with SO_LINGER {1, 0} at times), SO_ERROR
and getpeername, in any order, for CPython to answer and pysocket to match.

    python3 scripts/gen_fuzz_streams.py [SEED [COUNT]]
    python3 scripts/record_scenarios.py edges_fuzz_streams

The same seed writes the same file. Both ends are non-blocking, or have a 20 ms timeout, so no
call waits long; sends are small (at most 1,000 bytes), well within every send buffer, whose
sizes differ (README, "Send buffers").
"""
import json
import os
import random
import sys

from pyvalue import B, C, I, T

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "scenarios", "edges_fuzz_streams.json")

KINDS = ["tcp4", "tcp6", "unix", "udp4", "udp6"]
SIZES = [0, 1, 5, 100, 1000]
READS = [0, 1, 3, 100, 4096]
FLAGS = ["MSG_PEEK", "MSG_DONTWAIT", "MSG_WAITALL"]
LINGER_ZERO = B(bytes([1, 0, 0, 0, 0, 0, 0, 0]))


def data(r):
    n = r.choice(SIZES)
    start = r.randrange(256)
    return B(bytes((start + k) % 256 for k in range(n)))


def setup(r, kind):
    """Steps that make ends "a" and "b" of one connection, and a buffer "buf"."""
    steps = [{"op": "bytearray", "args": [I(r.choice([1, 8, 100]))], "store": "buf"}]
    if kind == "unix":
        steps.append({"call": "socketpair", "store": ["a", "b"]})
    elif kind.startswith("tcp"):
        fam, host = ("AF_INET", "127.0.0.1") if kind == "tcp4" else ("AF_INET6", "::1")
        steps += [{"call": "socket", "args": [C(fam)], "store": "srv"},
                  {"on": "srv", "call": "bind", "args": [T({"str": host}, I(0))]},
                  {"on": "srv", "call": "listen"},
                  {"on": "srv", "call": "getsockname", "store": "addr"},
                  {"call": "socket", "args": [C(fam)], "store": "a"},
                  {"on": "a", "call": "connect", "args": [{"ref": "addr"}]},
                  {"on": "srv", "call": "accept", "store": ["b", "baddr"]},
                  {"on": "srv", "call": "close"}]
        # Nagle's algorithm would hold a small send back until the peer's delayed ACK, which
        # its FIN may carry: when bytes arrive would then depend on TCP's timers, not the calls.
        steps += [{"on": end, "call": "setsockopt", "args": [C("IPPROTO_TCP"), C("TCP_NODELAY"), I(1)]} for end in ("a", "b")]
    else:
        fam, host = ("AF_INET", "127.0.0.1") if kind == "udp4" else ("AF_INET6", "::1")
        for end in ("a", "b"):
            steps += [{"call": "socket", "args": [C(fam), C("SOCK_DGRAM")], "store": end},
                      {"on": end, "call": "bind", "args": [T({"str": host}, I(0))]},
                      {"on": end, "call": "getsockname", "store": end + "addr"}]
        steps += [{"on": "a", "call": "connect", "args": [{"ref": "baddr"}]},
                  {"on": "b", "call": "connect", "args": [{"ref": "aaddr"}]}]
    for end in ("a", "b"):
        if r.random() < 0.75:
            steps.append({"on": end, "call": "setblocking", "args": [{"bool": False}]})
        else:
            steps.append({"on": end, "call": "settimeout", "args": [{"float": 0.02}]})
    return steps


def op(r, kind):
    end = r.choice("ab")
    stream = kind in ("tcp4", "tcp6", "unix")
    choices = ["send"] * 4 + ["recv"] * 4 + ["recv_into", "sendall", "shutdown", "close", "so_error", "getpeername"]
    if stream:
        choices += ["linger"]
    what = r.choice(choices)
    if what == "send":
        args = [data(r)] + ([C(r.choice(["MSG_DONTWAIT"]))] if r.random() < 0.2 else [])
        return {"on": end, "call": "send", "args": args}
    if what == "sendall":
        return {"on": end, "call": "sendall", "args": [data(r)]}
    if what == "recv":
        args = [I(r.choice(READS))] + ([C(r.choice(FLAGS))] if r.random() < 0.4 else [])
        return {"on": end, "call": r.choice(["recv", "recv", "recvfrom"]), "args": args}
    if what == "recv_into":
        return {"on": end, "call": "recv_into", "args": [{"ref": "buf"}]}
    if what == "shutdown":
        return {"on": end, "call": "shutdown", "args": [C(r.choice(["SHUT_RD", "SHUT_WR", "SHUT_RDWR"]))]}
    if what == "close":
        return {"on": end, "call": "close"}
    if what == "so_error":
        return {"on": end, "call": "getsockopt", "args": [C("SOL_SOCKET"), C("SO_ERROR")]}
    if what == "getpeername":
        return {"on": end, "call": "getpeername"}
    return {"on": end, "call": "setsockopt", "args": [C("SOL_SOCKET"), C("SO_LINGER"), LINGER_ZERO]}


def scenario(r, i):
    kind = r.choice(KINDS)
    steps = setup(r, kind) + [op(r, kind) for _ in range(r.randint(6, 14))]
    return {"name": "stream_%03d_%s" % (i, kind), "steps": steps}


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    r = random.Random(seed)
    about = "Written by scripts/gen_fuzz_streams.py %d %d: do not edit by hand." % (seed, count)
    with open(OUT, "w") as f:
        f.write('{"about": %s,\n"scenarios": [\n' % json.dumps(about))
        f.write(",\n".join(json.dumps(scenario(r, i)) for i in range(count)))
        f.write("\n]}\n")
    print("%s: %d scenarios" % (os.path.relpath(OUT), count))


if __name__ == "__main__":
    main()
