#!/usr/bin/env python3
"""Records CPython's answers to the cases of its own Lib/test/test_socket.py, for what pysocket has.

    python3 scripts/record_test_socket.py

The cases below take test_socket.py's inputs and checks (not its code) and restate them as
scenarios in test/helpers/scenario.js's format; this script runs each on CPython and writes the
steps with every answer to test/fixtures/test_socket_cases.json, which
test/test_socket_cases.test.js replays on both facades. docs/TEST_SOCKET_COVERAGE.md maps every
test class and method of test_socket.py to its case here (or says why none applies).

A case is {"id": "Class.method[variant]", "steps", "results"} plus, where the original has a
client thread, {"peer": {"steps", "results"}}: steps run concurrently by a peer thread (in JS, a
worker_thread running pysocket/sync). Four module-level calls are the harness's, not socket's:
  value(x)               returns x (to record a module constant)
  start_peer(name, v...) starts the peer; its env holds the name/value pairs given
  peer_arg(name)         (peer only) the value start_peer passed under that name
  join_peer()            waits until the peer's steps have run and its sockets are closed
  join_peer_sync()       the same, blocking the thread even on the Promise facade: no turn of
                         the event loop runs between the peer's last step and the next step
KW(...) as the last argument of a step builder gives the step its "kwargs". A step with "expect" records the shape of an answer that varies between runs (see shape()). Unix socket paths are relative: both sides run in a fresh temporary directory.
Every case is run twice and must answer the same both times.
"""
import json
import os
import platform
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading

import pyvalue
import record_scenarios as rs

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "test_socket_cases.json")
STEP_LIMIT = 10
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
HARNESS = {"value", "start_peer", "peer_arg", "join_peer", "join_peer_sync"}


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
            m("srv", "getsockname", store="addr")] + ([m("srv", "settimeout", GUARD)] if guard else [])


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


# --- GeneralModuleTests -------------------------------------------------------------------------

case("GeneralModuleTests.test_repr", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    op("repr", "s"),
    m("s", "bind", (HOST, 0)),
    op("repr", "s"),
    m("s", "getsockname"),
    m("s", "close"),
    op("repr", "s"),
])

case("GeneralModuleTests.testSendtoErrors", [
    call("socket", C("AF_INET"), C("SOCK_DGRAM"), store="s"),
    m("s", "bind", ("", 0)),
    m("s", "getsockname", store="sockname"),
    m("s", "sendto", "\u2620", R("sockname")),
    m("s", "sendto", b"foo", None),
    m("s", "sendto", "\u2620", 0, R("sockname")),
    m("s", "sendto", b"foo", 0, None),
    m("s", "sendto", b"foo", "bar", R("sockname")),
    m("s", "sendto", b"foo", None, None),
    m("s", "sendto", b"foo"),
    m("s", "sendto", b"foo", 0, R("sockname"), 4),
])

case("GeneralModuleTests.testCrucialConstants", [value(C(n)) for n in (
    "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET",
    "SOL_SOCKET", "SO_REUSEADDR", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IPV6", "has_ipv6")])

case("GeneralModuleTests.test_host_resolution", [
    call("gethostbyname", a) for a in (HOST, "10.0.0.1", "255.255.255.255")])

NTOH_INPUTS = (0, 1, 0xffff, ~0xffff, 2, 0x01234567, 0x76543210)
steps = []
for fn, size in (("htonl", 32), ("ntohl", 32), ("htons", 16), ("ntohs", 16)):
    mask = (1 << size) - 1
    steps += [call(fn, i & mask) for i in NTOH_INPUTS]
    steps += [call(fn, mask), call(fn, 1 << 34)]
case("GeneralModuleTests.testNtoH", steps)

s_good = [0, 1, 2, 0xffff]
l_good = s_good + [0xffffffff]
l_bad = [-1, -2, 1 << 32, 1 << 1000]
s_bad = l_bad + [-INT_MAX - 2, INT_MAX + 1, 1 << 16, INT_MAX]
case("GeneralModuleTests.testNtoHErrors",
     [call(f, k) for k in s_good for f in ("ntohs", "htons")]
     + [call(f, k) for k in l_good for f in ("ntohl", "htonl")]
     + [call(f, k) for k in s_bad for f in ("ntohs", "htons")]
     + [call(f, k) for k in l_bad for f in ("ntohl", "htonl")])

case("GeneralModuleTests.testGetServBy", [
    call("getservbyname", "daytime", "tcp"),
    call("getservbyname", "daytime"),
    call("getservbyname", "daytime", "udp"),
    call("getservbyport", 13),
    call("getservbyport", 13, "tcp"),
    call("getservbyport", 13, "udp"),
    call("getservbyport", -1),
    call("getservbyport", 65536),
])

case("GeneralModuleTests.testDefaultTimeout", [
    call("getdefaulttimeout"),
    call("socket", store="s1"),
    m("s1", "gettimeout"),
    call("setdefaulttimeout", 10),
    call("getdefaulttimeout"),
    call("socket", store="s2"),
    m("s2", "gettimeout"),
    call("setdefaulttimeout", None),
    call("getdefaulttimeout"),
    call("socket", store="s3"),
    m("s3", "gettimeout"),
    call("setdefaulttimeout", -1),
    call("setdefaulttimeout", "spam"),
])

case("GeneralModuleTests.testIPv4_inet_aton_fourbytes", [
    call("inet_aton", "0.0.0.0"), call("inet_aton", "255.255.255.255")])

IPV4_GOOD = ("0.0.0.0", "255.0.255.0", "170.170.170.170", "1.2.3.4", "255.255.255.255")
IPV4_BAD = ("0.0.0.", "300.0.0.0", "a.0.0.0", "1.2.3.4.5", "::1")
case("GeneralModuleTests.testIPv4toString",
     [call("inet_aton", a) for a in IPV4_GOOD + IPV4_BAD]
     + [call("inet_pton", C("AF_INET"), a) for a in IPV4_GOOD + IPV4_BAD])

case("GeneralModuleTests.testIPv6toString", [call("inet_pton", C("AF_INET6"), a) for a in (
    "::", "0::0", "1::", "45ef:76cb:1a:56ef:afeb:bac:1924:aeae", "ad42:abc::127:0:254:2", "12:a::",
    "0x20::", ":::", "::0::", "1::abc::", "1::abc::def", "1:2:3:4:5:6", "1:2:3:4:5:6:",
    "1:2:3:4:5:6:7:8:0", "1:2:3:4:5:6:7:8:", "::254.42.23.64", "42::a29b:254.42.23.64",
    "42:a8b9:0:2:ffff:a29b:254.42.23.64", "255.254.253.252", "1::260.2.3.0", "1::0.be.e.0",
    "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:0", "0.100.200.0:3:4:5:6:7:8")])

IPV4_PACKED = (b"\x01\x00\x01\x00", b"\xaa\x55\xaa\x55", b"\xff\xff\xff\xff", b"\x01\x02\x03\x04",
               b"\x00" * 3, b"\x00" * 5, b"\x00" * 16)
case("GeneralModuleTests.testStringToIPv4",
     [call("inet_ntoa", b) for b in IPV4_PACKED]
     + [call("inet_ntop", C("AF_INET"), b) for b in IPV4_PACKED])

case("GeneralModuleTests.testStringToIPv6", [call("inet_ntop", C("AF_INET6"), b) for b in (
    b"\x00" * 16, b"\x00" * 15 + b"\x01",
    b"\x0a\xef\x0b\x01\x05\x06\x10\x01\xff\xff\x99\x97\x00\x55\x01\x70",
    b"\x12" * 15, b"\x12" * 17, b"\x12" * 4)])

case("GeneralModuleTests.testSockName", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", ("0.0.0.0", 0)),
    m("s", "getsockname"),
])

case("GeneralModuleTests.testGetSockOpt", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR")),
])

case("GeneralModuleTests.testSetSockOpt", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "setsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR"), 1),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR")),
])

case("GeneralModuleTests.testSendAfterClose", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "settimeout", 1),
    m("s", "close"),
    m("s", "send", b"spam"),
])

case("GeneralModuleTests.testCloseException", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 0)),
    m("s", "fileno", store="fd"),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), 0, R("fd"), store="s2"),
    m("s2", "close"),
    m("s", "close"),
])

case("GeneralModuleTests.testNewAttributes", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    get("s", "family"), get("s", "type"), get("s", "proto"),
])

case("GeneralModuleTests.test_getsockaddrarg", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 40000 + 65536)),
    m("s", "bind", (HOST, 40000 - 65536)),
    m("s", "bind", (HOST, 0)),
])

# testGetaddrinfo without 'localhost' (its answers come from the machine's /etc/hosts: see
# test/resolve.test.js, which records them with the machine they hold for).
case("GeneralModuleTests.testGetaddrinfo", [
    call("getaddrinfo", HOST, None),
    call("getaddrinfo", HOST, 80),
    call("getaddrinfo", None, 80),
    call("getaddrinfo", HOSTv6, 80),
    call("getaddrinfo", HOST, "http"),
    call("getaddrinfo", HOST, 80, C("AF_INET"), C("SOCK_STREAM")),
    call("getaddrinfo", HOST, None, 0, C("SOCK_STREAM")),
    call("getaddrinfo", HOST, None, 0, 0, C("SOL_TCP")),
    call("getaddrinfo", HOST, None, 0, 0, 0, C("AI_PASSIVE")),
    call("getaddrinfo", None, 0, C("AF_UNSPEC"), C("SOCK_STREAM"), 0, C("AI_PASSIVE")),
    call("getaddrinfo", "localhost", "\ud800"),
])
case("GeneralModuleTests.testGetaddrinfo[keywords]", [
    call("getaddrinfo", KW(host=HOST, port=None)),
    call("getaddrinfo", HOST, None, KW(family=C("AF_INET"))),
    call("getaddrinfo", HOST, None, KW(type=C("SOCK_STREAM"))),
    call("getaddrinfo", HOST, None, KW(proto=C("SOL_TCP"))),
    call("getaddrinfo", HOST, None, KW(flags=C("AI_PASSIVE"))),
    call("getaddrinfo", KW(host=None, port=0, family=C("AF_UNSPEC"), type=C("SOCK_STREAM"),
                           proto=0, flags=C("AI_PASSIVE"))),
])
# test_idna needs the network; its offline half: a host the idna codec cannot encode.
case("GeneralModuleTests.test_idna[unencodable host]", [
    call("getaddrinfo", "\ud800", 80),
])
case("GeneralModuleTests.testInterpreterCrash", [call("getnameinfo", ("x", 0, 0, 0), 0)])
case("GeneralModuleTests.testRefCountGetNameInfo", [call("getnameinfo", "test_socket", 0)])

case("GeneralModuleTests.test_getnameinfo", [
    call("getnameinfo", ("mail.python.org", 0), 0)])

case("GeneralModuleTests.test_name_closed_socketio", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "makefile", "rb", store="f"),
    m("f", "close"),
    op("repr", "f"),
])

case("GeneralModuleTests.test_unusable_closed_socketio", [
    call("socket", store="s"),
    m("s", "makefile", "rb", KW(buffering=0), store="f"),
    m("f", "readable"), m("f", "writable"), m("f", "seekable"),
    m("f", "close"),
    m("f", "readable"), m("f", "writable"), m("f", "seekable"),
])

case("GeneralModuleTests.test_socket_close", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 0)),
    m("s", "fileno", store="fd"),
    call("close", R("fd")),
    m("s", "listen", 1),
    m("s", "close"),
    call("close", None),
    call("close", -1),
])

steps = [call("socket", store="s")]
for mode in ("r", "rb", "rw", "w", "wb"):
    f = "f_" + mode
    steps += [m("s", "makefile", mode, KW(encoding=None if "b" in mode else "utf-8"), store=f),
              get(f, "mode"), m(f, "close")]
case("GeneralModuleTests.test_makefile_mode", steps)

case("GeneralModuleTests.test_makefile_invalid_mode", [call("socket", store="s")] + [
    m("s", "makefile", mode) for mode in ("rt", "x", "+", "a")])

steps = []
for i, backlog in enumerate((0, -1, None)):
    s = "srv%d" % i
    steps += [call("socket", C("AF_INET"), C("SOCK_STREAM"), store=s), m(s, "bind", (HOST, 0)),
              m(s, "listen") if backlog is None else m(s, "listen", backlog)]
case("GeneralModuleTests.test_listen_backlog", steps)

case("GeneralModuleTests.test_listen_backlog_overflow", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="srv"),
    m("srv", "bind", (HOST, 0)),
    m("srv", "listen", INT_MAX + 1),
])

case("GeneralModuleTests.test_flowinfo", [
    call("getnameinfo", (HOSTv6, 0, 0xffffffff), 0),
    call("socket", C("AF_INET6"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", (HOSTv6, 0, -10)),
])

case("GeneralModuleTests.test_getaddrinfo_ipv6_basic", [
    call("getaddrinfo", "ff02::1de:c0:face:8D", 1234, C("AF_INET6"), C("SOCK_DGRAM"),
         C("IPPROTO_UDP"))])

case("GeneralModuleTests.test_getaddrinfo_ipv6_scopeid_numeric", [
    call("getaddrinfo", "ff02::1de:c0:face:8D%42", 1234, C("AF_INET6"), C("SOCK_DGRAM"),
         C("IPPROTO_UDP"))])

case("GeneralModuleTests.test_getnameinfo_ipv6_scopeid_numeric", [
    call("getnameinfo", ("ff02::1de:c0:face:8D", 1234, 0, 42), C("NI_NUMERICHOST")),
    value(C("NI_NUMERICSERV")),
])

# SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, spelled as the number (JS has no int | on consts).
steps = [call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK
              | socket.SOCK_CLOEXEC, store="s"), get("s", "type")]
for how in (("settimeout", 1), ("settimeout", 0), ("setblocking", True), ("setblocking", False)):
    steps += [m("s", *how), get("s", "type")]
case("GeneralModuleTests.test_socket_consistent_sock_type", steps)

for fam, typ, bind in (("AF_INET", "SOCK_STREAM", (HOST, 0)), ("AF_INET", "SOCK_DGRAM", (HOST, 0)),
                       ("AF_INET6", "SOCK_STREAM", (HOSTv6, 0, 0, 0)),
                       ("AF_UNIX", "SOCK_STREAM", "fileno_unix_sock")):
    case("GeneralModuleTests.test_socket_fileno[%s,%s]" % (fam, typ), [
        call("socket", C(fam), C(typ), store="s"),
        m("s", "bind", bind),
        get("s", "family"), get("s", "type"),
        m("s", "fileno", store="fd"),
        call("socket", KW(fileno=R("fd")), store="s2"),
        m("s", "detach"),
        get("s2", "family"), get("s2", "type"), m("s2", "fileno"), m("s2", "getsockname"),
    ])

case("GeneralModuleTests.test_socket_fileno_rejects", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=42.5)),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno="foo")),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=-1)),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=-42)),
])

case("GeneralModuleTests.test_socket_fileno_requires_valid_fd", [
    call("socket", store="s"),
    m("s", "fileno", store="fd"),
    m("s", "close"),
    call("socket", KW(fileno=R("fd"))),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=R("fd"))),
])

# --- TestExceptions -------------------------------------------------------------------------------

case("TestExceptions.test_setblocking_invalidfd", [
    call("socket", store="s0"),
    m("s0", "fileno", store="fd"),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), 0, R("fd"), store="s"),
    m("s0", "close"),
    m("s", "setblocking", False),
])

# testExceptionTree: every recorded error carries its Python MRO, which the replay checks
# against the JS classes; these raise the classes the original names.
case("TestExceptions.testExceptionTree", [
    call("getaddrinfo", "", 80, 0, 0, 0, C("AI_NUMERICHOST")),
    call("socket", store="s"),
    m("s", "settimeout", SHORT),
    m("s", "bind", (HOST, 0)),
    m("s", "listen"),
    m("s", "accept"),
])

# --- BasicTCPTest (SocketConnectedTest: a client thread) ------------------------------------------

def basic_tcp(name, main, peer, family="AF_INET", host=HOST):
    m0, p0 = connected(family, host)
    case(name, m0 + main + [join_peer()], p0 + peer)
    if name.startswith("BasicTCPTest.") and family == "AF_INET":
        # BasicTCPTest2 (NetworkConnectionTest): the same, the client made by create_connection.
        p2 = [p0[0], call("create_connection", R("addr"), store="cli")]
        case(name.replace("BasicTCPTest.", "BasicTCPTest2."), m0 + main + [join_peer()], p2 + peer)


basic_tcp("BasicTCPTest.testRecv", [m("conn", "recv", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testOverFlowRecv",
          [m("conn", "recv", len(MSG) - 3), m("conn", "recv", 1024), m("conn", "recv", -1)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testRecvFrom", [m("conn", "recvfrom", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testOverFlowRecvFrom",
          [m("conn", "recvfrom", len(MSG) - 3), m("conn", "recvfrom", 1024),
           m("conn", "recvfrom", -1)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testSendAll", [op("recv_exactly", "conn", 4096)],
          [m("cli", "sendall", b"f" * 2048), m("cli", "close")])
basic_tcp("BasicTCPTest.testFromFd",
          [m("conn", "fileno", store="fd"),
           call("fromfd", R("fd"), C("AF_INET"), C("SOCK_STREAM"), store="sock"),
           get("sock", "family"), get("sock", "type"), m("sock", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testDup",
          [m("conn", "dup", store="sock"), m("sock", "recv", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testShutdown",
          [m("conn", "recv", 1024), m("conn", "recv", 1024)],
          [m("cli", "send", MSG), m("cli", "shutdown", INT_MAX + 1),
           m("cli", "shutdown", 2 + UINT_MAX + 1), m("cli", "shutdown", 2)])
basic_tcp("BasicTCPTest.testDetach",
          [m("conn", "fileno", store="fd"), m("conn", "detach"), m("conn", "fileno"),
           m("conn", "recv", 1024), m("conn", "close"),
           call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=R("fd")), store="sock"),
           m("sock", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testRecv[IPv6]", [m("conn", "recv", 1024)], [m("cli", "send", MSG)],
          "AF_INET6", HOSTv6)
basic_tcp("BasicTCPTest.testSendAll[IPv6]", [op("recv_exactly", "conn", 4096)],
          [m("cli", "sendall", b"f" * 2048), m("cli", "close")], "AF_INET6", HOSTv6)


# --- BasicUDPTest, BasicUDP6 ------------------------------------------------------------------------

def basic_udp(name, main, peer, family="AF_INET", host=HOST):
    m0, p0 = udp_pair(family, host)
    case(name, m0 + [start_peer(addr=R("addr"))] + main + [join_peer()], p0 + peer)


for fam, host, tag in (("AF_INET", HOST, ""), ("AF_INET6", HOSTv6, "[IPv6]")):
    basic_udp("BasicUDPTest.testSendtoAndRecv" + tag, [m("srv", "recv", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)
    basic_udp("BasicUDPTest.testRecvFrom" + tag,
              [m("srv", "recvfrom", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)
    basic_udp("BasicUDPTest.testRecvFromNegative" + tag,
              [m("srv", "recvfrom", -1), m("srv", "recv", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)

# --- TCPCloserTest ----------------------------------------------------------------------------------

case("TCPCloserTest.testClose",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "close"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr")),
      m("cli", "settimeout", LONG),
      m("cli", "recv", 1)])
case("TCPCloserTest.testClose[close twice]", sequential_pair() + [
    m("conn", "close"), m("cli", "recv", 1), m("conn", "close"), m("conn", "close")])

# --- BasicSocketPairTest ----------------------------------------------------------------------------

case("BasicSocketPairTest.testDefaults", [
    call("socketpair", store=["a", "b"]),
    get("a", "family"), get("a", "type"), get("a", "proto"),
    get("b", "family"), get("b", "type"), get("b", "proto"),
])


def pair_case(name, main, peer):
    """SocketPairTest: the peer thread gets one end of a socketpair by its fd (JS: a worker has
    its own fd table, so the peer there is a pair made on the main side and served through an
    AF_UNIX listener instead)."""
    setup = [call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="lst"),
             m("lst", "bind", "pair_" + name.split(".")[1]), m("lst", "listen"),
             start_peer(path="pair_" + name.split(".")[1]),
             m("lst", "accept", store=["serv", "x"])]
    p = [call("peer_arg", "path", store="path"),
         call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="cli"),
         m("cli", "connect", R("path"))]
    case(name, setup + main + [join_peer()], p + peer)


pair_case("BasicSocketPairTest.testRecv", [m("serv", "recv", 1024)], [m("cli", "send", MSG)])
pair_case("BasicSocketPairTest.testSend", [m("serv", "send", MSG)], [m("cli", "recv", 1024)])
case("BasicSocketPairTest.testRecv[socketpair]", [
    call("socketpair", store=["a", "b"]), m("b", "send", MSG), m("a", "recv", 1024),
    m("a", "send", MSG), m("b", "recv", 1024)])

# The same in one thread with the receiver non-blocking: Linux delivers inside send(), so the
# bytes are there when it returns (the original's select()-based checks rely on it).
case("BasicSocketPairTest.testRecv[socketpair, non-blocking receiver]", [
    call("socketpair", store=["a", "b"]), m("a", "setblocking", False),
    m("a", "recv", 1024), m("b", "send", MSG), m("a", "recv", 1024), m("a", "recv", 1024)])
case("BasicTCPTest.testRecv[same thread, non-blocking receiver]", sequential_pair() + [
    m("conn", "setblocking", False), m("conn", "recv", 1024), m("cli", "send", MSG),
    m("conn", "recv", 1024), m("conn", "recv", 1024), m("cli", "close"), m("conn", "recv", 1024)])

# --- NonBlockingTCPTests ------------------------------------------------------------------------------

case("NonBlockingTCPTests.testSetBlocking", [
    call("socket", store="srv"),
    m("srv", "setblocking", True), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "setblocking", False), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", None), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 0), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 10), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 0), m("srv", "gettimeout"), m("srv", "getblocking"),
])
case("NonBlockingTCPTests.testSetBlocking_overflow", [
    call("socket", store="srv"),
    m("srv", "setblocking", False), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "setblocking", UINT_MAX + 1), m("srv", "gettimeout"), m("srv", "getblocking"),
])
case("NonBlockingTCPTests.testInitNonBlocking", [
    call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK, store="srv"),
    m("srv", "gettimeout"), m("srv", "getblocking"), get("srv", "type"),
])
for default, name in ((None, "testInheritFlagsBlocking"), (20.0, "testInheritFlagsTimeout")):
    case("NonBlockingTCPTests." + name,
         [call("setdefaulttimeout", default)] + tcp_server()
         + [m("srv", "settimeout", 10), start_peer(addr=R("addr")),
            m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout"), join_peer()],
         [call("peer_arg", "addr", store="addr"),
          call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
          m("cli", "connect", R("addr"))])
# select() waits for the listener to be readable; the peer's connect() has returned, so the
# connection is in the accept queue.
case("NonBlockingTCPTests.testAccept",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     start_peer(addr=R("addr")),
                     m("srv", "settimeout", LONG), m("srv", "accept", store=["conn", "caddr"]),
                     m("conn", "gettimeout"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr"))])
case("NonBlockingTCPTests.testAccept[nonblocking after connect]",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
                     m("cli", "connect", R("addr")),
                     m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout")])
# The original's select() returns at once here: once the peer's connect() has returned, Linux
# has queued the connection, and once its sendall() has returned, the bytes are in conn's queue.
case("NonBlockingTCPTests.testAccept[after the peer's connect returned]",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     start_peer(addr=R("addr")), call("join_peer_sync"),
                     m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout"),
                     m("conn", "recv", 1024)],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr"))])
case("NonBlockingTCPTests.testRecv[after the peer's sendall returned]",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
                               m("conn", "send", b"g"), call("join_peer_sync"),
                               m("conn", "recv", len(MSG)), m("conn", "recv", len(MSG))],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr")), m("cli", "recv", 1), m("cli", "sendall", MSG),
      m("cli", "shutdown", C("SHUT_WR"))])
# select() waits until conn is readable: a blocking MSG_PEEK receive stands for it. The peer
# waits for a byte on the connection where the original waits for an Event.
basic_tcp("NonBlockingTCPTests.testRecv",
          [m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
           m("conn", "send", b"g"),
           m("conn", "settimeout", LONG), m("conn", "recv", len(MSG), C("MSG_PEEK")),
           m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
           m("conn", "recv", len(MSG)), m("conn", "send", b"d")],
          [m("cli", "recv", 1), m("cli", "sendall", MSG), m("cli", "recv", 1)])

# --- FileObjectClassTestCase and its variants -------------------------------------------------------

FILE_VARIANTS = [
    # (class, bufsize, read_mode, read_msg, write_mode, write_msg, newline)
    ("FileObjectClassTestCase", -1, "rb", MSG, "wb", MSG, None),
    ("UnbufferedFileObjectClassTestCase", 0, "rb", MSG, "wb", MSG, None),
    ("LineBufferedFileObjectClassTestCase", 1, "rb", MSG, "wb", MSG, None),
    ("SmallBufferedFileObjectClassTestCase", 2, "rb", MSG, "wb", MSG, None),
    ("UnicodeReadFileObjectClassTestCase", -1, "r", MSG.decode(), "wb", MSG, ""),
    ("UnicodeWriteFileObjectClassTestCase", -1, "rb", MSG, "w", MSG.decode(), ""),
    ("UnicodeReadWriteFileObjectClassTestCase", -1, "r", MSG.decode(), "w", MSG.decode(), ""),
]


def file_case(name, main, peer, variant):
    """FileObjectClassTestCase: read_file on the accepted conn, write_file on the peer's cli."""
    cls, bufsize, rmode, rmsg, wmode, wmsg, newline = variant
    kw = dict(encoding="utf-8", errors="strict", newline=newline)
    m0, p0 = connected()
    m0 = m0 + [m("conn", "makefile", rmode, bufsize, KW(**kw), store="read_file")]
    p0 = p0 + [m("cli", "makefile", wmode, bufsize, KW(**kw), store="write_file")]
    # tearDown: each side closes its file and checks it is closed.
    case("%s.%s" % (cls, name),
         m0 + main + [m("read_file", "close"), get("read_file", "closed"), join_peer()],
         p0 + peer + [m("write_file", "close"), get("write_file", "closed")])


def write_flush(msg):
    return [m("write_file", "write", msg), m("write_file", "flush")]


for v in FILE_VARIANTS:
    cls, bufsize, rmode, rmsg, wmode, wmsg, newline = v
    n = len(rmsg)
    # testReadAfterTimeout: the peer waits (for the main's byte) until the main has finished.
    file_case("testReadAfterTimeout",
              [m("conn", "settimeout", SHORT), m("read_file", "read", 3),
               m("read_file", "read", 1), m("read_file", "read", 1), m("conn", "send", b"x")],
              write_flush(wmsg[0:3]) + [m("cli", "recv", 1)], v)
    file_case("testSmallRead", [m("read_file", "read", n - 3), m("read_file", "read", 3)],
              write_flush(wmsg), v)
    file_case("testFullRead", [m("read_file", "read")],
              [m("write_file", "write", wmsg), m("write_file", "close"), m("cli", "close")], v)
    file_case("testUnbufferedRead",
              [m("read_file", "read", 1) for _ in range(n)] + [m("conn", "send", b"x"),
                                                               m("read_file", "read", 1)],
              write_flush(wmsg) + [m("cli", "recv", 1), m("cli", "close")], v)
    file_case("testReadline", [m("read_file", "readline")], write_flush(wmsg), v)
    file_case("testCloseAfterMakefile", [m("conn", "close"), m("read_file", "read")],
              [m("write_file", "write", wmsg), m("write_file", "close"), m("cli", "close")], v)
    file_case("testMakefileAfterMakefileClose",
              [m("read_file", "close"), op("recv_exactly", "conn", len(MSG))],
              write_flush(wmsg), v)
    file_case("testClosedAttr", [get("read_file", "closed")], [get("write_file", "closed")], v)
    # name is the fd: fd numbers differ between runs, so it is checked as the file's fileno(),
    # numbered as every fd result is.
    file_case("testAttributes",
              [get("read_file", "mode"), m("read_file", "fileno"), m("conn", "fileno")],
              [get("write_file", "mode"), m("write_file", "fileno"), m("cli", "fileno")], v)
    file_case("testRealClose",
              [m("read_file", "close"), m("read_file", "fileno"), m("conn", "close"),
               m("conn", "getsockname")], [], v)

UNBUF = FILE_VARIANTS[1]
file_case("testUnbufferedReadline",
          [m("read_file", "readline"),
           m("conn", "makefile", "rb", 0, store="read_file2"),
           m("read_file2", "readline"), m("read_file2", "close")],
          write_flush(b"A. " + MSG + b"B. " + MSG), UNBUF)
file_case("testMakefileClose",
          [m("conn", "close"), m("conn", "recv", 1024), m("read_file", "close"),
           m("conn", "recv", 1024)],
          write_flush(MSG), UNBUF)
# The peer writes only once the main has seen reads fail (it waits for the main's byte), and
# keeps its end open until the main is done (a second byte).
file_case("testSmallReadNonBlocking",
          [m("conn", "setblocking", False),
           op("bytearray", None, 10, store="b10"), m("read_file", "readinto", R("b10")),
           m("read_file", "read", len(MSG) - 3),
           m("conn", "send", b"g"),
           m("conn", "settimeout", LONG), m("conn", "recv", len(MSG), C("MSG_PEEK")),
           m("conn", "setblocking", False),
           m("read_file", "read", len(MSG) - 3),
           m("read_file", "readinto", R("b10")), op("bytes", None, R("b10")),
           op("bytearray", None, 16, store="b16"), m("read_file", "readinto", R("b16")),
           m("read_file", "read", 1),
           m("conn", "send", b"d")],
          [m("cli", "recv", 1)] + write_flush(MSG) + [m("cli", "recv", 1)], UNBUF)
# testWriteNonBlocking: the peer fills its socket buffer through a non-blocking unbuffered
# file: the first write takes some bytes, a later one returns None. Counts vary with the
# kernel's buffer sizes, so the recorded steps stop at the first write and the None.
file_case("testWriteNonBlocking",
          [],
          [m("cli", "setblocking", False),
           dict(m("write_file", "write", P(4 * 1024 * 1024, 1)), expect="positive")]
          + [m("write_file", "write", P(4 * 1024 * 1024, 1)) for _ in range(3)], UNBUF)

# --- NetworkConnectionNoServer / Attributes / Behaviour (create_connection) ------------------------

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


def attributes_case(name, peer):
    case("NetworkConnectionAttributesTest." + name,
         tcp_server(guard=True) + [start_peer(addr=R("addr")),
                                   m("srv", "accept", store=["conn", "caddr"]), m("conn", "close"),
                         join_peer()],
         [call("peer_arg", "addr", store="addr")] + peer)


attributes_case("testFamily", [
    call("create_connection", R("addr"), KW(timeout=LONG), store="cli"), get("cli", "family")])
attributes_case("testSourceAddress", free_port() + [
    call("create_connection", R("addr"), KW(timeout=LONG, source_address=("", R("port"))),
         store="cli"),
    m("cli", "getsockname")])
attributes_case("testTimeoutValueNamed", [
    call("create_connection", R("addr"), KW(timeout=30), store="cli"), m("cli", "gettimeout")])
attributes_case("testTimeoutValueNonamed", [
    call("create_connection", R("addr"), 30, store="cli"), m("cli", "gettimeout")])
# The default timeout is per process in Python and per module instance in JS: the main changes
# it, not the peer.
case("NetworkConnectionAttributesTest.testTimeoutDefault", tcp_server() + [
    call("getdefaulttimeout"), call("setdefaulttimeout", 42),
    call("create_connection", R("addr"), store="cli"), call("setdefaulttimeout", None),
    m("cli", "gettimeout")])
case("NetworkConnectionAttributesTest.testTimeoutNone", tcp_server() + [
    call("setdefaulttimeout", 30),
    call("create_connection", R("addr"), KW(timeout=None), store="cli"),
    call("setdefaulttimeout", None), m("cli", "gettimeout")])

case("NetworkConnectionBehaviourTest.testInsideTimeout",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "send", b"done!"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), store="cli"), m("cli", "recv", 5)])
case("NetworkConnectionBehaviourTest.testOutsideTimeout",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), SHORT, store="cli"), m("cli", "recv", 5)])

# --- ContextManagersTest ----------------------------------------------------------------------------

case("ContextManagersTest.testCreateConnectionBase",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "recv", 1024, store="data"), m("conn", "sendall", R("data")),
                     join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), store="sock"),
      m("sock", "sendall", b"foo"), m("sock", "recv", 1024), m("sock", "close"),
      m("sock", "fileno")])
case("ContextManagersTest.testCreateConnectionClose", tcp_server() + [
    call("create_connection", R("addr"), store="sock"),
    m("sock", "close"), m("sock", "fileno"), m("sock", "sendall", b"foo")])
case("ContextManagersTest._testSocketClass", [
    call("socket", store="s"), m("s", "sendall", b"foo"), m("s", "close"), m("s", "fileno")])

# --- TCPTimeoutTest, UDPTimeoutTest ----------------------------------------------------------------

case("TCPTimeoutTest.testTCPTimeout", tcp_server() + [
    m("srv", "settimeout", SHORT), m("srv", "accept")])
case("TCPTimeoutTest.testTimeoutZero", tcp_server() + [
    m("srv", "settimeout", 0.0), m("srv", "accept")])
for fam, host, tag in (("AF_INET", HOST, ""), ("AF_INET6", HOSTv6, "[IPv6]")):
    bind = (host, 0) if fam == "AF_INET" else (host, 0, 0, 0)
    case("UDPTimeoutTest.testUDPTimeout" + tag, [
        call("socket", C(fam), C("SOCK_DGRAM"), store="srv"), m("srv", "bind", bind),
        m("srv", "settimeout", SHORT), m("srv", "recv", 1024)])
    case("UDPTimeoutTest.testTimeoutZero" + tag, [
        call("socket", C(fam), C("SOCK_DGRAM"), store="srv"), m("srv", "bind", bind),
        m("srv", "settimeout", 0.0), m("srv", "recv", 1024)])

# --- TestLinuxAbstractNamespace, TestUnixDomain ---------------------------------------------------

ABSTRACT = b"\x00pysocket-test-hello\x00\xff"
case("TestLinuxAbstractNamespace.testLinuxAbstractNamespace", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s1"),
    m("s1", "bind", ABSTRACT), m("s1", "listen"),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s2"),
    m("s1", "getsockname", store="name"),
    m("s2", "connect", R("name")),
    m("s1", "accept", store=["s3", "a3"]),
    m("s1", "getsockname"), m("s2", "getpeername")])
case("TestLinuxAbstractNamespace.testMaxName", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", b"\x00" + b"p" * 107), m("s", "getsockname")])
case("TestLinuxAbstractNamespace.testNameOverflow", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "\x00" + "p" * 108)])
case("TestLinuxAbstractNamespace.testStrName", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "\x00pysocket\x00test\x00"), m("s", "getsockname")])
case("TestLinuxAbstractNamespace.testBytearrayName", [
    op("bytes", None, b"\x00pysocket\x00test2\x00", store="name"),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", R("name")), m("s", "getsockname")])

# testAutobind: the name is random; its shape is recorded.
case("TestLinuxAbstractNamespace.testAutobind", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s1"),
    m("s1", "bind", ""),
    dict(m("s1", "getsockname"), expect={"regex": "^\\x00[0-9a-f]{5}$"}),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s2"),
    m("s2", "bind", ""),
    dict(m("s2", "getsockname"), expect={"regex": "^\\x00[0-9a-f]{5}$"})])

case("TestUnixDomain.testUnbound", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"), m("s", "getsockname")])
case("TestUnixDomain.testStrAddr", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "unix_str_addr"), m("s", "getsockname")])
case("TestUnixDomain.testBytesAddr", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", b"unix_bytes_addr"), m("s", "getsockname")])

# --- BufferIOTest ------------------------------------------------------------------------------------

basic_tcp("BufferIOTest.testRecvIntoBytearray",
          [op("bytearray", None, 1024, store="buf"), m("conn", "recv_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvIntoArray",
          [op("bytearray", None, len(MSG), store="buf"), m("conn", "recv_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoBytearray",
          [op("bytearray", None, 1024, store="buf"), m("conn", "recvfrom_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoSmallBuffer",
          [op("bytearray", None, 8, store="buf"), m("conn", "recvfrom_into", R("buf"), 1024),
           m("conn", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoEmptyBuffer",
          [op("bytearray", None, 0, store="buf"), m("conn", "recvfrom_into", R("buf")),
           m("conn", "recvfrom_into", R("buf"), 0), m("conn", "recv", 1024)],
          [m("cli", "send", MSG)])

# --- InheritanceTest, NonblockConstantTest ---------------------------------------------------------

case("InheritanceTest.test_SOCK_CLOEXEC", [
    call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_CLOEXEC, store="s"),
    get("s", "type"), m("s", "get_inheritable")])
case("InheritanceTest.test_default_inheritable", [
    call("socket", store="s"), m("s", "get_inheritable")])
case("InheritanceTest.test_dup", [
    call("socket", store="s"), m("s", "dup", store="n"), m("s", "close"),
    m("n", "get_inheritable")])
case("InheritanceTest.test_set_inheritable", [
    call("socket", store="s"), m("s", "set_inheritable", True), m("s", "get_inheritable"),
    m("s", "set_inheritable", False), m("s", "get_inheritable")])
case("InheritanceTest.test_socketpair", [
    call("socketpair", store=["a", "b"]), m("a", "get_inheritable"), m("b", "get_inheritable")])


def check_nonblock(s):
    return [get(s, "type"), m(s, "gettimeout"), m(s, "getblocking")]


steps = [call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK, store="s")]
steps += check_nonblock("s")
for how in (("setblocking", True), ("setblocking", False), ("settimeout", None),
            ("settimeout", 2.0), ("setblocking", True)):
    steps += [m("s", *how)] + check_nonblock("s")
for i, t in enumerate((0.0, None, 2.0, None)):
    steps += [call("setdefaulttimeout", t), call("socket", store="d%d" % i)] + check_nonblock("d%d" % i)
case("NonblockConstantTest.test_SOCK_NONBLOCK", steps)

# --- CreateServerTest, CreateServerFunctionalTest --------------------------------------------------

case("CreateServerTest.test_address", free_port() + [
    call("create_server", (HOST, R("port")), store="s"), m("s", "getsockname"), m("s", "close"),
    call("create_server", (HOSTv6, R("port")), KW(family=C("AF_INET6")), store="s6"),
    m("s6", "getsockname")])
case("CreateServerTest.test_family_and_type", [
    call("create_server", (HOST, 0), store="s"), get("s", "family"), get("s", "type"),
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6")), store="s6"),
    get("s6", "family"), get("s6", "type")])
case("CreateServerTest.test_reuse_port", [
    call("create_server", ("localhost", 0), store="s"),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEPORT")),
    call("create_server", ("localhost", 0), KW(reuse_port=True), store="r"),
    m("r", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEPORT"))])
case("CreateServerTest.test_ipv6_only_default", [
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6")), store="s"),
    m("s", "getsockopt", C("IPPROTO_IPV6"), C("IPV6_V6ONLY"))])
case("CreateServerTest.test_dualstack_ipv6_family", [
    call("has_dualstack_ipv6"),
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6"), dualstack_ipv6=True),
         store="s"),
    get("s", "family")])


def echo_case(name, server_args, client_host, client_family):
    """echo_server in the main, echo_client in the peer (the original has them the other way
    round: a socket cannot move to a JS worker)."""
    case("CreateServerFunctionalTest." + name,
         [call("create_server", *server_args, store="srv"),
          m("srv", "getsockname", store="name"), op("bytes", None, b"", store="x"),
          call("value", R("name"), store=["h", "port"] if "INET6" not in str(server_args)
               else ["h", "port", "fi", "sc"]),
          m("srv", "settimeout", LONG),
          start_peer(addr=(client_host, R("port"))),
          m("srv", "accept", store=["conn", "caddr"]),
          m("conn", "settimeout", LONG),
          m("conn", "recv", 1024, store="msg"), m("conn", "sendall", R("msg")),
          join_peer()],
         [call("peer_arg", "addr", store="addr"),
          call("socket", C(client_family), store="sock"),
          m("sock", "settimeout", LONG), m("sock", "connect", R("addr")),
          m("sock", "sendall", b"foo"), m("sock", "recv", 1024)])


echo_case("test_tcp4", [("", 0)], HOST, "AF_INET")
echo_case("test_tcp6", [("", 0), KW(family=C("AF_INET6"))], HOSTv6, "AF_INET6")
echo_case("test_dual_stack_client_v4", [("", 0), KW(family=C("AF_INET6"), dualstack_ipv6=True)],
          HOST, "AF_INET")
echo_case("test_dual_stack_client_v6", [("", 0), KW(family=C("AF_INET6"), dualstack_ipv6=True)],
          HOSTv6, "AF_INET6")


# --- running the cases ---------------------------------------------------------------------------------

class HarnessError(Exception):
    pass


def tag(v):
    """As record_scenarios.tag_socket, and a list is a JS array, as a tuple is."""
    if isinstance(v, list):
        return {"tuple": [pyvalue.encode(x, tag=tag) for x in v]}
    return rs.tag_socket(v)


def shape(expect, res):
    """The recorded result of a step whose answer varies: {"positive": true} for an int above 0,
    {"regex": r} for a str or bytes (read as latin-1) that r matches."""
    if expect is None:
        return res
    v = res.get("result", {})
    if expect == "positive" and int(v.get("int", 0)) > 0:
        return {"result": {"positive": True}}
    if isinstance(expect, dict) and "regex" in expect:
        text = v.get("str", bytes.fromhex(v.get("bytes", "")).decode("latin-1"))
        if ("str" in v or "bytes" in v) and re.search(expect["regex"], text):
            return {"result": expect}
    raise HarnessError("%r does not have the shape %r" % (res, expect))


class Runner:
    """Runs one step list (the main's or the peer's) as record_scenarios.run_scenario does."""

    def __init__(self, steps, env, peer=None):
        self.steps = steps
        self.env = env
        self.peer = peer
        self.opened = []
        self.norm = rs.Normalizer()
        self.thread = None
        self.peer_results = None

    def prepare(self, step):
        if "call" in step and "on" not in step and step["call"] in HARNESS:
            args = [rs.decode(a, self.env) for a in step.get("args", [])]
            return lambda: self.harness(step["call"], args)
        return rs.prepare(step, self.env)

    def harness(self, name, args):
        if name == "value":
            return args[0]
        if name == "peer_arg":
            return self.env["peer:" + args[0]]
        if name == "start_peer":
            if self.peer is None or self.thread is not None:
                raise HarnessError("start_peer without a peer, or twice")
            env = {"peer:" + k: v for k, v in zip(args[::2], args[1::2])}
            runner = Runner(self.peer["steps"], env)
            self.thread = threading.Thread(target=lambda: setattr(self, "peer_results",
                                                                  runner.run()))
            self.thread.start()
            return None
        if name in ("join_peer", "join_peer_sync"):
            self.thread.join(STEP_LIMIT)
            if self.thread.is_alive():
                raise HarnessError("the peer did not finish")
            if self.peer_results is None:
                raise HarnessError("the peer failed")
            return None
        raise HarnessError(name)

    def outcome(self, step):
        fn = self.prepare(step)
        try:
            value = fn()
        except (rs.StepHung, HarnessError):
            raise
        except Exception as e:
            return {"error": pyvalue.error(e, tag=tag)}, None
        return {"result": pyvalue.encode(value, tag=tag)}, value

    def run(self):
        results = []
        try:
            for step in self.steps:
                res, value = self.outcome(step)
                self.opened.extend(rs.sockets_in(value))
                store = step.get("store")
                if isinstance(store, str) and "result" in res:
                    self.env[store] = value
                elif isinstance(store, list) and "result" in res:
                    self.env.update(zip(store, value))
                res = shape(step.get("expect"), res)
                results.append(self.norm.result(step, res))
        finally:
            for s in self.opened:
                try:
                    s.close()
                except OSError:
                    pass
        return results


def run_case(c):
    runner = Runner(c["steps"], {}, c.get("peer"))
    signal.alarm(STEP_LIMIT * len(c["steps"]))
    try:
        results = runner.run()
    except rs.StepHung:
        sys.exit("%s: blocked" % c["id"])
    except HarnessError as e:
        sys.exit("%s: %s" % (c["id"], e))
    finally:
        signal.alarm(0)
        socket.setdefaulttimeout(None)
    out = {"results": results}
    if "peer" in c:
        out["peer_results"] = runner.peer_results
    return out


def main():
    signal.signal(signal.SIGALRM, rs.on_alarm)
    only = sys.argv[1:]
    cases = [c for c in CASES if not only or any(o in c["id"] for o in only)]
    cwd = os.getcwd()
    recorded = []
    for attempt in range(2):
        tmp = tempfile.mkdtemp(prefix="pysocket-test-socket-")
        os.chdir(tmp)
        try:
            recorded.append([run_case(c) for c in cases])
        finally:
            os.chdir(cwd)
            shutil.rmtree(tmp)
    flaky = [c["id"] for c, a, b in zip(cases, *recorded) if a != b]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    if only:
        for c, r in zip(cases, recorded[0]):
            print(json.dumps({"id": c["id"], **r}))
        return
    head = {"recorded_by": "scripts/record_test_socket.py", "python": sys.version.split()[0],
            "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
            "source": "CPython %s Lib/test/test_socket.py" % sys.version.split()[0]}
    with open(OUT, "w") as f:
        f.write(json.dumps(head)[:-1] + ',\n"cases": [\n')
        for i, (c, r) in enumerate(zip(cases, recorded[0])):
            f.write('{"id": %s,\n "steps": [\n' % json.dumps(c["id"]))
            f.write(",\n".join("  " + json.dumps(s) for s in c["steps"]))
            f.write('\n ],\n "results": [\n')
            f.write(",\n".join("  " + json.dumps(x, sort_keys=True) for x in r["results"]))
            f.write("\n ]")
            if "peer" in c:
                f.write(',\n "peer": {"steps": [\n')
                f.write(",\n".join("  " + json.dumps(s) for s in c["peer"]["steps"]))
                f.write('\n ], "results": [\n')
                f.write(",\n".join("  " + json.dumps(x, sort_keys=True)
                                   for x in r["peer_results"]))
                f.write("\n ]}")
            f.write("}%s\n" % ("," if i < len(cases) - 1 else ""))
        f.write("]}\n")
    print("%s: %d cases" % (os.path.relpath(OUT, os.getcwd()), len(cases)))


if __name__ == "__main__":
    main()
