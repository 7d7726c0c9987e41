"""CPython's side of bench/sync_thread.bench.js: the same one-thread cases, with python3's
blocking socket module. Prints one JSON line: {"python": version, "us": {case: [µs per op of
each round]}}. Usage: python3 sync_thread.py ROUNDS N
"""
import json
import platform
import socket
import sys
import time

ROUNDS, N = int(sys.argv[1]), int(sys.argv[2])
MSG = b"a" * 64
PINGS = 10000


def round_trips(a, b, send):
    def run(n):
        for _ in range(n):
            send(a, MSG)
            b.recv(64)
            send(b, MSG)
            a.recv(64)
    return run


def cases():
    a, b = socket.socketpair()
    yield "socketpair round trip", round_trips(a, b, socket.socket.sendall)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    v.bind(("127.0.0.1", 0))
    u.connect(v.getsockname())
    v.connect(u.getsockname())
    yield "UDP round trip", round_trips(u, v, socket.socket.send)
    srv = socket.create_server(("127.0.0.1", 0))
    c = socket.create_connection(srv.getsockname())
    conn, _ = srv.accept()
    for s in (c, conn):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    yield "TCP round trip", round_trips(c, conn, socket.socket.sendall)
    pings = b"PING\r\n" * PINGS
    lines = conn.makefile("rb")

    def pipelined(n):
        for _ in range(n // 1000):
            c.sendall(pings)
            for _ in range(PINGS):
                lines.readline()
    yield f"{PINGS} pipelined PINGs, makefile().readline() (ms per batch)", pipelined
    lines.close()
    conn.setblocking(False)

    def nonblocking(n):
        for _ in range(n * 10):
            try:
                conn.recv(10)
            except BlockingIOError:
                pass
    yield "non-blocking recv, BlockingIOError (per 10)", nonblocking


us = {}
for name, run in cases():
    run(N)
    us[name] = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        run(N)
        us[name].append((time.perf_counter() - t0) * 1e6 / N)
print(json.dumps({"python": platform.python_version(), "us": us}))
