"""The listener of the peers in another process (scripts/rules_peer.py, scripts/direct_peer.py)."""
import socket


def accept_one():
    """Listens on 127.0.0.1 on an ephemeral port, prints the port on the first line (the test
    reads it), and returns the one connection it accepts."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    srv.close()
    return conn
