#!/usr/bin/env python3
"""A UDP sender in another process for the local-delivery scenarios (test/udp_local/udp_local.json).

    python3 scripts/udp_local_peer.py HOST PORT COUNT

Binds 127.0.0.1 on an ephemeral port, prints the port, sends COUNT datagrams b"peer <i>" to
HOST:PORT, and exits.
"""
import socket
import sys


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("::1" if ":" in host else "127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    for i in range(count):
        s.sendto(b"peer %d" % i, (host, port))
    s.close()


if __name__ == "__main__":
    main()
