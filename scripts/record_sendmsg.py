"""Records CPython's sendmsg, recvmsg and recvmsg_into for test/sendmsg.test.js: the cases of
Lib/test/test_socket.py's SendmsgTests, RecvmsgTests and RecvmsgIntoTests that use no ancillary
data, over TCP, UDP, UDP over IPv6 and AF_UNIX stream sockets, plus ancillary data Node cannot
carry. Each scenario is a socket kind and steps the JS test interprets the same way:
  ["call", SOCK, METHOD, ARGS...]   SOCK "a" (client) or "b" (server)
  ["bufs"]                          the contents of the bytearrays made so far
  ["close", SOCK] | ["settimeout", SOCK, seconds]
Arguments: {"lit": tagged}, {"obj": "object"}, {"addr": SOCK} that socket's address,
{"gen": [args]} a generator over them, {"list": [args]}, {"tuple": [args]}, {"buf": n} a new
bytearray of n bytes. In results an address of one of the sockets is {"addr": SOCK}.
Run: python3 scripts/record_sendmsg.py
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pyvalue import encode, error, write_fixtures  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "sendmsg.json")
MSG = b"Message for recvmsg, with 16 x 2 bytes of padding: 0123456789abcdef"


def make(kind):
    if kind == "unix":
        return socket.socketpair()
    if kind == "tcp":
        lst = socket.create_server(("127.0.0.1", 0))
        a = socket.create_connection(lst.getsockname())
        b, _ = lst.accept()
        lst.close()
        return a, b
    fam, host = (socket.AF_INET, "127.0.0.1") if kind == "udp" else (socket.AF_INET6, "::1")
    a = socket.socket(fam, socket.SOCK_DGRAM)
    b = socket.socket(fam, socket.SOCK_DGRAM)
    a.bind((host, 0))
    b.bind((host, 0))
    return a, b


class World:
    def __init__(self, kind):
        self.kind = kind
        self.socks = dict(zip("ab", make(kind)))
        self.bufs = []

    def arg(self, a):
        if "lit" in a:
            from pyvalue import decode
            return decode(a["lit"])
        if "obj" in a:
            return object()
        if "addr" in a:
            return self.socks[a["addr"]].getsockname()
        if "gen" in a:
            items = [self.arg(x) for x in a["gen"]]
            return (x for x in items)
        if "list" in a:
            return [self.arg(x) for x in a["list"]]
        if "tuple" in a:
            return tuple(self.arg(x) for x in a["tuple"])
        if "buf" in a:
            b = bytearray(a["buf"])
            self.bufs.append(b)
            return b
        raise ValueError(a)

    def tag(self, v):
        for name, s in self.socks.items():
            if s.fileno() >= 0 and isinstance(v, (tuple, str)) and v == s.getsockname() and v not in ("", ()):
                return {"addr": name}
        if isinstance(v, list):
            return {"tuple": [encode(x, tag=self.tag) for x in v]}
        return None


def run(w, step):
    op = step[0]
    if op == "call":
        s = w.socks[step[1]]
        return getattr(s, step[2])(*[w.arg(a) for a in step[3:]])
    if op == "bufs":
        return tuple(bytes(b) for b in w.bufs)
    if op == "close":
        return w.socks[step[1]].close()
    if op == "settimeout":
        return w.socks[step[1]].settimeout(step[2])
    raise ValueError(op)


def record(kind, steps):
    w = World(kind)
    out = []
    try:
        for step in steps:
            try:
                out.append({"step": step, "result": encode(run(w, step), tag=w.tag)})
            except Exception as e:
                out.append({"step": step, "error": error(e, tag=w.tag)})
    finally:
        for s in w.socks.values():
            s.close()
    return out


def lit(v):
    return {"lit": encode(v)}


def L(*xs):
    return {"list": list(xs)}


def T(*xs):
    return {"tuple": list(xs)}


N = len(MSG)
O = {"obj": "object"}


def send(sock_kind, *extra):
    """sendmsg([MSG]) to the server: connectionless kinds name its address."""
    if sock_kind in ("udp", "udp6"):
        return ["call", "a", "sendmsg", L(lit(MSG)), L(), lit(0), {"addr": "b"}]
    return ["call", "a", "sendmsg", L(lit(MSG))]


def scenarios(kind):
    dgram = kind in ("udp", "udp6")
    to = [L(), lit(0), {"addr": "b"}] if dgram else []
    s = {
        "sendmsg": [send(kind), ["call", "b", "recvmsg", lit(N)]],
        "sendmsg data generator": [["call", "a", "sendmsg", {"gen": [lit(MSG)]}, *to], ["call", "b", "recvmsg", lit(N)]],
        "sendmsg ancillary generator": [["call", "a", "sendmsg", L(lit(MSG)), {"gen": []}, *to[1:]], ["call", "b", "recvmsg", lit(N)]],
        "sendmsg gather": [["call", "a", "sendmsg", L(lit(MSG[:3]), lit(MSG[3:])), *to], ["call", "b", "recvmsg", lit(N)]],
        "sendmsg bad args": [
            ["call", "a", "sendmsg"],
            ["call", "a", "sendmsg", lit(b"not in an iterable")],
            ["call", "a", "sendmsg", O],
            ["call", "a", "sendmsg", L(O)],
            ["call", "a", "sendmsg", L(lit(MSG), O)],
            ["call", "a", "sendmsg", L(lit(MSG)), O],
            ["call", "a", "sendmsg", L(lit(MSG)), L(), O],
            ["call", "a", "sendmsg", L(lit(MSG)), L(), lit(0), O],
            ["call", "a", "sendmsg", L(lit(MSG)), L(), lit(0), lit(None), lit(1)],
            ["call", "a", "sendmsg", L(lit("str"))],
        ],
        "sendmsg bad cmsg": [
            ["call", "a", "sendmsg", L(lit(MSG)), L(O)],
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(O, lit(0), lit(b"data")))],
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(0), O, lit(b"data")))],
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(0), lit(0), O))],
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(0), lit(0)))],
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(0), lit(0), lit(b"data"), lit(42)))],
        ],
        "sendmsg after close": [["close", "a"], ["call", "a", "sendmsg", L(lit(MSG)), *to]],
        "recvmsg explicit defaults": [send(kind), ["call", "b", "recvmsg", lit(N), lit(0), lit(0)]],
        "recvmsg shorter": [send(kind), ["call", "b", "recvmsg", lit(N + 42)]],
        "recvmsg trunc": [send(kind), ["call", "b", "recvmsg", lit(N - 3)], ["call", "b", "recvmsg", lit(3), lit(0), lit(socket.MSG_DONTWAIT)]],
        "recvmsg zero bufsize": [send(kind), ["call", "b", "recvmsg", lit(0)]],
        "recvmsg peek": [send(kind), ["call", "b", "recvmsg", lit(N - 3), lit(0), lit(socket.MSG_PEEK)],
                         ["call", "b", "recvmsg", lit(N), lit(0), lit(socket.MSG_PEEK)], ["call", "b", "recvmsg", lit(N)]],
        "recvmsg after close": [["close", "b"], ["call", "b", "recvmsg", lit(N)]],
        "recvmsg timeout": [["settimeout", "b", 0.1], ["call", "b", "recvmsg", lit(N)]],
        "recvmsg dontwait": [["call", "b", "recvmsg", lit(N), lit(0), lit(socket.MSG_DONTWAIT)]],
        # With a timeout sock_call_ex polls before it calls: MSG_DONTWAIT changes nothing.
        "recvmsg dontwait with a timeout": [["settimeout", "b", 0.1], ["call", "b", "recvmsg", lit(N), lit(0), lit(socket.MSG_DONTWAIT)]],
        "recvmsg bad args": [
            ["call", "b", "recvmsg"],
            ["call", "b", "recvmsg", lit(-1), lit(0), lit(0)],
            ["call", "b", "recvmsg", lit(N), lit(-1), lit(0)],
            ["call", "b", "recvmsg", T(), lit(0), lit(0)],
            ["call", "b", "recvmsg", lit(N), O, lit(0)],
            ["call", "b", "recvmsg", lit(N), lit(0), O],
            ["call", "b", "recvmsg", lit(N), lit(0), lit(0), lit(0)],
        ],
        "recvmsg ancbufsize": [send(kind), ["call", "b", "recvmsg", lit(N), lit(1024)]],
        "recvmsg_into": [send(kind), ["call", "b", "recvmsg_into", L({"buf": N})], ["bufs"]],
        "recvmsg_into generator": [send(kind), ["call", "b", "recvmsg_into", {"gen": [{"buf": N + 1024}]}], ["bufs"]],
        "recvmsg_into scatter": [send(kind), ["call", "b", "recvmsg_into", L({"buf": 4}, {"buf": 0}, {"buf": 5}, {"buf": N})], ["bufs"]],
        "recvmsg_into trunc": [send(kind), ["call", "b", "recvmsg_into", L({"buf": 4}, {"buf": 5}), lit(0), lit(0)], ["bufs"]],
        "recvmsg_into bad args": [
            ["call", "b", "recvmsg_into"],
            ["call", "b", "recvmsg_into", L({"buf": N}), lit(-1), lit(0)],
            ["call", "b", "recvmsg_into", O, lit(0), lit(0)],
            ["call", "b", "recvmsg_into", L(O), lit(0), lit(0)],
            ["call", "b", "recvmsg_into", L({"buf": N}, O), lit(0), lit(0)],
            ["call", "b", "recvmsg_into", L({"buf": N}), O, lit(0)],
            ["call", "b", "recvmsg_into", L({"buf": N}), lit(0), O],
            ["call", "b", "recvmsg_into", L({"buf": N}), lit(0), lit(0), lit(0)],
            ["call", "b", "recvmsg_into", L(lit("str"))],
        ],
        "empty ancillary item": [["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(socket.SOL_SOCKET), lit(socket.SCM_RIGHTS), lit(b""))), *to[1:]],
                                 ["call", "b", "recvmsg", lit(N)]],
    }
    if not dgram:
        # With a timeout the descriptor is non-blocking: tcp_recvmsg gives MSG_WAITALL what is there.
        s["recvmsg waitall with a timeout"] = [["settimeout", "b", 2.0], send(kind), ["call", "b", "recvmsg", lit(N + 10), lit(0), lit(socket.MSG_WAITALL)],
                                               send(kind), ["call", "b", "recvmsg_into", L({"buf": N + 10}), lit(0), lit(socket.MSG_WAITALL)], ["bufs"]]
    if kind == "unix":
        s["descriptors are not supported"] = [
            ["call", "a", "sendmsg", L(lit(MSG)), L(T(lit(socket.SOL_SOCKET), lit(socket.SCM_RIGHTS), lit(b"\x00\x00\x00\x00")))],
        ]
    if dgram:
        s["sendmsg to address"] = [["call", "a", "sendmsg", L(lit(MSG)), L(), lit(0), {"addr": "b"}], ["call", "b", "recvmsg", lit(N)],
                                   ["call", "a", "sendmsg", L(lit(MSG)), L(), lit(0), lit("not an address")]]
        s["sendmsg without address"] = [["call", "a", "sendmsg", L(lit(MSG))]]
    else:
        s["recvmsg from sendmsg then EOF"] = [send(kind), ["close", "a"], ["call", "b", "recvmsg", lit(N)], ["call", "b", "recvmsg", lit(N)]]
    return s


def main():
    fixtures = {}
    for kind in ("tcp", "udp", "udp6", "unix"):
        for name, steps in scenarios(kind).items():
            fixtures["%s: %s" % (kind, name)] = {"kind": kind, "steps": record(kind, steps)}
    write_fixtures(OUT, fixtures)


if __name__ == "__main__":
    main()
