#!/usr/bin/env python3
"""Records CPython's answers for the AF_UNIX scenarios of test/edges_unix/*.json into
test/fixtures/scenarios_NAME.json, as scripts/record_scenarios.py does for test/scenarios/.

    python3 scripts/record_edges_unix.py [NAME ...]     (default: every file of test/edges_unix/)

They bind fixed abstract names, so they live apart from test/scenarios/ (whose files two test
processes run at once): test/edges_unix.test.js runs them in one process.
"""
import os
import sys

import record_scenarios

FOLDER = os.path.join(record_scenarios.ROOT, "test", "edges_unix")


def main():
    every = sorted(f[:-5] for f in os.listdir(FOLDER) if f.endswith(".json"))
    for name in sys.argv[1:] or every:
        record_scenarios.record(name, folder="edges_unix")


if __name__ == "__main__":
    main()
