"""test_socket.py's module-level and single-thread cases: GeneralModuleTests, TestExceptions,
TestLinuxAbstractNamespace, TestUnixDomain, InheritanceTest, NonblockConstantTest, CreateServerTest.
Recorded by scripts/record_test_socket.py."""
import socket

from test_socket_steps import (C, HOST, HOSTv6, INT_MAX, KW, R, SHORT, call, case, free_port, get,
                               m, op, value)


# --- GeneralModuleTests -------------------------------------------------------------------------

case("GeneralModuleTests.test_repr", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    op("repr", "s"),
    m("s", "bind", (HOST, 0)),
    op("repr", "s"),
    m("s", "getsockname"),
    m("s", "close"),
    op("repr", "s"),
])

case("GeneralModuleTests.testSendtoErrors", [
    call("socket", C("AF_INET"), C("SOCK_DGRAM"), store="s"),
    m("s", "bind", ("", 0)),
    m("s", "getsockname", store="sockname"),
    m("s", "sendto", "\u2620", R("sockname")),
    m("s", "sendto", b"foo", None),
    m("s", "sendto", "\u2620", 0, R("sockname")),
    m("s", "sendto", b"foo", 0, None),
    m("s", "sendto", b"foo", "bar", R("sockname")),
    m("s", "sendto", b"foo", None, None),
    m("s", "sendto", b"foo"),
    m("s", "sendto", b"foo", 0, R("sockname"), 4),
])

case("GeneralModuleTests.testCrucialConstants", [value(C(n)) for n in (
    "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET",
    "SOL_SOCKET", "SO_REUSEADDR", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IPV6", "has_ipv6")])

case("GeneralModuleTests.test_host_resolution", [
    call("gethostbyname", a) for a in (HOST, "10.0.0.1", "255.255.255.255")])

NTOH_INPUTS = (0, 1, 0xffff, ~0xffff, 2, 0x01234567, 0x76543210)
steps = []
for fn, size in (("htonl", 32), ("ntohl", 32), ("htons", 16), ("ntohs", 16)):
    mask = (1 << size) - 1
    steps += [call(fn, i & mask) for i in NTOH_INPUTS]
    steps += [call(fn, mask), call(fn, 1 << 34)]
case("GeneralModuleTests.testNtoH", steps)

s_good = [0, 1, 2, 0xffff]
l_good = s_good + [0xffffffff]
l_bad = [-1, -2, 1 << 32, 1 << 1000]
s_bad = l_bad + [-INT_MAX - 2, INT_MAX + 1, 1 << 16, INT_MAX]
case("GeneralModuleTests.testNtoHErrors",
     [call(f, k) for k in s_good for f in ("ntohs", "htons")]
     + [call(f, k) for k in l_good for f in ("ntohl", "htonl")]
     + [call(f, k) for k in s_bad for f in ("ntohs", "htons")]
     + [call(f, k) for k in l_bad for f in ("ntohl", "htonl")])

case("GeneralModuleTests.testGetServBy", [
    call("getservbyname", "daytime", "tcp"),
    call("getservbyname", "daytime"),
    call("getservbyname", "daytime", "udp"),
    call("getservbyport", 13),
    call("getservbyport", 13, "tcp"),
    call("getservbyport", 13, "udp"),
    call("getservbyport", -1),
    call("getservbyport", 65536),
])

case("GeneralModuleTests.testDefaultTimeout", [
    call("getdefaulttimeout"),
    call("socket", store="s1"),
    m("s1", "gettimeout"),
    call("setdefaulttimeout", 10),
    call("getdefaulttimeout"),
    call("socket", store="s2"),
    m("s2", "gettimeout"),
    call("setdefaulttimeout", None),
    call("getdefaulttimeout"),
    call("socket", store="s3"),
    m("s3", "gettimeout"),
    call("setdefaulttimeout", -1),
    call("setdefaulttimeout", "spam"),
])

case("GeneralModuleTests.testIPv4_inet_aton_fourbytes", [
    call("inet_aton", "0.0.0.0"), call("inet_aton", "255.255.255.255")])

IPV4_GOOD = ("0.0.0.0", "255.0.255.0", "170.170.170.170", "1.2.3.4", "255.255.255.255")
IPV4_BAD = ("0.0.0.", "300.0.0.0", "a.0.0.0", "1.2.3.4.5", "::1")
case("GeneralModuleTests.testIPv4toString",
     [call("inet_aton", a) for a in IPV4_GOOD + IPV4_BAD]
     + [call("inet_pton", C("AF_INET"), a) for a in IPV4_GOOD + IPV4_BAD])

case("GeneralModuleTests.testIPv6toString", [call("inet_pton", C("AF_INET6"), a) for a in (
    "::", "0::0", "1::", "45ef:76cb:1a:56ef:afeb:bac:1924:aeae", "ad42:abc::127:0:254:2", "12:a::",
    "0x20::", ":::", "::0::", "1::abc::", "1::abc::def", "1:2:3:4:5:6", "1:2:3:4:5:6:",
    "1:2:3:4:5:6:7:8:0", "1:2:3:4:5:6:7:8:", "::254.42.23.64", "42::a29b:254.42.23.64",
    "42:a8b9:0:2:ffff:a29b:254.42.23.64", "255.254.253.252", "1::260.2.3.0", "1::0.be.e.0",
    "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:0", "0.100.200.0:3:4:5:6:7:8")])

IPV4_PACKED = (b"\x01\x00\x01\x00", b"\xaa\x55\xaa\x55", b"\xff\xff\xff\xff", b"\x01\x02\x03\x04",
               b"\x00" * 3, b"\x00" * 5, b"\x00" * 16)
case("GeneralModuleTests.testStringToIPv4",
     [call("inet_ntoa", b) for b in IPV4_PACKED]
     + [call("inet_ntop", C("AF_INET"), b) for b in IPV4_PACKED])

case("GeneralModuleTests.testStringToIPv6", [call("inet_ntop", C("AF_INET6"), b) for b in (
    b"\x00" * 16, b"\x00" * 15 + b"\x01",
    b"\x0a\xef\x0b\x01\x05\x06\x10\x01\xff\xff\x99\x97\x00\x55\x01\x70",
    b"\x12" * 15, b"\x12" * 17, b"\x12" * 4)])

case("GeneralModuleTests.testSockName", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", ("0.0.0.0", 0)),
    m("s", "getsockname"),
])

case("GeneralModuleTests.testGetSockOpt", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR")),
])

case("GeneralModuleTests.testSetSockOpt", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "setsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR"), 1),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEADDR")),
])

case("GeneralModuleTests.testSendAfterClose", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "settimeout", 1),
    m("s", "close"),
    m("s", "send", b"spam"),
])

case("GeneralModuleTests.testCloseException", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 0)),
    m("s", "fileno", store="fd"),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), 0, R("fd"), store="s2"),
    m("s2", "close"),
    m("s", "close"),
])

case("GeneralModuleTests.testNewAttributes", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    get("s", "family"), get("s", "type"), get("s", "proto"),
])

case("GeneralModuleTests.test_getsockaddrarg", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 40000 + 65536)),
    m("s", "bind", (HOST, 40000 - 65536)),
    m("s", "bind", (HOST, 0)),
])

# testGetaddrinfo without 'localhost' (its answers come from the machine's /etc/hosts: see
# test/resolve.test.js, which records them with the machine they hold for).
case("GeneralModuleTests.testGetaddrinfo", [
    call("getaddrinfo", HOST, None),
    call("getaddrinfo", HOST, 80),
    call("getaddrinfo", None, 80),
    call("getaddrinfo", HOSTv6, 80),
    call("getaddrinfo", HOST, "http"),
    call("getaddrinfo", HOST, 80, C("AF_INET"), C("SOCK_STREAM")),
    call("getaddrinfo", HOST, None, 0, C("SOCK_STREAM")),
    call("getaddrinfo", HOST, None, 0, 0, C("SOL_TCP")),
    call("getaddrinfo", HOST, None, 0, 0, 0, C("AI_PASSIVE")),
    call("getaddrinfo", None, 0, C("AF_UNSPEC"), C("SOCK_STREAM"), 0, C("AI_PASSIVE")),
    call("getaddrinfo", "localhost", "\ud800"),
])
case("GeneralModuleTests.testGetaddrinfo[keywords]", [
    call("getaddrinfo", KW(host=HOST, port=None)),
    call("getaddrinfo", HOST, None, KW(family=C("AF_INET"))),
    call("getaddrinfo", HOST, None, KW(type=C("SOCK_STREAM"))),
    call("getaddrinfo", HOST, None, KW(proto=C("SOL_TCP"))),
    call("getaddrinfo", HOST, None, KW(flags=C("AI_PASSIVE"))),
    call("getaddrinfo", KW(host=None, port=0, family=C("AF_UNSPEC"), type=C("SOCK_STREAM"),
                           proto=0, flags=C("AI_PASSIVE"))),
])
# test_idna needs the network; its offline half: a host the idna codec cannot encode.
case("GeneralModuleTests.test_idna[unencodable host]", [
    call("getaddrinfo", "\ud800", 80),
])
case("GeneralModuleTests.testInterpreterCrash", [call("getnameinfo", ("x", 0, 0, 0), 0)])
case("GeneralModuleTests.testRefCountGetNameInfo", [call("getnameinfo", "test_socket", 0)])

case("GeneralModuleTests.test_getnameinfo", [
    call("getnameinfo", ("mail.python.org", 0), 0)])

case("GeneralModuleTests.test_name_closed_socketio", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="s"),
    m("s", "makefile", "rb", store="f"),
    m("f", "close"),
    op("repr", "f"),
])

case("GeneralModuleTests.test_unusable_closed_socketio", [
    call("socket", store="s"),
    m("s", "makefile", "rb", KW(buffering=0), store="f"),
    m("f", "readable"), m("f", "writable"), m("f", "seekable"),
    m("f", "close"),
    m("f", "readable"), m("f", "writable"), m("f", "seekable"),
])

case("GeneralModuleTests.test_socket_close", [
    call("socket", store="s"),
    m("s", "bind", (HOST, 0)),
    m("s", "fileno", store="fd"),
    call("close", R("fd")),
    m("s", "listen", 1),
    m("s", "close"),
    call("close", None),
    call("close", -1),
])

steps = [call("socket", store="s")]
for mode in ("r", "rb", "rw", "w", "wb"):
    f = "f_" + mode
    steps += [m("s", "makefile", mode, KW(encoding=None if "b" in mode else "utf-8"), store=f),
              get(f, "mode"), m(f, "close")]
case("GeneralModuleTests.test_makefile_mode", steps)

case("GeneralModuleTests.test_makefile_invalid_mode", [call("socket", store="s")] + [
    m("s", "makefile", mode) for mode in ("rt", "x", "+", "a")])

steps = []
for i, backlog in enumerate((0, -1, None)):
    s = "srv%d" % i
    steps += [call("socket", C("AF_INET"), C("SOCK_STREAM"), store=s), m(s, "bind", (HOST, 0)),
              m(s, "listen") if backlog is None else m(s, "listen", backlog)]
case("GeneralModuleTests.test_listen_backlog", steps)

case("GeneralModuleTests.test_listen_backlog_overflow", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), store="srv"),
    m("srv", "bind", (HOST, 0)),
    m("srv", "listen", INT_MAX + 1),
])

case("GeneralModuleTests.test_flowinfo", [
    call("getnameinfo", (HOSTv6, 0, 0xffffffff), 0),
    call("socket", C("AF_INET6"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", (HOSTv6, 0, -10)),
])

case("GeneralModuleTests.test_getaddrinfo_ipv6_basic", [
    call("getaddrinfo", "ff02::1de:c0:face:8D", 1234, C("AF_INET6"), C("SOCK_DGRAM"),
         C("IPPROTO_UDP"))])

case("GeneralModuleTests.test_getaddrinfo_ipv6_scopeid_numeric", [
    call("getaddrinfo", "ff02::1de:c0:face:8D%42", 1234, C("AF_INET6"), C("SOCK_DGRAM"),
         C("IPPROTO_UDP"))])

case("GeneralModuleTests.test_getnameinfo_ipv6_scopeid_numeric", [
    call("getnameinfo", ("ff02::1de:c0:face:8D", 1234, 0, 42), C("NI_NUMERICHOST")),
    value(C("NI_NUMERICSERV")),
])

# SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, spelled as the number (JS has no int | on consts).
steps = [call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK
              | socket.SOCK_CLOEXEC, store="s"), get("s", "type")]
for how in (("settimeout", 1), ("settimeout", 0), ("setblocking", True), ("setblocking", False)):
    steps += [m("s", *how), get("s", "type")]
case("GeneralModuleTests.test_socket_consistent_sock_type", steps)

for fam, typ, bind in (("AF_INET", "SOCK_STREAM", (HOST, 0)), ("AF_INET", "SOCK_DGRAM", (HOST, 0)),
                       ("AF_INET6", "SOCK_STREAM", (HOSTv6, 0, 0, 0)),
                       ("AF_UNIX", "SOCK_STREAM", "fileno_unix_sock")):
    case("GeneralModuleTests.test_socket_fileno[%s,%s]" % (fam, typ), [
        call("socket", C(fam), C(typ), store="s"),
        m("s", "bind", bind),
        get("s", "family"), get("s", "type"),
        m("s", "fileno", store="fd"),
        call("socket", KW(fileno=R("fd")), store="s2"),
        m("s", "detach"),
        get("s2", "family"), get("s2", "type"), m("s2", "fileno"), m("s2", "getsockname"),
    ])

case("GeneralModuleTests.test_socket_fileno_rejects", [
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=42.5)),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno="foo")),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=-1)),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=-42)),
])

case("GeneralModuleTests.test_socket_fileno_requires_valid_fd", [
    call("socket", store="s"),
    m("s", "fileno", store="fd"),
    m("s", "close"),
    call("socket", KW(fileno=R("fd"))),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=R("fd"))),
])

# --- TestExceptions ------------------------------------------------------------------------------

case("TestExceptions.test_setblocking_invalidfd", [
    call("socket", store="s0"),
    m("s0", "fileno", store="fd"),
    call("socket", C("AF_INET"), C("SOCK_STREAM"), 0, R("fd"), store="s"),
    m("s0", "close"),
    m("s", "setblocking", False),
])

# testExceptionTree: every recorded error carries its Python MRO, which the replay checks
# against the JS classes; these raise the classes the original names.
case("TestExceptions.testExceptionTree", [
    call("issubclass", C("herror"), C("OSError")),
    call("issubclass", C("gaierror"), C("OSError")),
    call("issubclass", C("timeout"), C("OSError")),
    call("same", C("error"), C("OSError")),
    call("same", C("timeout"), C("TimeoutError")),
    call("getaddrinfo", "", 80, 0, 0, 0, C("AI_NUMERICHOST")),
    call("socket", store="s"),
    m("s", "settimeout", SHORT),
    m("s", "bind", (HOST, 0)),
    m("s", "listen"),
    m("s", "accept"),
])

# --- TestLinuxAbstractNamespace, TestUnixDomain --------------------------------------------------

ABSTRACT = b"\x00pysocket-test-hello\x00\xff"
case("TestLinuxAbstractNamespace.testLinuxAbstractNamespace", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s1"),
    m("s1", "bind", ABSTRACT), m("s1", "listen"),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s2"),
    m("s1", "getsockname", store="name"),
    m("s2", "connect", R("name")),
    m("s1", "accept", store=["s3", "a3"]),
    m("s1", "getsockname"), m("s2", "getpeername")])
case("TestLinuxAbstractNamespace.testMaxName", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", b"\x00" + b"p" * 107), m("s", "getsockname")])
case("TestLinuxAbstractNamespace.testNameOverflow", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "\x00" + "p" * 108)])
case("TestLinuxAbstractNamespace.testStrName", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "\x00pysocket\x00test\x00"), m("s", "getsockname")])
case("TestLinuxAbstractNamespace.testBytearrayName", [
    op("bytes", None, b"\x00pysocket\x00test2\x00", store="name"),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", R("name")), m("s", "getsockname")])

# testAutobind: the name is random; its shape is recorded.
case("TestLinuxAbstractNamespace.testAutobind", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s1"),
    m("s1", "bind", ""),
    dict(m("s1", "getsockname"), expect={"regex": "^\\x00[0-9a-f]{5}$"}),
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s2"),
    m("s2", "bind", ""),
    dict(m("s2", "getsockname"), expect={"regex": "^\\x00[0-9a-f]{5}$"})])

case("TestUnixDomain.testUnbound", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"), m("s", "getsockname")])
case("TestUnixDomain.testStrAddr", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", "unix_str_addr"), m("s", "getsockname")])
case("TestUnixDomain.testBytesAddr", [
    call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="s"),
    m("s", "bind", b"unix_bytes_addr"), m("s", "getsockname")])

# --- InheritanceTest, NonblockConstantTest -------------------------------------------------------

case("InheritanceTest.test_SOCK_CLOEXEC", [
    call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_CLOEXEC, store="s"),
    get("s", "type"), m("s", "get_inheritable")])
case("InheritanceTest.test_default_inheritable", [
    call("socket", store="s"), m("s", "get_inheritable")])
case("InheritanceTest.test_dup", [
    call("socket", store="s"), m("s", "dup", store="n"), m("s", "close"),
    m("n", "get_inheritable")])
case("InheritanceTest.test_set_inheritable", [
    call("socket", store="s"), m("s", "set_inheritable", True), m("s", "get_inheritable"),
    m("s", "set_inheritable", False), m("s", "get_inheritable")])
case("InheritanceTest.test_socketpair", [
    call("socketpair", store=["a", "b"]), m("a", "get_inheritable"), m("b", "get_inheritable")])


def check_nonblock(s):
    return [get(s, "type"), m(s, "gettimeout"), m(s, "getblocking")]


steps = [call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK, store="s")]
steps += check_nonblock("s")
for how in (("setblocking", True), ("setblocking", False), ("settimeout", None),
            ("settimeout", 2.0), ("setblocking", True)):
    steps += [m("s", *how)] + check_nonblock("s")
for i, t in enumerate((0.0, None, 2.0, None)):
    d = "d%d" % i
    steps += [call("setdefaulttimeout", t), call("socket", store=d)] + check_nonblock(d)
case("NonblockConstantTest.test_SOCK_NONBLOCK", steps)

# --- CreateServerTest, CreateServerFunctionalTest ------------------------------------------------

case("CreateServerTest.test_address", free_port() + [
    call("create_server", (HOST, R("port")), store="s"), m("s", "getsockname"), m("s", "close"),
    call("create_server", (HOSTv6, R("port")), KW(family=C("AF_INET6")), store="s6"),
    m("s6", "getsockname")])
case("CreateServerTest.test_family_and_type", [
    call("create_server", (HOST, 0), store="s"), get("s", "family"), get("s", "type"),
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6")), store="s6"),
    get("s6", "family"), get("s6", "type")])
case("CreateServerTest.test_reuse_port", [
    call("create_server", ("localhost", 0), store="s"),
    m("s", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEPORT")),
    call("create_server", ("localhost", 0), KW(reuse_port=True), store="r"),
    m("r", "getsockopt", C("SOL_SOCKET"), C("SO_REUSEPORT"))])
case("CreateServerTest.test_ipv6_only_default", [
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6")), store="s"),
    m("s", "getsockopt", C("IPPROTO_IPV6"), C("IPV6_V6ONLY"))])
case("CreateServerTest.test_dualstack_ipv6_family", [
    call("has_dualstack_ipv6"),
    call("create_server", (HOSTv6, 0), KW(family=C("AF_INET6"), dualstack_ipv6=True),
         store="s"),
    get("s", "family")])
