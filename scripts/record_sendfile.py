#!/usr/bin/env python3
"""Runs socket.sendfile() cases on CPython over a TCP loopback pair and records every answer.

    python3 scripts/record_sendfile.py

Writes test/fixtures/sendfile.json, which test/sendfile.test.js replays on pysocket. Each case
sends a file from socket "a" of a connected pair (a SOCK_DGRAM socket for "sock": "dgram") while a
thread reads everything the peer receives until EOF; a is closed after the call. Recorded: the
call's result or exception, the peer's byte count and sha256 (null without a peer), and the
file's position after the call (f.tell(), null when the file was closed).

Case fields:
  file   "data" (SIZE bytes of the pattern below), "empty" (0 bytes) or "dev_zero" (/dev/zero),
         opened with open(path, "rb"); "text" (data opened with open(path, "r")); "bytesio"
         (io.BytesIO of data: a file object without a descriptor)
  state  "open"; "closed_fd" (the descriptor under the file object closed with os.close(), which
         JS mirrors with a closed fd number); "closed_file" (the file object closed, which JS
         mirrors with a closed node:fs/promises FileHandle)
  setup  [[method, [args]], ...] called on a before the file is opened
  args   positional arguments of sendfile, {"file": null} standing for the file
  kw     keyword arguments ("offset", "count"); JS passes them positionally

Values are tagged as test/helpers/pyvalue.js reads them. A case whose answers differ between two
runs depends on timing and is refused.
"""
import hashlib
import io
import json
import os
import platform
import signal
import socket
import sys
import tempfile
import threading

import pyvalue

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "sendfile.json")
CASE_LIMIT = 10
SIZE = 200_000
PATTERN = "byte i = (i * 31 + (i >> 8)) & 0xff"


def content(size):
    return bytes((i * 31 + (i >> 8)) & 0xFF for i in range(size))


# Argument tags.
def I(n): return {"int": str(n)}
def S(s): return {"str": s}
def B(b): return {"bytes": b.hex()}
F = pyvalue.encode  # a float, nan and inf included
N = {"none": None}
TRUE = {"bool": True}
FALSE = {"bool": False}
FILE = {"file": None}


def case(name, *args, file="data", state="open", sock="stream", setup=(), **kw):
    c = {"name": name, "file": file, "state": state, "sock": sock, "setup": [list(s) for s in setup],
         "args": [FILE] + list(args), "kw": kw}
    return c


NONBLOCKING = (["setblocking", [FALSE]],)
CLOSED = (["close", []],)

CASES = [
    # What gets sent.
    case("default arguments"),
    case("offset only", I(12345)),
    case("offset zero and count None given", I(0), N),
    case("offset keyword", offset=I(70000)),
    case("count only", count=I(10000)),
    case("count 1", count=I(1)),
    case("count one block", count=I(8192)),
    case("count one block and a byte", count=I(8193)),
    case("offset and count", I(5000), I(30000)),
    case("offset and count keywords", offset=I(1), count=I(65536)),
    case("offset and count across EOF", I(SIZE - 10), I(100)),
    case("offset at EOF", I(SIZE)),
    case("offset beyond EOF", I(SIZE + 50000)),
    case("offset beyond EOF with count", I(SIZE + 1), I(10)),
    case("count larger than the file", count=I(1_000_000)),
    case("count 2**53", count=I(2 ** 53)),
    case("count True", count=TRUE),
    case("offset True", TRUE),
    case("offset False", FALSE),
    case("timeout socket", setup=(["settimeout", [F(5.0)]],)),
    case("timeout socket with offset and count", I(100), I(20000), setup=(["settimeout", [F(5.0)]],)),

    # The empty file: fstat's size 0 returns before the offset or the socket are looked at.
    case("empty file", file="empty"),
    case("empty file with offset", I(10), file="empty"),
    case("empty file with count", count=I(5), file="empty"),
    case("empty file with offset -1", I(-1), file="empty"),
    case("empty file with offset 'x'", S("x"), file="empty"),
    case("empty file on a non-blocking socket", file="empty", setup=NONBLOCKING),
    case("empty file on a closed socket", file="empty", setup=CLOSED),
    case("empty file with count 0", count=I(0), file="empty"),
    # A device reports size 0 too.
    case("/dev/zero with count", count=I(1000), file="dev_zero"),

    # count.
    case("count 0", count=I(0)),
    case("count -1", count=I(-1)),
    case("count -2**70", count=I(-(2 ** 70))),
    case("count 1.5", count=F(1.5)),
    case("count nan", count=F(float("nan"))),
    case("count inf", count=F(float("inf"))),
    case("count 'x'", count=S("x")),
    case("count b'x'", count=B(b"x")),
    case("count 2**63", count=I(2 ** 63)),
    case("count 2**70", count=I(2 ** 70)),
    case("positional count 0", I(0), I(0)),

    # offset.
    case("offset -1", I(-1)),
    case("offset -5", I(-5)),
    case("offset -1 with count", I(-1), I(10)),
    case("offset 1.5", F(1.5)),
    case("offset 'x'", S("x")),
    case("offset None", N),
    case("offset b'x'", B(b"x")),
    case("offset 2**62", I(2 ** 62)),
    case("offset 2**63", I(2 ** 63)),
    case("offset 'x' with count 0", S("x"), I(0)),

    # The socket.
    case("SOCK_DGRAM socket", sock="dgram"),
    case("SOCK_DGRAM socket with count 0", count=I(0), sock="dgram"),
    case("non-blocking socket", setup=NONBLOCKING),
    case("timeout 0.0 socket", setup=(["settimeout", [F(0.0)]],)),
    case("non-blocking socket with count 0", count=I(0), setup=NONBLOCKING),
    case("non-blocking socket with offset 'x'", S("x"), setup=NONBLOCKING),
    case("non-blocking socket with offset beyond EOF", I(SIZE + 1), setup=NONBLOCKING),
    case("closed socket", setup=CLOSED),
    case("closed socket with count", count=I(100), setup=CLOSED),
    case("closed socket with count 0", count=I(0), setup=CLOSED),

    # The file.
    case("closed file descriptor", state="closed_fd"),
    case("closed file descriptor with offset and count", I(10), I(10), state="closed_fd"),
    case("closed file descriptor with count 0", count=I(0), state="closed_fd"),
    case("closed file descriptor on a non-blocking socket", state="closed_fd", setup=NONBLOCKING),
    case("closed file", state="closed_file"),
    case("closed file with count 0", count=I(0), state="closed_file"),
    case("closed file on a non-blocking socket", state="closed_file", setup=NONBLOCKING),

    # A file object without a descriptor (io.BytesIO): socket.py's _sendfile_use_send.
    case("BytesIO", file="bytesio"),
    case("BytesIO with offset", I(1000), file="bytesio"),
    case("BytesIO with offset and count", I(1000), I(20000), file="bytesio"),
    case("BytesIO with count", count=I(8193), file="bytesio"),
    case("BytesIO with offset beyond EOF", I(SIZE + 10), file="bytesio"),
    case("BytesIO on a non-blocking socket", file="bytesio", setup=NONBLOCKING),
    # A text-mode file is refused before anything else is looked at.
    case("text-mode file", file="text"),
    case("text-mode file with count 0", count=I(0), file="text"),
    case("text-mode file on a SOCK_DGRAM socket", file="text", sock="dgram"),

    # Arity.
    dict(case("no arguments"), args=[]),
    case("four arguments", I(0), N, I(1)),
]


def decode(t, f):
    return pyvalue.decode(t, {"file": lambda _: f})


class CaseHung(BaseException):
    """Not an Exception, so that pyvalue.outcome does not record it as CPython's answer."""


def on_alarm(signum, frame):
    raise CaseHung()


def receive_all(sock, into):
    data = bytearray()
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    into["length"] = len(data)
    into["sha256"] = hashlib.sha256(data).hexdigest()


def run_case(c, paths):
    peer, reader, b = None, None, None
    if c["sock"] == "dgram":
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    else:
        server = socket.create_server(("127.0.0.1", 0))
        a = socket.create_connection(server.getsockname())
        b, _ = server.accept()
        server.close()
        peer = {}
        reader = threading.Thread(target=receive_all, args=(b, peer))
        reader.start()
    f = None
    signal.alarm(CASE_LIMIT)
    try:
        for method, args in c["setup"]:
            getattr(a, method)(*[decode(t, None) for t in args])
        if c["file"] == "bytesio":
            f = io.BytesIO(content(SIZE))
        else:
            f = open(paths[c["file"]], "r" if c["file"] == "text" else "rb")
        if c["state"] == "closed_fd":
            os.close(f.fileno())
        elif c["state"] == "closed_file":
            f.close()
        args = [decode(t, f) for t in c["args"]]
        kw = {k: decode(t, f) for k, t in c["kw"].items()}
        outcome = pyvalue.outcome(lambda: a.sendfile(*args, **kw))
        position = f.tell() if c["state"] == "open" else None
    except CaseHung:
        sys.exit("%s: blocked for %d s" % (c["name"], CASE_LIMIT))
    finally:
        signal.alarm(0)
        if f is not None:
            try:
                f.close()
            except OSError:
                pass  # its descriptor was closed under it
        a.close()
        if reader is not None:
            reader.join(CASE_LIMIT)
            if reader.is_alive():
                sys.exit("%s: the peer saw no EOF within %d s" % (c["name"], CASE_LIMIT))
            b.close()
    return {"outcome": outcome, "peer": peer, "position": position}


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    names = [c["name"] for c in CASES]
    if len(set(names)) != len(names):
        sys.exit("duplicate case names")
    data = content(SIZE)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"data": os.path.join(tmp, "data"), "text": os.path.join(tmp, "data"),
                 "empty": os.path.join(tmp, "empty"),
                 "dev_zero": "/dev/zero"}
        with open(paths["data"], "wb") as f:
            f.write(data)
        open(paths["empty"], "wb").close()
        recorded = [run_case(c, paths) for c in CASES]
        again = [run_case(c, paths) for c in CASES]
    flaky = [c["name"] for c, r1, r2 in zip(CASES, recorded, again) if r1 != r2]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    head = {
        "recorded_by": "scripts/record_sendfile.py",
        "python": sys.version.split()[0],
        "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
        "files": {
            "data": {"size": SIZE, "pattern": PATTERN, "sha256": hashlib.sha256(data).hexdigest()},
            "empty": {"size": 0},
            "dev_zero": {"path": "/dev/zero"},
        },
    }
    # One line per case, so that a change of behaviour shows as a one-line diff.
    with open(OUT, "w") as f:
        f.write(json.dumps(head)[:-1] + ',\n"cases": [\n')
        f.write(",\n".join(json.dumps(dict(c, **r)) for c, r in zip(CASES, recorded)))
        f.write("\n]}\n")
    print("%s: %d cases" % (os.path.relpath(OUT, os.path.join(HERE, "..")), len(CASES)))


if __name__ == "__main__":
    main()
