#!/usr/bin/env python3
"""Records how CPython's socket timeouts end a call: when, and with what, as a peer sends late.

    python3 scripts/record_timeouts.py

Writes test/fixtures/timeouts.json, which test/timeouts.test.js replays on both facades.
Each scenario connects a client to a peer over TCP loopback; the peer sends on a schedule
("peer": [[ms after the connection, hex bytes or "close"], ...]); after "before_ms" the client,
with settimeout("timeout"), makes one call. Recorded: the call's result or exception, and
"ended": which moment ended it, the one nearest to when it returned among "at once", "peer N"
(the peer's Nth event) and "timeout". Moments are 200 ms or more apart, so a loaded machine
cannot mistake one for another.
The "early" case times many short timeouts on the monotonic clock: CPython's never expire early
(poll(2) rounds its timeout up).
"""
import json
import os
import platform
import socket
import sys
import threading
import time

import pyvalue

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "timeouts.json")

DAY = 86400.0
# Node's timers take at most 2**31 - 1 ms; these lie past it.
BEYOND_NODE_TIMERS = [("2_pow_31_ms", 2 ** 31 / 1000), ("30_days", 30 * DAY)]

SCENARIOS = [
    {"name": "timeout_nothing_arrives", "timeout": 0.2, "peer": [], "call": ["recv", 10]},
    {"name": "timeout_data_arrives_in_time", "timeout": 1.0, "peer": [[200, "616263"]], "call": ["recv", 10]},
    {"name": "waitall_timeout_part_queued", "timeout": 0.5, "before_ms": 100, "peer": [[0, "616263"]],
     "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_timeout_parts_arrive", "timeout": 1.0, "peer": [[200, "616263"], [400, "646566"]],
     "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_timeout_nothing_arrives", "timeout": 0.2, "peer": [], "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_recv_into_timeout_part_queued", "timeout": 0.5, "before_ms": 100, "peer": [[0, "616263"]],
     "call": ["recv_into", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_blocking_waits_for_all", "timeout": None, "before_ms": 100,
     "peer": [[0, "616263"], [300, "6465666768696a"]], "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_blocking_eof_first", "timeout": None, "before_ms": 100,
     "peer": [[0, "616263"], [300, "close"]], "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_nonblocking_part_queued", "timeout": 0.0, "before_ms": 100, "peer": [[0, "616263"]],
     "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "waitall_nonblocking_nothing", "timeout": 0.0, "peer": [], "call": ["recv", 10, ["MSG_WAITALL"]]},
    {"name": "dontwait_timeout_data_arrives", "timeout": 1.0, "peer": [[200, "616263"]],
     "call": ["recv", 10, ["MSG_DONTWAIT"]]},
    {"name": "dontwait_timeout_nothing_arrives", "timeout": 0.2, "peer": [], "call": ["recv", 10, ["MSG_DONTWAIT"]]},
    {"name": "dontwait_timeout_data_queued", "timeout": 1.0, "before_ms": 100, "peer": [[0, "616263"]],
     "call": ["recv", 10, ["MSG_DONTWAIT"]]},
    {"name": "dontwait_blocking_nothing", "timeout": None, "peer": [[200, "616263"]],
     "call": ["recv", 10, ["MSG_DONTWAIT"]]},
    {"name": "dontwait_waitall_timeout_parts_arrive", "timeout": 1.0, "peer": [[200, "616263"], [400, "646566"]],
     "call": ["recv", 10, ["MSG_DONTWAIT", "MSG_WAITALL"]]},
    {"name": "dontwait_recvfrom_timeout_data_arrives", "timeout": 1.0, "peer": [[200, "616263"]],
     "call": ["recvfrom", 10, ["MSG_DONTWAIT"]]},
] + [
    {"name": f"timeout_{name}_beyond_node_timers", "timeout": t, "peer": [[200, "616263"]], "call": ["recv", 10]}
    for name, t in BEYOND_NODE_TIMERS
]

EARLY_TIMEOUT = 0.005
EARLY_CALLS = 100


def peer(srv, schedule):
    """Serves one connection: the schedule, then reads until the client closes."""
    conn, _ = srv.accept()
    t0 = time.monotonic()
    with conn:
        for at, what in schedule:
            time.sleep(max(0.0, t0 + at / 1000 - time.monotonic()))
            if what == "close":
                return
            conn.sendall(bytes.fromhex(what))
        while conn.recv(65536):
            pass


def make_call(c, call):
    method, n, flags = call[0], call[1], call[2] if len(call) > 2 else []
    f = 0
    for name in flags:
        f |= getattr(socket, name)
    if method == "recv_into":
        buf = bytearray(n)
        return lambda: (c.recv_into(buf, n, f), bytes(buf))
    return lambda: getattr(c, method)(n, f)


def nearest(elapsed_ms, scenario):
    """The moment nearest to elapsed_ms: "at once", "peer N" or "timeout"."""
    before = scenario.get("before_ms", 0)
    moments = [("at once", 0)]
    moments += [(f"peer {i}", at - before) for i, (at, _) in enumerate(scenario["peer"]) if at > before]
    t = scenario["timeout"]
    if t and t * 1000 < 60000:
        moments.append(("timeout", t * 1000))
    return min(moments, key=lambda m: abs(m[1] - elapsed_ms))[0]


def run(scenario):
    srv = socket.create_server(("127.0.0.1", 0))
    th = threading.Thread(target=peer, args=(srv, scenario["peer"]))
    th.start()
    c = socket.create_connection(srv.getsockname())
    time.sleep(scenario.get("before_ms", 0) / 1000)
    c.settimeout(scenario["timeout"])
    call = make_call(c, scenario["call"])
    t0 = time.monotonic()
    out = pyvalue.outcome(call)
    out["ended"] = nearest((time.monotonic() - t0) * 1000, scenario)
    c.close()
    th.join()
    srv.close()
    return out


def early():
    """How many of EARLY_CALLS recv calls with settimeout(EARLY_TIMEOUT) end before it."""
    srv = socket.create_server(("127.0.0.1", 0))
    c = socket.create_connection(srv.getsockname())
    conn, _ = srv.accept()
    c.settimeout(EARLY_TIMEOUT)
    count, errors = 0, set()
    for _ in range(EARLY_CALLS):
        t0 = time.monotonic()
        try:
            c.recv(10)
        except Exception as e:
            errors.add(f"{type(e).__name__}: {e}")
        if time.monotonic() - t0 < EARLY_TIMEOUT:
            count += 1
    for s in (c, conn, srv):
        s.close()
    return {"timeout": EARLY_TIMEOUT, "calls": EARLY_CALLS, "early": count, "errors": sorted(errors)}


def main():
    scenarios = []
    for s in SCENARIOS:
        first, second = run(s), run(s)
        if first != second:
            sys.exit(f"{s['name']}: two runs differ ({first} / {second}); the scenario depends on timing")
        scenarios.append({**s, **first})
    fixture = {
        "python": platform.python_version(),
        "about": "scripts/record_timeouts.py: how CPython's timeouts end a call as a peer sends late",
        "early": early(),
        "scenarios": scenarios,
    }
    pyvalue.write_fixtures(OUT, fixture)
    print(f"{len(scenarios)} scenarios -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
