"""CPython's side of bench/socket.bench.js: the same loopback workloads with python3's socket
module, client and server in one process (the server in a thread, blocking sockets, as a
Python program would write them), one round at a time, so that the caller can interleave
CPython's rounds with its own and all contenders meet the same machine load.

Usage: python3 socket_cpython.py

Prints one JSON line {"python": version}, then answers each command line read on stdin with one
JSON line; exits at the end of stdin:
  pingpong N           TCP, TCP_NODELAY, 64-byte messages: {"seconds", "p99"} (p99 in seconds)
  bulk WARM TOTAL CHUNK  TCP: WARM bytes, a barrier, then TOTAL timed: {"seconds"}
  udp N                UDP sendto/recvfrom, 64-byte datagrams: {"seconds", "p99"}
  connect N            connect + accept + close, N times: {"seconds"}
Any failure answers {"error": text} instead. Sockets have no timeout, as in a plain Python
program; the caller kills this process if a round never ends.
"""

import json
import socket
import sys
import threading
import time

MSG = 64
HOST = "127.0.0.1"


def p99(lat):
    lat.sort()
    return lat[min(len(lat) - 1, int(len(lat) * 0.99))]


def tcp_pair():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((HOST, 0))
    srv.listen()
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    srv.close()
    for s in (cli, conn):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return cli, conn


def recv_exactly(s, n):
    got = 0
    while got < n:
        data = s.recv(n - got)
        if not data:
            raise ConnectionError("peer closed early")
        got += len(data)


def time_round_trips(round_trip, n, warm):
    """Runs `round_trip` warm times, then n timed times: total seconds and p99 latency."""
    lat = [0.0] * n
    clock = time.perf_counter
    for _ in range(warm):
        round_trip()
    t0 = clock()
    for i in range(n):
        s = clock()
        round_trip()
        lat[i] = clock() - s
    return {"seconds": clock() - t0, "p99": p99(lat)}


def pingpong(n, warm=500):
    cli, conn = tcp_pair()

    def serve():
        with conn:
            while True:
                data = conn.recv(MSG)
                if not data:
                    return
                conn.sendall(data)

    t = threading.Thread(target=serve)
    t.start()
    msg = b"x" * MSG

    def round_trip():
        cli.sendall(msg)
        recv_exactly(cli, MSG)

    try:
        return time_round_trips(round_trip, n, warm)
    finally:
        cli.close()
        t.join()


def bulk(warm, total, chunk):
    cli, conn = tcp_pair()
    result = {}

    def serve():
        with conn:
            buf = bytearray(chunk)
            got = 0
            while got < warm:
                k = conn.recv_into(buf)
                if k == 0:
                    raise ConnectionError("peer closed early")
                got += k
            conn.sendall(b"!")
            got = 0
            while got < total:
                k = conn.recv_into(buf)
                if k == 0:
                    raise ConnectionError("peer closed early")
                got += k
            result["end"] = time.perf_counter()

    t = threading.Thread(target=serve)
    t.start()
    data = b"x" * chunk
    try:
        sent = 0
        while sent < warm:
            cli.sendall(data)
            sent += chunk
        recv_exactly(cli, 1)
        t0 = time.perf_counter()
        sent = 0
        while sent < total:
            cli.sendall(data)
            sent += chunk
    finally:
        cli.close()
        t.join()
    if "end" not in result:
        raise RuntimeError("the server did not receive everything")
    return {"seconds": result["end"] - t0}


def udp(n, warm=500):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind((HOST, 0))
    addr = srv.getsockname()
    cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cli.bind((HOST, 0))
    stop = b"stop"

    def serve():
        with srv:
            while True:
                data, peer = srv.recvfrom(2048)
                if data == stop:
                    return
                srv.sendto(data, peer)

    t = threading.Thread(target=serve)
    t.start()
    msg = b"x" * MSG

    def round_trip():
        cli.sendto(msg, addr)
        cli.recvfrom(2048)

    try:
        return time_round_trips(round_trip, n, warm)
    finally:
        cli.sendto(stop, addr)
        t.join()
        cli.close()


def connect(n, warm=100):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((HOST, 0))
    srv.listen()
    addr = srv.getsockname()

    def once():
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.connect(addr)
        conn, _ = srv.accept()
        c.close()
        conn.close()

    try:
        for _ in range(warm):
            once()
        t0 = time.perf_counter()
        for _ in range(n):
            once()
        seconds = time.perf_counter() - t0
    finally:
        srv.close()
    return {"seconds": seconds}


COMMANDS = {"pingpong": pingpong, "bulk": bulk, "udp": udp, "connect": connect}


def main():
    print(json.dumps({"python": sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            answer = COMMANDS[words[0]](*map(int, words[1:]))
        except Exception as exc:  # reported, never fatal: the caller prints it and goes on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
