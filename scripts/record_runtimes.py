#!/usr/bin/env python3
"""Records the exceptions that test/package_workerd.test.js and test/package_runtimes.test.js
expect from pysocket in a Worker and in Deno without --allow-net.

    python3 scripts/record_runtimes.py

Writes test/fixtures/runtimes.json:
  refused      CPython's create_connection(("127.0.0.1", port)) and socket().connect() to a
               loopback port that nobody listens on
  unsupported  what CPython raises for the errno a Worker's socket gives where Workers have no
               such socket: bind and listen (EOPNOTSUPP), SOCK_DGRAM (ESOCKTNOSUPPORT) and
               AF_UNIX (EAFNOSUPPORT), as PyErr_SetFromErrno builds it
  denied       what CPython raises for EACCES, the errno Deno's refusal of network access gives,
               as PyErr_SetFromErrno builds it
"""
import errno
import os
import socket

import pyvalue

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "runtimes.json")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(port):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
    finally:
        s.close()


def main():
    port = closed_port()
    refused = {
        "create_connection": pyvalue.outcome(lambda: socket.create_connection(("127.0.0.1", port))),
        "connect": pyvalue.outcome(lambda: connect(port)),
    }
    unsupported = {}
    for name, n in [("bind", errno.EOPNOTSUPP), ("listen", errno.EOPNOTSUPP),
                    ("dgram", errno.ESOCKTNOSUPPORT), ("unix", errno.EAFNOSUPPORT)]:
        unsupported[name] = {"error": pyvalue.error(OSError(n, os.strerror(n)))}
    denied = {"error": pyvalue.error(OSError(errno.EACCES, os.strerror(errno.EACCES)))}
    pyvalue.write_fixtures(OUT, {"refused": refused, "unsupported": unsupported, "denied": denied})


if __name__ == "__main__":
    main()
