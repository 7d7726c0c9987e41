#!/usr/bin/env python3
"""Embeds this machine's /etc/services and /etc/protocols (Debian's netbase) as TypeScript tables
and records CPython's answers from getservbyname, getservbyport and getprotobyname as fixtures.

Run with the python3 whose answers pysocket copies (CPython on Linux, glibc, netbase):
    python3 scripts/record_netdb.py
Writes src/tables/services_linux.ts, src/tables/protocols_linux.ts and test/fixtures/netdb.json;
all three are committed. Before writing, it checks that first-match lookups over the parsed
tables give glibc's answer for every name, alias and port, and stops if they do not.

Values are tagged as test/helpers/pyvalue.js reads them: {"str": s}, {"int": "decimal"},
{"float": x}, {"bool": b}, {"none": null}, {"bytes": "hex"}, {"tuple": [...]}. The fixtures hold one
list of cases per function, a case being {"args", "result" | "error"} with an error
{"type", "mro", "message", for OSError "errno" and "strerror", except for TypeError "args"};
and "getservbyport_sweep": for no protocol and each listed one, every port in 0..65535 that was
found, with its name; every other port raised "notFound".
"""
import json
import os
import socket
import sys

import pyvalue

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
tables_dir = os.path.join(root, "src", "tables")
fixtures_dir = os.path.join(root, "test", "fixtures")
version = sys.version.split()[0]


def netbase_version():
    try:
        with open("/var/lib/dpkg/status") as f:
            for block in f.read().split("\n\n"):
                if block.startswith("Package: netbase\n"):
                    for line in block.splitlines():
                        if line.startswith("Version: "):
                            return line[len("Version: "):]
    except OSError:
        pass
    return "unknown"


def fields(path):
    """The whitespace-separated fields of each line, '#' to end of line dropped (glibc's parser)."""
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split("#", 1)[0].split()
            if parts:
                yield parts


def parse_services(path):
    rows = []
    for parts in fields(path):
        port, _, proto = parts[1].partition("/")
        rows.append([parts[0], int(port), proto] + parts[2:])
    return rows


def parse_protocols(path):
    return [[p[0], int(p[1])] + p[2:] for p in fields(path)]


services = parse_services("/etc/services")
protocols = parse_protocols("/etc/protocols")
service_protos = sorted({r[2] for r in services})


# -- the lookups pysocket will do over the tables: the first entry in file order that matches --

def table_servbyname(name, proto):
    for r in services:
        if (proto is None or r[2] == proto) and (r[0] == name or name in r[3:]):
            return r[1]
    return None


def table_servbyport(port, proto):
    for r in services:
        if r[1] == port and (proto is None or r[2] == proto):
            return r[0]
    return None


def table_protobyname(name):
    for r in protocols:
        if r[0] == name or name in r[2:]:
            return r[1]
    return None


def glibc(fn, *args):
    try:
        return fn(*args)
    except OSError:
        return None


def check_tables():
    """Fails loudly if the embedded tables with first-match lookups differ from glibc anywhere."""
    bad = []
    names = {n for r in services for n in [r[0]] + r[3:]}
    for name in sorted(names):
        for proto in [None] + service_protos:
            args = (name,) if proto is None else (name, proto)
            if glibc(socket.getservbyname, *args) != table_servbyname(name, proto):
                bad.append(("getservbyname",) + args)
    for port in range(65536):
        for proto in [None] + service_protos:
            args = (port,) if proto is None else (port, proto)
            if glibc(socket.getservbyport, *args) != table_servbyport(port, proto):
                bad.append(("getservbyport",) + args)
    for name in sorted({n for r in protocols for n in [r[0]] + r[2:]}):
        if glibc(socket.getprotobyname, name) != table_protobyname(name):
            bad.append(("getprotobyname", name))
    if bad:
        sys.exit("the tables disagree with glibc: %r" % bad[:20])


def outcome(fn, args):
    return {"args": [pyvalue.encode(a, strict=True) for a in args],
            **pyvalue.outcome(lambda: fn(*args), strict=True)}


def unique(seq):
    return list(dict.fromkeys(seq))


def case_variants(names):
    out = []
    for n in names:
        out += [n.upper(), n.capitalize(), n.swapcase()]
    return [v for v in unique(out) if v not in names]


WRONG_TYPES = [b"http", b"", 80, 0, 80.5, -0.5, None, (), ("tcp",), True, False]
# Texts glibc never matches, and the "s" format's failures: embedded NUL, lone surrogates.
ODD_TEXTS = ["", " ", "nosuchname", " http", "http ", "http\t", "ht tp", "80", "80/tcp", "http/tcp",
             "http#", "#", "é", "\u65e5\u672c", "\U0001f600", "http\x00", "\x00", "ht\x00tp",
             "\ud800", "a\udc00", "\udbff", "\udfff\udbff", "\ud800\ud800", "a\udc00\udc00\udc00b",
             "\U0001f600\ud800", "\x00\ud800", "\ud800\x00", "\udc80http"]
PROTOS = service_protos + ["TCP", "Udp", "", "tcp ", " tcp", "tcp\x00", "nosuchproto", "ip", "icmp",
                           "\ud800", "é"]


def servbyname_cases():
    fn = socket.getservbyname
    names = unique(n for r in services for n in [r[0]] + r[3:])
    cases = []
    for name in names:
        for proto in [None] + service_protos:
            cases.append(outcome(fn, (name,) if proto is None else (name, proto)))
    for name in case_variants(names):
        for proto in [None, "tcp", "udp"]:
            cases.append(outcome(fn, (name,) if proto is None else (name, proto)))
    for name in ODD_TEXTS + ["http", "www", "kerberos5", "rtmp", "amqp"]:
        cases.append(outcome(fn, (name,)))
        for proto in PROTOS:
            cases.append(outcome(fn, (name, proto)))
    for bad in WRONG_TYPES + ["\x00", "\ud800"]:
        for first in ["http", "nosuchname", "\x00", "\ud800", b"http", None]:
            cases.append(outcome(fn, (first, bad)))
            cases.append(outcome(fn, (bad, first)))
        cases.append(outcome(fn, (bad,)))
    for args in [(), ("http", "tcp", "x"), ("http", "tcp", None), (None, None, None), (1, 2, 3, 4)]:
        cases.append(outcome(fn, args))
    return cases


def servbyport_cases():
    fn = socket.getservbyport
    # The sweep covers every port with each listed protocol; here the listed ports and their
    # neighbours, then a few ports with every odd protocol.
    listed = sorted({r[1] for r in services})
    ports = unique([0, 65535] + [p + d for p in listed for d in (-1, 0, 1)])
    cases = []
    for port in [p for p in ports if 0 <= p <= 65535]:
        for proto in [None] + service_protos:
            cases.append(outcome(fn, (port,) if proto is None else (port, proto)))
    for port in [0, 1, 2, 7, 22, 53, 80, 88, 5672, 9999, 65535]:
        for proto in PROTOS:
            cases.append(outcome(fn, (port, proto)))
    out_of_range = [-1, 65536, -65536, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**53, 2**53 + 1,
                    2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, -2**64, 10**30]
    for port in out_of_range:
        cases.append(outcome(fn, (port,)))
        for proto in ["tcp", "nosuchproto", "\x00", "\ud800"] + WRONG_TYPES:
            cases.append(outcome(fn, (port, proto)))
    for bad in WRONG_TYPES + ["80", "", "\x00", "\ud800", 65535.5, 1e-300, -2.5]:
        cases.append(outcome(fn, (bad,)))
        for proto in ["tcp", "udp", None, b"tcp", 6]:
            cases.append(outcome(fn, (bad, proto)))
    for proto in WRONG_TYPES:
        cases.append(outcome(fn, (80, proto)))
    for args in [(), (80, "tcp", "x"), (80, "tcp", None), (None, None, None), (1, 2, 3, 4)]:
        cases.append(outcome(fn, args))
    return cases


def sweep():
    """Every port 0..65535 with each protocol: the ports found; every other port was not found."""
    out = []
    for proto in [None] + service_protos:
        found = []
        for port in range(65536):
            args = (port,) if proto is None else (port, proto)
            try:
                found.append([port, socket.getservbyport(*args)])
            except OSError:
                pass
        out.append({"proto": None if proto is None else pyvalue.encode(proto, strict=True),
                    "found": found})
    not_found = outcome(socket.getservbyport, (65535, "nosuchproto"))["error"]
    return {"notFound": not_found, "byProto": out}


def protobyname_cases():
    fn = socket.getprotobyname
    names = unique(n for r in protocols for n in [r[0]] + r[2:])
    cases = [outcome(fn, (n,)) for n in names + case_variants(names) + ODD_TEXTS
             + service_protos + ["tcp6", "udp6", "6", "17"]]
    for bad in WRONG_TYPES:
        cases.append(outcome(fn, (bad,)))
    for args in [(), ("tcp", "udp"), ("tcp", None), (None, None), ("tcp", "udp", "ip")]:
        cases.append(outcome(fn, args))
    return cases


def write_table(path, comment, typ, name, rows, src):
    with open(path, "w") as f:
        f.write("// Generated by scripts/record_netdb.py from %s (netbase %s) with CPython %s. "
                "Do not edit.\n" % (src, netbase_version(), version))
        f.write(comment)
        f.write("export const %s: ReadonlyArray<%s> = [\n" % (name, typ))
        for r in rows:
            f.write("  %s,\n" % json.dumps(r))
        f.write("];\n")


check_tables()
os.makedirs(tables_dir, exist_ok=True)
os.makedirs(fixtures_dir, exist_ok=True)
write_table(os.path.join(tables_dir, "services_linux.ts"),
            "// [name, port, protocol, ...aliases], in file order: the first match wins, as in glibc.\n",
            "readonly [string, number, string, ...string[]]", "SERVICES", services, "/etc/services")
write_table(os.path.join(tables_dir, "protocols_linux.ts"),
            "// [name, number, ...aliases], in file order: the first match wins, as in glibc.\n",
            "readonly [string, number, ...string[]]", "PROTOCOLS", protocols, "/etc/protocols")

fixtures = {
    "python": version,
    "netbase": netbase_version(),
    "getservbyname": servbyname_cases(),
    "getservbyport": servbyport_cases(),
    "getservbyport_sweep": sweep(),
    "getprotobyname": protobyname_cases(),
}
pyvalue.write_fixtures(os.path.join(fixtures_dir, "netdb.json"), fixtures)
print("services: %d, protocols: %d, cases: getservbyname %d, getservbyport %d, getprotobyname %d, "
      "sweep %d ports x %d protocols"
      % (len(services), len(protocols), len(fixtures["getservbyname"]),
         len(fixtures["getservbyport"]), len(fixtures["getprotobyname"]), 65536,
         len(fixtures["getservbyport_sweep"]["byProto"])))
