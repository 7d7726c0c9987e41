#!/usr/bin/env python3
"""Writes test/rules/pairing.json (a loopback TCP connection with both ends in the program, which
the Node host pairs so that bytes, FIN and resets reach the peer within the call, as Linux's
loopback delivers them) and records CPython's answers into test/fixtures/scenarios_pairing.json.

    python3 scripts/record_pairing.py

The addresses each end reports (accept's, getpeername, getsockname) come from where the Node host
learns them (host/node.ts register, learnPeer); the non-blocking recv after the peer's close
shows whether the two ends were paired (Linux: b'' at once; unpaired, Node's FIN comes later).
"""
import json
import os

import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def call(on, name, *args, store=None):
    step = {"on": on, "call": name, "args": list(args)}
    if store:
        step["store"] = store
    return step


def addr(host, port_ref):
    return {"tuple": [{"str": host}, {"ref": port_ref}]}


def connected(host, family="AF_INET", listen_on="127.0.0.1"):
    """A listener `s` on `listen_on`, a client `c` connected to it through `host`, and the
    accepted end `a` (accept's address in `aa`)."""
    sock = {"call": "socket", "args": [{"const": family}, {"const": "SOCK_STREAM"}]}
    name = ["sh", "sp"] if family == "AF_INET" else ["sh", "sp", "sf", "ss"]
    return [
        dict(sock, store="s"),
        call("s", "bind", {"tuple": [{"str": listen_on}, {"int": "0"}]}),
        call("s", "listen"),
        call("s", "getsockname", store=name),
        dict(sock, store="c"),
        call("c", "connect", addr(host, "sp")),
        call("s", "accept", store=["a", "aa"]),
        call("c", "getpeername"),
        call("c", "getsockname"),
        call("a", "getpeername"),
        call("a", "getsockname"),
    ]


def paired_then_closed():
    """Bytes both ways, then the client's close: the accepted end reads them and then b'' with
    no wait, as it would on Linux."""
    return [
        call("c", "sendall", {"bytes": b"ping".hex()}),
        call("a", "setblocking", {"bool": False}),
        call("a", "recv", {"int": "10"}),
        call("a", "sendall", {"bytes": b"pong".hex()}),
        call("c", "recv", {"int": "10"}),
        call("c", "close"),
        call("a", "recv", {"int": "10"}),
        call("a", "getpeername"),
        call("a", "getsockname"),
        call("a", "close"),
        call("s", "close"),
    ]


SCENARIOS = [
    ("pairing_loopback_addresses", connected("127.0.0.1") + paired_then_closed()),
    # Linux connects a wildcard destination to loopback: the peer is 127.0.0.1.
    ("pairing_wildcard_connect", connected("0.0.0.0") + paired_then_closed()),
    # IPv6 loopback, which Node spells "::1" and getsockaddrarg's text may spell in full.
    ("pairing_ipv6_loopback", connected("::1", "AF_INET6", "::1") + paired_then_closed()),
]


def main():
    with open(os.path.join(ROOT, "test", "rules", "pairing.json"), "w") as out:
        json.dump({"about": (
            "A loopback TCP connection with both ends in the program (the Node host's same-process "
            "pairing): scenarios built by scripts/record_pairing.py, which records CPython's "
            "answers into test/fixtures/scenarios_pairing.json."),
            "scenarios": [{"name": n, "steps": s} for n, s in SCENARIOS]}, out, indent=1)
        out.write("\n")
    record_scenarios.record("pairing", folder="rules")


if __name__ == "__main__":
    main()
