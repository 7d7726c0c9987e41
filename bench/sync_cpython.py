"""CPython's client for bench/sync.bench.js: the same commands as bench/sync_client.mjs, with
python3's blocking socket module as a Python program uses it.

Usage: python3 sync_cpython.py '{"echo": port, "sink": port, "source": port}'
Prints {"python": version}, then answers each command line on stdin with one JSON line
{"seconds"} (or {"error"}): pingpong N | upload BYTES CHUNK | download BYTES CHUNK.
"""

import json
import socket
import sys
import time

PORTS = json.loads(sys.argv[1])
HOST = "127.0.0.1"


def connect(port):
    """A connection with TCP_NODELAY, as every contender's are (see bench/sync_client.mjs)."""
    s = socket.create_connection((HOST, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def pingpong(n):
    s = connect(PORTS["echo"])
    msg = b"a" * 64
    t0 = time.perf_counter()
    for _ in range(n):
        s.sendall(msg)
        got = 0
        while got < 64:
            data = s.recv(64 - got)
            if not data:
                raise RuntimeError("echo server closed")
            got += len(data)
    t1 = time.perf_counter()
    s.close()
    return t1 - t0


def upload(total, chunk):
    s = connect(PORTS["sink"])
    buf = b"b" * chunk
    t0 = time.perf_counter()
    sent = 0
    while sent < total:
        s.sendall(buf if sent + chunk <= total else buf[: total - sent])
        sent += chunk
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        data = s.recv(64)
        if not data:
            break
        reply += data
    t1 = time.perf_counter()
    s.close()
    if int(reply) != total:
        raise RuntimeError(f"the server counted {reply!r} bytes, not {total}")
    return t1 - t0


def download(total, chunk):
    s = connect(PORTS["source"])
    t0 = time.perf_counter()
    s.sendall(b"%d\n" % total)
    got = 0
    while True:
        data = s.recv(chunk)
        if not data:
            break
        got += len(data)
    t1 = time.perf_counter()
    s.close()
    if got != total:
        raise RuntimeError(f"got {got} bytes, not {total}")
    return t1 - t0


WORK = {"pingpong": pingpong, "upload": upload, "download": download}

print(json.dumps({"python": sys.version.split()[0]}), flush=True)
for line in sys.stdin:
    cmd, *args = line.split()
    try:
        print(json.dumps({"seconds": WORK[cmd](*map(int, args))}), flush=True)
    except Exception as err:  # reported to the caller, which goes on
        print(json.dumps({"error": repr(err)}), flush=True)
