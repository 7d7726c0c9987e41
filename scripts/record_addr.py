#!/usr/bin/env python3
"""Records CPython's answers for the address and byte-order functions as test fixtures.

Run with the python3 whose answers pysocket copies (CPython on Linux):
    python3 scripts/record_addr.py
Writes test/fixtures/addr.json (committed): hand-picked edge cases, inputs behind known CVEs of
JavaScript IP parsers, and seeded random cases for htonl, htons, ntohl, ntohs, inet_aton,
inet_ntoa, inet_pton and inet_ntop. Deterministic: the same python3 writes the same file.

Values and errors are tagged by scripts/pyvalue.py, strictly: a case whose arguments JavaScript
cannot hold distinctly is left out. A case is {"fn", "args", "result" | "error", optional "cve"
and "note"}; an error is {"type", "mro", "message", and for OSError "errno" and "strerror", except
for TypeError "args"}.
"""
import ipaddress
import json
import os
import platform
import random
import socket
import sys

import pyvalue

SEED = 20240229
rng = random.Random(SEED)
AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
WHITESPACE = " \t\n\v\f\r"


cases = {}


def case(fn, *args, cve=None, note=None):
    try:
        enc = [pyvalue.encode(a, strict=True) for a in args]
    except pyvalue.Inexpressible:
        return
    key = json.dumps([fn, enc], sort_keys=True)
    if key in cases:
        # A repeat may still add the CVE that makes it worth naming.
        if cve and "cve" not in cases[key]:
            cases[key]["cve"] = cve
            cases[key]["note"] = note
        return
    c = {"fn": fn, "args": enc}
    c.update(pyvalue.outcome(lambda: getattr(socket, fn)(*args), strict=True))
    if cve:
        c["cve"] = cve
        c["note"] = note
    cases[key] = c


# Values of every Python type the API maps, for wrong-type checks on each argument.
NAN, INF = float("nan"), float("inf")
WRONG_TYPES = ["1.2.3.4", "", "::1", b"\x01\x02\x03\x04", b"", bytes(16), 0, 1, 2, 10, -1,
               1.5, -0.5, 0.1, NAN, INF, -INF, None, True, False, (), (1,), (1, 2), ("1.2.3.4",),
               2 ** 64, -(2 ** 64)]

BIG_INTS = [0, 1, 2, 7, 255, 256, 0x1234, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x12345678,
            0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1,
            2 ** 53, 2 ** 53 + 1, 2 ** 62, 2 ** 63 - 1, 2 ** 63, 2 ** 63 + 1, 2 ** 64 - 1, 2 ** 64,
            2 ** 64 + 1, 2 ** 100, 10 ** 40, -1, -2, -255, -0x8000, -0x8001, -0xffff, -0x10000,
            -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), -(2 ** 53), -(2 ** 53) - 1, -(2 ** 63),
            -(2 ** 63) - 1, -(2 ** 64), -(2 ** 64) - 1, -(10 ** 40)]


def record_byte_order():
    for fn in ("htonl", "ntohl", "htons", "ntohs"):
        case(fn)
        case(fn, 1, 2)
        case(fn, 1, 2, 3)
        for v in BIG_INTS + WRONG_TYPES:
            case(fn, v)
        width = 32 if fn.endswith("l") else 16
        for _ in range(220):
            case(fn, rng.getrandbits(width))
        for _ in range(40):
            # Just past the range, far past it, and negative.
            case(fn, (1 << width) + rng.getrandbits(width))
            case(fn, rng.getrandbits(rng.choice([33, 40, 53, 54, 63, 64, 65, 80, 200])))
            case(fn, -rng.getrandbits(rng.choice([8, 16, 31, 32, 53, 63, 64, 70])) - 1)


def aton_part(value, base, zeros=0, upper=False):
    if base == 10:
        return str(value)
    if base == 8:
        return "0" * (zeros + 1) + format(value, "o") if value else "0" * (zeros + 1)
    digits = format(value, "X" if upper else "x")
    return ("0X" if upper and rng.random() < 0.5 else "0x") + "0" * zeros + digits


def random_aton():
    """A classic-form address: 1-4 parts, each in a random base, the last part wide."""
    nparts = rng.randint(1, 4)
    widths = {1: [32], 2: [8, 24], 3: [8, 8, 16], 4: [8, 8, 8, 8]}[nparts]
    parts = []
    for w in widths:
        over = rng.random() < 0.15
        value = rng.getrandbits(w + (rng.randint(1, 8) if over else 0))
        if rng.random() < 0.2:
            value = rng.choice([0, 1, (1 << w) - 1, 1 << w])
        base = rng.choice([10, 10, 8, 16])
        zeros = rng.choice([0, 0, 0, 1, 2, 5])
        parts.append(aton_part(value, base, zeros, rng.random() < 0.3))
    text = ".".join(parts)
    r = rng.random()
    if r < 0.15:
        text += rng.choice(WHITESPACE) + random_text("abc 1.2\u00e9\u4e2d", 0, 6)
    elif r < 0.22:
        text += random_text(".x0g9-+", 1, 2)
    return text


def random_text(alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def mutate(text, alphabet, n=None):
    s = list(text)
    for _ in range(n or rng.randint(1, 3)):
        op = rng.random()
        i = rng.randint(0, len(s))
        if op < 0.4 or not s:
            s.insert(i, rng.choice(alphabet))
        elif op < 0.7:
            del s[min(i, len(s) - 1)]
        else:
            s[min(i, len(s) - 1)] = rng.choice(alphabet)
    return "".join(s)


ATON_ALPHABET = "0123456789.xXabcdefABCDEFg" + WHITESPACE + "-+"


def record_inet_aton():
    fn = "inet_aton"
    case(fn)
    case(fn, "1.2.3.4", "x")
    for v in WRONG_TYPES:
        case(fn, v)
    for text in [
        # One to four parts, each width.
        "1", "1.2", "1.2.3", "1.2.3.4", "1.2.3.4.5", "0", "0.0", "0.0.0", "0.0.0.0",
        "4294967295", "4294967296", "255.16777215", "255.16777216", "256.1", "255.255.65535",
        "255.255.65536", "255.256.1", "255.255.255.255", "255.255.255.256", "256.0.0.0",
        # Octal and hex parts.
        "010.1.1.1", "0x7f.1", "0X7F.1", "0x7F.0.0.1", "0xff.0xff.0xff.0xff", "0377.0377.0377.0377",
        "0400.0.0.0", "037777777777", "040000000000", "0xffffffff", "0x100000000", "0x0", "00",
        "0x", "0X", "0x.1", "0xg", "0x1g", "08", "09", "018", "0.08", "1.09", "0x7f.08", "00x1",
        "0x0x1", "0xx1", "0x00000000000000000000000000000000000001",
        "0" * 60 + "1", "0" * 60 + "1.2.3.4", "1." + "0" * 60 + "2", "0x" + "0" * 60 + "ff",
        "99999999999999999999", "18446744073709551615", "18446744073709551616",
        "0xffffffffffffffff", "0x10000000000000000", "01777777777777777777777",
        "02000000000000000000000", "1.2.3.99999999999999999999999",
        # Empty parts and stray characters.
        "", ".", "..", "...", "....", ".1", "1.", "1..2", "1.2.", "1.2.3.", "1.2.3.4.",
        "-1", "+1", "1.-2.3.4", "1.+2.3.4", "1.2.3.4e", "a", "abc", "1a", "1.2.3.4a",
        " 1.2.3.4", "\t1", "1 .2", "1. 2", "١.٢.٣.٤", "１.２.３.４", "1.2.3.4\u00a0", "1\u3000",
    ]:
        case(fn, text)
    # Trailing text after each whitespace character; non-ASCII after whitespace and not.
    for ws in WHITESPACE:
        for base in ["1.2.3.4", "1", "0x7f.1", "010.1.1.1", "4294967295", "4294967296", "", "1."]:
            for tail in ["", "x", "junk text", "1.2.3.4", "\u00e9", "\u4e2d\u6587", "\U0001F600",
                         ws, "\ud800", "\udfff", "\x00"]:
                case(fn, base + ws + tail)
    for tail in ["\u00e9", "\u4e2d", "\U0001F600", "\x7f", "\x80", "\xff", "\u2028", "\x85", "\x1c"]:
        case(fn, "1.2.3.4" + tail)
        case(fn, tail + "1.2.3.4")
    # Encoding errors come before the NUL check, wherever each sits.
    for text in ["\ud800", "\udc00", "\udbff\u0041", "1.2.3.4\ud800", "\ud800\x00", "\x00\ud800",
                 "1\x00", "\x00", "1.2.3.4\x00", "1.2.3.4 \x00", "a\udfffb\ud800", "\U0001F600\ud800",
                 # A run of lone surrogates is one error over the run.
                 "\ud800\ud800", "\udc00\ud800", "a\udfff\udfff\udfffb\ud800", "\ud800x\ud800",
                 "\U0001F600\udc00\udc00", "1 \udbff\udbff\x00", "\udc00\U0001F600\udc00"]:
        case(fn, text)
    # Longer than the core's scratch area.
    for text in ["1.2.3.4 " + "x" * 70000, "0" * 70000 + "1", "1" + "0" * 70000, "1.2.3.4 " + "\u00e9" * 3000]:
        case(fn, text)
    for _ in range(900):
        case(fn, random_aton())
    for _ in range(350):
        case(fn, mutate(random_aton(), ATON_ALPHABET))
    for _ in range(200):
        case(fn, random_text(ATON_ALPHABET, 0, 14))


def record_inet_ntoa():
    fn = "inet_ntoa"
    case(fn)
    case(fn, b"\x01\x02\x03\x04", b"")
    for v in WRONG_TYPES:
        case(fn, v)
    for n in [0, 1, 2, 3, 5, 6, 8, 15, 16, 17, 100]:
        case(fn, bytes(range(n)))
    for b in [bytes(4), b"\xff" * 4, b"\x7f\x00\x00\x01", b"\x00\x00\x00\x01", b"\x0a\x00\x00\x00"]:
        case(fn, b)
    for _ in range(300):
        case(fn, bytes(rng.getrandbits(8) for _ in range(4)))


def pton4_text():
    """A dotted quad, perhaps with leading zeros, a wrong count of parts or a part over 255."""
    n = rng.choice([4, 4, 4, 4, 3, 5, 1, 2])
    parts = []
    for _ in range(n):
        v = rng.choice([rng.getrandbits(8), rng.getrandbits(8), 0, 255, 256, rng.getrandbits(12)])
        s = str(v)
        if rng.random() < 0.12:
            s = "0" * rng.randint(1, 3) + s
        parts.append(s)
    return ".".join(parts)


def random_v6_bytes():
    """16 bytes whose groups are often zero, so runs and ties of zero groups are common."""
    groups = []
    for _ in range(8):
        r = rng.random()
        groups.append(0 if r < 0.45 else rng.choice([1, 0xffff, rng.getrandbits(16), rng.getrandbits(8)]))
    if rng.random() < 0.1:
        groups[:6] = [0, 0, 0, 0, 0, rng.choice([0, 0xffff])]
    return b"".join(g.to_bytes(2, "big") for g in groups)


def v6_text(b):
    """One of the many spellings of 16 bytes, valid or deliberately not."""
    groups = [int.from_bytes(b[i:i + 2], "big") for i in range(0, 16, 2)]
    style = rng.random()
    if style < 0.2:
        return str(ipaddress.IPv6Address(b))
    if style < 0.35:
        return ipaddress.IPv6Address(b).exploded
    words = [format(g, "x") for g in groups]
    if rng.random() < 0.3:
        words = [w.upper() if rng.random() < 0.5 else w for w in words]
    if rng.random() < 0.2:
        words = ["0" * rng.randint(1, 4 - len(w)) + w if len(w) < 4 else w for w in words]
    if rng.random() < 0.2:
        tail = ".".join(str(x) for x in b[12:])
        words = words[:6] + [tail]
    # Compress a random run of zero words, not necessarily the longest.
    zero_runs = [(i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
                 if all(groups[k] == 0 for k in range(i, j)) and (j < 7 or len(words) == 8)]
    if zero_runs and rng.random() < 0.7:
        i, j = rng.choice(zero_runs)
        return ":".join(words[:i]) + "::" + ":".join(words[j:])
    return ":".join(words)


V6_ALPHABET = "0123456789abcdefABCDEF::::...%gx "


def record_inet_pton():
    fn = "inet_pton"
    case(fn)
    case(fn, AF_INET)
    case(fn, AF_INET, "1.2.3.4", "x")
    case(fn, AF_INET6, "::1", None)
    for v in WRONG_TYPES:
        case(fn, v, "1.2.3.4")
        case(fn, AF_INET, v)
        case(fn, AF_INET6, v)
        case(fn, 99, v)
    for af in [0, 1, 3, 9, 11, 23, 30, 99, -1, -2, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
               2 ** 32, 2 ** 63, -(2 ** 63) - 1, 2 ** 64, True, False]:
        for text in ["1.2.3.4", "::1", "", "\x00", "\ud800"]:
            case(fn, af, text)
    for text in [
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.5",
        "1", "", ".", "1.2.3.", ".1.2.3", "1..2.3", "01.2.3.4", "1.02.3.4", "1.2.3.04", "0.0.0.00",
        "00.0.0.0", "127.0.0.1", "127.1", "0x7f.1", "0x7f.0.0.1", "010.1.1.1", "1.2.3.4 ",
        " 1.2.3.4", "1.2.3.4\n", "1.2.3.4x", "1.2.3.-4", "1.2.3.+4", "::1", "::ffff:1.2.3.4",
        "4294967295", "1.2.3.4\x00", "1.2.3.4\ud800", "١.٢.٣.٤", "1.2.3.4\u00e9", "999.0.0.0",
        "1.2.3.0255", "1.2.3.2555", "1.2.3.25500",
    ]:
        case(fn, AF_INET, text)
    for text in [
        "::", ":::", "::::", "::1", "1::", "1::1", ":1", "1:", ":1::", "::1:", "1:::1", "::1::",
        "1::2::3", "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1:2:3:4:5::6:7", "12345::", "::12345",
        "1:2:3:4:5:6:7:12345", "01234::", "0000::", "00000::", "ffff::", "FFFF::", "FfFf::",
        "fffff::", "g::", "::g", "2001:DB8::0:1", "2001:db8:0:0:1:0:0:1", "2001:0DB8::",
        "::ffff:1.2.3.4", "::FFFF:1.2.3.4", "::1.2.3.4", "1.2.3.4", "::ffff:1.2.3", "::ffff:1.2.3.4.5",
        "::ffff:01.2.3.4", "::ffff:256.2.3.4", "::ffff:1.2.3.4:1", "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:1.2.3.4", "1:2:3:4:5::1.2.3.4", "::1.2.3.4:5",
        "1.2.3.4::", "::ffff:0:0", "::ffff:0.0.0.0", "::0.0.0.0", "::0.0.0.1", "fe80::1%eth0",
        "fe80::1%1", "::1%lo", "%eth0", "fe80::1%", "[::1]", "[::1]:80", "::1/128", "::1 ",
        " ::1", "::1\n", "::1\x00", "::\ud800", "::\u00e9", "::-1", "::+1", "0x1::", ":: 1",
        "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "::ffff:1.2.3.4.", "::ffff:.1.2.3.4",
        "::ffff:1..2.3", "a:b:c:d:e:f:1.2.3.4", "::a:b:c:d:e:f:1.2.3.4", "1::1.2.3.4",
        "0:0:0:0:0:ffff:1.2.3.4", "::0:ffff:1.2.3.4", "::ffff:0:1.2.3.4", "64:ff9b::1.2.3.4",
        "::1.2.3.4.", "::.1.2.3", "1:2:3:4:5:6:7:8%eth0",
    ]:
        case(fn, AF_INET6, text)
    for text in ["::" + "0" * 70000, "1" * 70000, "::1" + " " * 70000]:
        case(fn, AF_INET6, text)
    for _ in range(330):
        case(fn, AF_INET, pton4_text())
    for _ in range(150):
        case(fn, AF_INET, mutate(pton4_text(), "0123456789.. x"))
    for _ in range(650):
        case(fn, AF_INET6, v6_text(random_v6_bytes()))
    for _ in range(500):
        case(fn, AF_INET6, mutate(v6_text(random_v6_bytes()), V6_ALPHABET))
    for _ in range(80):
        case(fn, rng.choice([AF_INET, AF_INET6]), random_text("0123456789abcdef:.", 0, 12))


def record_inet_ntop():
    fn = "inet_ntop"
    case(fn)
    case(fn, AF_INET)
    case(fn, AF_INET, b"\x01\x02\x03\x04", b"")
    for v in WRONG_TYPES:
        case(fn, v, b"\x01\x02\x03\x04")
        case(fn, AF_INET, v)
        case(fn, AF_INET6, v)
        case(fn, 99, v)
    for af in [0, 1, 3, 9, 11, 23, 30, 99, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
               2 ** 63, 2 ** 64, True, False]:
        for b in [bytes(4), bytes(16), b"", bytes(5)]:
            case(fn, af, b)
    for af in (AF_INET, AF_INET6):
        for n in [0, 1, 3, 4, 5, 8, 15, 16, 17, 32]:
            case(fn, af, bytes(range(n)))

    def v6(*groups):
        return b"".join(g.to_bytes(2, "big") for g in groups)

    for groups in [
        (0,) * 8, (0,) * 7 + (1,), (1,) + (0,) * 7, (0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304),
        (0, 0, 0, 0, 0, 0, 0x0102, 0x0304), (0, 0, 0, 0, 0, 0xffff, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0x0102),
        (0, 0, 0, 0, 0, 0, 0x0001, 0), (0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304),
        (0, 0, 0, 0, 0xffff, 0, 0x0102, 0x0304), (0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff),
        (0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), (0x2001, 0xdb8, 0, 1, 0, 0, 0, 1),
        (1, 0, 1, 0, 1, 0, 1, 0), (1, 0, 0, 1, 0, 0, 1, 1), (0, 0, 1, 0, 0, 1, 0, 0),
        (0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304), (0xfe80, 0, 0, 0, 0, 0, 0, 1),
        (0xffff,) * 8, (0, 0xffff, 0, 0, 0, 0, 0, 0),
    ]:
        case(fn, AF_INET6, v6(*groups))
    # Every pattern of zero and non-zero groups: the compression's runs, ties and edges.
    for mask in range(256):
        for filler in (1, None):
            groups = [0 if mask >> i & 1 else (filler or rng.getrandbits(16) or 1) for i in range(8)]
            case(fn, AF_INET6, v6(*groups))
    for _ in range(350):
        case(fn, AF_INET6, random_v6_bytes())
    for _ in range(200):
        case(fn, AF_INET, bytes(rng.getrandbits(8) for _ in range(4)))


# Inputs behind known CVEs of JavaScript IP parsers, with CPython's answers: each one a
# different reading of an address text than the one glibc gives.
CVES = [
    ("CVE-2021-28918", "netmask read octal parts as decimal",
     [("inet_aton", "0127.0.0.1"), ("inet_aton", "0177.0.0.1"), ("inet_aton", "012.0.0.1"),
      ("inet_aton", "010.0.0.1"), ("inet_pton4", "0177.0.0.1"), ("inet_pton4", "0127.0.0.1"),
      ("inet_aton", "0300.0250.0.1"), ("inet_aton", "00177.0.0.1")]),
    ("CVE-2021-29418", "netmask mishandled leading zeros, hex and invalid octal digits",
     [("inet_aton", "0x7f.0.0.1"), ("inet_aton", "0x7f000001"), ("inet_aton", "09.0.0.1"),
      ("inet_aton", "0119.0.0.1"), ("inet_aton", "08.8.8.8"), ("inet_aton", "0000000000177.0.0.1"),
      ("inet_aton", "0x0000000007f.0.0.1"), ("inet_pton4", "09.0.0.1"), ("inet_pton4", "0x7f.0.0.1")]),
    ("CVE-2023-42282", "ip isPublic() took 0x7f.1 and octal loopback for public",
     [("inet_aton", "0x7f.1"), ("inet_aton", "0x7F.1"), ("inet_aton", "017700000001"),
      ("inet_aton", "2130706433"), ("inet_pton4", "0x7f.1"), ("inet_pton4", "017700000001")]),
    ("CVE-2024-29415", "ip isPublic() incomplete fix: short, octal, padded and mixed-case forms",
     [("inet_aton", "127.1"), ("inet_aton", "127.0.1"), ("inet_aton", "127.00.0x1"),
      ("inet_aton", "127.0.0x0.1"), ("inet_aton", "01200034567"), ("inet_aton", "012.1.2.3"),
      ("inet_aton", "127.000.000.1"), ("inet_pton4", "127.1"), ("inet_pton4", "012.1.2.3"),
      ("inet_pton4", "127.000.000.1"), ("inet_pton6", "fe80::0001"), ("inet_pton6", "000:0:0000::01"),
      ("inet_pton6", "000:0:0000:0:000:0:00:001"), ("inet_pton6", "::fFFf:127.0.0.1"),
      ("inet_pton6", "::ffff:7f00:1"), ("inet_pton6", "::ffff:127.0.0.1"), ("inet_pton6", "::127.0.0.1"),
      ("inet_pton6", "0:0:0:0:0:ffff:7f00:0001")]),
    ("CVE-2020-28360", "private-ip missed private ranges and their other spellings",
     [("inet_aton", "0.0.0.0"), ("inet_aton", "0"), ("inet_aton", "0x0.0"), ("inet_aton", "127.255.255.255"),
      ("inet_aton", "169.254.169.254"), ("inet_aton", "0xa9.0xfe.0xa9.0xfe"), ("inet_aton", "2852039166"),
      ("inet_aton", "100.64.0.1"), ("inet_aton", "192.0.0.1"), ("inet_aton", "0xc0.0250.1"),
      ("inet_aton", "10.1"), ("inet_aton", "0xa000001"), ("inet_pton4", "0.0.0.0"),
      ("inet_pton6", "::"), ("inet_pton6", "::ffff:a9fe:a9fe"), ("inet_pton6", "::ffff:169.254.169.254")]),
]


def record_cves():
    for cve, note, inputs in CVES:
        for kind, text in inputs:
            if kind == "inet_aton":
                case("inet_aton", text, cve=cve, note=note)
            else:
                af = AF_INET if kind == "inet_pton4" else AF_INET6
                case("inet_pton", af, text, cve=cve, note=note)
                # Also what CPython prints for the bytes it parsed, when it did.
                try:
                    case("inet_ntop", af, socket.inet_pton(af, text), cve=cve, note=note)
                except OSError:
                    pass


record_cves()
record_byte_order()
record_inet_aton()
record_inet_ntoa()
record_inet_pton()
record_inet_ntop()

out = {
    "python": sys.version.split()[0],
    "platform": "%s %s" % (sys.platform, " ".join(platform.libc_ver())),
    "seed": SEED,
    "cases": list(cases.values()),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "addr.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    f.write("{\n")
    for k in ("python", "platform", "seed"):
        f.write("  %s: %s,\n" % (json.dumps(k), json.dumps(out[k])))
    f.write('  "cases": [\n')
    f.write(",\n".join("    " + json.dumps(c, sort_keys=True) for c in out["cases"]))
    f.write("\n  ]\n}\n")
counts = {}
for c in out["cases"]:
    counts[c["fn"]] = counts.get(c["fn"], 0) + 1
print("%d cases: %s" % (len(out["cases"]), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
