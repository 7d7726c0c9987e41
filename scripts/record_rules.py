#!/usr/bin/env python3
"""Records CPython's answers for test/rules/rules.json into test/fixtures/scenarios_rules.json,
what descriptor limits do (EMFILE) into test/fixtures/rules_load.json, and poll(2)'s readiness in
a few states into test/fixtures/rules_poll.json.

    python3 scripts/record_rules.py

The scenarios of scripts/record_scenarios.py, with ops for what they cannot say alone (the JS
runner, test/helpers/rules_ops.js, implements the same ops):
  {"op": "peer", "args": [role], "store": name}   starts scripts/rules_peer.py ROLE in another
                                                  process; the result is its ("127.0.0.1", port)
  {"op": "peer_done", "args": [name]}             waits for that peer to exit; its last line
  {"op": "connect_ex_settled", "on": s, "args": [addr]}
                                                  connect_ex until it stops answering EALREADY
  {"op": "chdir_tmp"} / {"op": "chdir_back"}      into a fresh temporary directory, and back
  {"op": "unix_name_shape", "on": s}              (type name, length, first byte) of
                                                  getsockname(), for names that differ per run
"""
import json
import os
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time

import socket

import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "rules_peer.py")
peers = {}
cwd = []


def start_peer(role, name):
    p = subprocess.Popen([sys.executable, PEER, role], stdout=subprocess.PIPE, text=True)
    peers[name] = p
    return ("127.0.0.1", int(p.stdout.readline()))


def peer_done(name):
    out, _ = peers.pop(name).communicate(timeout=5)
    return out.strip().splitlines()[-1]


def connect_ex_settled(s, addr):
    while True:
        r = s.connect_ex(addr)
        if r != 114:
            return r
        time.sleep(0.01)


def chdir_tmp():
    cwd.append((os.getcwd(), tempfile.mkdtemp(prefix="pysocket-rules-")))
    os.chdir(cwd[-1][1])


def chdir_back():
    back, tmp = cwd.pop()
    os.chdir(back)
    shutil.rmtree(tmp)


def unix_name_shape(s):
    name = s.getsockname()
    return (type(name).__name__, len(name), name[0] if isinstance(name, bytes) else ord(name[0]))


plain_prepare = record_scenarios.prepare


def prepare(step, env):
    op = step.get("op")
    args = [record_scenarios.decode(a, env) for a in step.get("args", [])]
    if op == "peer":
        return lambda: start_peer(args[0], step["store"])
    if op == "peer_done":
        return lambda: peer_done(args[0])
    if op == "connect_ex_settled":
        return lambda: connect_ex_settled(env[step["on"]], *args)
    if op == "chdir_tmp":
        return chdir_tmp
    if op == "chdir_back":
        return chdir_back
    if op == "unix_name_shape":
        return lambda: unix_name_shape(env[step["on"]])
    return plain_prepare(step, env)


def error(e):
    return {"type": type(e).__name__, "errno": e.errno, "message": str(e)}


def emfile():
    """socket() until EMFILE, with fds 0-2 the only others open: how many, and the error."""
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    held = []
    try:
        while True:
            held.append(socket.socket())
    except OSError as e:
        err = error(e)
    for s in held:
        s.close()
    return {"headroom": limit - len(held), "error": err}


def accept_at_emfile():
    """accept() at the limit: EMFILE; once an fd is freed, the same connection is accepted and
    carries the client's bytes (__sys_accept4 takes the fd before the connection)."""
    out = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    cli = socket.create_connection(srv.getsockname())
    fillers = []
    try:
        while True:
            fillers.append(socket.socket())
    except OSError:
        pass
    try:
        srv.accept()
        out.append("accepted")
    except OSError as e:
        out.append(error(e))
    fillers.pop().close()
    conn, _ = srv.accept()
    cli.sendall(b"still queued")
    out.append(conn.recv(100).decode())
    for s in fillers + [conn, cli, srv]:
        s.close()
    return out


def load_facts():
    """In a fresh process (fds 0-2 alone open) whose RLIMIT_NOFILE is 64."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    print(json.dumps({"python": sys.version.split()[0], "rlimit_nofile": 64,
                      "emfile": emfile(), "accept_at_emfile": accept_at_emfile()}))


POLL_EVENTS = select.POLLIN | select.POLLPRI | select.POLLOUT | select.POLLRDHUP


def revents(s):
    p = select.poll()
    p.register(s, POLL_EVENTS)
    got = p.poll(0)
    return got[0][1] if got else 0


def poll_masks():
    """poll(2)'s revents in the situations test/kernel_poll.test.js builds the same way."""
    out = {}
    fresh = socket.socket()
    out["tcp_fresh"] = revents(fresh)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    out["tcp_listening_idle"] = revents(srv)
    cli = socket.create_connection(srv.getsockname())
    out["tcp_listening_pending"] = revents(srv)
    conn, _ = srv.accept()
    out["tcp_connected_idle"] = revents(cli)
    cli.sendall(b"x")
    conn.recv(1, socket.MSG_PEEK)
    out["tcp_data_queued"] = revents(conn)
    cli.shutdown(socket.SHUT_WR)
    out["tcp_own_shut_wr"] = revents(cli)
    out["tcp_peer_fin_with_data"] = revents(conn)
    conn.recv(1)
    out["tcp_peer_fin"] = revents(conn)
    conn.sendall(b"unread")
    cli.recv(1, socket.MSG_PEEK)
    cli.close()
    out["tcp_peer_reset"] = revents(conn)
    try:
        conn.recv(10)
    except OSError:
        pass
    out["tcp_reset_error_taken"] = revents(conn)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out["udp_fresh"] = revents(u)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"d", u.getsockname())
    u.recv(1, socket.MSG_PEEK)
    out["udp_datagram_queued"] = revents(u)
    a, b = socket.socketpair()
    out["pair_idle"] = revents(a)
    b.send(b"p")
    out["pair_data_queued"] = revents(a)
    b.close()
    out["pair_peer_closed"] = revents(a)
    for x in (fresh, srv, cli, conn, u, a):
        x.close()
    return out


def record_poll():
    path = os.path.join(HERE, "..", "test", "fixtures", "rules_poll.json")
    with open(path, "w") as f:
        json.dump({"python": sys.version.split()[0], "events": POLL_EVENTS, "revents": poll_masks()}, f, indent=1)
        f.write("\n")
    print("test/fixtures/rules_poll.json")


def record_load():
    out = subprocess.run([sys.executable, __file__, "--load"], check=True, capture_output=True, text=True).stdout
    facts = json.loads(out)
    path = os.path.join(HERE, "..", "test", "fixtures", "rules_load.json")
    with open(path, "w") as f:
        json.dump(facts, f, indent=1)
        f.write("\n")
    print("test/fixtures/rules_load.json")


def main():
    if sys.argv[1:] == ["--load"]:
        return load_facts()
    record_scenarios.record("rules", folder="rules", ops=prepare)
    record_load()
    record_poll()


if __name__ == "__main__":
    main()
