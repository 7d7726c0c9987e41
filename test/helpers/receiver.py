"""A receiver in a process of its own, for test/sync_lifetime.test.js:

    python3 receiver.py COUNT DELAY_MS

Listens on 127.0.0.1 with a small receive buffer, prints its port, and serves COUNT connections
at once: each one waits DELAY_MS before reading (so that its sender has ended by then, with
bytes still on their way), then reads to the end and prints one JSON line: the 4-byte id the
sender sent first, the length of the rest and its SHA-256.
"""
import hashlib
import json
import socket
import sys
import threading
import time

count, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
srv.bind(("127.0.0.1", 0))
srv.listen(count)
print(srv.getsockname()[1], flush=True)
lock = threading.Lock()


def serve(conn):
    time.sleep(delay)
    head, n, h = b"", 0, hashlib.sha256()
    with conn:
        while True:
            d = conn.recv(1 << 20)
            if not d:
                break
            if len(head) < 4:
                take = 4 - len(head)
                head, d = head + d[:take], d[take:]
            n += len(d)
            h.update(d)
    with lock:
        print(json.dumps({"id": int.from_bytes(head, "little"), "len": n, "sha256": h.hexdigest()}), flush=True)


threads = []
for _ in range(count):
    conn, _ = srv.accept()
    t = threading.Thread(target=serve, args=(conn,))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
