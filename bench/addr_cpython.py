"""CPython's side of bench/addr.bench.js: times socket's address functions on the benchmark's
corpus with timeit, one round at a time, so the caller can interleave CPython's rounds with its
own and both meet the same machine load.

Usage: python3 addr_cpython.py CORPUS.json SECONDS_PER_SAMPLE

Prints one JSON line with the Python version and the results of one pass over the corpus (so
the caller can check that CPython and pysocket agree), then, for each "round" line read on
stdin, one JSON line: for each case, seconds per element of the timed loop and of the same
loop with an empty body. Exits at the end of stdin.

Each case is a `for x in X: f(...)` loop over the corpus. The functions and inputs are bound in
timeit's setup, so inside the timed loop they are fast locals.
"""

import json
import sys
import timeit

CASES = {
    "inet_pton4": ("pton4", "inet_pton(AF_INET, x)"),
    "inet_pton6": ("pton6", "inet_pton(AF_INET6, x)"),
    "inet_ntop4": ("ntop4", "inet_ntop(AF_INET, x)"),
    "inet_ntop6": ("ntop6", "inet_ntop(AF_INET6, x)"),
    "inet_aton": ("aton", "inet_aton(x)"),
    "inet_ntoa": ("ntop4", "inet_ntoa(x)"),
    "htonl": ("u32", "htonl(x)"),
    "ntohs": ("u16", "ntohs(x)"),
}

SETUP = (
    "from socket import AF_INET, AF_INET6, inet_pton, inet_ntop, inet_aton, inet_ntoa, htonl, ntohs\n"
    "X = inputs[{key!r}]"
)


def load(path):
    with open(path) as f:
        inputs = json.load(f)
    # Packed addresses travel as hex; CPython's functions take bytes.
    for key in ("ntop4", "ntop6"):
        inputs[key] = [bytes.fromhex(h) for h in inputs[key]]
    return inputs


def results(inputs, key, call):
    scope = {"inputs": inputs}
    exec(SETUP.format(key=key) + f"\nR = [{call} for x in X]", scope)
    return [r.hex() if isinstance(r, bytes) else r for r in scope["R"]]


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    inputs = load(path)
    timed = {}
    for name, (key, call) in CASES.items():
        n = len(inputs[key])
        setup = SETUP.format(key=key)
        for kind, stmt in (("loop", f"for x in X: {call}"), ("empty", "for x in X: pass")):
            timer = timeit.Timer(stmt, setup, globals={"inputs": inputs})
            once = min(timer.repeat(repeat=3, number=1))
            timed[(name, kind)] = (timer, max(1, int(seconds / once)), n)

    header = {
        "python": sys.version.split()[0],
        "results": {name: results(inputs, key, call) for name, (key, call) in CASES.items()},
    }
    print(json.dumps(header), flush=True)

    for _ in sys.stdin:
        sample = {name: {} for name in CASES}
        for (name, kind), (timer, number, n) in timed.items():
            sample[name][kind] = timer.timeit(number) / (number * n)
        print(json.dumps(sample), flush=True)


if __name__ == "__main__":
    main()
