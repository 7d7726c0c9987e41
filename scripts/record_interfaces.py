#!/usr/bin/env python3
"""Records CPython's if_nameindex, if_nametoindex and if_indextoname for test/interfaces.test.js
(with the cases of Lib/test/test_socket.py's testInterfaceNameIndex,
testInvalidInterfaceIndexToName and testInvalidInterfaceNameToIndex): answers that hold on any
Linux machine (the loopback interface is "lo", index 1; no interface
has index 0 or the name "pysocket0"), and the argument errors. The test compares the full
if_nameindex() with a live python3's, since the list is the machine's own.

    python3 scripts/record_interfaces.py

Writes test/fixtures/interfaces.json: "cases", each {"call", "args", "result" | "error"}, the
arguments tagged as scripts/pyvalue.py tags them.
"""
import os
import socket
import sys

from pyvalue import encode, outcome, write_fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "interfaces.json")

CASES = [
    ("if_nametoindex", ["lo"]),
    ("if_nametoindex", [b"lo"]),
    ("if_nametoindex", ["pysocket0"]),
    ("if_nametoindex", ["_DEADBEEF"]),
    ("if_nametoindex", [0]),
    ("if_nametoindex", [""]),
    ("if_nametoindex", ["lo\0"]),
    ("if_nametoindex", ["x" * 100]),
    ("if_nametoindex", [1]),
    ("if_nametoindex", [None]),
    ("if_nametoindex", []),
    ("if_nametoindex", ["lo", "lo"]),
    ("if_indextoname", [1]),
    ("if_indextoname", [True]),
    ("if_indextoname", [0]),
    ("if_indextoname", [-1]),
    ("if_indextoname", [2**31]),
    ("if_indextoname", [2**32]),
    ("if_indextoname", [2**32 + 1]),
    ("if_indextoname", [2**64]),
    ("if_indextoname", ["1"]),
    ("if_indextoname", ["_DEADBEEF"]),
    ("if_indextoname", [1.5]),
    ("if_indextoname", [None]),
    ("if_indextoname", []),
    ("if_indextoname", [1, 2]),
    ("if_nameindex", [1]),
]


def first_of_nameindex():
    """if_nameindex()'s first entry, and whether every entry is an (int, str) tuple."""
    names = socket.if_nameindex()
    return names[0], all(isinstance(i, int) and isinstance(n, str) for i, n in names)


def main():
    cases = [dict(call=name, args=[encode(a) for a in args], **outcome(lambda: getattr(socket, name)(*args)))
             for name, args in CASES]
    cases.append(dict(call="if_nameindex_first", args=[], **outcome(first_of_nameindex)))
    write_fixtures(OUT, {"python": sys.version.split()[0], "cases": cases})
    print("%s: %d cases" % (os.path.relpath(OUT), len(cases)))


if __name__ == "__main__":
    main()
