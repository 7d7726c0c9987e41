#!/usr/bin/env python3
"""Records CPython's answers for the Python surface of the socket module: how create_connection
and create_server take their address, a host that is not a string in every call, sockets whose fd
was closed under them, the repr of makefile() files, and how the exception classes are built
(OSError picking its subclass from errno, ExceptionGroup, KeyError...). Many of the cases are
those of CPython's Lib/test/test_socket.py (general module, create_connection/create_server and
exception tests), written as inputs and outcomes.

    python3 scripts/record_surface.py

Writes test/fixtures/surface.json, which test/surface.test.js replays on `pysocket` and
`pysocket/sync`:
  "scenarios"   sequential scenarios in test/helpers/scenario.js's step format, recorded by
                scripts/record_scenarios.py's runner (twice: answers that differ are refused)
  "exceptions"  {"class", "args", "result"}: an exception object built from args (not raised),
                described as scripts/pyvalue.py's error() does, plus "filename" and "filename2"
                for an OSError. Arguments are tagged values, and {"excs": [[class, [args]], ...]}
                for a list of exceptions built the same way.
"""
import json
import os
import platform
import signal
import socket
import sys

import pyvalue
from pyvalue import B, C, I, N, R, S, T
import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "surface.json")


TRUE = {"bool": True}
FALSE = {"bool": False}
LO = S("127.0.0.1")


def call(fn, *args, store=None, **kwargs):
    step = {"call": fn, "args": list(args)}
    if kwargs:
        step["kwargs"] = kwargs
    if store is not None:
        step["store"] = store
    return step


def method(on, fn, *args, store=None, **kwargs):
    return dict(call(fn, *args, store=store, **kwargs), on=on)


def get(on, attr):
    return {"on": on, "get": attr}


def op(name, *args, on=None, store=None):
    step = {"op": name, "args": list(args)}
    if on is not None:
        step["on"] = on
    if store is not None:
        step["store"] = store
    return step


# A listening server on 127.0.0.1 ("srv", its port "port" and "sport" as str) and a port where
# nothing listens ("dport"): one a socket bound and closed again.
SERVER = [
    call("create_server", T(LO, I(0)), store="srv"),
    method("srv", "getsockname", store=["host", "port"]),
    op("str", R("port"), store="sport"),
    call("socket", store="deadsock"),
    method("deadsock", "bind", T(LO, I(0))),
    method("deadsock", "getsockname", store=["dhost", "dport"]),
    method("deadsock", "close"),
]


def attrs(name):
    return [get(name, "family"), get(name, "type"), get(name, "proto"), op("repr", on=name)]


SCENARIOS = [
    {"name": "create_connection_address_as_getaddrinfo_takes_it", "steps": SERVER + [
        call("create_connection", T(LO, R("port")), store="c1"), *attrs("c1"),
        call("create_connection", T(LO, R("sport")), store="c2"), *attrs("c2"),
        call("create_connection", T(B(b"127.0.0.1"), R("port")), store="c3"), *attrs("c3"),
        call("create_connection", T(N, R("port")), store="c4"), *attrs("c4"),
        call("create_connection", T(S("localhost"), R("port")), store="c5"), *attrs("c5"),
        call("create_connection", T(LO, B(b"0")), store="c6"),
    ]},
    {"name": "create_connection_ports_as_getaddrinfo_reads_them", "steps": [
        # glibc keeps a numeric service's low 16 bits: 65537 and -65535 are port 1 (tcpmux),
        # where nothing listens here; a service name is looked up.
        call("create_connection", T(LO, I(65537))),
        call("create_connection", T(LO, I(-65535))),
        call("create_connection", T(LO, S("65537"))),
        call("create_connection", T(LO, S("tcpmux"))),
        call("create_connection", T(LO, S("no-such-service"))),
        call("create_connection", T(LO, N)),
        call("create_connection", T(N, N)),
        call("create_connection", T(LO, I(2 ** 63))),
        call("create_connection", T(LO, {"float": 1.5})),
        call("create_connection", T(LO, S(""))),
        call("create_connection", T(S(""), I(1))),
    ]},
    {"name": "create_connection_keywords", "steps": SERVER + [
        call("create_connection", T(LO, R("port")), store="a", timeout={"float": 5.0}),
        method("a", "gettimeout"),
        call("create_connection", T(LO, R("port")), store="b", timeout=N),
        method("b", "gettimeout"),
        call("create_connection", T(LO, R("port")), store="c", source_address=T(LO, I(0))),
        method("c", "getsockname", store=["chost", "cport"]),
        call("create_connection", T(LO, R("port")), I(3), store="d", all_errors=TRUE),
        method("d", "gettimeout"),
        call("create_connection", T(LO, R("port")), N, N, store="e", all_errors=FALSE),
        method("e", "gettimeout"),
        call("create_connection", T(LO, R("port")), nonsense=I(1)),
        call("create_connection", T(LO, R("port")), I(3), timeout=I(3)),
        call("create_connection", T(LO, R("port")), I(3), N, TRUE),
    ]},
    {"name": "create_connection_all_errors", "steps": SERVER + [
        call("create_connection", T(LO, R("dport"))),
        call("create_connection", T(LO, R("dport")), all_errors=TRUE),
        call("create_connection", T(N, R("dport")), all_errors=TRUE),
        call("create_connection", T(N, R("dport")), all_errors=FALSE),
        call("create_connection", T(N, R("dport"))),
    ]},
    {"name": "create_server_address_and_keywords", "steps": [
        call("create_server", T(LO, I(0)), store="a"), *attrs("a"),
        call("create_server", T(B(b"127.0.0.1"), I(0)), store="b"), get("b", "proto"),
        call("create_server", T(S("localhost"), I(0)), store="c"),
        method("c", "getsockname", store=["chost", "cport"]),
        call("create_server", T(S(""), I(0)), store="d"),
        method("d", "getsockname", store=["dhost", "dport"]),
        call("create_server", T(S("::1"), I(0)), store="e", family=C("AF_INET6")), *attrs("e"),
        method("e", "getsockopt", C("IPPROTO_IPV6"), C("IPV6_V6ONLY")),
        call("create_server", T(S("::"), I(0)), store="f", family=C("AF_INET6"), dualstack_ipv6=TRUE),
        method("f", "getsockopt", C("IPPROTO_IPV6"), C("IPV6_V6ONLY")),
        call("create_server", T(LO, I(0)), store="g", backlog=I(5), reuse_port=TRUE),
        method("g", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEPORT")),
        method("g", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR")),
        call("create_server", T(LO, I(0)), store="h", backlog=N),
        call("create_server", T(LO, S("80"))),
        call("create_server", T(N, I(0))),
        call("create_server", T(I(1), I(0))),
        call("create_server", T(LO, I(-1))),
        call("create_server", T(LO, I(0)), family=C("AF_INET6")),
        call("create_server", T(LO, I(0)), dualstack_ipv6=TRUE),
        call("create_server", T(LO, I(0)), bogus=TRUE),
        call("create_server", S("127.0.0.1")),
    ]},
    {"name": "host_that_is_not_a_string", "steps": [
        call("create_connection", T(I(1), I(80))),
        call("create_connection", T({"float": 1.5}, I(80))),
        call("create_connection", T(T(LO), I(80))),
        call("getaddrinfo", I(1), I(80)),
        call("getaddrinfo", N, N),
        call("getaddrinfo", {"float": 1.5}, I(80)),
        call("gethostbyname", I(1)),
        call("gethostbyname_ex", N),
        call("gethostbyaddr", I(1)),
        call("getnameinfo", T(I(1), I(80)), I(0)),
        call("getnameinfo", T(N, I(80)), I(0)),
        call("socket", store="s"),
        method("s", "bind", T(I(1), I(0))),
        method("s", "bind", T(N, I(0))),
        method("s", "connect", T(N, I(80))),
        method("s", "connect", T(I(1), I(80))),
        method("s", "connect_ex", T({"float": 1.5}, I(80))),
        call("socket", C("AF_INET6"), store="s6"),
        method("s6", "bind", T(I(1), I(0))),
        method("s", "bind", T(S("\u00e9" + "a" * 70), I(0))),
        method("s", "bind", T(S("\uff11\uff12\uff17.\uff10.\uff10.\uff11"), I(0))),
        method("s", "getsockname", store=["shost", "sport"]),
        method("s6", "connect", T(N, I(80), I(0), I(0))),
        call("socket", C("AF_INET"), C("SOCK_DGRAM"), store="u"),
        method("u", "sendto", B(b"x"), T(I(1), I(80))),
        method("u", "sendto", B(b"x"), I(0), T(N, I(80))),
    ]},
    {"name": "a_socket_named_in_type_errors", "steps": [
        call("socketpair", store=["a", "b"]),
        method("a", "send", R("b")),
        method("a", "sendall", R("b")),
        method("a", "settimeout", R("b")),
        method("a", "setblocking", R("b")),
        method("a", "recv", R("b")),
        call("socket", R("b")),
        call("getaddrinfo", R("b"), I(80)),
        call("socket", store="s"),
        method("s", "bind", T(R("b"), I(0))),
        method("s", "bind", R("b")),
    ]},
    {"name": "close_after_the_fd_was_closed", "steps": [
        call("socket", store="s"),
        method("s", "fileno", store="fd"),
        call("close", R("fd")),
        method("s", "setblocking", FALSE),
        method("s", "settimeout", I(1)),
        method("s", "gettimeout"),
        method("s", "close"),
        method("s", "fileno"),
        method("s", "close"),
    ]},
    {"name": "close_after_another_socket_closed_the_fd", "steps": [
        call("socket", store="s"),
        method("s", "fileno", store="fd"),
        call("socket", C("AF_INET"), C("SOCK_STREAM"), I(0), R("fd"), store="t"),
        method("t", "close"),
        method("s", "setblocking", TRUE),
        method("s", "close"),
        method("s", "close"),
    ]},
    {"name": "makefile_reprs", "steps": [
        call("socketpair", store=["a", "b"]),
        method("a", "makefile", S("rb"), store="rb"), op("repr", on="rb"),
        method("a", "makefile", S("wb"), store="wb"), op("repr", on="wb"),
        method("a", "makefile", S("rwb"), store="rwb"), op("repr", on="rwb"),
        method("a", "makefile", S("rb"), I(0), store="raw"), op("repr", on="raw"),
        method("a", "makefile", S("r"), encoding=S("utf-8"), store="r"), op("repr", on="r"),
        method("a", "makefile", S("w"), encoding=S("latin-1"), store="w"), op("repr", on="w"),
        method("a", "makefile", S("rw"), encoding=S("ascii"), newline=S(""), store="rw"), op("repr", on="rw"),
    ]},
    # Lib/test/test_socket.py's cases, as inputs and CPython's outcomes.
    {"name": "test_socket_GeneralModuleTests_testSendtoErrors", "steps": [
        call("socket", C("AF_INET"), C("SOCK_DGRAM"), store="s"),
        method("s", "bind", T(S(""), I(0))),
        method("s", "getsockname", store="sockname"),
        method("s", "sendto", S("\u2620"), R("sockname")),
        method("s", "sendto", B(b"foo"), N),
        method("s", "sendto", S("\u2620"), I(0), R("sockname")),
        method("s", "sendto", B(b"foo"), I(0), N),
        method("s", "sendto", B(b"foo"), S("bar"), R("sockname")),
        method("s", "sendto", B(b"foo"), N, N),
        method("s", "sendto", B(b"foo")),
        method("s", "sendto", B(b"foo"), I(0), R("sockname"), I(4)),
    ]},
    {"name": "test_socket_GeneralModuleTests_testDefaultTimeout", "steps": [
        call("getdefaulttimeout"),
        call("socket", store="a"), method("a", "gettimeout"),
        call("setdefaulttimeout", I(10)),
        call("getdefaulttimeout"),
        call("socket", store="b"), method("b", "gettimeout"),
        call("setdefaulttimeout", N),
        call("socket", store="c"), method("c", "gettimeout"),
        call("setdefaulttimeout", I(-1)),
        call("setdefaulttimeout", S("spam")),
    ]},
    {"name": "test_socket_GeneralModuleTests_testCloseException", "steps": [
        call("socket", store="sock"),
        method("sock", "bind", T(LO, I(0))),
        method("sock", "fileno", store="fd"),
        call("socket", store="other", fileno=R("fd")),
        method("other", "close"),
        method("sock", "close"),
    ]},
    {"name": "test_socket_GeneralModuleTests_test_socket_close", "steps": [
        call("socket", store="sock"),
        method("sock", "bind", T(LO, I(0))),
        method("sock", "fileno", store="fd"),
        call("close", R("fd")),
        method("sock", "listen", I(1)),
        method("sock", "close"),
        call("close", N),
        call("close", I(-1)),
    ]},
    {"name": "test_socket_TestExceptions_test_setblocking_invalidfd", "steps": [
        call("socket", C("AF_INET"), C("SOCK_STREAM"), I(0), store="sock0"),
        method("sock0", "fileno", store="fd"),
        call("socket", C("AF_INET"), C("SOCK_STREAM"), I(0), R("fd"), store="sock"),
        method("sock0", "close"),
        method("sock", "setblocking", FALSE),
        method("sock", "detach"),
    ]},
    {"name": "test_socket_GeneralModuleTests_makefile_modes", "steps": [
        call("socket", store="sock"),
        method("sock", "makefile", S("r"), encoding=S("utf-8"), store="r"), get("r", "mode"),
        method("sock", "makefile", S("rb"), store="rb"), get("rb", "mode"),
        method("sock", "makefile", S("rw"), encoding=S("utf-8"), store="rw"), get("rw", "mode"),
        method("sock", "makefile", S("w"), encoding=S("utf-8"), store="w"), get("w", "mode"),
        method("sock", "makefile", S("wb"), store="wb"), get("wb", "mode"),
        method("sock", "makefile", S("rt")),
        method("sock", "makefile", S("x")),
        method("sock", "makefile", S("+")),
        method("sock", "makefile", S("a")),
    ]},
    {"name": "test_socket_GeneralModuleTests_test_listen_backlog", "steps": [
        call("socket", store="a"), method("a", "bind", T(LO, I(0))), method("a", "listen", I(0)),
        call("socket", store="b"), method("b", "bind", T(LO, I(0))), method("b", "listen", I(-1)),
        call("socket", store="c"), method("c", "bind", T(LO, I(0))), method("c", "listen"),
        call("socket", store="d"), method("d", "bind", T(LO, I(0))), method("d", "listen", I(2 ** 31)),
    ]},
    {"name": "test_socket_NetworkConnectionAttributesTest", "steps": SERVER + [
        call("create_connection", T(S("localhost"), R("port")), store="cli"),
        get("cli", "family"), get("cli", "type"), get("cli", "proto"),
        call("create_connection", T(LO, R("port")), I(30), T(LO, I(0)), store="src"),
        method("src", "getsockname", store=["shost", "sport2"]),
        method("src", "gettimeout"),
        call("setdefaulttimeout", I(42)),
        call("create_connection", T(LO, R("port")), store="dflt"), method("dflt", "gettimeout"),
        call("create_connection", T(LO, R("port")), N, store="none"), method("none", "gettimeout"),
        call("setdefaulttimeout", N),
        call("create_connection", T(LO, R("port")), timeout=I(30), store="named"),
        method("named", "gettimeout"),
    ]},
    {"name": "test_socket_CreateServerTest", "steps": [
        call("create_server", T(LO, I(0)), store="a"),
        method("a", "getsockname", store=["ahost", "aport"]),
        get("a", "family"), get("a", "type"),
        call("create_server", T(S("::1"), I(0)), store="b", family=C("AF_INET6"), dualstack_ipv6=TRUE),
        get("b", "family"),
        call("create_server", T(S("::1"), I(0)), store="c", family=C("AF_INET6")),
        method("c", "getsockopt", C("IPPROTO_IPV6"), C("IPV6_V6ONLY")),
        call("has_dualstack_ipv6"),
    ]},
    # Closing a file is a Promise on the `pysocket` facade, which the test allows here.
    {"name": "makefile_reprs_once_closed", "steps": [
        call("socketpair", store=["a", "b"]),
        method("a", "makefile", S("rb"), store="rb"), method("rb", "close"), op("repr", on="rb"),
        method("a", "makefile", S("r"), encoding=S("utf-8"), store="r"), method("r", "close"),
        op("repr", on="r"),
        method("a", "makefile", S("rb"), I(0), store="raw"), method("raw", "close"), op("repr", on="raw"),
        # test_socket's test_unusable_closed_socketio.
        method("a", "makefile", S("rb"), I(0), store="fp"),
        method("fp", "readable"), method("fp", "writable"), method("fp", "seekable"),
        method("fp", "close"),
        method("fp", "readable"), method("fp", "writable"), method("fp", "seekable"),
    ]},
]


def ex(cls, *args):
    return {"class": cls, "args": list(args)}


def excs(*items):
    """A list of exceptions, each (class, *args); a tagged value (a dict) stands for itself."""
    return {"excs": [i if isinstance(i, dict) else [i[0], list(i[1:])] for i in items]}


REFUSED = ("ConnectionRefusedError", I(111), S("Connection refused"))
EXCEPTIONS = [
    # OSError.__new__ picks the errno's subclass for 2 to 5 arguments (Objects/exceptions.c).
    *[ex("OSError", I(n), S("text")) for n in (1, 2, 4, 10, 11, 13, 17, 20, 21, 32, 103, 104, 110, 111,
                                             114, 115, 3, 12, 99, 9999, 0, -2)],
    ex("OSError"),
    ex("herror"),
    ex("gaierror"),
    ex("timeout"),
    ex("OSError", S("message")),
    ex("OSError", I(111)),
    ex("OSError", I(111), S("Connection refused"), S("path")),
    ex("OSError", I(111), S("Connection refused"), N),
    ex("OSError", I(111), S("Connection refused"), S("path"), N, S("other")),
    ex("OSError", I(111), S("Connection refused"), N, N, S("other")),
    ex("OSError", I(111), S("Connection refused"), S("path"), I(5)),
    ex("OSError", I(111), S("a"), S("b"), S("c"), S("d"), S("e")),
    ex("OSError", S("111"), S("x")),
    ex("OSError", {"float": 111.5}, S("x")),
    ex("OSError", TRUE, S("x")),
    ex("OSError", I(111), I(5)),
    ex("OSError", I(2), S("No such file"), B(b"/tmp/x")),
    ex("error", I(111), S("Connection refused")),
    # A subclass keeps its own class, whatever the errno.
    ex("ConnectionRefusedError", I(11), S("x")),
    ex("ConnectionError", I(111), S("x")),
    ex("TimeoutError", S("timed out")),
    ex("timeout", S("timed out")),
    ex("TimeoutError", I(110), S("Connection timed out")),
    ex("BlockingIOError", I(11), S("Resource temporarily unavailable")),
    ex("BlockingIOError", I(11), S("x"), I(5)),
    ex("gaierror", I(-2), S("Name or service not known")),
    ex("gaierror", S("x")),
    ex("herror", I(1), S("Unknown host")),
    ex("herror", S("x")),
    ex("InterruptedError", I(4), S("Interrupted system call")),
    ex("ValueError", S("x")),
    ex("ValueError", S("a"), I(1)),
    ex("OverflowError", S("x")),
    ex("KeyError", S("x")),
    ex("KeyError"),
    ex("KeyError", I(3)),
    ex("KeyError", S("a"), S("b")),
    ex("KeyError", T(S("a"), I(1))),
    ex("RuntimeError", S("x")),
    ex("RuntimeError"),
    ex("ExceptionGroup", S("create_connection failed"), excs(REFUSED, REFUSED)),
    ex("ExceptionGroup", S("create_connection failed"), excs(REFUSED)),
    ex("ExceptionGroup", S("m"), excs(("ValueError", S("v")), ("KeyError", S("k")), ("OSError", I(9), S("e")))),
    # BaseExceptionGroup.__new__'s own checks (Objects/exceptions.c).
    ex("ExceptionGroup", S("m"), excs()),
    ex("ExceptionGroup", S("m"), excs(I(1))),
    ex("ExceptionGroup", S("m"), excs(REFUSED, S("x"))),
    ex("ExceptionGroup", I(1), excs(REFUSED)),
    ex("ExceptionGroup", N, excs(REFUSED)),
    ex("ExceptionGroup", S("m"), I(5)),
    ex("ExceptionGroup", S("m"), N),
    ex("ExceptionGroup", S("m")),
    ex("ExceptionGroup"),
]


def build(cls_name, args):
    cls = getattr(socket, cls_name, None) or getattr(__builtins__, cls_name)
    return cls(*[decode(a) for a in args])


def decode(t):
    return pyvalue.decode(t, {"excs": lambda items: [item(i) for i in items]})


def item(i):
    """An item of an "excs" list: [class, args] builds an exception; a tagged value is itself."""
    return decode(i) if isinstance(i, dict) else build(*i)


def describe(e):
    d = pyvalue.error(e, bare=())
    if isinstance(e, OSError):
        d["filename"] = pyvalue.encode(e.filename)
        d["filename2"] = pyvalue.encode(e.filename2)
    if isinstance(e, BlockingIOError):
        try:
            d["characters_written"] = e.characters_written
        except AttributeError:
            d["characters_written"] = None
    return d


def record_exception(case):
    try:
        value = build(case["class"], case["args"])
    except Exception as e:
        return dict(case, error=pyvalue.error(e))
    return dict(case, result=describe(value))


def main():
    signal.signal(signal.SIGALRM, record_scenarios.on_alarm)
    recorded = [record_scenarios.run_scenario(s) for s in SCENARIOS]
    again = [record_scenarios.run_scenario(s) for s in SCENARIOS]
    flaky = [a["name"] for a, b in zip(recorded, again) if a != b]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    scenarios = [{"name": s["name"], "steps": s["steps"], "results": r["results"]}
                 for s, r in zip(SCENARIOS, recorded)]
    pyvalue.write_fixtures(OUT, {
        "recorded_by": "scripts/record_surface.py",
        "python": sys.version.split()[0],
        "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
        "scenarios": scenarios,
        "exceptions": [record_exception(c) for c in EXCEPTIONS],
    })
    print("%s: %d scenarios, %d exception cases" % (os.path.relpath(OUT), len(scenarios), len(EXCEPTIONS)))


if __name__ == "__main__":
    main()
