#!/usr/bin/env python3
"""Runs socket.makefile() scenarios on CPython over a TCP loopback pair and records every answer.

    python3 scripts/record_makefile.py

Writes test/fixtures/makefile.json: the scenarios (defined below) with each step's result or
exception, which test/helpers/makefile_replay.js replays on both facades. Every scenario starts with a
connected pair: "a" (the socket whose files are tested) and "b" (its peer). Step forms:

  {"on": X, "call": M, "args": [...], "kw": {...}, "store": Y}   X.M(*args, **kw), kept as Y
  {"on": X, "get": ATTR}                                         X.ATTR
  {"op": "settle"}             let sent data arrive before the next read decides its chunks
  {"op": "drain", "on": X}     everything X can receive within DRAIN seconds (what was flushed)
  {"op": "bytearray", "args": [n], "store": Y} / {"op": "contents", "on": Y}
  {"op": "lines", "on": F}     list(F): iteration to the end
  {"op": "is_open", "on": X}   X.fileno() != -1: whether the descriptor is really open

No step passes bytes where Python wants a writable buffer: a JS Uint8Array stands for both.
Arguments and results are tagged as test/helpers/pyvalue.js reads them, plus {"list": [...]},
{"object": type name} for file objects, and {"fd": X} for X's descriptor number.
A scenario whose answers differ between two runs depends on timing and is refused.
"""
import io
import json
import os
import platform
import signal
import socket
import sys
import time

import pyvalue

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "makefile.json")
STEP_LIMIT = 5
DRAIN = 0.3
SETTLE = 0.05


def runs(seq):
    """Long data as [unit, count] runs of a repeated unit of 1 to 4 items, to keep the fixture
    small; None when that does not shrink it."""
    out, i, literal = [], 0, seq[:0]
    while i < len(seq):
        for u in (1, 2, 3, 4):
            unit = seq[i:i + u]
            n = 1
            while seq[i + n * u:i + (n + 1) * u] == unit:
                n += 1
            if n * u >= 32:
                break
        else:
            literal += seq[i:i + 1]
            i += 1
            continue
        if literal:
            out.append([literal, 1])
            literal = seq[:0]
        out.append([unit, n])
        i += n * u
    if literal:
        out.append([literal, 1])
    return out if len(out) * 8 < len(seq) else None


# Argument tags.
def B(b):
    r = runs(b) if len(b) > 64 else None
    return {"bytes_runs": [[u.hex(), n] for u, n in r]} if r else {"bytes": b.hex()}
def S(s):
    r = runs(s) if len(s) > 64 else None
    return {"str_runs": r} if r else {"str": s}
def I(n): return {"int": str(n)}
def F(x): return {"float": x}
def L(*xs): return {"list": list(xs)}
def T(*xs): return {"tuple": list(xs)}
N = {"none": None}
TRUE = {"bool": True}
def REF(name): return {"ref": name}


# Step builders.
def call(on, name, *args, store=None, **kw):
    step = {"on": on, "call": name, "args": list(args)}
    if kw:
        step["kw"] = kw
    if store:
        step["store"] = store
    return step

def get(on, attr): return {"on": on, "get": attr}
def mk(*args, store="f", **kw): return call("a", "makefile", *args, store=store, **kw)
def send(data): return call("b", "sendall", B(data))
def eof(): return call("b", "shutdown", {"const": "SHUT_WR"})
SETTLE_STEP = {"op": "settle"}
def drain(): return {"op": "drain", "on": "b"}
def buf(n, store="buf"): return {"op": "bytearray", "args": [I(n)], "store": store}
def contents(name="buf"): return {"op": "contents", "on": name}
def lines(on="f"): return {"op": "lines", "on": on}
def is_open(): return {"op": "is_open", "on": "a"}


def attrs(on="f"):
    return [get(on, "closed"), get(on, "mode"), get(on, "name"), call(on, "readable"),
            call(on, "writable"), call(on, "seekable"), call(on, "isatty"), call(on, "fileno")]


SCENARIOS = {
    # Binary reading: io.BufferedReader over SocketIO.
    "rb readline": [mk(S("rb")), send(b"line1\nline2\nrest"), eof(), SETTLE_STEP,
                    call("f", "readline"), call("f", "readline"), call("f", "readline"),
                    call("f", "readline")],
    "rb read sizes": [mk(S("rb")), send(b"0123456789"), eof(), SETTLE_STEP,
                      call("f", "read", I(3)), call("f", "read", I(0)), call("f", "read", I(100)),
                      call("f", "read", I(5)), call("f", "read")],
    "rb read all": [mk(S("rb")), send(b"abc\ndef"), call("f", "readline"), send(b"ghi"), eof(),
                    call("f", "read"), call("f", "read", N), call("f", "read", I(-1))],
    "rb read bad sizes": [mk(S("rb")), call("f", "read", I(-2)), call("f", "read", S("x")),
                          call("f", "read", F(1.5)), call("f", "read", I(1), I(2)),
                          call("f", "readline", S("x")), call("f", "readline", I(1), I(2)),
                          call("f", "read1", N), call("f", "read1", I(1), I(2)), call("f", "peek", S("x")),
                          call("f", "readlines", S("x")), call("f", "readlines", I(1), I(2))],
    "rb read1 and peek": [mk(S("rb")), send(b"hello world"), SETTLE_STEP, call("f", "peek"),
                          call("f", "read1", I(2)), call("f", "peek", I(100)), call("f", "read1"),
                          call("f", "read1", I(0)), send(b"more"), eof(), SETTLE_STEP,
                          call("f", "read1", I(2)), call("f", "read1", I(-1)), call("f", "peek"),
                          call("f", "read1")],
    "rb readinto": [mk(S("rb")), send(b"abcdefgh"), eof(), SETTLE_STEP, buf(3),
                    call("f", "readinto", REF("buf")), contents(), call("f", "readinto1", REF("buf")),
                    contents(), buf(10, "big"), call("f", "readinto", REF("big")), contents("big"),
                    call("f", "readinto", REF("big")), call("f", "readinto", S("x"))],
    "rb readline limit": [mk(S("rb")), send(b"abcdef\nxy\n"), eof(), SETTLE_STEP,
                          call("f", "readline", I(3)), call("f", "readline", I(0)),
                          call("f", "readline", I(-5)), call("f", "readline", N),
                          call("f", "readline", I(1))],
    "rb readlines": [mk(S("rb")), send(b"a\nbb\nccc\ndddd\ne"), eof(), SETTLE_STEP,
                     call("f", "readlines", I(2)), call("f", "readlines", I(0)),
                     call("f", "readlines")],
    "rb readlines hint": [mk(S("rb")), send(b"a\nbb\nccc\ndddd\n"), eof(), SETTLE_STEP,
                          call("f", "readlines", I(3)), call("f", "readlines", N)],
    "rb iteration": [mk(S("rb")), send(b"one\ntwo\n\nthree"), eof(), lines(), lines(),
                     call("f", "close"), lines()],
    "rb small buffer": [mk(S("rb"), I(4)), send(b"abcdefghij\nklm\nnopqrstuvwxyz"), eof(),
                        SETTLE_STEP, call("f", "read", I(2)), call("f", "readline"),
                        call("f", "peek"), call("f", "read", I(9)), call("f", "read1", I(100)),
                        call("f", "read")],
    "rb buffering True": [mk(S("rb"), TRUE), send(b"ab\ncd"), eof(), call("f", "readline"),
                          call("f", "read")],
    "rb write unsupported": [mk(S("rb")), call("f", "write", B(b"x")),
                             call("f", "write", B(b"x"), I(2)), call("f", "writelines", L(B(b"x"))),
                             call("f", "writelines", I(5)), call("f", "flush")],
    "rb attributes": [mk(S("rb"))] + attrs() + [
        call("f", "close", I(1)), call("f", "flush", I(1)), call("f", "readable", I(1)),
        call("f", "close"), call("f", "close")] + attrs() + [
        call("f", "read"), call("f", "read", I(1)), call("f", "read1"), call("f", "peek"),
        call("f", "readline"), call("f", "readlines"), call("f", "flush"), buf(1),
        call("f", "readinto", REF("buf"))],
    "rb mode spellings": [mk(S("br"), store="f1"), get("f1", "mode"), mk(S("b"), store="f2"),
                          get("f2", "mode"), mk(T(S("r"), S("b")), store="f3"), get("f3", "mode")],

    # Reference counting (socket.py's _io_refs): the descriptor closes with the last holder.
    "close socket first": [mk(S("rb")), call("a", "close"), is_open(), call("a", "fileno"),
                           send(b"still\n"), call("f", "readline"), call("f", "close"), is_open(),
                           call("b", "recv", I(10))],
    "close file first": [mk(S("rb")), call("f", "close"), is_open(), call("a", "send", B(b"ok")),
                         call("b", "recv", I(10)), call("a", "close"), is_open()],
    "two files": [mk(S("rb"), store="f1"), mk(S("wb"), store="f2"), call("a", "close"), is_open(),
                  call("f1", "close"), is_open(), call("f2", "write", B(b"bye")),
                  call("f2", "close"), is_open(), drain()],
    "failed makefile releases": [mk(S("r"), I(0)), mk(S("r"), encoding=S("nope")),
                                 mk(S("r"), newline=S("x")), mk(S("rb"), F(1.5)), call("a", "close"),
                                 is_open()],
    "text file refcount": [mk(S("w")), call("a", "close"), is_open(), call("f", "write", S("hi")),
                           call("f", "close"), is_open(), drain()],

    # Timeouts and non-blocking mode (SocketIO's _timeout_occurred, BufferedReader's None).
    "timeout poisons reads": [call("a", "settimeout", F(0.1)), mk(S("rb")), call("f", "readline"),
                              call("f", "readline"), send(b"late\n"), call("f", "read", I(1)),
                              call("f", "peek"), call("f", "close"), call("f", "readline")],
    "timeout loses partial line": [call("a", "settimeout", F(0.1)), mk(S("rb")), send(b"abc"),
                                   SETTLE_STEP, call("f", "read", I(1)), call("f", "readline"),
                                   call("f", "read", I(1))],
    "text timeout": [call("a", "settimeout", F(0.1)), mk(S("r")), send(b"partial"), SETTLE_STEP,
                     call("f", "readline"), call("f", "read", I(1))],
    "nonblocking binary": [call("a", "setblocking", {"bool": False}), mk(S("rb")),
                           call("f", "read", I(5)), call("f", "read"), call("f", "readline"),
                           call("f", "read1"), call("f", "peek"), buf(4),
                           call("f", "readinto", REF("buf")), lines(), call("f", "readlines"),
                           send(b"ab"), SETTLE_STEP, call("f", "read", I(5)), call("f", "read", I(1)),
                           send(b"cd\nef"), SETTLE_STEP, call("f", "readline"), call("f", "read")],
    "nonblocking text": [call("a", "setblocking", {"bool": False}), mk(S("r")),
                         call("f", "read", I(5)), call("f", "readline"), call("f", "read"),
                         send(b"x\ny"), SETTLE_STEP, call("f", "readline"), call("f", "read", I(3))],
    "nonblocking text ascii": [call("a", "setblocking", {"bool": False}),
                               mk(S("r"), encoding=S("ascii")), call("f", "read"),
                               mk(S("r"), encoding=S("latin-1"), newline=S(""), store="g"),
                               call("g", "read")],

    # Unbuffered: the raw SocketIO itself.
    "raw reader": [mk(S("rb"), I(0)), get("f", "mode"), get("f", "name"), get("f", "closed"),
                   call("f", "readable"), call("f", "writable"), call("f", "seekable"),
                   call("f", "isatty"), call("f", "fileno"), send(b"abc\ndefgh"), eof(), SETTLE_STEP,
                   call("f", "read", I(2)), call("f", "readline"), buf(2),
                   call("f", "readinto", REF("buf")), contents(), call("f", "read", I(0)),
                   call("f", "readall"), call("f", "read"), call("f", "write", B(b"x")),
                   call("f", "readinto", S("x")), call("f", "readinto", REF("buf"), I(2)),
                   call("f", "read", I(1), I(2)), call("f", "close", I(1)), call("f", "close"),
                   get("f", "closed"), get("f", "name"), call("f", "readable"), call("f", "writable"),
                   call("f", "seekable"), call("f", "isatty"), call("f", "fileno"),
                   call("f", "read", I(1)), call("f", "close")],
    "raw writer": [mk(S("wb"), I(0)), get("f", "mode"), call("f", "write", B(b"hey")), drain(),
                   call("f", "read", I(1)), call("f", "readline"), call("f", "write", S("s")),
                   call("f", "writelines", L(B(b"a"), B(b"b"))), drain(), call("f", "flush"),
                   call("f", "close"), call("f", "write", B(b"x")), call("f", "flush")],
    "raw readlines": [mk(S("rb"), I(0)), send(b"x\nyy\nz"), eof(), SETTLE_STEP,
                      call("f", "readline", I(1)), call("f", "readlines"), lines()],
    "raw timeout": [call("a", "settimeout", F(0.1)), mk(S("rb"), I(0)), call("f", "read", I(1)),
                    call("f", "read", I(1)), call("f", "readline")],
    "raw nonblocking": [call("a", "setblocking", {"bool": False}), mk(S("rb"), I(0)),
                        call("f", "read", I(3)), call("f", "readall"), call("f", "read"),
                        call("f", "readline"), send(b"q"), SETTLE_STEP, call("f", "read")],
    "raw rw": [mk(S("rwb"), I(0)), get("f", "mode"), call("f", "readable"), call("f", "writable"),
               call("f", "write", B(b"ping")), drain(), send(b"pong"), SETTLE_STEP,
               call("f", "read", I(10))],

    # Binary writing: io.BufferedWriter.
    "wb flush": [mk(S("wb")), call("f", "write", B(b"hello")), drain(), call("f", "flush"), drain(),
                 call("f", "flush")],
    "wb large writes": [mk(S("wb")), call("f", "write", B(b"x" * 10000)), drain(),
                        call("f", "write", B(b"y" * 100)), drain(), call("f", "close"), drain()],
    "wb overflow": [mk(S("wb")), call("f", "write", B(b"a" * 5000)), drain(),
                    call("f", "write", B(b"b" * 5000)), drain(), call("f", "write", B(b"c" * 3192)),
                    drain(), call("f", "write", B(b"d")), drain(), call("f", "flush"), drain()],
    "wb exact buffer": [mk(S("wb")), call("f", "write", B(b"e" * 8192)), drain(),
                        call("f", "write", B(b"f" * 8193)), drain()],
    "wb small buffer": [mk(S("wb"), I(4)), call("f", "write", B(b"ab")), drain(),
                        call("f", "write", B(b"cdef")), drain(), call("f", "write", B(b"ghijklm")),
                        drain(), call("f", "flush"), drain()],
    "wb write types": [mk(S("wb")), call("f", "write", S("str")), call("f", "write", I(5)),
                       call("f", "write", N), call("f", "write"), call("f", "write", B(b"")),
                       call("f", "write", B(b"ok")), call("f", "writelines", L(B(b"1"), B(b"22"))),
                       call("f", "writelines", T(B(b"3"))), call("f", "writelines", L(S("x"))),
                       call("f", "flush"), drain()],
    "wb read unsupported": [mk(S("wb")), call("f", "read"), call("f", "read", S("x")),
                            call("f", "read1", I(1)), buf(2), call("f", "readinto", REF("buf")),
                            call("f", "readinto1", REF("buf")), call("f", "readline"),
                            call("f", "readlines"), lines(), call("f", "peek")],
    "wb close": [mk(S("wb"))] + attrs() + [call("f", "write", B(b"x")), call("f", "close"),
                                           drain(), call("f", "write", B(b"y")), call("f", "flush"),
                                           call("f", "writelines", L(B(b"z")))] + attrs() + [
                                           call("f", "close")],

    # Reading and writing: io.BufferedRWPair.
    "rwb basics": [mk(S("rwb"))] + attrs() + [
        call("f", "write", B(b"ping")), drain(), call("f", "flush"), drain(), send(b"pong\nx"),
        SETTLE_STEP, call("f", "readline"), call("f", "peek"), call("f", "read1", I(5)),
        call("f", "write", B(b"tail")), call("f", "close")] + attrs() + [
        drain(), call("f", "readline"), call("f", "write", B(b"x")), call("f", "flush")],
    "rwb readlines": [mk(S("rwb")), send(b"a\nb\nc"), eof(), SETTLE_STEP, call("f", "readline"),
                      call("f", "readlines"), lines()],
    "rwb spellings": [mk(S("wrb"), store="f1"), call("f1", "readable"), call("f1", "writable"),
                      mk(S("bw"), store="f2"), call("f2", "readable"), call("f2", "writable")],

    # makefile() arguments.
    "bad modes": [mk(S("x")), mk(S("rt")), mk(S("a")), mk(S("rr"), store="f1"), get("f1", "mode"),
                  mk(S(""), store="f2"), get("f2", "mode"), mk(I(5)), mk(N), mk(T(S("x"))),
                  mk(S("rU")), call("a", "close"), is_open()],
    "bad buffering": [mk(S("rb"), S("x")), mk(S("rb"), F(1.5)), mk(S("rb"), I(2 ** 70)),
                      mk(S("r"), I(0)), mk(S("w"), I(0)), mk(S("rb"), F(-1.5), store="f1"),
                      get("f1", "mode"), mk(S("rb"), I(-7), store="f2"), get("f2", "mode"),
                      mk(S("rb"), N, store="f3"), get("f3", "mode"), mk(S("rb"), {"bool": False}, store="f4"),
                      get("f4", "mode"), mk(S("rb"), N, I(1)), mk(S("rb"), foo=I(1)),
                      mk(S("rb"), mode=S("r"))],
    "binary ignores text arguments": [mk(S("rb"), encoding=S("nope"), errors=I(5), newline=S("x")),
                                      get("f", "mode"), mk(S("wb"), encoding=I(5), store="g"),
                                      get("g", "mode")],
    "keyword arguments": [mk(mode=S("rb"), buffering=I(0), store="f1"), get("f1", "mode"),
                          mk(S("w"), encoding=S("ascii"), errors=S("replace"), newline=S("\r\n"),
                             store="f2"),
                          get("f2", "encoding"), get("f2", "errors"), get("f2", "mode")],
    "text argument errors": [mk(S("r"), encoding=I(5)), mk(S("r"), errors=I(5)),
                             mk(S("r"), newline=I(5)), mk(S("r"), newline=S("x")),
                             mk(S("r"), newline=S("\n\n")), mk(S("r"), encoding=S("nope")),
                             mk(S("r"), encoding=I(5), newline=I(5)),
                             mk(S("r"), errors=I(5), newline=I(5)),
                             mk(S("r"), errors=I(5), newline=S("x")),
                             mk(S("r"), newline=S("x"), encoding=S("nope")),
                             mk(S("r"), encoding=S("a\0b")), mk(S("r"), newline=S("\n\0")),
                             mk(S("r"), encoding=S("utf.8")), mk(S("r"), encoding=S("")),
                             call("a", "close"), is_open()],
    "encoding names": [mk(S("r"), encoding=S(name), store="f%d" % i) for i, name in enumerate([
        "UTF-8", "utf8", "U8", "utf 8", "Utf_8", "  utf-8  ", "utf--8", "\u00e9-utf8", "cp65001",
        "ISO-8859-1", "Latin1", "latin-1", "L1", "8859", "iso_8859_1", "us-ascii", "ASCII",
        "646", "ansi_x3.4_1968", "locale", "utf8_ucs4"])] + [
        get("f%d" % i, "encoding") for i in range(21)],

    # Text reading: io.TextIOWrapper over BufferedReader.
    "text defaults": [mk()] + attrs() + [get("f", "encoding"), get("f", "errors"),
                                        get("f", "newlines"), get("f", "line_buffering"),
                                        get("f", "write_through"), get("f", "buffer"),
                                        call("f", "close", I(1)), call("f", "close")] + attrs(),
    "text universal newlines": [mk(S("r")), send(b"a\nb\r\nc\rd"), eof(), SETTLE_STEP,
                                get("f", "newlines"), call("f", "readline"), get("f", "newlines"),
                                call("f", "readline"), call("f", "readline"), call("f", "readline"),
                                call("f", "readline"), get("f", "newlines")],
    "text newline empty": [mk(S("r"), newline=S("")), send(b"a\nb\r\nc\rd"), eof(), SETTLE_STEP,
                           call("f", "readline"), call("f", "readline"), call("f", "readline"),
                           call("f", "readline"), call("f", "readline"), get("f", "newlines")],
    "text newline lf": [mk(S("r"), newline=S("\n")), send(b"a\nb\r\nc\rd"), eof(), SETTLE_STEP,
                        call("f", "readline"), call("f", "readline"), call("f", "readline"),
                        call("f", "readline"), get("f", "newlines")],
    "text newline cr": [mk(S("r"), newline=S("\r")), send(b"a\nb\r\nc\rd"), eof(), SETTLE_STEP,
                        call("f", "readline"), call("f", "readline"), call("f", "readline"),
                        call("f", "readline")],
    "text newline crlf": [mk(S("r"), newline=S("\r\n")), send(b"a\nb\r\nc\rd\r"), eof(), SETTLE_STEP,
                          call("f", "readline"), call("f", "readline"), call("f", "readline")],
    "text crlf split across chunks": [mk(S("r")), send(b"a\r"), SETTLE_STEP, call("f", "read", I(1)),
                                      send(b"\nb\r"), eof(), SETTLE_STEP, call("f", "readline"),
                                      call("f", "readline"), call("f", "readline"),
                                      get("f", "newlines")],
    "text crlf split untranslated": [mk(S("r"), newline=S("\r\n")), send(b"a\r"), SETTLE_STEP,
                                     call("f", "read", I(1)), send(b"\nb"), eof(), SETTLE_STEP,
                                     call("f", "readline"), call("f", "readline")],
    "text read all translates": [mk(S("r")), send(b"x\r\ny\rz\n"), eof(), call("f", "read")],
    "text utf-8 split across chunks": [mk(S("r")), send(b"x\xe2\x82"), SETTLE_STEP,
                                       call("f", "read", I(1)), send(b"\xac!"), eof(), SETTLE_STEP,
                                       call("f", "read")],
    "text counts code points": [mk(S("r")), send("a\U0001F600b\u20acc\nd\U0001F600e\nfg".encode()),
                                eof(), SETTLE_STEP, call("f", "read", I(2)), call("f", "read", I(1)),
                                call("f", "readline", I(2)), call("f", "readline", I(2)),
                                call("f", "readline", I(1)), call("f", "readline"),
                                call("f", "read", I(0)), call("f", "read", N)],
    "text readline limits": [mk(S("r")), send(b"abcdef\nxy\n"), eof(), SETTLE_STEP,
                             call("f", "readline", I(3)), call("f", "readline", I(0)),
                             call("f", "readline", I(-1)), call("f", "readline", N),
                             call("f", "readline", S("x")), call("f", "read", S("x")),
                             call("f", "read", I(-5))],
    "text readlines": [mk(S("r")), send(b"a\nbb\nccc\ndddd\ne"), eof(), SETTLE_STEP,
                       call("f", "readlines", I(3)), call("f", "readlines"), call("f", "readlines")],
    "text iteration": [mk(S("r")), send(b"one\r\ntwo\n\nthree"), eof(), lines(), lines()],
    "text decode error strict": [mk(S("r")), send(b"ab\xffcd\nef\n"), eof(), SETTLE_STEP,
                                 call("f", "readline"), call("f", "readline")],
    "text decode error at eof": [mk(S("r")), send(b"ab\xe2\x82"), eof(), SETTLE_STEP,
                                 call("f", "read")],
    "text decode errors utf-8": [mk(S("r")), send(b"ab\xe0\x80c\xed\xa0\x80d\xf4\x90e\xc0\n"), eof(),
                                 SETTLE_STEP, call("f", "read", I(1)), call("f", "read")],
    "text replace": [mk(S("r"), errors=S("replace")),
                     send(b"a\xffb\xe2\x82c\xf0\x90\x80\xe0\x80\xc2\n\xe2\x82"), eof(), SETTLE_STEP,
                     call("f", "read")],
    "text ignore": [mk(S("r"), errors=S("ignore")), send(b"a\xffb\xe2\x82c\xf0\x90\x80\n\xe2"),
                    eof(), SETTLE_STEP, call("f", "read")],
    "text surrogateescape": [mk(S("r"), errors=S("surrogateescape")),
                             send(b"a\xffb\xe2\x82c\n\xf0"), eof(), SETTLE_STEP, call("f", "read")],
    "text backslashreplace": [mk(S("r"), errors=S("backslashreplace")),
                              send(b"a\xffb\xe2\x82c\n"), eof(), SETTLE_STEP, call("f", "read")],
    "text surrogatepass": [mk(S("r"), errors=S("surrogatepass")),
                           send(b"a\xed\xa0\x80b\xed\xb0\x80c\n"), eof(), SETTLE_STEP,
                           call("f", "read", I(2)), call("f", "read")],
    # After a handler other than strict, replace, ignore, backslashreplace and surrogateescape
    # has been called, CPython's decoder reuses one exception object: str() shows the last error,
    # args the first.
    "text surrogatepass then error": [mk(S("r"), errors=S("surrogatepass")),
                                      send(b"a\xed\xa0\x80b\xed\xb0\x80\xff"), eof(), SETTLE_STEP,
                                      call("f", "read", I(2)), call("f", "read")],
    "text unknown error handler": [mk(S("r"), errors=S("bogus")), send(b"ok\n\xff\n"), eof(),
                                   SETTLE_STEP, call("f", "readline"), call("f", "readline"),
                                   call("f", "readline")],
    "text encode-only error handler": [mk(S("r"), errors=S("xmlcharrefreplace")), send(b"a\xff\n"), eof(),
                                       SETTLE_STEP, call("f", "read", I(1)), call("f", "read", I(1))],
    "text ascii": [mk(S("r"), encoding=S("ascii")), send(b"ok\n\xe9\xff\n"), eof(), SETTLE_STEP,
                   call("f", "readline"), call("f", "readline"), call("f", "readline")],
    "text ascii replace": [mk(S("r"), encoding=S("ascii"), errors=S("replace")),
                           send(b"a\xe9\xffb\n"), eof(), SETTLE_STEP, call("f", "read")],
    "text latin-1": [mk(S("r"), encoding=S("latin-1")), send(bytes(range(0x7b, 0x100))), eof(),
                     SETTLE_STEP, call("f", "read")],
    "text write-only reads": [mk(S("w")), call("f", "read"), call("f", "readline"),
                              call("f", "readlines"), lines(), get("f", "newlines")],
    "text read-only writes": [mk(S("r")), call("f", "write", S("x")),
                              call("f", "writelines", L(S("x"))), call("f", "flush")],
    "text missing binary methods": [mk(S("r")), call("f", "read1"), call("f", "peek"),
                                    buf(2), call("f", "readinto", REF("buf"))],

    # Text writing.
    "text write flush": [mk(S("w")), call("f", "write", S("h\u00e9llo\n")), drain(),
                         call("f", "flush"), drain(), call("f", "write", S("\U0001F600")),
                         call("f", "flush"), drain()],
    "text write newline crlf": [mk(S("w"), newline=S("\r\n")), call("f", "write", S("a\nb\r\n")),
                                call("f", "flush"), drain()],
    "text write newline cr": [mk(S("w"), newline=S("\r")), call("f", "write", S("a\nb\r")),
                              call("f", "flush"), drain()],
    "text write newline empty": [mk(S("w"), newline=S("")), call("f", "write", S("a\nb\r\n")),
                                 call("f", "flush"), drain()],
    "text write newline none": [mk(S("w")), call("f", "write", S("a\nb\r\n")), call("f", "flush"),
                                drain()],
    "text write types": [mk(S("w")), call("f", "write", B(b"x")), call("f", "write", I(1)),
                         call("f", "write", N), call("f", "write"), call("f", "write", S("a"), S("b")),
                         call("f", "write", S("")), call("f", "writelines", L(S("a"), S("b"))),
                         call("f", "writelines", L(B(b"a"))), call("f", "writelines", I(1)),
                         call("f", "flush"), drain()],
    "text encode errors": [mk(S("w"), encoding=S("ascii")), call("f", "write", S("ok")),
                           call("f", "write", S("a\u00e9\u20acb")), call("f", "write", S("c\u00e9")),
                           call("f", "flush"), drain()],
    "text encode latin-1": [mk(S("w"), encoding=S("latin-1")), call("f", "write", S("\u00e9\u00ff")),
                            call("f", "write", S("\u20ac")), call("f", "flush"), drain()],
    "text encode handlers": [mk(S("w"), encoding=S("ascii"), errors=S(h), store="f%d" % i)
                             for i, h in enumerate(["replace", "ignore", "backslashreplace",
                                                    "xmlcharrefreplace", "surrogateescape",
                                                    "surrogatepass", "bogus"])] + [
        step for i in range(7) for step in (
            call("f%d" % i, "write", S("a\u00e9\U0001F600\udcff\u20acb\n")),
            call("f%d" % i, "write", S("c\udcffd")), call("f%d" % i, "flush"), drain())],
    "text encode surrogates utf-8": [mk(S("w"), errors=S(h), store="f%d" % i)
                                     for i, h in enumerate(["strict", "surrogateescape", "replace",
                                                            "surrogatepass", "backslashreplace"])] + [
        step for i in range(5) for step in (
            call("f%d" % i, "write", S("a\udcff\udc80b")), call("f%d" % i, "write", S("\ud800x")),
            call("f%d" % i, "flush"), drain())],
    "text pending threshold": [mk(S("w")), call("f", "write", S("a" * 8191)), drain(),
                               call("f", "write", S("b")), drain(), call("f", "write", S("c")),
                               drain(), call("f", "write", S("d" * 8192)), drain(),
                               call("f", "flush"), drain()],
    "text big write after small": [mk(S("w")), call("f", "write", S("a" * 100)), drain(),
                                   call("f", "write", S("b" * 8192)), drain(), call("f", "flush"),
                                   drain(), call("f", "write", S("\u00e9" * 5000)), drain(),
                                   call("f", "close"), drain()],
    "text close": [mk(S("w"), newline=S("\r\n"))] + attrs() + [
        call("f", "write", S("x\n")), call("f", "close"), drain(), call("f", "write", S("y")),
        call("f", "flush"), call("f", "writelines", L(S("z"))), call("f", "read"),
        call("f", "readline"), call("f", "readlines"), lines()] + attrs(),
    "text rw": [mk(S("rw")), call("a", "settimeout", F(0.2))] + attrs() + [
        send(b"hello\nworld\n"), SETTLE_STEP, call("f", "read", I(2)), call("f", "write", S("X")),
        call("f", "readline"), call("f", "flush"), drain()],
    "text rw pending moves to buffer": [mk(S("rw")), call("f", "write", S("q")), send(b"r\n"),
                                        SETTLE_STEP, call("f", "readline"), drain(),
                                        call("f", "flush"), drain(), call("f", "close"), drain()],
    "text rw write resets the decoder": [mk(S("rw")), send(b"x\r\n"), SETTLE_STEP,
                                         call("f", "readline"), get("f", "newlines"),
                                         call("f", "write", S("q")), get("f", "newlines"),
                                         send(b"a\r"), SETTLE_STEP, call("f", "read", I(1)),
                                         call("f", "write", S("q")), send(b"\nb"), eof(), SETTLE_STEP,
                                         call("f", "readline"), call("f", "readline"),
                                         get("f", "newlines")],
    "text rw close": [mk(S("rw")), call("f", "write", S("bye")), call("f", "close"), drain(),
                      get("f", "closed")],
}


def pattern_args(args, env):
    return [decode(a, env) for a in args]


def decode(v, env):
    return pyvalue.decode(v, {
        "bytes_runs": lambda r: b"".join(bytes.fromhex(u) * n for u, n in r),
        "str_runs": lambda r: "".join(u * n for u, n in r),
        "list": lambda xs: [decode(e, env) for e in xs],
        "ref": lambda name: env[name],
        "const": lambda name: getattr(socket, name),
    })


def tag(v):
    """This fixture's own tags: long data as runs, lists, and file objects by type name."""
    if isinstance(v, str):
        return S(v)
    if isinstance(v, (bytes, bytearray)):
        return B(bytes(v))
    if isinstance(v, list):
        return {"list": [pyvalue.encode(e, tag=tag) for e in v]}
    if isinstance(v, io.IOBase):
        return {"object": type(v).__name__}
    return None


def encode(v, env, step):
    """A step's result; the descriptor number fileno() or a SocketIO's name gives as {"fd": X}."""
    if (isinstance(v, int) and not isinstance(v, bool) and v >= 0
            and (step.get("call") == "fileno" or step.get("get") == "name")):
        for name, obj in env.items():
            if isinstance(obj, socket.socket) and obj.fileno() == v:
                return {"fd": name}
    return pyvalue.encode(v, tag=tag)


def drain_peer(sock):
    data = bytearray()
    sock.settimeout(DRAIN)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    finally:
        sock.settimeout(None)
    return bytes(data)


def perform(step, env):
    if "op" in step:
        op = step["op"]
        if op == "settle":
            time.sleep(SETTLE)
            return None
        if op == "drain":
            return drain_peer(env[step["on"]])
        if op == "bytearray":
            return bytearray(*pattern_args(step["args"], env))
        if op == "contents":
            return bytes(env[step["on"]])
        if op == "lines":
            return list(env[step["on"]])
        if op == "is_open":
            return env[step["on"]].fileno() != -1
        raise ValueError("unknown op %r" % op)
    target = env[step["on"]]
    if "get" in step:
        return getattr(target, step["get"])
    args = pattern_args(step["args"], env)
    kw = {k: decode(v, env) for k, v in step.get("kw", {}).items()}
    return getattr(target, step["call"])(*args, **kw)


class StepHung(Exception):
    pass


def on_alarm(signum, frame):
    raise StepHung()


def run_scenario(name, steps):
    server = socket.create_server(("127.0.0.1", 0))
    a = socket.create_connection(server.getsockname())
    b, _ = server.accept()
    server.close()
    env = {"a": a, "b": b}
    results = []
    try:
        for i, step in enumerate(steps):
            signal.alarm(STEP_LIMIT)
            try:
                value = perform(step, env)
            except StepHung:
                sys.exit("%s: step %d %s blocked for %d s" % (name, i, json.dumps(step), STEP_LIMIT))
            except Exception as e:
                # A missing attribute is a missing property in JS: nothing is thrown, no args.
                res = {"error": pyvalue.error(e, tag=tag, bare=(TypeError, AttributeError))}
            else:
                # Outside the try: a result that cannot be recorded is no answer of CPython's.
                res = {"result": encode(value, env, step)}
                if step.get("store"):
                    env[step["store"]] = value
            finally:
                signal.alarm(0)
            results.append(res)
    finally:
        for v in env.values():
            if hasattr(v, "close") and not isinstance(v, socket.socket):
                try:
                    v.close()
                except Exception:
                    pass
        a.close()
        b.close()
    return results


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    recorded = {name: run_scenario(name, steps) for name, steps in SCENARIOS.items()}
    again = {name: run_scenario(name, steps) for name, steps in SCENARIOS.items()}
    flaky = [n for n in SCENARIOS if recorded[n] != again[n]]
    if flaky:
        sys.exit("answers differ between two runs: %s" % ", ".join(flaky))
    head = {
        "recorded_by": "scripts/record_makefile.py",
        "python": sys.version.split()[0],
        "platform": "%s %s %s" % ((sys.platform,) + platform.libc_ver()),
        "drain_seconds": DRAIN,
        "settle_seconds": SETTLE,
    }
    # One line per step, so that a change of behaviour shows as a one-line diff.
    with open(OUT, "w") as f:
        f.write(json.dumps(head)[:-1] + ',\n"scenarios": [\n')
        names = list(SCENARIOS)
        for i, name in enumerate(names):
            f.write('{"name": %s, "steps": [\n' % json.dumps(name))
            f.write(",\n".join("  " + json.dumps({"step": s, "outcome": r}, sort_keys=True)
                               for s, r in zip(SCENARIOS[name], recorded[name])))
            f.write("\n]}%s\n" % ("," if i < len(names) - 1 else ""))
        f.write("]}\n")
    print("%s: %d scenarios, %d steps" % (os.path.relpath(OUT, os.path.join(HERE, "..")),
                                          len(SCENARIOS), sum(len(s) for s in SCENARIOS.values())))


if __name__ == "__main__":
    main()
