#!/usr/bin/env python3
"""Records CPython's answers from the socket module's name functions (getaddrinfo, gethostbyname,
gethostbyname_ex, gethostbyaddr, getnameinfo, getfqdn, gethostname) as test/fixtures/resolve.json.

Run on the machine kind the tests run on (the answers for localhost and the host name come from
its /etc/hosts, its interfaces and its host name; the "machine" entry records those, and the test
first checks that its machine still has them):
    python3 scripts/record_resolve.py

Only localhost, the machine's own name, numeric addresses and names under .invalid are asked for,
so no answer depends on a network beyond the machine's resolver.

CPython reports gethostbyname_ex's and gethostbyaddr's failures with glibc's thread-global h_errno,
which a failed call does not always set, so the number depends on earlier calls. Those functions
(and getfqdn, which calls gethostbyaddr) are therefore recorded each in a fresh interpreter: the
recorded herror is what that one call leaves.

Values are tagged by scripts/pyvalue.py, strictly, as test/helpers/pyvalue.js reads them ({"str"},
{"int": "decimal"}, {"float"}, {"bool"}, {"none": null}, {"bytes": "hex"}, {"tuple": [...]}; lists
are tuples, IntEnums ints).
A case is {"fn", "args", optional "kwargs", "result" | "error"}; an error is {"type", "mro",
"message", for OSError "errno" and "strerror", except for TypeError "args"}. Also recorded:
"idna" (str.encode("idna") for host names, which getaddrinfo and the gethostby* functions apply)
and "hstrerror" (glibc's texts for h_errno values, which herror carries).
"""
import ctypes
import json
import os
import socket
import subprocess
import sys

import pyvalue

here = os.path.dirname(os.path.abspath(__file__))
fixtures_dir = os.path.join(here, "..", "test", "fixtures")
version = sys.version.split()[0]


def tag(v):
    # Lists are written as tuples.
    if isinstance(v, list):
        return {"tuple": [enc(x) for x in v]}
    return None


def enc(v):
    return pyvalue.encode(v, strict=True, tag=tag)


def call(fn, args, kwargs):
    case = {"fn": fn, "args": [enc(a) for a in args]}
    if kwargs:
        case["kwargs"] = {k: enc(v) for k, v in kwargs.items()}
    case.update(pyvalue.outcome(lambda: getattr(socket, fn)(*args, **kwargs), strict=True, tag=tag))
    return case


# Functions whose herror number is glibc's global h_errno: each call in a fresh interpreter.
FRESH = {"gethostbyname_ex", "gethostbyaddr", "getfqdn"}


def outcome(fn, *args, **kwargs):
    if fn not in FRESH:
        return call(fn, args, kwargs)
    request = json.dumps({"fn": fn, "args": [enc(a) for a in args],
                          "kwargs": {k: enc(v) for k, v in kwargs.items()}})
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--one"], input=request,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


if sys.argv[1:] == ["--one"]:
    req = json.loads(sys.stdin.read())
    print(json.dumps(call(req["fn"], [pyvalue.decode(a) for a in req["args"]],
                          {k: pyvalue.decode(v) for k, v in req["kwargs"].items()})))
    sys.exit(0)


HOSTNAME = socket.gethostname()
A = socket

# -- getaddrinfo --

HOSTS = [None, "localhost", "LOCALHOST", "localhost.", HOSTNAME, "127.0.0.1", "::1", "", "*",
         "<broadcast>", "255.255.255.255", "0.0.0.0", "::", "127.1", "0x7f.1", "0x7f000001",
         "2130706433", "017700000001", "0177.0.0.1", "127.0.0.1.", "127.0.0.1 ", " 127.0.0.1",
         "127.0.0.1\t", "1.2.3.4.5", "256.0.0.1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1",
         "fe80::1%lo", "fe80::1%1", "fe80::1%01", "fe80::1%+1", "fe80::1%1x", "fe80::1%nosuch",
         "fe80::1%", "fe80::1%4294967295", "fe80::1%4294967296", "fe80::1%99", "::1%1", "::1%lo",
         "ff02::1%lo", "ff01::1%lo", "ff05::1%lo", "127.0.0.1%1", "192.0.2.1", "2001:db8::1",
         "foo.invalid", "FOO.Invalid", "-foo.invalid", "a b.invalid", "b\u00fccher.invalid",
         "STRASSE.invalid", "stra\u00dfe.invalid", "a" * 63 + ".invalid", "a" * 64, "a" * 64 + ".",
         "127..1", ".", "..", "x..", "localhost\x00junk", "localhost\udcff", "\u0661.invalid",
         "xn--bcher-kva.invalid", b"localhost", b"LocalHost", b"127.0.0.1", b"b\xc3\xbccher.invalid",
         b"\xff.invalid", b"localhost\x00junk", b"", b"*"]
PORTS = [None, 80, "80", b"80", "http", b"http", "domain", "ssh", "sink", "echo", "tcpmux",
         "nosuchservice", "HTTP", 0, 1, 65535, 65536, 70000, -1, -80, 2**31 - 1, 2**31, 2**32 + 80,
         2**63 - 1, 2**63, -2**63, -2**63 - 1, "", "*", b"*", " 80", "\t80", "+80", "-80", "80 ",
         "0x50", "080", "-4294967216", "18446744073709551696", "99999999999999999999",
         "80\x00junk", b"80\x00junk", "8\udcff0", "\u0668\u0660", True, 1.5, ()]
FAMILIES = [0, A.AF_INET, A.AF_INET6, A.AF_UNIX, 3, -1, 2**31, 2**63, "2", None, 2.5]
TYPES = [0, A.SOCK_STREAM, A.SOCK_DGRAM, A.SOCK_RAW, 4, A.SOCK_SEQPACKET, 6, 7, 10,
         A.SOCK_STREAM | A.SOCK_NONBLOCK, -1, "1", None]
PROTOS = [0, 6, 17, 33, 132, 136, 255, 99, -1, "6", None]
FLAG_NAMES = ["AI_PASSIVE", "AI_CANONNAME", "AI_NUMERICHOST", "AI_V4MAPPED", "AI_ALL",
              "AI_ADDRCONFIG", "AI_NUMERICSERV"]
FLAGS = ([0] + [getattr(A, n) for n in FLAG_NAMES]
         + [A.AI_V4MAPPED | A.AI_ALL, A.AI_CANONNAME | A.AI_NUMERICHOST, A.AI_PASSIVE | A.AI_ADDRCONFIG,
            A.AI_CANONNAME | A.AI_V4MAPPED, A.AI_NUMERICHOST | A.AI_NUMERICSERV,
            0x40, 0x80, 0x100, 0x200, 0x300, 0x7ff, 0x800, 0x10000, -1, 2**31, "1", None])


def getaddrinfo_cases():
    cases = []
    for host in HOSTS:
        for port in [80, None, "http"]:
            cases.append(outcome("getaddrinfo", host, port))
        cases.append(outcome("getaddrinfo", host, 80, 0, 0, 0, A.AI_NUMERICHOST))
    for host in [None, "localhost", "127.0.0.1", "::1", "foo.invalid"]:
        for port in PORTS:
            cases.append(outcome("getaddrinfo", host, port))
    for host in [None, "localhost", HOSTNAME, "127.0.0.1", "::1", "127.1", "::ffff:127.0.0.1",
                 "fe80::1%lo", "", "*", "foo.invalid", b"localhost"]:
        for family in FAMILIES:
            for flags in FLAGS:
                cases.append(outcome("getaddrinfo", host, 80, family, 0, 0, flags))
    for host, port in [("127.0.0.1", 80), ("127.0.0.1", None), ("127.0.0.1", "domain"),
                       ("127.0.0.1", "http"), ("127.0.0.1", "sink"), (None, 53), ("localhost", "53")]:
        for typ in TYPES:
            for proto in PROTOS:
                cases.append(outcome("getaddrinfo", host, port, 0, typ, proto))
    for port in [80, "http", None]:
        for flags in FLAGS:
            cases.append(outcome("getaddrinfo", "localhost", port, A.AF_INET6, A.SOCK_STREAM, 0, flags))
    # Keyword arguments, as Lib/socket.py's wrapper takes them, and its signature's errors.
    for kwargs in [{"type": A.SOCK_STREAM}, {"family": A.AF_INET6, "flags": A.AI_V4MAPPED},
                   {"proto": 17}, {"flags": A.AI_CANONNAME}, {"family": A.AF_INET, "type": A.SOCK_DGRAM},
                   {"flags": A.AI_NUMERICHOST}, {"nosuch": 1}, {"type": "x"}]:
        cases.append(outcome("getaddrinfo", "localhost", 80, **kwargs))
    cases.append(outcome("getaddrinfo", "localhost", 80, 0, family=2))
    cases.append(outcome("getaddrinfo", "localhost", 80, 0, 1, 6, 0, type=1))
    for args in [(), ("localhost",), ("localhost", 80, 0, 0, 0, 0, 0), (1, 80), (1.5, 80), ((), 80),
                 (True, 80), ("localhost", 80, "x"), (80, "localhost")]:
        cases.append(outcome("getaddrinfo", *args))
    return cases


# -- gethostbyname, gethostbyname_ex, gethostbyaddr --

NAMES = ["localhost", "LOCALHOST", "localhost.", HOSTNAME, HOSTNAME.upper(), "127.0.0.1", "127.1",
         "0x7f.1", "0x7f000001", "2130706433", "0177.0.0.1", "", "<broadcast>", "255.255.255.255",
         "0.0.0.0", "::", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "fe80::1%lo", "fe80::1%1",
         "127.0.0.1 ", "192.0.2.1", "foo.invalid", "b\u00fccher.invalid", "127..1", "a" * 64,
         "localhost\udcff", "a\x00b", "*", b"localhost", b"127.0.0.1", b"a\x00b", b"", b"\xff.invalid",
         1, 1.5, None, True, ()]


def hostby_cases():
    cases = []
    for fn in ["gethostbyname", "gethostbyname_ex", "gethostbyaddr"]:
        for name in NAMES:
            cases.append(outcome(fn, name))
        for args in [(), ("localhost", "x")]:
            cases.append(outcome(fn, *args))
    return cases


# -- getnameinfo --

SOCKADDRS = [("127.0.0.1", 80), ("127.0.0.1", 53), ("127.0.0.1", 0), ("127.0.0.1", 65535),
             ("127.0.0.1", 65536), ("127.0.0.1", 99999), ("127.0.0.1", -1), ("127.0.0.1", 2**31),
             ("127.0.0.1", 7), ("127.0.0.1", 9), ("127.0.0.1", 21), ("127.0.0.1", 4444),
             ("127.0.0.1", True), ("127.0.0.1", 80, 0), ("127.0.0.1", 80, 0, 0),
             ("::1", 80), ("::1", 80, 0, 0), ("::1", 80, 1, 2), ("::1", 80, 0xfffff),
             ("::1", 80, 0x100000), ("::1", 80, -1), ("::1", 80, 0, -1), ("::1", 80, 0, 2**32),
             ("::1", 80, 0, 2**32 - 1), ("::1", 80, 2**64 + 1), ("::1", 80, 1.5), ("::1", 80, 0, "x"),
             ("fe80::1", 80, 0, 1), ("fe80::1", 80, 0, 99), ("fe80::1%lo", 80), ("fe80::1%lo", 80, 0, 0),
             ("fe80::1%1", 80, 0, 1), ("ff02::1", 22, 0, 1), ("ff05::1", 22, 0, 1), ("2001:db8::1", 22),
             ("::ffff:127.0.0.1", 80), ("::", 80), ("0.0.0.0", 80), ("255.255.255.255", 80),
             ("192.0.2.1", 22), ("127.1", 80), ("0x7f.1", 80), ("", 80), ("*", 80), ("<broadcast>", 80),
             ("localhost", 80), ("foo.invalid", 80), ("127.0.0.1 ", 80), ("a\x00b", 80),
             ("a\udcff", 80), ("127.0.0.1", "x"), ("127.0.0.1", 1.5), ("127.0.0.1", None),
             (1, 80), (b"127.0.0.1", 80), (None, 80), ("127.0.0.1",), (), ("127.0.0.1", 80, 0, 0, 0)]
NI_FLAGS = [0, A.NI_NUMERICHOST, A.NI_NUMERICSERV, A.NI_NUMERICHOST | A.NI_NUMERICSERV, A.NI_NAMEREQD,
            A.NI_NUMERICHOST | A.NI_NAMEREQD, A.NI_DGRAM, A.NI_DGRAM | A.NI_NUMERICHOST, A.NI_NOFQDN,
            32, 64, 128, 256, -1, 2**31 - 1]


def getnameinfo_cases():
    cases = []
    for sa in SOCKADDRS:
        for flags in NI_FLAGS:
            cases.append(outcome("getnameinfo", sa, flags))
    for args in [(("127.0.0.1", 80),), (("127.0.0.1", 80), 0, 1), (), (("127.0.0.1", 80), "x"),
                 (("127.0.0.1", 80), None), (("127.0.0.1", 80), 2**31), (("127.0.0.1", 80), 2**63),
                 (("127.0.0.1", 80), 1.5), ("127.0.0.1", 0), (None, 0), (b"127.0.0.1", 0),
                 (("a", 80, "x"), "y")]:
        cases.append(outcome("getnameinfo", *args))
    return cases


def misc_cases():
    cases = []
    for name in ["", " ", "localhost", "  localhost  ", "LOCALHOST", "127.0.0.1", "0.0.0.0", "::",
                 "::1", HOSTNAME, "foo.invalid", "\u3000localhost\x85", "\x1clocalhost\x1f",
                 "\ufefflocalhost", b"localhost", b"  localhost\t", b"foo.invalid", b"0.0.0.0", b"",
                 "127..1", None, 1, 1.5, ()]:
        cases.append(outcome("getfqdn", name))
    cases.append(outcome("getfqdn"))
    cases.append(outcome("getfqdn", "a", "b"))
    cases.append(outcome("gethostname"))
    cases.append(outcome("gethostname", 1))
    return cases


IDNA = ["", "localhost", "LocalHost", "a.b.", "a..b", ".", "..", "a" * 63, "a" * 64, "a" * 63 + ".",
        "a" * 64 + ".", "x." + "a" * 64, "b\u00fccher", "B\u00dcCHER.invalid", "stra\u00dfe",
        "\u0130stanbul", "\u0131", "\ufb01le", "\u2102", "\u33c7", "\u00b5", "\u03a3\u03a3",
        "m\u00fcnchen\u3002de", "a\uff0eb\uff61c", "soft\u00adhyphen", "zw\u200bsp", "\ufeffbom",
        "nbsp\u00a0x", "\u3000x", "\ue000", "\ufdd0", "\U0010fffe", "\udcff", "a\ud800b", "\u0340x",
        "\u2ff0", "\U000e0001", "\u06dd", "xn--b\u00fccher", "XN--b\u00fccher", "\u00e9" * 60,
        "\u00e9" * 10, "\u65e5\u672c", "\U0001f600", "\u0661\u0662", "a\x00\u00e9", "\u00e9.",
        "\u00e9..x", "\u0041\u030a", "\u212b", "\u1e9e", "\u03c2"]


def idna_cases():
    out = []
    for name in IDNA:
        try:
            out.append({"name": enc(name), "result": enc(name.encode("idna"))})
        except UnicodeError as e:
            out.append({"name": enc(name), "error": pyvalue.error(e, strict=True, tag=tag)})
    return out


def hstrerror_cases():
    libc = ctypes.CDLL("libc.so.6")
    libc.hstrerror.restype = ctypes.c_char_p
    return [[n, libc.hstrerror(n).decode()] for n in range(-1, 6)]


def machine():
    def read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return None
    return {"hostname": HOSTNAME, "hosts": read("/etc/hosts"), "hostconf": read("/etc/host.conf"),
            "interfaces": [[i, n] for i, n in socket.if_nameindex()]}


fixtures = {
    "python": version,
    "machine": machine(),
    "idna": idna_cases(),
    "hstrerror": hstrerror_cases(),
    "cases": getaddrinfo_cases() + hostby_cases() + getnameinfo_cases() + misc_cases(),
}
os.makedirs(fixtures_dir, exist_ok=True)
pyvalue.write_fixtures(os.path.join(fixtures_dir, "resolve.json"), fixtures)
counts = {}
for c in fixtures["cases"]:
    counts[c["fn"]] = counts.get(c["fn"], 0) + 1
print("cases: %s; idna %d, hstrerror %d" % (", ".join("%s %d" % kv for kv in counts.items()),
                                           len(fixtures["idna"]), len(fixtures["hstrerror"])))
