#!/usr/bin/env python3
"""Writes test/scenarios/edges_fuzz_calls.json: seeded random method calls, with arguments both
plausible and absurd, on sockets in every state (fresh, bound, listening, connected, closed;
TCP, UDP, IPv4, IPv6, AF_UNIX), for CPython to answer and pysocket to match.

    python3 scripts/gen_fuzz_calls.py [SEED [COUNT]]
    python3 scripts/record_scenarios.py edges_fuzz_calls

The same seed writes the same file. Every socket is non-blocking before the random calls, or has
a timeout of 20 ms, so no call waits long; a scenario may end with a settimeout/setblocking of
random arguments. Addresses
are loopback or wildcard with port 0 only (nothing reaches another host, nor a service of this
machine), and hosts are numeric or "localhost" (no DNS query). Left out: detach() (its fd would
outlive the scenario), makefile() and sendfile() (their own fixtures), SOCK_RAW and the other
root-only families and types (the recorder runs as root).
"""
import json
import os
import random
import sys

from pyvalue import B, C, I, N, R, S, T

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "scenarios", "edges_fuzz_calls.json")


F = lambda x: {"float": x}  # noqa: E731 (only non-integral floats: JS reads 2.0 as the int 2)

INTS = [I(n) for n in (0, 1, -1, 2, 7, 64, 255, 256, 1024, 65535, 65536, 2**31 - 1, 2**31, -2**31,
                       -2**31 - 1, 2**63, 2**64)]
CONSTS = [C(n) for n in ("SOL_SOCKET", "SO_REUSEADDR", "SO_RCVBUF", "SO_ERROR", "SO_TYPE", "SO_LINGER",
                         "IPPROTO_TCP", "TCP_NODELAY", "IPPROTO_IP", "IP_TTL", "IPPROTO_IPV6",
                         "IPV6_V6ONLY", "MSG_PEEK", "MSG_DONTWAIT", "MSG_WAITALL", "MSG_TRUNC",
                         "SHUT_RD", "SHUT_WR", "SHUT_RDWR", "AF_INET", "SOCK_DGRAM")]
HOSTS = [S("127.0.0.1"), S("::1"), S(""), S("0.0.0.0"), S("::"), S("localhost"), S("127.1"),
         S("::ffff:127.0.0.1"), B(b"127.0.0.1"), N, I(0), S("127.0.0.1\0"), S("::1%lo")]
PORTS = [I(0), I(-1), I(65536), S("0"), N, F(0.5), I(2**31)]
ADDRESSES = (
    [T(h, I(0)) for h in HOSTS]
    + [T(S("127.0.0.1"), p) for p in PORTS]
    + [T(S("::1"), I(0), I(0), I(0)), T(S("::1"), I(0), I(2**20), I(0)), T(S("::1"), I(0), I(-1)),
       T(S("::1"), I(0), I(0), I(2**32)), T(S("127.0.0.1"),), T(), T(S("127.0.0.1"), I(0), I(0)),
       T(S("::1"), I(0), I(0), I(0), I(0))]
)
# AF_UNIX names that create no file and name no abstract socket that a concurrent run could
# bind too: autobind, too long, a folder that does not exist, an abstract name nobody binds.
UNIX_BIND = [S(""), B(b""), S("x" * 109), B(b"x" * 109), S("/nonexistent-pysocket/x"), I(0), N]
UNIX_PEERS = UNIX_BIND[2:] + [B(b"\0pysocket-fuzz-unbound"), S("\0pysocket-fuzz-unbound")]
# Methods whose address argument could name a file: on AF_UNIX, only their plausible forms.
ADDRESSED = {"bind", "connect", "connect_ex", "sendto"}
BUFFERS = [B(b""), B(b"ab"), B(bytes(16)), B(b"hello world\n")]
ODD = [N, {"bool": True}, {"bool": False}, F(0.5), F(-1.5), {"float": "nan"}, {"float": "inf"}, S(""),
       S("x"), T(), T(I(1), I(2)), B(b"x")]
# Arguments in the wrong place. No module constant: CPython's are IntEnum/IntFlag members, whose
# class names TypeError messages quote (and an IntFlag is iterable), where JS has plain numbers.
# No negative flags: every MSG_ bit at once is a kernel corner of its own.
ANY = [i for i in INTS if not i["int"].startswith("-")] + BUFFERS + ODD + ADDRESSES[:6]
# No MSG_TRUNC: on a stream it hands back the bytes of an uninitialised buffer.
FLAGS = CONSTS[12:15] + [I(0)]

# The (level, optname) pairs pysocket's core knows (assembly/socket.ts), and pairs no stack
# knows. Linux knows many more (IP_OPTIONS, UDP_CORK, SO_WIFI_STATUS...), which pysocket answers
# with ENOPROTOOPT: a table of its own, not fuzzed here.
KNOWN_OPTIONS = ([(1, n) for n in (2, 3, 4, 6, 7, 8, 9, 13, 15, 18, 30, 38, 39)]
                 + [(6, 1), (6, 2), (6, 4), (0, 1), (0, 2), (41, 16), (41, 26)])
UNKNOWN_OPTIONS = [(1, 1000), (6, 1000), (0, 1000), (41, 1000), (255, 1), (13, 2), (4, 7)]


def option(r):
    """A (level, optname) argument pair: mostly known, sometimes unknown or of a wrong type."""
    level, name = r.choice(KNOWN_OPTIONS * 3 + UNKNOWN_OPTIONS)
    pair = [I(level), I(name)]
    if r.random() < 0.15:
        pair[r.randrange(2)] = r.choice(ODD + INTS[10:])
    return pair


# Plausible argument lists per method, as generators of one argument list.
PLAUSIBLE = {
    "bind": lambda r, fam: [r.choice(UNIX_BIND if fam == "AF_UNIX" else ADDRESSES)],
    "connect": lambda r, fam: [r.choice(UNIX_PEERS if fam == "AF_UNIX" else ADDRESSES)],
    "connect_ex": lambda r, fam: [r.choice(UNIX_PEERS if fam == "AF_UNIX" else ADDRESSES)],
    "listen": lambda r, fam: r.choice([[], [r.choice(INTS)]]),
    "accept": lambda r, fam: [],
    "recv": lambda r, fam: [r.choice(INTS[:10])] + r.choice([[], [r.choice(FLAGS)]]),
    "recvfrom": lambda r, fam: [r.choice(INTS[:10])] + r.choice([[], [r.choice(FLAGS)]]),
    "recv_into": lambda r, fam: [{"ref": "buf"}] + r.choice([[], [r.choice(INTS[:10])]]),
    "recvfrom_into": lambda r, fam: [{"ref": "buf"}] + r.choice([[], [r.choice(INTS[:10])]]),
    "recvmsg": lambda r, fam: [r.choice(INTS[:10])] + r.choice([[], [r.choice(INTS[:10])]]),
    "recvmsg_into": lambda r, fam: [T(R("buf"))] + r.choice([[], [r.choice(INTS[:10])]]),
    "send": lambda r, fam: [r.choice(BUFFERS)] + r.choice([[], [r.choice(FLAGS)]]),
    "sendall": lambda r, fam: [r.choice(BUFFERS)] + r.choice([[], [r.choice(FLAGS)]]),
    "sendto": lambda r, fam: [r.choice(BUFFERS)] + r.choice([[], [r.choice(FLAGS)]])
    + [r.choice(UNIX_PEERS if fam == "AF_UNIX" else ADDRESSES)],
    "sendmsg": lambda r, fam: [T(r.choice(BUFFERS))] + r.choice([[], [T()], [T(), I(0)]]),
    "setsockopt": lambda r, fam: option(r) + [r.choice(INTS[:10] + BUFFERS + [N])] + r.choice([[], [r.choice(INTS[:6])]]),
    "getsockopt": lambda r, fam: option(r) + r.choice([[], [r.choice(INTS[:10])]]),
    "shutdown": lambda r, fam: [r.choice(CONSTS[16:19] + INTS[:4])],
    "getsockname": lambda r, fam: [],
    "getpeername": lambda r, fam: [],
    "fileno": lambda r, fam: [],
    "gettimeout": lambda r, fam: [],
    "getblocking": lambda r, fam: [],
    "get_inheritable": lambda r, fam: [],
    "set_inheritable": lambda r, fam: [r.choice([{"bool": True}, {"bool": False}, I(0), I(2)])],
    "close": lambda r, fam: [],
    "dup": lambda r, fam: [],
}
ENDINGS = ["settimeout", "setblocking"]

FAMILIES = ["AF_INET", "AF_INET6", "AF_UNIX"]
TYPES = ["SOCK_STREAM", "SOCK_DGRAM"]
LOOPBACK = {"AF_INET": "127.0.0.1", "AF_INET6": "::1"}


def setup(r, fam, typ):
    """Steps that make socket "s" of fam/typ in a random state; its buffer "buf"."""
    steps = [{"op": "bytearray", "args": [I(r.choice([0, 1, 8, 100]))], "store": "buf"}]
    states = ["fresh", "closed"]
    if fam != "AF_UNIX":
        states += ["bound"]
        states += ["listening", "connected", "accepted"] if typ == "SOCK_STREAM" else ["connected"]
    else:
        states += ["pair"]
    state = r.choice(states)
    sock = {"call": "socket", "args": [C(fam), C(typ)], "store": "s"}
    any_addr = T(S(LOOPBACK.get(fam, "")), I(0))
    if state == "pair":
        steps.append({"call": "socketpair", "args": [C(fam), C(typ)], "store": ["s", "peer"]})
    elif state in ("connected", "accepted") and typ == "SOCK_STREAM":
        steps += [{"call": "socket", "args": [C(fam), C(typ)], "store": "srv"},
                  {"on": "srv", "call": "bind", "args": [any_addr]},
                  {"on": "srv", "call": "listen", "args": []},
                  {"on": "srv", "call": "getsockname", "store": "srvaddr"}]
        if state == "connected":
            steps += [sock, {"on": "s", "call": "connect", "args": [R("srvaddr")]},
                      {"on": "srv", "call": "accept", "store": ["peer", "peeraddr"]}]
        else:
            steps += [{"call": "socket", "args": [C(fam), C(typ)], "store": "peer"},
                      {"on": "peer", "call": "connect", "args": [R("srvaddr")]},
                      {"on": "srv", "call": "accept", "store": ["s", "peeraddr"]}]
        if r.random() < 0.5:
            steps.append({"on": "peer", "call": "sendall", "args": [B(b"ping\n")]})
        if r.random() < 0.3:
            steps.append({"on": "peer", "call": "close"})
    elif state == "connected":
        steps += [{"call": "socket", "args": [C(fam), C(typ)], "store": "peer"},
                  {"on": "peer", "call": "bind", "args": [any_addr]},
                  {"on": "peer", "call": "getsockname", "store": "peeraddr"},
                  sock, {"on": "s", "call": "connect", "args": [R("peeraddr")]}]
        if r.random() < 0.5:
            steps += [{"on": "s", "call": "getsockname", "store": "saddr"},
                      {"on": "peer", "call": "sendto", "args": [B(b"ping"), R("saddr")]}]
    else:
        steps.append(sock)
        if state in ("bound", "listening"):
            steps.append({"on": "s", "call": "bind", "args": [any_addr]})
        if state == "listening":
            steps.append({"on": "s", "call": "listen", "args": []})
        if state == "closed":
            steps.append({"on": "s", "call": "close"})
    if state != "closed":
        # Non-blocking, or a timeout short enough that a call that would block ends quickly.
        if r.random() < 0.7:
            steps.append({"on": "s", "call": "setblocking", "args": [{"bool": False}]})
        else:
            steps.append({"on": "s", "call": "settimeout", "args": [F(0.02)]})
    return state, steps


def left_out(fam, typ, state, step):
    """Differences pysocket keeps, each told in README's "Where it differs" or the closing note of
    the round that found it: a UDP connect to port 0 (Node refuses port 0; Linux connects and
    the datagrams are refused); a TCP socket's calls after a refused connect (Linux's
    tcp_disconnect, when connect() reports the refusal, makes reads ENOTCONN and listen EINVAL;
    a non-blocking recv sees the refusal within the connect); bind on an AF_UNIX socketpair end (Linux autobinds it; pysocket's
    pairs are made by Node and have no name to give); an IPv6 socket bound to ::1 connecting to a
    v4-mapped address (Linux's ENETUNREACH); a connection's SO_SNDBUF, SO_RCVBUF and TCP_MAXSEG
    (Linux tunes them to the connection, pysocket answers the values before it)."""
    name, args = step["call"], step["args"]
    if name in ("connect", "connect_ex") and args and args[0].get("tuple", [None, None])[1:2] == [I(0)]:
        return True
    if fam == "AF_UNIX" and state == "pair" and name == "bind":
        return True
    if fam == "AF_UNIX" and name == "getsockname":
        return True  # an autobound name is random: not a value to record
    if name == "getsockopt" and state in ("connected", "accepted") and args[:2] in ([I(1), I(7)], [I(1), I(8)], [I(6), I(2)]):
        return True
    return fam == "AF_INET6" and state != "fresh" and name in ("connect", "connect_ex") and "::ffff:" in json.dumps(args)


def call(r, fam, typ, state):
    while True:
        step = random_call(r, fam)
        if not left_out(fam, typ, state, step):
            return step


def random_call(r, fam):
    name = r.choice(sorted(PLAUSIBLE))
    if r.random() < 0.6 or (fam == "AF_UNIX" and name in ADDRESSED):
        args = PLAUSIBLE[name](r, fam)
    else:
        # JS has one Uint8Array for bytes and bytearray: a read into bytes cannot be told apart.
        pool = [a for a in ANY if "bytes" not in a] if name.endswith("_into") else ANY
        args = [r.choice(pool) for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4]))]
        if name.endswith("sockopt") and len(args) >= 2:
            args[:2] = option(r)
    return {"on": "s", "call": name, "args": args}


def scenario(r, i):
    fam = r.choice(FAMILIES)
    typ = "SOCK_STREAM" if fam == "AF_UNIX" else r.choice(TYPES)  # README: AF_UNIX is stream only
    state, steps = setup(r, fam, typ)
    steps += [call(r, fam, typ, state) for _ in range(r.randint(3, 8))]
    if r.random() < 0.3:
        steps.append({"on": "s", "call": r.choice(ENDINGS), "args": [r.choice(ODD + INTS[:4])]})
        steps.append({"on": "s", "call": "gettimeout"})
    return {"name": "fuzz_%03d_%s_%s_%s" % (i, fam[3:].lower(), typ[5:].lower(), state), "steps": steps}


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    r = random.Random(seed)
    doc = {"about": "Written by scripts/gen_fuzz_calls.py %d %d: do not edit by hand." % (seed, count),
           "scenarios": [scenario(r, i) for i in range(count)]}
    with open(OUT, "w") as f:
        f.write('{"about": %s,\n"scenarios": [\n' % json.dumps(doc["about"]))
        f.write(",\n".join(json.dumps(s) for s in doc["scenarios"]))
        f.write("\n]}\n")
    print("%s: %d scenarios" % (os.path.relpath(OUT), count))


if __name__ == "__main__":
    main()
