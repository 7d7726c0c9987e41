"""Records CPython's select and selectors behaviour for test/select.test.js.

Each scenario is a list of steps that this script and the JS test both interpret: the step's
outcome here is written beside it in test/fixtures/select.json. Sockets are named; in results a
socket is "@name", an fd is "#name" (the open socket that has it, else an alias a "fd" step
made), so that fd numbers need not agree. Steps:
  socketpair a b | tcppair a b | udppair a b | udp6pair a b | listener l | tcp s
  makefile f s (s.makefile("rb"))
  connect_nb c l (non-blocking connect to l) | connect_refused c | accept l n
  send s HEX | recv s n | shutdown s how | close s | reset s (SO_LINGER 0, close) | soerror s
  settle (let loopback events land) | fd x s (alias x for s's fd)
  call OBJ METHOD ARGS... | new NAME CLASS ARGS... | get OBJ ATTR
Arguments: "@a" the object a, "#a" its fd, "@a,b" the list [a, b], a JSON list a list, {"lit": tagged} a literal, {"ev": "EPOLLIN|EPOLLET"}
a mask of module constants, {"obj": "nope"|"almost"|"object"} a foreign object. A step may be
marked "eventually": the JS side retries it until it agrees (for readiness that Node reports a
moment later than Linux).
Run: python3 scripts/record_select.py
"""
import os
import re
import select
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from pyvalue import encode, error, write_fixtures  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "select.json")


class Nope:
    pass


class Almost:
    def fileno(self):
        return "fileno"


FOREIGN = {"nope": Nope, "almost": Almost, "object": object}
SELECTORS = ["SelectSelector", "PollSelector", "EpollSelector", "DefaultSelector"]


class World:
    def __init__(self):
        self.objs = {}
        self.aliases = {}

    def fd_name(self, fd):
        for name, o in self.objs.items():
            if isinstance(o, socket.socket) and o.fileno() == fd:
                return "#" + name
        for name, v in self.aliases.items():
            if v == fd:
                return "#" + name
        return fd

    def obj_name(self, v):
        for name, o in self.objs.items():
            if o is v:
                return "@" + name
        if isinstance(v, int) and not isinstance(v, bool):
            return self.fd_name(v)
        return v

    def names_in(self, text):
        """A message with the fd numbers it quotes named: 'fd=#a', '(FD #a)', "'#a is not"."""
        def sub(m):
            name = self.fd_name(int(m.group(2)))
            return m.group(1) + (name if isinstance(name, str) else m.group(2))
        text = re.sub(r"<(?:__main__\.)?(\w+) object at 0x[0-9a-f]+>", r"<\1 object>", text)
        return re.sub(r"(fd=|\(FD |^'?)(\d+)(?=\)|,| is not| \()", sub, text)

    def arg(self, a):
        if isinstance(a, list):
            return [self.arg(x) for x in a]
        if isinstance(a, str):
            if "," in a:
                return [self.arg(a[0] + n) for n in a[1:].split(",")]
            if a.startswith("@"):
                return self.objs[a[1:]]
            if a.startswith("#"):
                n = a[1:]
                return self.aliases[n] if n in self.aliases else self.objs[n].fileno()
            return a
        if "lit" in a:
            from pyvalue import decode
            return decode(a["lit"])
        if "ev" in a:
            v = 0
            for part in a["ev"].split("|"):
                v |= getattr(selectors if part.startswith("EVENT") else select, part)
            return v
        if "obj" in a:
            return FOREIGN[a["obj"]]()
        raise ValueError(a)

    def key(self, k):
        return (self.obj_name(k.fileobj), self.fd_name(k.fd), k.events, self.obj_name(k.data))

    def shape(self, v):
        """A result with sockets, fds and keys named, lists as tuples: a list of pairs is a
        poll's [(fd, events)] or a selector's [(key, events)]; other lists hold files."""
        if isinstance(v, selectors.SelectorKey):
            return self.key(v)
        if isinstance(v, list) and all(isinstance(x, tuple) and len(x) == 2 for x in v):
            return tuple((self.shape(a), b) for a, b in v)
        if isinstance(v, (list, tuple)):
            return tuple(self.shape(x) for x in v)
        return self.obj_name(v)


def tcp_pair():
    lst = socket.create_server(("127.0.0.1", 0))
    a = socket.create_connection(lst.getsockname())
    b, _ = lst.accept()
    lst.close()
    return a, b


def udp_pair(family, host):
    a = socket.socket(family, socket.SOCK_DGRAM)
    b = socket.socket(family, socket.SOCK_DGRAM)
    a.bind((host, 0))
    b.bind((host, 0))
    a.connect(b.getsockname())
    b.connect(a.getsockname())
    return a, b


def run_step(w, step):
    r = run_op(w, step)
    for name, o in w.objs.items():
        if isinstance(o, socket.socket) and name not in w.aliases and o.fileno() >= 0:
            w.aliases[name] = o.fileno()
    return r


def run_op(w, step):
    op = step[0]
    if op == "socketpair":
        w.objs[step[1]], w.objs[step[2]] = socket.socketpair()
    elif op == "tcppair":
        w.objs[step[1]], w.objs[step[2]] = tcp_pair()
    elif op == "udppair":
        w.objs[step[1]], w.objs[step[2]] = udp_pair(socket.AF_INET, "127.0.0.1")
    elif op == "udp6pair":
        w.objs[step[1]], w.objs[step[2]] = udp_pair(socket.AF_INET6, "::1")
    elif op == "listener":
        w.objs[step[1]] = socket.create_server(("127.0.0.1", 0))
    elif op == "tcp":
        w.objs[step[1]] = socket.socket()
    elif op == "makefile":
        w.objs[step[1]] = w.objs[step[2]].makefile("rb")
    elif op == "connect_nb":
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(w.objs[step[2]].getsockname())
        w.objs[step[1]] = c
    elif op == "connect_refused":
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        addr = probe.getsockname()
        probe.close()
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(addr)
        w.objs[step[1]] = c
    elif op == "accept":
        w.objs[step[2]], _ = w.objs[step[1]].accept()
    elif op == "send":
        return w.objs[step[1]].send(bytes.fromhex(step[2]))
    elif op == "recv":
        return w.objs[step[1]].recv(step[2])
    elif op == "shutdown":
        w.objs[step[1]].shutdown(step[2])
    elif op == "close":
        w.objs[step[1]].close()
    elif op == "reset":
        s = w.objs[step[1]]
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    elif op == "soerror":
        return w.objs[step[1]].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    elif op == "settle":
        time.sleep(0.05)
    elif op == "fd":
        w.aliases[step[1]] = w.objs[step[2]].fileno()
    elif op == "new":
        name, cls = step[1], step[2]
        args = [w.arg(a) for a in step[3:] if not (isinstance(a, dict) and "kw" in a)]
        kwargs = {}
        for a in step[3:]:
            if isinstance(a, dict) and "kw" in a:
                kwargs.update({k: w.arg(v) for k, v in a["kw"].items()})
        if cls == "epoll_fromfd":
            w.objs[name] = select.epoll.fromfd(args[0].fileno())
        else:
            mod = selectors if cls in SELECTORS else select
            w.objs[name] = getattr(mod, cls)(*args, **kwargs)
    elif op == "call":
        target = select if step[1] == "select" else w.objs[step[1]]
        args = [w.arg(a) for a in step[3:] if not (isinstance(a, dict) and "kw" in a)]
        kwargs = {}
        for a in step[3:]:
            if isinstance(a, dict) and "kw" in a:
                kwargs.update({k: w.arg(v) for k, v in a["kw"].items()})
        return w.shape(getattr(target, step[2])(*args, **kwargs))
    elif op == "sorted":
        # A result whose order Linux does not fix (epoll's ready list), sorted by names.
        r = getattr(w.objs[step[1]], step[2])(*[w.arg(a) for a in step[3:]])
        return tuple(sorted(w.shape(r), key=repr))
    elif op == "isfd":
        # An fd number's value is the kernel's choice: only its kind is compared.
        fd = w.objs[step[1]].fileno()
        return isinstance(fd, int) and fd >= 0
    elif op == "get":
        return w.shape(getattr(w.objs[step[1]], step[2]))
    elif op == "len":
        return len(w.objs[step[1]].get_map())
    elif op == "mapget":
        m = w.objs[step[1]].get_map()
        return w.shape(m[w.arg(step[2])])
    else:
        raise ValueError(op)
    return None


def record(steps):
    w = World()
    out = []
    try:
        for step in steps:
            step = list(step) if isinstance(step, (list, tuple)) else step
            try:
                value = run_step(w, step)
                out.append({"step": step, "result": encode(value, tag=lambda v: None)})
            except Exception as e:
                err = error(e)
                err["message"] = w.names_in(err["message"])
                if "args" in err:
                    err["args"] = [{"str": w.names_in(a["str"])} if "str" in a else a for a in err["args"]]
                out.append({"step": step, "error": err})
    finally:
        for o in w.objs.values():
            if hasattr(o, "close"):
                try:
                    o.close()
                except Exception:
                    pass
    return out


def ev(s):
    return {"ev": s}


def lit(v):
    return {"lit": encode(v)}


def selector_cases(cls):
    """Lib/test/test_selectors.py's BaseSelectorTestCase over socketpair, for one class."""
    R, W = ev("EVENT_READ"), ev("EVENT_WRITE")
    RW = ev("EVENT_READ|EVENT_WRITE")
    N = {"lit": encode(None)}
    cases = {
        "register": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R, lit("data")],
            ["call", "s", "register", lit(0), lit(999999)],
            ["call", "s", "register", lit(-10), R],
            ["call", "s", "register", "@rd", R],
            ["call", "s", "register", "#rd", R],
            ["call", "s", "register", {"obj": "object"}, R],
            ["call", "s", "register", "@rd", lit(0)],
        ],
        "unregister": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R], ["call", "s", "unregister", "@rd"],
            ["call", "s", "unregister", lit(999999)], ["call", "s", "unregister", "@rd"],
        ],
        "unregister after fd close": [
            ["new", "s", cls], ["socketpair", "rd", "wr"], ["fd", "r", "rd"], ["fd", "w", "wr"],
            ["call", "s", "register", "#r", R], ["call", "s", "register", "#w", W],
            ["close", "rd"], ["close", "wr"],
            ["call", "s", "unregister", "#r"], ["call", "s", "unregister", "#w"],
        ],
        "unregister after socket close": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R], ["call", "s", "register", "@wr", W],
            ["close", "rd"], ["close", "wr"],
            ["call", "s", "unregister", "@rd"], ["call", "s", "unregister", "@wr"],
        ],
        "modify": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R],
            ["call", "s", "modify", "@rd", W], ["call", "s", "get_key", "@rd"],
            ["call", "s", "unregister", "@rd"],
            ["call", "s", "register", "@rd", R, lit("d1")],
            ["call", "s", "modify", "@rd", R, lit("d2")], ["call", "s", "get_key", "@rd"],
            ["call", "s", "modify", lit(999999), R],
            ["call", "s", "modify", "@rd", lit(4)],
            ["call", "s", "get_key", "@rd"],
        ],
        "close": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R], ["call", "s", "register", "@wr", W],
            ["call", "s", "close"],
            ["call", "s", "get_key", "@rd"], ["call", "s", "get_key", "@wr"],
            ["call", "s", "get_map"], ["call", "s", "select", lit(0)],
        ],
        "register a closed socket": [
            ["new", "s", cls], ["socketpair", "rd", "wr"], ["close", "rd"],
            ["call", "s", "register", "@rd", R], ["len", "s"],
        ],
        "get_key": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R, lit("data")], ["call", "s", "get_key", "@rd"],
            ["call", "s", "get_key", lit(999999)], ["call", "s", "get_key", {"obj": "nope"}],
        ],
        "get_map": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["len", "s"],
            ["call", "s", "register", "@rd", R, lit("data")],
            ["len", "s"], ["mapget", "s", "@rd"], ["mapget", "s", "#rd"],
            ["mapget", "s", lit(999999)],
        ],
        "select": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R], ["call", "s", "register", "@wr", W],
            ["call", "s", "select"],
        ],
        "select read write": [
            ["new", "s", cls], ["socketpair", "s1", "s2"], ["send", "s2", "666f6f"], ["settle"],
            ["call", "s", "register", "@s1", RW],
            ["sorted", "s", "select"],
        ],
        "context manager": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R], ["call", "s", "register", "@wr", W],
            ["call", "s", "__exit__", N, N, N],
            ["call", "s", "get_key", "@rd"],
        ],
        "empty select": [
            ["new", "s", cls], ["call", "s", "select", {"kw": {"timeout": lit(0)}}],
        ],
        "timeout": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@wr", W],
            ["call", "s", "select", lit(0)], ["call", "s", "select", lit(-1)],
            ["call", "s", "unregister", "@wr"], ["call", "s", "register", "@rd", R],
            ["call", "s", "select", lit(0)], ["call", "s", "select", lit(-1)],
            ["call", "s", "select", lit(0.3)],
        ],
        "readable after send, then peer close": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["call", "s", "register", "@rd", R, lit("r")],
            ["send", "wr", "2054686973206973206120746573742e"],
            ["call", "s", "select", lit(5)],
            ["recv", "rd", 16],
            ["call", "s", "select", lit(0)],
            ["close", "wr"],
            ["call", "s", "select", lit(5)],
            ["recv", "rd", 16],
        ],
        "register a file object": [
            ["new", "s", cls], ["socketpair", "rd", "wr"],
            ["new", "f", "makefile_of", "@rd"],
        ],
    }
    if cls in ("EpollSelector", "DefaultSelector"):
        cases["register bad fd"] = [
            ["new", "s", cls], ["socketpair", "rd", "wr"], ["fd", "bad", "rd"], ["close", "rd"],
            ["call", "s", "register", "#bad", R], ["call", "s", "get_key", "#bad"],
        ]
        cases["fileno"] = [["new", "s", cls], ["isfd", "s"]]
    if cls == "PollSelector":
        cases["closed fd reads as both"] = [
            ["new", "s", cls], ["socketpair", "rd", "wr"], ["fd", "bad", "rd"],
            ["call", "s", "register", "#bad", R], ["close", "rd"],
            ["call", "s", "select", lit(0)],
        ]
    if cls == "SelectSelector":
        cases["closed fd"] = [
            ["new", "s", cls], ["socketpair", "rd", "wr"], ["fd", "bad", "rd"],
            ["call", "s", "register", "#bad", R], ["close", "rd"],
            ["call", "s", "select", lit(0)],
        ]
    del cases["register a file object"]
    return cases


def select_cases():
    """test_select.py, test_poll.py and test_epoll.py over sockets, and readiness edge cases."""
    S = "select"
    e = []
    return {
        "select: error conditions": [
            ["call", S, "select", lit(1), lit(2), lit(3)],
            ["call", S, "select", {"lit": {"tuple": []}}, {"lit": {"tuple": []}}],
            ["call", S, "select", {"lit": {"tuple": []}}, e, e, e, e],
            ["call", S, "select", {"lit": {"tuple": [encode(-1)]}}, e, e, lit(0)],
            ["call", S, "select", {"lit": {"tuple": [encode(1024)]}}, e, e, lit(0)],
            ["call", S, "select", {"lit": {"tuple": [encode(2 ** 40)]}}, e, e, lit(0)],
            ["call", S, "select", {"lit": {"tuple": [encode("3")]}}, e, e, lit(0)],
            ["call", S, "select", {"lit": {"tuple": [encode(3.5)]}}, e, e, lit(0)],
            ["call", S, "select", e, e, e, lit("not a number")],
            ["call", S, "select", e, e, e, lit(-1)],
            ["call", S, "select", e, e, e, lit(float("nan"))],
            ["call", S, "select", e, e, e, lit(float("inf"))],
            ["call", S, "select", e, e, e, lit(2 ** 63)],
            ["call", S, "select", e, e, e, lit(0)],
            ["call", S, "select", e, e, e, lit(0.001)],
            ["call", S, "select", e, e, e, lit(True)],
        ],
        "select: foreign objects": [
            ["call", S, "select", {"lit": {"tuple": []}}, e, e, lit(0)],
            ["call", S, "select", [{"obj": "nope"}], e, e, lit(0)],
            ["call", S, "select", [{"obj": "almost"}], e, e, lit(0)],
        ],
        "select: makefile objects": [
            ["socketpair", "a", "b"], ["makefile", "f", "a"],
            ["call", S, "select", ["@f"], ["@f"], e, lit(0)],
            ["send", "b", "6869"],
            ["call", S, "select", ["@f", "@b"], e, e, lit(5)],
            ["new", "p", "poll"], ["call", "p", "register", "@f", ev("POLLIN")],
            ["call", "p", "poll", lit(0)],
        ],
        "select: closed fd is EBADF": [
            ["socketpair", "a", "b"], ["fd", "bad", "a"], ["close", "a"],
            ["call", S, "select", ["#bad"], e, e, lit(0)],
        ],
        "select: socketpair readiness": [
            ["socketpair", "a", "b"],
            ["call", S, "select", "@a,b", "@a,b", "@a,b", lit(0)],
            ["send", "a", "6869"],
            ["call", S, "select", "@a,b", "@a,b", "@a,b", lit(5)],
            ["call", S, "select", "#a,b", "#a,b", e, lit(0)],
            ["call", S, "select", "@a,a,b", e, e, lit(0)],
            ["recv", "b", 10],
            ["call", S, "select", "@a,b", e, e, lit(0.05)],
        ],
        "poll: unit tests": [
            ["socketpair", "a", "b"], ["fd", "bad", "a"], ["close", "a"],
            ["new", "p", "poll"],
            ["call", "p", "register", "#bad"], ["call", "p", "poll"],
            ["call", "p", "register", "@p"], ["call", "p", "unregister", "@p"],
            ["call", "p", "unregister", lit(999)],
            ["call", "p", "register", {"obj": "nope"}, lit(0)],
            ["call", "p", "register", {"obj": "almost"}, lit(0)],
            ["call", "p", "register", lit(-1)],
            ["call", "p", "register", lit(0), lit(-1)],
            ["call", "p", "register", lit(0), lit(1 << 64)],
            ["call", "p", "register", lit(0), lit(65536)],
            ["call", "p", "modify", lit(1), lit(-1)],
            ["call", "p", "modify", lit(1), lit(1 << 64)],
            ["call", "p", "modify", lit(12345), lit(1)],
            ["call", "p", "poll", lit(1 << 64)],
            ["call", "p", "poll", lit(2 ** 31)],
            ["call", "p", "poll", lit("1")],
            ["call", "p", "poll", lit(0), lit(0)],
            ["call", "p", "register"],
        ],
        "poll: modify and readiness": [
            ["socketpair", "a", "b"], ["new", "p", "poll"],
            ["call", "p", "register", "@a"], ["call", "p", "modify", "#a", ev("POLLIN")],
            ["call", "p", "register", "#b", ev("POLLOUT")],
            ["call", "p", "poll", lit(0)],
            ["send", "b", "2054686973206973206120746573742e"],
            ["call", "p", "poll", lit(5000)],
            ["recv", "a", 16],
            ["call", "p", "unregister", "@b"],
            ["call", "p", "poll", lit(50)],
            ["send", "b", "00"],
            ["call", "p", "poll", lit(-1.5)],
        ],
        "epoll: create": [
            ["new", "ep", "epoll", lit(16)],
            ["get", "ep", "closed"], ["call", "ep", "close"], ["get", "ep", "closed"],
            ["call", "ep", "fileno"], ["call", "ep", "close"],
            ["new", "e2", "epoll", lit(-1), ev("EPOLL_CLOEXEC")],
            ["new", "e3", "epoll", {"kw": {"flags": ev("EPOLL_CLOEXEC")}}],
            ["new", "e4", "epoll", {"kw": {"flags": lit(0)}}],
        ],
        "epoll: bad create": [
            ["new", "x", "epoll", lit(1), lit(2), lit(3)],
            ["new", "x", "epoll", lit("foo")],
            ["new", "x", "epoll", lit(None)],
            ["new", "x", "epoll", lit(0)],
            ["new", "x", "epoll", lit(-2)],
            ["new", "x", "epoll", {"kw": {"sizehint": lit(-2)}}],
            ["new", "x", "epoll", {"kw": {"flags": lit(12356)}}],
        ],
        "epoll: add": [
            ["tcppair", "client", "server"],
            ["new", "ep", "epoll", lit(2)],
            ["call", "ep", "register", "#server", ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep", "register", "#client", ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep", "close"],
            ["new", "ep2", "epoll", lit(2)],
            ["call", "ep2", "register", "@server", ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", {"obj": "object"}, ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", lit(None), ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", lit(-1), ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", lit(10000), ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", "@server", ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "modify", "@client", ev("EPOLLIN")],
            ["call", "ep2", "unregister", "@client"],
            ["call", "ep2", "poll", lit(0), lit(0)],
            ["call", "ep2", "poll", lit("x")],
            ["sorted", "ep2", "poll", lit(1), lit(4)],
        ],
        "epoll: control and wait (edge-triggered)": [
            ["tcppair", "client", "server"],
            ["new", "ep", "epoll", lit(16)],
            ["call", "ep", "register", "#server", ev("EPOLLIN|EPOLLOUT|EPOLLET")],
            ["call", "ep", "register", "#client", ev("EPOLLIN|EPOLLOUT|EPOLLET")],
            ["sorted", "ep", "poll", lit(1), lit(4)],
            ["call", "ep", "poll", {"kw": {"timeout": lit(0.1), "maxevents": lit(4)}}],
            ["send", "client", "48656c6c6f21"], ["send", "server", "776f726c64212121"], ["settle"],
            ["sorted", "ep", "poll", lit(1.0), lit(4)],
            ["call", "ep", "unregister", "#client"],
            ["call", "ep", "modify", "#server", ev("EPOLLOUT")],
            ["call", "ep", "poll", lit(1), lit(4)],
        ],
        "epoll: level-triggered and one-shot": [
            ["socketpair", "a", "b"], ["new", "ep", "epoll"],
            ["call", "ep", "register", "@a", ev("EPOLLIN|EPOLLONESHOT")],
            ["send", "b", "6869"],
            ["call", "ep", "poll", lit(5)],
            ["call", "ep", "poll", lit(0.05)],
            ["call", "ep", "modify", "@a", ev("EPOLLIN")],
            ["call", "ep", "poll", lit(0)], ["call", "ep", "poll", lit(0)],
            ["call", "ep", "register", "@b", ev("EPOLLOUT|EPOLLET")],
            ["call", "ep", "poll", lit(0), lit(1)],
            ["sorted", "ep", "poll", lit(0)],
            ["call", "ep", "register", "@b", lit(-1)],
        ],
        "epoll: fromfd": [
            ["tcppair", "client", "server"], ["new", "ep", "epoll", lit(2)],
            ["new", "ep2", "epoll_fromfd", "@ep"],
            ["call", "ep2", "register", "#server", ev("EPOLLIN|EPOLLOUT")],
            ["call", "ep2", "register", "#client", ev("EPOLLIN|EPOLLOUT")],
            ["sorted", "ep", "poll", lit(1), lit(4)],
            ["sorted", "ep2", "poll", lit(0.9), lit(4)],
            ["call", "ep", "close"],
            ["call", "ep2", "poll", lit(1), lit(4)],
            ["get", "ep2", "closed"],
        ],
        "epoll: unregister closed": [
            ["tcppair", "client", "server"], ["fd", "sfd", "server"], ["new", "ep", "epoll", lit(16)],
            ["call", "ep", "register", "@server"],
            ["sorted", "ep", "poll", lit(1), lit(4)],
            ["close", "server"],
            ["call", "ep", "unregister", "#sfd"],
        ],
        "epoll: close": [
            ["socketpair", "a", "b"], ["new", "ep", "epoll"],
            ["call", "ep", "close"], ["get", "ep", "closed"], ["call", "ep", "fileno"],
            ["call", "ep", "close"],
            ["call", "ep", "modify", "#a", ev("EPOLLIN")],
            ["call", "ep", "poll", lit(1.0)],
            ["call", "ep", "register", "#a", ev("EPOLLIN")],
            ["call", "ep", "unregister", "#a"],
            ["call", "ep", "register", lit("x"), ev("EPOLLIN")],
        ],
        "readiness: fresh sockets": [
            ["tcp", "t"], ["listener", "l"], ["udppair", "u", "v"], ["socketpair", "a", "b"],
            ["new", "p", "poll"],
            ["call", "p", "register", "@t", lit(0xffff)], ["call", "p", "register", "@l", lit(0xffff)],
            ["call", "p", "register", "@u", lit(0xffff)], ["call", "p", "register", "@a", lit(0xffff)],
            ["call", "p", "poll", lit(0)],
        ],
        "readiness: pending connection on a listener": [
            ["listener", "l"], ["new", "p", "poll"], ["call", "p", "register", "@l"],
            ["call", "p", "poll", lit(0)],
            ["connect_nb", "c", "l"],
            ["call", "p", "poll", lit(5000)],
            ["call", S, "select", ["@l"], ["@l"], e, lit(5)],
            ["accept", "l", "n"],
            ["call", "p", "poll", lit(0)],
        ],
        "readiness: non-blocking connect": [
            ["listener", "l"], ["connect_nb", "c", "l"],
            ["call", S, "select", e, ["@c"], e, lit(5)],
            ["soerror", "c"],
        ],
        "readiness: failing non-blocking connect": [
            ["connect_refused", "c"],
            ["call", S, "select", ["@c"], ["@c"], ["@c"], lit(5)],
            ["new", "p", "poll"], ["call", "p", "register", "@c", lit(0xffff)],
            ["call", "p", "poll", lit(0)],
            ["soerror", "c"],
            ["soerror", "c"],
        ],
        "readiness: peer FIN (TCP)": [
            ["tcppair", "a", "b"], ["new", "p", "poll"],
            ["call", "p", "register", "@a", ev("POLLIN|POLLOUT|POLLRDHUP")],
            ["call", "p", "poll", lit(0)],
            ["shutdown", "b", 1], ["settle"],
            ["call", "p", "poll", lit(5000)],
            ["shutdown", "a", 1], ["settle"],
            ["call", "p", "poll", lit(0)],
        ],
        "readiness: peer close (TCP)": [
            ["tcppair", "a", "b"], ["new", "p", "poll"],
            ["call", "p", "register", "@a", ev("POLLIN|POLLOUT|POLLRDHUP")],
            ["close", "b"], ["settle"],
            ["call", "p", "poll", lit(5000)],
            ["recv", "a", 10],
        ],
        "readiness: peer close (socketpair)": [
            ["socketpair", "a", "b"], ["new", "p", "poll"],
            ["call", "p", "register", "@a", ev("POLLIN|POLLOUT|POLLRDHUP")],
            ["close", "b"], ["settle"],
            ["call", "p", "poll", lit(5000)],
        ],
        "readiness: reset": [
            ["tcppair", "a", "b"], ["new", "p", "poll"],
            ["call", "p", "register", "@a", ev("POLLIN|POLLOUT|POLLRDHUP")],
            ["reset", "b"], ["settle"],
            ["call", "p", "poll", lit(5000)],
            ["call", S, "select", ["@a"], ["@a"], ["@a"], lit(0)],
            ["recv", "a", 10],
            ["call", "p", "poll", lit(0)],
        ],
        "readiness: closed fd is POLLNVAL": [
            ["socketpair", "a", "b"], ["fd", "bad", "a"], ["close", "a"],
            ["new", "p", "poll"], ["call", "p", "register", "#bad", ev("POLLIN")],
            ["call", "p", "poll", lit(-1)],
        ],
        "readiness: udp": [
            ["udppair", "u", "v"], ["new", "p", "poll"], ["call", "p", "register", "@u"],
            ["call", "p", "poll", lit(0)],
            ["send", "v", "6869"],
            ["call", "p", "poll", lit(5000)],
            ["recv", "u", 10],
            ["call", "p", "poll", lit(0)],
        ],
        "readiness: udp6": [
            ["udp6pair", "u", "v"], ["new", "p", "poll"], ["call", "p", "register", "@u"],
            ["send", "v", "6869"],
            ["call", "p", "poll", lit(5000)],
        ],
    }


def main():
    fixtures = {}
    for cls in SELECTORS:
        for name, steps in selector_cases(cls).items():
            fixtures["%s: %s" % (cls, name)] = steps
    fixtures.update(select_cases())
    out = {}
    for name, steps in fixtures.items():
        out[name] = record(expand(steps))
    write_fixtures(OUT, out)


def expand(steps):
    """Argument shorthands: "@a,b" is the tuple (a, b), "#a,b" their fds; foreign objects made by
    "new x nope" are plain names."""
    out = []
    for step in steps:
        out.append(step)
    return out


if __name__ == "__main__":
    main()
