"""The step builders, the shared setups and the case list of scripts/record_test_socket.py:
test_socket.py's fixtures (SocketTCPTest, SocketConnectedTest, ThreadedUDPSocketTest…) as step
lists."""
import sys

import pyvalue


MSG = "Michael Gilfix was here\u1234\r\n".encode("utf-8")
HOST = "127.0.0.1"
HOSTv6 = "::1"
INT_MAX = 2**31 - 1
UINT_MAX = 2**32 - 1
# A timeout that must not expire (the original's LONG_TIMEOUT / MAIN_TIMEOUT).
LONG = 30.0
# The timeout of a listening socket whose accept() waits for a peer (see tcp_server).
GUARD = 10.0
# A timeout that must expire: shorter than the original's where only its firing matters.
SHORT = 0.3
HARNESS = {"value", "issubclass", "same", "write_until_full", "readable", "start_peer", "peer_arg",
           "join_peer", "join_peer_sync"}


# --- building steps ---------------------------------------------------------------------------

def A(v):
    """A step argument: a Python value, or an already tagged one (C, R, KW, P)."""
    if isinstance(v, dict):
        return v
    if isinstance(v, tuple):
        return {"tuple": [A(x) for x in v]}
    return pyvalue.encode(v)


def C(name):
    return {"const": name}


def R(name):
    return {"ref": name}


def KW(**kw):
    return {"kwargs": {k: A(v) for k, v in kw.items()}}


def P(length, seed):
    return {"pattern": {"len": length, "seed": seed}}


def _step(d, args, store):
    if args and isinstance(args[-1], dict) and "kwargs" in args[-1]:
        d["kwargs"] = args[-1]["kwargs"]
        args = args[:-1]
    if args:
        d["args"] = [A(a) for a in args]
    if store is not None:
        d["store"] = store
    return d


def call(fn, *args, store=None):
    return _step({"call": fn}, args, store)


def m(on, meth, *args, store=None):
    return _step({"on": on, "call": meth}, args, store)


def get(on, attr):
    return {"on": on, "get": attr}


def op(name, on=None, *args, store=None):
    d = {"op": name}
    if on is not None:
        d["on"] = on
    return _step(d, args, store)


def value(v):
    return call("value", v)


def start_peer(**values):
    args = []
    for k, v in values.items():
        args += [k, v]
    return call("start_peer", *args)


def join_peer():
    return call("join_peer")


CASES = []


def case(cid, steps, peer=None):
    if any(c["id"] == cid for c in CASES):
        sys.exit("duplicate case id " + cid)
    c = {"id": cid, "steps": steps}
    if peer is not None:
        if join_peer() not in steps and call("join_peer_sync") not in steps:
            sys.exit(cid + ": a case with a peer joins it")
        c["peer"] = {"steps": peer}
    CASES.append(c)


# --- the shapes test_socket.py's fixtures set up -------------------------------------------------

def tcp_server(family="AF_INET", host=HOST, guard=False):
    """SocketTCPTest.setUp: a listening socket srv and its address addr. With guard, srv has a
    timeout that does not expire when all goes well, so that an accept() whose peer failed
    ends (on a blocking facade nothing else can end it)."""
    bind = (host, 0) if family == "AF_INET" else (host, 0, 0, 0)
    return [call("socket", C(family), C("SOCK_STREAM"), store="srv"),
            m("srv", "bind", bind),
            m("srv", "listen"),
            m("srv", "getsockname", store="addr")] + (
                [m("srv", "settimeout", GUARD)] if guard else [])


def connected(family="AF_INET", host=HOST):
    """SocketConnectedTest: the peer thread's cli connects to srv; conn is the accepted end."""
    main = tcp_server(family, host, guard=True) + [start_peer(addr=R("addr")),
                                       m("srv", "accept", store=["conn", "caddr"])]
    peer = [call("peer_arg", "addr", store="addr"),
            call("socket", C(family), C("SOCK_STREAM"), store="cli"),
            m("cli", "connect", R("addr"))]
    return main, peer


def udp_pair(family="AF_INET", host=HOST):
    """ThreadedUDPSocketTest: srv bound, the peer's cli sends to it."""
    bind = (host, 0) if family == "AF_INET" else (host, 0, 0, 0)
    main = [call("socket", C(family), C("SOCK_DGRAM"), store="srv"),
            m("srv", "bind", bind),
            m("srv", "getsockname", store="addr")]
    peer = [call("peer_arg", "addr", store="addr"),
            call("socket", C(family), C("SOCK_DGRAM"), store="cli")]
    return main, peer


def sequential_pair():
    """A connected TCP pair without threads: a loopback connect completes through the backlog."""
    return tcp_server() + [call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
                           m("cli", "connect", R("addr")),
                           m("srv", "accept", store=["conn", "caddr"])]


def free_port():
    """find_unused_port(): bind port 0, keep the number, close."""
    return [call("socket", store="tmp"), m("tmp", "bind", (HOST, 0)),
            m("tmp", "getsockname", store=["h", "port"]), m("tmp", "close")]


case("NetworkConnectionNoServer.test_connect", free_port() + [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
    m("cli", "connect", (HOST, R("port")))])
case("NetworkConnectionNoServer.test_create_connection", free_port() + [
    call("create_connection", (HOST, R("port")))])
case("NetworkConnectionNoServer.test_create_connection_all_errors", free_port() + [
    call("create_connection", (HOST, R("port")), KW(all_errors=True))])
