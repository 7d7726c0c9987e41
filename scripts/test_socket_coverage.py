#!/usr/bin/env python3
"""Writes docs/TEST_SOCKET_COVERAGE.md: every test class and method of CPython's
Lib/test/test_socket.py with what covers it here.

    python3 scripts/test_socket_coverage.py

A method is covered by the cases of test/fixtures/test_socket_cases.json named after it
(scripts/record_test_socket.py records them), FAILING where test/test_socket_cases.test.js lists
one of them in KNOWN_DIFFERENCES or TIMING_DEPENDENT, and otherwise has the reason written below
(another test covers it, or it cannot apply to JavaScript). Run it after changing the cases or
those lists.
"""
import json
import os
import re
import sys

import test

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(os.path.dirname(test.__file__), "test_socket.py")).read()
fixture = json.load(open(os.path.join(ROOT, "test", "fixtures", "test_socket_cases.json")))
ids = [c["id"] for c in fixture["cases"]]
testjs = open(os.path.join(ROOT, "test", "test_socket_cases.test.js")).read()
LABEL = {"both": "both facades", "async": "pysocket", "sync": "pysocket/sync"}
ENTRY = r'^  "([^"]+)": \{ (both|async|sync): "(.*)" \},$'


def entries(name):
    """The entries of the test's list `name`: [(case id, facade, reason)]."""
    start = testjs.index("const " + name)
    return re.findall(ENTRY, testjs[start:testjs.index("};", start)], re.M)


known = {i: "%s: %s" % (LABEL[f], r) for i, f, r in entries("KNOWN_DIFFERENCES")}
timing = {i: "%s, not run (timing-dependent): %s" % (LABEL[f], r)
          for i, f, r in entries("TIMING_DEPENDENT")}
for i, r in timing.items():
    known[i] = known[i] + "; " + r if i in known else r

classes = []
cur = None
for line in src.split("\n"):
    m = re.match(r"class (\w+)\((.*)\):", line)
    if m:
        cur = [m.group(1), m.group(2), []]
        classes.append(cur)
        continue
    m = re.match(r"    def (test\w+)\(", line)
    if m and cur:
        cur[2].append(m.group(1))
    m = re.match(r"    (test\w+) = ", line)
    if m and cur:
        cur[2].append(m.group(1))

NA = "not applicable: "
FAM = NA + "the %s family: Node cannot open such sockets (pysocket raises `OSError`)"
CLASS_NOTE = {
    # fixtures
    "SocketTCPTest": "setup: a listening TCP socket (`tcp_server()` in the recorder)",
    "SocketUDPTest": "setup: a bound UDP socket (`udp_pair()`)",
    "ThreadableTest": (
        "setup: the client thread; here a worker_thread running pysocket/sync "
        "(test/helpers/peer.js)"),
    "ThreadedTCPSocketTest": "setup: `tcp_server()` with a peer",
    "ThreadedUDPSocketTest": "setup: `udp_pair()` with a peer",
    "SocketConnectedTest": "setup: `connected()`: the peer's client connects, the main accepts",
    "SocketPairTest": (
        "setup: a socketpair split between threads; a JS worker has its own fd table, so the "
        "peer's end comes through an AF_UNIX listener (`pair_case()`), and "
        "`BasicSocketPairTest.testRecv[socketpair]` uses a real `socketpair()` in one thread"),
    "SocketTestBase": "setup (mixin)", "SocketListeningTestMixin": "setup (mixin)",
    "ThreadedSocketTestMixin": "setup (mixin)", "ConnectedStreamTestMixin": "setup (mixin)",
    "UnixSocketTestBase": "setup (mixin) for the sendmsg/recvmsg tests",
    "UnixStreamBase": "setup (mixin) for the sendmsg/recvmsg tests",
    "InetTestBase": "setup (mixin)", "TCPTestBase": "setup (mixin) for the sendmsg/recvmsg tests",
    "UDPTestBase": "setup (mixin) for the sendmsg/recvmsg tests", "Inet6TestBase": "setup (mixin)",
    "UDP6TestBase": (
        "setup (mixin) for the sendmsg/recvmsg tests; plain UDP over IPv6 is covered by "
        "`BasicUDPTest.*[IPv6]`, `UDPTimeoutTest.*[IPv6]`"),
    "NetworkConnectionTest": "setup: the client made by `create_connection` (see BasicTCPTest2)",
    "BasicTCPTest2": (
        "every BasicTCPTest case again with `create_connection`'s client: "
        "`BasicTCPTest2.<method>`"),
    "LineBufferedFileObjectClassTestCase": (
        "every FileObjectClassTestCase case with bufsize 1: "
        "`LineBufferedFileObjectClassTestCase.<method>`"),
    "SmallBufferedFileObjectClassTestCase": (
        "every FileObjectClassTestCase case with bufsize 2: "
        "`SmallBufferedFileObjectClassTestCase.<method>`"),
    "UnicodeReadFileObjectClassTestCase": (
        "every FileObjectClassTestCase case, read side text (`'r'`): "
        "`UnicodeReadFileObjectClassTestCase.<method>`"),
    "UnicodeWriteFileObjectClassTestCase": (
        "every FileObjectClassTestCase case, write side text (`'w'`): "
        "`UnicodeWriteFileObjectClassTestCase.<method>`"),
    "UnicodeReadWriteFileObjectClassTestCase": (
        "every FileObjectClassTestCase case, both sides text: "
        "`UnicodeReadWriteFileObjectClassTestCase.<method>`"),
    "SendfileUsingSendfileTest": "covered by test/sendfile.test.js (as SendfileUsingSendTest)",
}
FAMILY_CLASSES = {
    "SocketCANTest": "CAN", "ThreadedCANSocketTest": "CAN", "BasicCANTest": "CAN", "CANTest": "CAN",
    "ISOTPTest": "CAN (ISO-TP)", "J1939Test": "CAN (J1939)",
    "SocketRDSTest": "RDS", "ThreadedRDSSocketTest": "RDS", "BasicRDSTest": "RDS", "RDSTest": "RDS",
    "BasicQIPCRTRTest": "AF_QIPCRTR", "BasicVSOCKTest": "AF_VSOCK",
    "ThreadedVSOCKSocketStreamTest": "AF_VSOCK",
    "BasicBluetoothTest": "Bluetooth", "TIPCTest": "TIPC", "TIPCThreadableTest": "TIPC",
    "LinuxKernelCryptoAPI": "AF_ALG",
}
UDPLITE = NA + ("UDP-Lite: Node has no UDP-Lite sockets "
                 "(`socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)` raises `OSError [Errno 93]`)")
SCTP = NA + "SCTP: Node has no SCTP sockets (`IPPROTO_SCTP` raises `OSError [Errno 93]`)"
MSG = "sendmsg/recvmsg: covered by the helper implementing them (another branch), not here"
RIGHTS = NA + ("SCM_RIGHTS descriptor passing: Node cannot send or receive ancillary data "
                "(`send_fds`/`recv_fds` are left out, README)")

def class_default(name):
    if name in FAMILY_CLASSES: return FAM % FAMILY_CLASSES[name]
    if "UDPLITE" in name: return UDPLITE
    if "SCTP" in name: return SCTP
    if "SCMRights" in name or name == "SendRecvFdsTests": return RIGHTS
    if name == "CmsgMacroTests":
        return ("covered by test/module_names.test.js (CMSG_LEN/CMSG_SPACE answers recorded by "
                "scripts/record_module_names.py)")
    if "msg" in name.lower() or "RFC3542" in name or name in ("RecvmsgIntoMixin",): return MSG
    if name.startswith("Interrupted"):
        return NA + "signals/EINTR: JavaScript has no signal handlers that interrupt a call"
    if name in ("TestSocketSharing", "TestMSWindowsTCPFlags"): return NA + "Windows only"
    if name == "TestMacOSTCPFlags": return NA + "macOS only"
    if name == "SendfileUsingSendTest":
        return ("covered by test/sendfile.test.js (scripts/record_sendfile.py: regular, empty and "
                "non-regular files, offset, count, non-blocking, timeout, errors)")
    return None

METHOD = {
    "GeneralModuleTests.test_SocketType_is_socketobject": NA + (
        "`_socket` (the C module) has no JS counterpart; `SocketType` is exported "
        "(test/module_names.test.js)"),
    "GeneralModuleTests.test_csocket_repr": NA + "`_socket.socket` has no JS counterpart",
    "GeneralModuleTests.test_weakref": NA + "weakref.proxy and garbage collection of sockets",
    "GeneralModuleTests.testSocketError": (
        "covered by every recorded error: the replay checks the JS error is an instance of "
        "each class of its Python MRO (`TestExceptions.testExceptionTree`)"),
    "GeneralModuleTests.testCrucialIpProtoConstants": "`GeneralModuleTests.testCrucialConstants`",
    "GeneralModuleTests.testWindowsSpecificConstants": NA + "Windows only",
    "GeneralModuleTests.test_socket_methods": (
        "covered implicitly: every method it names except the private `_accept` is called by "
        "the cases here"),
    "GeneralModuleTests.test3542SocketOptions": NA + "macOS only",
    "GeneralModuleTests.testHostnameRes": (
        "covered by test/resolve.test.js (gethostname, gethostbyname, gethostbyaddr, getfqdn:"
        " answers depend on the machine, recorded with it)"),
    "GeneralModuleTests.test_host_resolution_bad_address": (
        "not recorded: these names go to the DNS resolver, whose answer (EAI_NONAME, "
        "EAI_AGAIN) depends on the network"),
    "GeneralModuleTests.test_sethostname": NA + (
        "`sethostname` is left out (needs CAP_SYS_ADMIN and renames the machine; README)"),
    "GeneralModuleTests.testInterfaceNameIndex": NA + (
        "`if_nameindex` is left out (Node exposes no interface indexes; README)"),
    "GeneralModuleTests.testInvalidInterfaceIndexToName": NA + (
        "`if_indextoname` is left out (README)"),
    "GeneralModuleTests.testInvalidInterfaceNameToIndex": NA + (
        "`if_nametoindex` is left out (README)"),
    "GeneralModuleTests.test_sock_ioctl": NA + "Windows only",
    "GeneralModuleTests.test_sio_loopback_fast_path": NA + "Windows only",
    "GeneralModuleTests.test_sendall_interrupted": NA + "signals/EINTR",
    "GeneralModuleTests.test_sendall_interrupted_with_timeout": NA + "signals/EINTR",
    "GeneralModuleTests.test_dealloc_warn": NA + (
        "ResourceWarning when the garbage collector finalizes an open socket"),
    "GeneralModuleTests.test_pickle": NA + "pickling",
    "GeneralModuleTests.test_getfqdn_filter_localhost": (
        "covered by test/resolve.test.js (getfqdn answers depend on the machine)"),
    "GeneralModuleTests.test_getaddrinfo_ipv6_scopeid_symbolic": NA + (
        "needs `if_nameindex` (left out)"),
    "GeneralModuleTests.test_getnameinfo_ipv6_scopeid_symbolic": NA + (
        "needs `if_nameindex` (left out)"),
    "GeneralModuleTests.test_str_for_enums": NA + (
        "`family`/`type` are numbers in JS (API.md); `AddressFamily`/`SocketKind` map names "
        "(test/module_names.test.js)"),
    "GeneralModuleTests.test_unknown_socket_family_repr": NA + (
        "patches the C socket's methods with unittest.mock"),
    "GeneralModuleTests.test__sendfile_use_sendfile": NA + "a private helper around os.sendfile",
    "GeneralModuleTests.test_socket_fileno_rejects_float": (
        "`GeneralModuleTests.test_socket_fileno_rejects`"),
    "GeneralModuleTests.test_socket_fileno_rejects_other_types": (
        "`GeneralModuleTests.test_socket_fileno_rejects`"),
    "GeneralModuleTests.test_socket_fileno_rejects_invalid_socket": (
        "`GeneralModuleTests.test_socket_fileno_rejects`"),
    "GeneralModuleTests.test_socket_fileno_rejects_negative": (
        "`GeneralModuleTests.test_socket_fileno_rejects`"),
    "GeneralModuleTests.test_socket_fileno_requires_socket_fd": NA + (
        "pysocket's fds are its own table (README): a file's descriptor is not in it"),
    "GeneralModuleTests.test_addressfamily_enum": NA + (
        "`enum._old_convert_` of the module's constants; the maps are checked by "
        "test/module_names.test.js"),
    "GeneralModuleTests.test_socketkind_enum": NA + "as test_addressfamily_enum",
    "GeneralModuleTests.test_msgflag_enum": NA + "as test_addressfamily_enum",
    "GeneralModuleTests.test_addressinfo_enum": NA + "as test_addressfamily_enum",
    "BasicTCPTest.testShutdown_overflow": (
        "`BasicTCPTest.testShutdown` (its peer makes the overflowing shutdown() calls first)"),
    "GeneralModuleTests.test_idna": (
        "its offline half: `GeneralModuleTests.test_idna[unencodable host]` (the original "
        "resolves a name through DNS)"),
    "UnbufferedFileObjectClassTestCase.testMakefileCloseSocketDestroy": NA + (
        "counts CPython references (sys.getrefcount)"),
    "TCPTimeoutTest.testInterruptedTimeout": NA + "signal.alarm",
    "NetworkConnectionNoServer.test_create_connection_timeout": NA + (
        "replaces socket.socket with a mock whose connect() raises"),
    "InheritanceTest.test_get_inheritable_cloexec": NA + "fcntl on the descriptor",
    "InheritanceTest.test_set_inheritable_cloexec": NA + "fcntl on the descriptor",
    "BufferIOTest.testRecvIntoMemoryview": (
        "as `BufferIOTest.testRecvIntoBytearray` (a memoryview, a bytearray and an array('B')"
        " are all a Uint8Array in JS)"),
    "BufferIOTest.testRecvFromIntoArray": (
        "as `BufferIOTest.testRecvFromIntoBytearray` (Uint8Array)"),
    "BufferIOTest.testRecvFromIntoMemoryview": (
        "as `BufferIOTest.testRecvFromIntoBytearray` (Uint8Array)"),
    "TestUnixDomain.testSurrogateescapeBind": NA + (
        "a path given as str with surrogate escapes: JS strings and the filesystem encoding "
        "do not have them"),
    "TestUnixDomain.testUnencodableAddr": NA + "a path the filesystem encoding cannot encode",
    "TestUnixDomain.testEmptyAddress": NA + (
        "skipped on Linux by the original (Linux autobinds: "
        "`TestLinuxAbstractNamespace.testAutobind`)"),
}

def cases_for(cls, meth):
    pre = "%s.%s" % (cls, meth)
    return [i for i in ids if i == pre or i.startswith(pre + "[")]

NOTE = {
    "GeneralModuleTests.testSendtoErrors": "the original's complex argument (5j) has no JS value",
    "GeneralModuleTests.test_host_resolution": (
        "its gethostbyaddr() half answers from /etc/hosts: test/resolve.test.js"),
    "GeneralModuleTests.testGetaddrinfo": (
        "its 'localhost' half answers from /etc/hosts: test/resolve.test.js; the enum reprs "
        "of family and type do not apply (numbers in JS)"),
    "GeneralModuleTests.testRefCountGetNameInfo": "the reference count itself does not apply",
    "UnbufferedFileObjectClassTestCase.testWriteNonBlocking": (
        "the byte counts depend on the kernel's buffers: the harness's write_until_full() "
        "makes the original's checks"),
    "TestLinuxAbstractNamespace.testAutobind": "the name is random: recorded as its shape",
}


def status(cls, meth):
    st = base_status(cls, meth)
    note = NOTE.get("%s.%s" % (cls, meth))
    return "%s (%s)" % (st, note) if note else st


def base_status(cls, meth):
    found = cases_for(cls, meth)
    key = "%s.%s" % (cls, meth)
    if found:
        failing = [i for i in found if i in known]
        passing = [i for i in found if i not in known]
        parts = []
        if passing:
            parts.append("covered: " + ", ".join("`%s`" % i for i in passing))
        if failing:
            parts.append("**FAILING** on pysocket today: "
                         + "; ".join("`%s` (%s)" % (i, known[i]) for i in failing))
        return ". ".join(parts)
    if METHOD.get(key):
        return METHOD[key]
    d = class_default(cls)
    if d:
        return d
    sys.exit("%s.%s: no case and no reason" % (cls, meth))

out = []
out.append("""# CPython 3.11's test_socket.py, and what covers it here

Every test class and method of CPython %s's `Lib/test/test_socket.py`, and what pysocket's
tests do with it (written by `scripts/test_socket_coverage.py`). The cases are its inputs and
CPython's answers (not its code): recorded by `scripts/record_test_socket.py` into
`test/fixtures/test_socket_cases.json` and replayed on both facades (`pysocket` and
`pysocket/sync`) by `test/test_socket_cases.test.js`, with the original's client thread as a
worker_thread running `pysocket/sync` (`test/helpers/peer.js`). A case id is
`Class.method`, with `[variant]` where one method gives several cases.

- **covered**: the case(s) named pass on both facades.
- **FAILING**: recorded, and pysocket answers differently today; the case is in the test's
  `KNOWN_DIFFERENCES` list, which checks that it still differs (so a fix makes it fail until the
  entry is removed), or, where pysocket's answer depends on thread timing on one facade, in its
  `TIMING_DEPENDENT` list: not run there, as it would make the test flaky.
- **not applicable**: what JavaScript or Node cannot have, with the reason.

Where the original waits with `select()`, the `[select]` variants do too, and the others wait
on a socket instead (a blocking `recv(n, MSG_PEEK)` for "readable"); where it waits for an
`Event`, the case waits for a byte from the other side; where it sleeps to make a timeout fire,
the case simply does not answer. Timeouts that must not fire are generous (10-30 s) and
timeouts that must fire are short (0.3 s): the semantics are the original's. Unix socket paths are relative names in a fresh temporary directory.
""" % fixture["python"])

counts = {"covered": 0, "FAILING": 0, "na": 0, "other": 0}
for cls, bases, meths in classes:
    out.append("\n## %s\n" % cls)
    note = CLASS_NOTE.get(cls)
    if not meths and not any(i.startswith(cls + ".") for i in ids):
        d = note or class_default(cls)
        if not d:
            sys.exit("%s: no case and no reason" % cls)
        out.append(d + "\n")
        continue
    if note:
        out.append(note + "\n")
    out.append("| method | status |\n| --- | --- |")
    inherited = []
    for i in ids:
        if i.startswith(cls + "."):
            m = i[len(cls) + 1:].split("[")[0]
            if m not in meths and m not in inherited:
                inherited.append(m)
    for meth in meths + inherited:
        st = status(cls, meth)
        if "**FAILING" in st: counts["FAILING"] += 1
        elif st.startswith(("covered", "`", "as `", "its offline")):
            counts["covered"] += 1
        elif "**FAILING" in st: counts["FAILING"] += 1
        elif st.startswith(NA): counts["na"] += 1
        else: counts["other"] += 1
        out.append("| %s%s | %s |" % (meth, "" if meth in meths else " (inherited)", st))
    out.append("")
out.append("\n## Cases beyond the methods\n")
listed = set()
for cls, bases, meths in classes:
    listed.update(i for i in ids if i.startswith(cls + "."))
for v in METHOD.values():
    listed.update(re.findall(r"`([^`]+)`", v or ""))
extra = [i for i in ids if i not in listed]
out.append("Recorded cases not named after one method of the list above: "
           + ", ".join("`%s`" % i for i in extra) + ".\n" if extra else "None.\n")
with open(os.path.join(ROOT, "docs", "TEST_SOCKET_COVERAGE.md"), "w") as f:
    f.write("\n".join(out))
print("docs/TEST_SOCKET_COVERAGE.md: %(covered)d covered, %(FAILING)d failing, "
      "%(na)d not applicable, %(other)d for sendmsg/recvmsg or setup" % counts)
