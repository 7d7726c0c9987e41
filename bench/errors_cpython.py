"""CPython's side of bench/errors.bench.js: µs per call, median over rounds, as one JSON object.

Usage: python3 errors_cpython.py N ROUNDS
"""
import json
import socket
import sys
import time

N, ROUNDS = int(sys.argv[1]), int(sys.argv[2])


def timed(fn):
    for _ in range(N // 10):
        fn()
    per = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(N):
            fn()
        per.append((time.perf_counter() - t0) * 1e6 / N)
    return sorted(per)[len(per) // 2]


def swallow(f):
    def run():
        try:
            f()
        except Exception:
            pass
    return run


a, b = socket.socketpair()
a.setblocking(False)
out = {"recv -> BlockingIOError": timed(swallow(lambda: a.recv(64)))}


def raise_oserror():
    raise OSError(11, "Resource temporarily unavailable")


def raise_timeout():
    raise TimeoutError("timed out")


out["OSError(11, strerror)"] = timed(swallow(raise_oserror))
out["TimeoutError('timed out')"] = timed(swallow(raise_timeout))
print(json.dumps(out))
