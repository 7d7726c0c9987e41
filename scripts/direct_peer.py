#!/usr/bin/env python3
"""A peer in another process for the direct-mode scenarios (test/rules/direct.json).

    python3 scripts/direct_peer.py

Listens on 127.0.0.1 on an ephemeral port, prints the port on its first line, accepts one
connection and obeys the client's one-byte commands, each answered only after the byte came,
so that the client decides when each thing happens:
  s   sends b"data"
  w   waits 0.3 s, then sends b"late"
  c   closes (FIN) and ends
  r   resets (SO_LINGER {1, 0}) and ends
  e   reads to the end of stream or an error and ends
  z   as e, after a second's pause: the client's sends fill its buffers meanwhile
  y   as e, slowly (a pause of 2 ms after each read): the client's buffers stay full
On its last line it prints what its last reads saw: "<count> <sha256 hex> <end>", the bytes read
after e and how their reading ended (EOF, or the errno's name, as when a command's read fails),
or "closed" / "reset" after c and r.
"""
import errno
import hashlib
import socket
import struct
import sys
import time

from peer_listen import accept_one


def main():
    conn = accept_one()
    h = hashlib.sha256()
    while True:
        try:
            cmd = conn.recv(1)
        except OSError as e:
            return report(conn, 0, h, errno.errorcode[e.errno])
        if cmd == b"s":
            conn.sendall(b"data")
        elif cmd == b"w":
            time.sleep(0.3)
            conn.sendall(b"late")
        elif cmd == b"c":
            conn.close()
            print("closed", flush=True)
            return
        elif cmd == b"r":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            print("reset", flush=True)
            return
        elif cmd == b"":
            return report(conn, 0, h, "EOF")
        elif cmd in (b"e", b"z", b"y"):
            if cmd == b"z":
                time.sleep(1)
            break
        else:
            sys.exit("unknown command %r" % cmd)
    n = 0
    end = "EOF"
    while True:
        try:
            b = conn.recv(1 << 16)
        except OSError as e:
            end = errno.errorcode[e.errno]
            break
        if not b:
            break
        n += len(b)
        h.update(b)
        if cmd == b"y":
            time.sleep(0.002)
    report(conn, n, h, end)


def report(conn, n, h, end):
    conn.close()
    print(n, h.hexdigest(), end, flush=True)


if __name__ == "__main__":
    main()
