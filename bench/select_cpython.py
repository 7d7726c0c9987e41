"""CPython's side of bench/select.bench.js.
  python3 select_cpython.py echo        a selectors echo server; prints {"port"}, serves until
                                        killed
  python3 select_cpython.py select N    select.select over N idle sockets, one readable;
                                        prints {"ns": per call}
"""
import json
import select
import selectors
import socket
import sys
import time


def echo():
    sel = selectors.DefaultSelector()
    server = socket.create_server(("127.0.0.1", 0), backlog=1024)
    server.setblocking(False)
    sel.register(server, selectors.EVENT_READ, None)
    print(json.dumps({"port": server.getsockname()[1]}), flush=True)
    while True:
        for key, _ in sel.select():
            if key.data is None:
                conn, _ = server.accept()
                conn.setblocking(False)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(conn, selectors.EVENT_READ, 1)
                continue
            conn = key.fileobj
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if data:
                conn.sendall(data)
            else:
                sel.unregister(conn)
                conn.close()


def select_loop(n):
    socks = []
    for _ in range(n // 2):
        socks.extend(socket.socketpair())
    socks[1].send(b"x")
    rounds = 2000
    for _ in range(200):
        select.select(socks, [], [], 0)
    t0 = time.perf_counter_ns()
    for _ in range(rounds):
        select.select(socks, [], [], 0)
    print(json.dumps({"ns": (time.perf_counter_ns() - t0) / rounds}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "echo":
        echo()
    else:
        select_loop(int(sys.argv[2]))
