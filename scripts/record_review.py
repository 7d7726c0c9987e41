#!/usr/bin/env python3
"""Writes test/rules/review.json (the review of pysocket/sync's direct mode: a client whose TCP
stream the worker lends to the calling thread, host/direct.ts, against scripts/direct_peer.py in
another process) and records CPython's answers into test/fixtures/scenarios_review.json.

    python3 scripts/record_review.py

The scenarios are built here, in Python, and written out as the JSON steps of
test/helpers/scenario.js; the ops are scripts/record_direct.py's (peer, peer_done, sleep,
readable). Each scenario first lends the stream: a non-blocking recv that finds nothing.
"""
import json
import os

import record_direct
import record_scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def b(data):
    return {"bytes": data.hex()}


def call(on, name, *args, store=None):
    step = {"on": on, "call": name, "args": list(args)}
    if store:
        step["store"] = store
    return step


def i(n):
    return {"int": str(n)}


def f(x):
    return {"float": float(x)}


def const(name):
    return {"const": name}


def sleep(t):
    return {"op": "sleep", "args": [f(t)]}


def readable(on, t=0.0):
    return {"op": "readable", "on": on, "args": [f(t)]}


DONE = {"op": "peer_done", "args": [{"str": "p"}]}
SO_ERROR = call("c", "getsockopt", const("SOL_SOCKET"), const("SO_ERROR"))


def lent(*steps):
    """A connected client `c`, its stream lent (a non-blocking recv that finds nothing), then
    blocking again, then `steps`."""
    return [
        {"op": "peer", "args": [{"str": "direct"}], "store": "p"},
        {"call": "socket", "store": "c"},
        call("c", "connect", {"ref": "p"}),
        call("c", "setblocking", {"bool": False}),
        call("c", "recv", i(100)),
        call("c", "setblocking", {"bool": True}),
    ] + list(steps)


SCENARIOS = [
    # recvfrom_into an empty buffer waits for data (tcp_recvmsg of 0 bytes is EAGAIN on an empty
    # queue), then answers 0 and takes nothing: the bytes are still there for recv, and the
    # read(2) of 0 bytes that answers at once is no end of stream.
    ("review_recvfrom_into_empty_then_recv", lent(
        call("c", "send", b(b"w")),
        {"op": "bytearray", "args": [i(0)], "store": "buf"},
        call("c", "recvfrom_into", {"ref": "buf"}),
        call("c", "recvfrom", i(0)),
        call("c", "recv", i(100)),
        call("c", "send", b(b"c")), DONE,
        call("c", "recv", i(100)),
        call("c", "close"))),
    # tcp_reset moves the socket to TCP_CLOSE: inet_getname then answers ENOTCONN.
    ("review_getpeername_after_reset", lent(
        call("c", "send", b(b"r")), DONE, sleep(0.05),
        call("c", "getpeername"),
        call("c", "recv", i(100)),
        call("c", "getpeername"),
        SO_ERROR,
        call("c", "close"))),
    # A reset the caller never read, taken by SO_ERROR first.
    ("review_so_error_after_reset", lent(
        call("c", "send", b(b"r")), DONE, sleep(0.05),
        SO_ERROR,
        call("c", "recv", i(100)),
        call("c", "send", b(b"x")),
        call("c", "close"))),
    # The peer closes; a send draws its reset (sk_err = EPIPE in CLOSE_WAIT); recv still sees the
    # FIN first (tcp_recvmsg checks SOCK_DONE before sk_err), and SO_ERROR then takes EPIPE.
    ("review_fin_send_then_recv_and_so_error", lent(
        call("c", "send", b(b"c")), DONE, sleep(0.05),
        call("c", "send", b(b"x")), sleep(0.05),
        call("c", "recv", i(100)),
        SO_ERROR,
        call("c", "send", b(b"y")),
        call("c", "close"))),
    # The same with the reset's error left for the next send.
    ("review_fin_send_then_send", lent(
        call("c", "send", b(b"c")), DONE, sleep(0.05),
        call("c", "send", b(b"x")), sleep(0.05),
        call("c", "send", b(b"y")),
        call("c", "recv", i(100)),
        SO_ERROR,
        call("c", "close"))),
    # select after a reset the caller has not read: readable (POLLERR/POLLHUP).
    ("review_select_after_unread_reset", lent(
        call("c", "send", b(b"r")), DONE, sleep(0.05),
        readable("c"),
        call("c", "recv", i(100)),
        readable("c"),
        call("c", "close"))),
    # A dup() of a lent socket, the original closed: the stream stays open and whole.
    ("review_dup_then_close_original", lent(
        call("c", "dup", store="d"),
        call("c", "close"),
        call("d", "send", b(b"s")),
        call("d", "recv", i(100)),
        call("d", "send", b(b"c")),
        call("d", "recv", i(100)),
        call("d", "close"))),
    # Timeouts shorter than direct mode's 100 µs spin, and between it and a wait.
    ("review_short_timeouts", lent(
        call("c", "settimeout", f(0.00005)),
        call("c", "recv", i(100)),
        call("c", "settimeout", f(0.0002)),
        call("c", "recv", i(100)),
        call("c", "send", b(b"s")), sleep(0.05),
        call("c", "settimeout", f(0.00005)),
        call("c", "recv", i(2)),
        call("c", "recv", i(100)),
        call("c", "settimeout", f(0.0)),
        call("c", "recv", i(100)),
        call("c", "send", b(b"c")), DONE, sleep(0.05),
        call("c", "recv", i(100)),
        call("c", "close"))),
    # Bytes written in direct mode, then shutdown(SHUT_WR): the peer reads them all, then EOF.
    ("review_send_then_shutdown", lent(
        call("c", "send", b(b"e")),
        call("c", "sendall", {"pattern": {"len": 300000, "seed": 7}}),
        call("c", "send", b(b"tail")),
        call("c", "shutdown", const("SHUT_WR")),
        DONE,
        call("c", "recv", i(100)),
        call("c", "send", b(b"x")),
        call("c", "close"))),
    # Flags on a lent stream: the worker's path, in order with what direct mode read.
    ("review_flags_between_plain_calls", lent(
        call("c", "send", b(b"s")), sleep(0.05),
        call("c", "recv", i(1)),
        call("c", "recv", i(100), const("MSG_PEEK")),
        call("c", "recv", i(1)),
        call("c", "send", b(b"s"), const("MSG_DONTWAIT")), sleep(0.05),
        call("c", "recv", i(100), const("MSG_DONTWAIT")),
        call("c", "send", b(b"c")), DONE,
        call("c", "recv", i(100), const("MSG_PEEK")),
        call("c", "recv", i(100)),
        call("c", "close"))),
]


def udp(family="AF_INET", host="127.0.0.1", names=("a", "b")):
    """Datagram sockets `names`, each bound to `host` on a port of its own, their names in
    `<name>a` (a tuple)."""
    steps = []
    for n in names:
        steps += [{"call": "socket", "args": [const(family), const("SOCK_DGRAM")], "store": n},
                  call(n, "bind", {"tuple": [{"str": host}, i(0)]}),
                  call(n, "getsockname", store=n + "a")]
    return steps


def sendto(on, data, to):
    return call(on, "sendto", b(data), {"ref": to})


NB = lambda on: call(on, "setblocking", {"bool": False})
RECVFROM = lambda on, n=100, *flags: call(on, "recvfrom", i(n), *flags)

# Datagrams between a program's own UDP sockets (host/kernel/udp_local.ts): a receiver that
# changes between sends, IPv6 addresses with flowinfo and scope, empty datagrams, flags.
UDP_SCENARIOS = [
    # An option that takes the receiver out of local delivery, between two sends: both arrive,
    # in order.
    ("udp_receiver_option_between_sends", udp(names=("a", "b")) + [
        call("b", "settimeout", f(2)),
        sendto("a", b"1", "ba"),
        call("b", "setsockopt", const("IPPROTO_IP"), const("IP_TOS"), i(16)),
        sendto("a", b"2", "ba"),
        RECVFROM("b"), RECVFROM("b"), NB("b"), RECVFROM("b"),
        call("a", "close"), call("b", "close")]),
    # The receiver connects to another socket: what was queued stays, the sender's next
    # datagram is dropped, the new peer's arrives.
    ("udp_receiver_connects_between_sends", udp(names=("a", "b", "c")) + [
        call("b", "settimeout", f(2)),
        sendto("a", b"1", "ba"),
        call("b", "connect", {"ref": "ca"}),
        sendto("a", b"2", "ba"),
        sendto("c", b"3", "ba"),
        RECVFROM("b"), RECVFROM("b"), NB("b"), RECVFROM("b"),
        call("a", "close"), call("b", "close"), call("c", "close")]),
    # The receiver closed with a datagram queued, its port bound again by a new socket.
    ("udp_receiver_closed_then_port_rebound", udp(names=("a", "b")) + [
        sendto("a", b"1", "ba"),
        call("b", "close"),
        {"call": "socket", "args": [const("AF_INET"), const("SOCK_DGRAM")], "store": "b2"},
        call("b2", "bind", {"ref": "ba"}),
        call("b2", "settimeout", f(2)),
        sendto("a", b"2", "ba"),
        RECVFROM("b2"), NB("b2"), RECVFROM("b2"),
        call("a", "close"), call("b2", "close")]),
    # IPv6: a destination with flowinfo, or spelled in full; recvfrom's source has no flowinfo.
    ("udp_ipv6_flowinfo_and_spelling", udp("AF_INET6", "::1") + [
        call("b", "getsockname", store=["bh", "bp", "bf", "bs"]),
        call("b", "settimeout", f(2)),
        call("a", "sendto", b(b"f"), {"tuple": [{"str": "::1"}, {"ref": "bp"}, i(7), i(0)]}),
        call("a", "sendto", b(b"p"), {"tuple": [{"str": "0:0:0:0:0:0:0:1"}, {"ref": "bp"}]}),
        RECVFROM("b"), RECVFROM("b"), NB("b"), RECVFROM("b"),
        call("a", "close"), call("b", "close")]),
    # Empty datagrams, recv(0) (CPython answers b'' without a syscall), MSG_PEEK, MSG_DONTWAIT.
    ("udp_empty_datagrams_and_flags", udp() + [
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        sendto("a", b"", "ba"),
        sendto("a", b"abc", "ba"),
        sendto("a", b"de", "ba"),
        call("b", "recv", i(10), const("MSG_PEEK")),
        call("b", "recv", i(10)),
        call("b", "recv", i(0)),
        call("b", "recvfrom", i(1), const("MSG_PEEK")),
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        call("a", "close"), call("b", "close")]),
    # connect() of a non-blocking UDP socket: Linux connects a datagram socket at once
    # (ip4_datagram_connect), so it returns None and a send follows.
    ("udp_nonblocking_connect", udp(names=("b",)) + [
        {"call": "socket", "args": [const("AF_INET"), const("SOCK_DGRAM")], "store": "a"},
        NB("a"),
        call("a", "connect", {"ref": "ba"}),
        call("a", "send", b(b"x")),
        call("b", "settimeout", f(2)),
        RECVFROM("b"),
        call("a", "close"), call("b", "close")]),
    # recv_into/recvfrom_into with MSG_TRUNC of a datagram longer than the buffer: the
    # datagram's length, the buffer filled with its start.
    ("udp_recv_into_msg_trunc", udp() + [
        call("b", "settimeout", f(2)),
        sendto("a", b"hello", "ba"),
        {"op": "bytearray", "args": [i(3)], "store": "buf"},
        call("b", "recv_into", {"ref": "buf"}, i(0), const("MSG_TRUNC")),
        {"op": "bytes", "args": [{"ref": "buf"}]},
        sendto("a", b"world", "ba"),
        {"op": "bytearray", "args": [i(3)], "store": "buf2"},
        call("b", "recvfrom_into", {"ref": "buf2"}, i(0), const("MSG_TRUNC")),
        {"op": "bytes", "args": [{"ref": "buf2"}]},
        call("a", "close"), call("b", "close")]),
    # One sender's datagrams to ::1, the first naming a scope id (which ::1 does not need): they
    # arrive in order.
    ("udp_ipv6_scope_id_keeps_order", udp("AF_INET6", "::1") + [
        call("b", "getsockname", store=["bh", "bp", "bf", "bs"]),
        call("b", "settimeout", f(2)),
        call("a", "sendto", b(b"1"), {"tuple": [{"str": "::1"}, {"ref": "bp"}, i(0), i(1)]}),
        sendto("a", b"2", "ba"),
        sendto("a", b"3", "ba"),
        RECVFROM("b"), RECVFROM("b"), RECVFROM("b"),
        call("a", "close"), call("b", "close")]),
    # shutdown(SHUT_RD) of a datagram socket (inet_shutdown: ENOTCONN when unconnected, shut
    # all the same). With nothing queued a recv is EAGAIN when non-blocking, a timeout's expiry
    # with one (datagram_poll says readable, the read says EAGAIN), and b'' when blocking
    # (__skb_wait_for_more_packets returns at once); what arrives is still queued and read.
    ("udp_shutdown_read", udp(names=("a", "b")) + [
        NB("b"), call("b", "recv", i(10)),
        call("b", "shutdown", const("SHUT_RD")),
        call("b", "settimeout", {"none": None}), call("b", "recv", i(10)),
        NB("b"), call("b", "recv", i(10)), RECVFROM("b"),
        call("b", "settimeout", f(0.05)), call("b", "recv", i(10)), RECVFROM("b"),
        call("b", "settimeout", {"none": None}), call("b", "recv", i(10)), RECVFROM("b"),
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        {"op": "bytearray", "args": [i(4)], "store": "buf"},
        call("b", "recv_into", {"ref": "buf"}),
        call("b", "settimeout", f(2)), sendto("a", b"x", "ba"), RECVFROM("b"),
        call("b", "settimeout", {"none": None}), call("b", "recv", i(10)),
        call("b", "connect", {"ref": "aa"}),
        call("b", "shutdown", const("SHUT_RD")),
        call("b", "settimeout", f(0)), call("b", "recv", i(10)),
        call("a", "close"), call("b", "close")]),
    # A socket with a timeout: MSG_DONTWAIT changes nothing (sock_call_ex polls first), for
    # recv and recvmsg alike; on a blocking socket it makes the call non-blocking.
    ("udp_dontwait_with_timeout", udp(names=("b",)) + [
        call("b", "settimeout", f(0.05)),
        call("b", "recv", i(10), const("MSG_DONTWAIT")),
        call("b", "recvmsg", i(10), i(0), const("MSG_DONTWAIT")),
        call("b", "settimeout", {"none": None}),
        call("b", "recvmsg", i(10), i(0), const("MSG_DONTWAIT")),
        call("b", "close")]),
    # Two senders, one peeked then read: each datagram's own source.
    ("udp_two_senders_peek_sources", udp(names=("a", "b", "c")) + [
        sendto("a", b"1", "ba"),
        sendto("c", b"2", "ba"),
        RECVFROM("b", 100, const("MSG_PEEK")),
        RECVFROM("b"), RECVFROM("b"),
        call("a", "close"), call("b", "close"), call("c", "close")]),
]

def write_and_record(name, about, scenarios, ops=None):
    """Writes test/rules/NAME.json and records it into test/fixtures/scenarios_NAME.json."""
    with open(os.path.join(ROOT, "test", "rules", name + ".json"), "w") as out:
        json.dump({"about": about, "scenarios": [{"name": n, "steps": s} for n, s in scenarios]}, out, indent=1)
        out.write("\n")
    record_scenarios.record(name, folder="rules", ops=ops)


def main():
    write_and_record("review_udp", (
        "Datagrams between a program's own UDP sockets under review (host/kernel/udp_local.ts): "
        "scenarios built by scripts/record_review.py, which records CPython's answers into "
        "test/fixtures/scenarios_review_udp.json."), UDP_SCENARIOS)
    write_and_record("review", (
        "pysocket/sync's direct mode under review (host/direct.ts): scenarios built by "
        "scripts/record_review.py, which records CPython's answers into "
        "test/fixtures/scenarios_review.json; the ops of scripts/record_direct.py."), SCENARIOS,
        record_direct.prepare)

if __name__ == "__main__":
    main()
