#!/usr/bin/env python3
"""Records CPython's answers for test/rules/direct.json (pysocket/sync's direct mode, a client
against scripts/direct_peer.py in another process) into test/fixtures/scenarios_direct.json.

    python3 scripts/record_direct.py

The ops of scripts/record_rules.py, with the peer of scripts/direct_peer.py (its role argument
is ignored), and:
  {"op": "sleep", "args": [seconds]}     time.sleep: lets a peer's bytes or FIN arrive
  {"op": "readable", "on": s, "args": [t]}  whether select.select([s], [], [], t) finds s readable
"""
import os
import select
import time

import record_rules
import record_scenarios

record_rules.PEER = os.path.join(record_rules.HERE, "direct_peer.py")
rules_prepare = record_rules.prepare


def prepare(step, env):
    if step.get("op") == "sleep":
        seconds = record_scenarios.decode(step["args"][0], env)
        return lambda: time.sleep(seconds)
    if step.get("op") == "readable":
        s, t = env[step["on"]], record_scenarios.decode(step["args"][0], env)
        return lambda: bool(select.select([s], [], [], t)[0])
    return rules_prepare(step, env)


def main():
    record_scenarios.record("direct", folder="rules", ops=prepare)


if __name__ == "__main__":
    main()
