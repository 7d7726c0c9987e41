#!/usr/bin/env python3
"""A peer in another process for the rules scenarios (test/rules/rules.json).

    python3 scripts/rules_peer.py ROLE

Listens on 127.0.0.1 on an ephemeral port, prints the port on its first line, serves one
connection as ROLE says, prints what it saw on its last line, and exits:
  accept_close       accepts and closes at once (FIN); a later segment from the client draws RST
  send_then_reset    accepts, reads a byte (so that the client's connect has finished), sends
                     b"data before reset", then resets (SO_LINGER {1, 0})
  sink               accepts and reads to end of stream; prints "<count> <sha256 hex>"
  slow_sink          as sink, after a second's pause: the client's bytes wait in its buffers
  full_backlog       listens with backlog 0 and one connection of its own queued, so that Linux
                     drops a client's SYNs (tcp_conn_request) and its connect stays in SYN_SENT;
                     accepts nothing, exits after 3 s
"""
import hashlib
import socket
import struct
import sys
import time

from peer_listen import accept_one


def main():
    role = sys.argv[1]
    if role == "full_backlog":
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(0)
        filler = socket.create_connection(srv.getsockname())
        print(srv.getsockname()[1], flush=True)
        time.sleep(3)
        filler.close()
        print("full", flush=True)
        return
    conn = accept_one()
    if role == "accept_close":
        conn.close()
        print("closed", flush=True)
    elif role == "send_then_reset":
        conn.recv(1)
        conn.sendall(b"data before reset")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        print("reset", flush=True)
    elif role in ("sink", "slow_sink"):
        if role == "slow_sink":
            time.sleep(1)
        h = hashlib.sha256()
        n = 0
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            n += len(b)
            h.update(b)
        conn.close()
        print(n, h.hexdigest(), flush=True)
    else:
        sys.exit("unknown role %r" % role)


if __name__ == "__main__":
    main()
