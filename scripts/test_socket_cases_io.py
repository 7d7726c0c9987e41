"""test_socket.py's connection cases, most with a client thread (the peer): BasicTCPTest(2),
BasicUDPTest, TCPCloserTest, BasicSocketPairTest, NonBlockingTCPTests, the FileObjectClassTestCase
variants, NetworkConnection*, ContextManagersTest, TCP/UDPTimeoutTest, BufferIOTest,
CreateServerFunctionalTest. Recorded by scripts/record_test_socket.py."""
import socket

from test_socket_steps import (C, HOST, HOSTv6, INT_MAX, KW, LONG, MSG, P, R, SHORT, UINT_MAX,
                               call, case, connected, free_port, get, join_peer, m, op,
                               sequential_pair, start_peer, tcp_server, udp_pair)


# --- BasicTCPTest (SocketConnectedTest: a client thread) -----------------------------------------

def basic_tcp(name, main, peer, family="AF_INET", host=HOST):
    m0, p0 = connected(family, host)
    case(name, m0 + main + [join_peer()], p0 + peer)
    if name.startswith("BasicTCPTest.") and family == "AF_INET":
        # BasicTCPTest2 (NetworkConnectionTest): the same, the client made by create_connection.
        p2 = [p0[0], call("create_connection", R("addr"), store="cli")]
        case(name.replace("BasicTCPTest.", "BasicTCPTest2."), m0 + main + [join_peer()], p2 + peer)


basic_tcp("BasicTCPTest.testRecv", [m("conn", "recv", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testOverFlowRecv",
          [m("conn", "recv", len(MSG) - 3), m("conn", "recv", 1024), m("conn", "recv", -1)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testRecvFrom", [m("conn", "recvfrom", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testOverFlowRecvFrom",
          [m("conn", "recvfrom", len(MSG) - 3), m("conn", "recvfrom", 1024),
           m("conn", "recvfrom", -1)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testSendAll", [op("recv_exactly", "conn", 4096)],
          [m("cli", "sendall", b"f" * 2048), m("cli", "close")])
basic_tcp("BasicTCPTest.testFromFd",
          [m("conn", "fileno", store="fd"),
           call("fromfd", R("fd"), C("AF_INET"), C("SOCK_STREAM"), store="sock"),
           get("sock", "family"), get("sock", "type"), m("sock", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testDup",
          [m("conn", "dup", store="sock"), m("sock", "recv", 1024)], [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testShutdown",
          [m("conn", "recv", 1024), m("conn", "recv", 1024)],
          [m("cli", "send", MSG), m("cli", "shutdown", INT_MAX + 1),
           m("cli", "shutdown", 2 + UINT_MAX + 1), m("cli", "shutdown", 2)])
basic_tcp("BasicTCPTest.testDetach",
          [m("conn", "fileno", store="fd"), m("conn", "detach"), m("conn", "fileno"),
           m("conn", "recv", 1024), m("conn", "close"),
           call("socket", C("AF_INET"), C("SOCK_STREAM"), KW(fileno=R("fd")), store="sock"),
           m("sock", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BasicTCPTest.testRecv[IPv6]", [m("conn", "recv", 1024)], [m("cli", "send", MSG)],
          "AF_INET6", HOSTv6)
basic_tcp("BasicTCPTest.testSendAll[IPv6]", [op("recv_exactly", "conn", 4096)],
          [m("cli", "sendall", b"f" * 2048), m("cli", "close")], "AF_INET6", HOSTv6)


# --- BasicUDPTest, BasicUDP6 ---------------------------------------------------------------------

def basic_udp(name, main, peer, family="AF_INET", host=HOST):
    m0, p0 = udp_pair(family, host)
    case(name, m0 + [start_peer(addr=R("addr"))] + main + [join_peer()], p0 + peer)


for fam, host, tag in (("AF_INET", HOST, ""), ("AF_INET6", HOSTv6, "[IPv6]")):
    basic_udp("BasicUDPTest.testSendtoAndRecv" + tag, [m("srv", "recv", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)
    basic_udp("BasicUDPTest.testRecvFrom" + tag,
              [m("srv", "recvfrom", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)
    basic_udp("BasicUDPTest.testRecvFromNegative" + tag,
              [m("srv", "recvfrom", -1), m("srv", "recv", len(MSG))],
              [m("cli", "sendto", MSG, 0, R("addr"))], fam, host)

# --- TCPCloserTest -------------------------------------------------------------------------------

case("TCPCloserTest.testClose",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "close"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr")),
      m("cli", "settimeout", LONG),
      m("cli", "recv", 1)])
case("TCPCloserTest.testClose[close twice]", sequential_pair() + [
    m("conn", "close"), m("cli", "recv", 1), m("conn", "close"), m("conn", "close")])
# As the original: select() sees the closed connection readable.
case("TCPCloserTest.testClose[select]", sequential_pair() + [
    m("conn", "close"), call("readable", R("cli"), 1.0), m("cli", "recv", 1),
    m("conn", "close"), m("conn", "close")])

# --- BasicSocketPairTest -------------------------------------------------------------------------

case("BasicSocketPairTest.testDefaults", [
    call("socketpair", store=["a", "b"]),
    get("a", "family"), get("a", "type"), get("a", "proto"),
    get("b", "family"), get("b", "type"), get("b", "proto"),
])


def pair_case(name, main, peer):
    """SocketPairTest: the peer thread gets one end of a socketpair by its fd (JS: a worker has
    its own fd table, so the peer there is a pair made on the main side and served through an
    AF_UNIX listener instead)."""
    setup = [call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="lst"),
             m("lst", "bind", "pair_" + name.split(".")[1]), m("lst", "listen"),
             start_peer(path="pair_" + name.split(".")[1]),
             m("lst", "accept", store=["serv", "x"])]
    p = [call("peer_arg", "path", store="path"),
         call("socket", C("AF_UNIX"), C("SOCK_STREAM"), store="cli"),
         m("cli", "connect", R("path"))]
    case(name, setup + main + [join_peer()], p + peer)


pair_case("BasicSocketPairTest.testRecv", [m("serv", "recv", 1024)], [m("cli", "send", MSG)])
pair_case("BasicSocketPairTest.testSend", [m("serv", "send", MSG)], [m("cli", "recv", 1024)])
case("BasicSocketPairTest.testRecv[socketpair]", [
    call("socketpair", store=["a", "b"]), m("b", "send", MSG), m("a", "recv", 1024),
    m("a", "send", MSG), m("b", "recv", 1024)])

# The same in one thread with the receiver non-blocking: Linux delivers inside send(), so the
# bytes are there when it returns (the original's select()-based checks rely on it).
case("BasicSocketPairTest.testRecv[socketpair, non-blocking receiver]", [
    call("socketpair", store=["a", "b"]), m("a", "setblocking", False),
    m("a", "recv", 1024), m("b", "send", MSG), m("a", "recv", 1024), m("a", "recv", 1024)])
case("BasicTCPTest.testRecv[same thread, non-blocking receiver]", sequential_pair() + [
    m("conn", "setblocking", False), m("conn", "recv", 1024), m("cli", "send", MSG),
    m("conn", "recv", 1024), m("conn", "recv", 1024), m("cli", "close"), m("conn", "recv", 1024)])

# --- NonBlockingTCPTests -------------------------------------------------------------------------

case("NonBlockingTCPTests.testSetBlocking", [
    call("socket", store="srv"),
    m("srv", "setblocking", True), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "setblocking", False), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", None), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 0), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 10), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "settimeout", 0), m("srv", "gettimeout"), m("srv", "getblocking"),
])
case("NonBlockingTCPTests.testSetBlocking_overflow", [
    call("socket", store="srv"),
    m("srv", "setblocking", False), m("srv", "gettimeout"), m("srv", "getblocking"),
    m("srv", "setblocking", UINT_MAX + 1), m("srv", "gettimeout"), m("srv", "getblocking"),
])
case("NonBlockingTCPTests.testInitNonBlocking", [
    call("socket", C("AF_INET"), socket.SOCK_STREAM | socket.SOCK_NONBLOCK, store="srv"),
    m("srv", "gettimeout"), m("srv", "getblocking"), get("srv", "type"),
])
for default, name in ((None, "testInheritFlagsBlocking"), (20.0, "testInheritFlagsTimeout")):
    case("NonBlockingTCPTests." + name,
         [call("setdefaulttimeout", default)] + tcp_server()
         + [m("srv", "settimeout", 10), start_peer(addr=R("addr")),
            m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout"), join_peer()],
         [call("peer_arg", "addr", store="addr"),
          call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
          m("cli", "connect", R("addr"))])
# select() waits for the listener to be readable; the peer's connect() has returned, so the
# connection is in the accept queue.
case("NonBlockingTCPTests.testAccept",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     start_peer(addr=R("addr")),
                     m("srv", "settimeout", LONG), m("srv", "accept", store=["conn", "caddr"]),
                     m("conn", "gettimeout"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr"))])
# As the original: select() waits until the listener is readable, then accept() does not block.
case("NonBlockingTCPTests.testAccept[select]",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     start_peer(addr=R("addr")), call("readable", R("srv"), LONG),
                     m("srv", "accept", store=["conn", "caddr"]),
                     m("conn", "gettimeout"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr"))])
case("NonBlockingTCPTests.testAccept[nonblocking after connect]",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
                     m("cli", "connect", R("addr")),
                     m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout")])
# The original's select() returns at once here: once the peer's connect() has returned, Linux
# has queued the connection, and once its sendall() has returned, the bytes are in conn's queue.
case("NonBlockingTCPTests.testAccept[after the peer's connect returned]",
     tcp_server() + [m("srv", "setblocking", False), m("srv", "accept"),
                     start_peer(addr=R("addr")), call("join_peer_sync"),
                     m("srv", "accept", store=["conn", "caddr"]), m("conn", "gettimeout"),
                     m("conn", "recv", 1024)],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr"))])
case("NonBlockingTCPTests.testRecv[after the peer's sendall returned]",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
                               m("conn", "send", b"g"), call("join_peer_sync"),
                               m("conn", "recv", len(MSG)), m("conn", "recv", len(MSG))],
     [call("peer_arg", "addr", store="addr"),
      call("socket", C("AF_INET"), C("SOCK_STREAM"), store="cli"),
      m("cli", "connect", R("addr")), m("cli", "recv", 1), m("cli", "sendall", MSG),
      m("cli", "shutdown", C("SHUT_WR"))])
basic_tcp("NonBlockingTCPTests.testRecv[select]",
          [m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
           m("conn", "send", b"g"), call("readable", R("conn"), LONG),
           m("conn", "recv", len(MSG)), m("conn", "recv", len(MSG)), m("conn", "send", b"d")],
          [m("cli", "recv", 1), m("cli", "sendall", MSG), m("cli", "recv", 1)])
# select() waits until conn is readable: a blocking MSG_PEEK receive stands for it. The peer
# waits for a byte on the connection where the original waits for an Event.
basic_tcp("NonBlockingTCPTests.testRecv",
          [m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
           m("conn", "send", b"g"),
           m("conn", "settimeout", LONG), m("conn", "recv", len(MSG), C("MSG_PEEK")),
           m("conn", "setblocking", False), m("conn", "recv", len(MSG)),
           m("conn", "recv", len(MSG)), m("conn", "send", b"d")],
          [m("cli", "recv", 1), m("cli", "sendall", MSG), m("cli", "recv", 1)])

# --- FileObjectClassTestCase and its variants ----------------------------------------------------

FILE_VARIANTS = [
    # (class, bufsize, read_mode, read_msg, write_mode, write_msg, newline)
    ("FileObjectClassTestCase", -1, "rb", MSG, "wb", MSG, None),
    ("UnbufferedFileObjectClassTestCase", 0, "rb", MSG, "wb", MSG, None),
    ("LineBufferedFileObjectClassTestCase", 1, "rb", MSG, "wb", MSG, None),
    ("SmallBufferedFileObjectClassTestCase", 2, "rb", MSG, "wb", MSG, None),
    ("UnicodeReadFileObjectClassTestCase", -1, "r", MSG.decode(), "wb", MSG, ""),
    ("UnicodeWriteFileObjectClassTestCase", -1, "rb", MSG, "w", MSG.decode(), ""),
    ("UnicodeReadWriteFileObjectClassTestCase", -1, "r", MSG.decode(), "w", MSG.decode(), ""),
]


def file_case(name, main, peer, variant):
    """FileObjectClassTestCase: read_file on the accepted conn, write_file on the peer's cli."""
    cls, bufsize, rmode, rmsg, wmode, wmsg, newline = variant
    kw = dict(encoding="utf-8", errors="strict", newline=newline)
    m0, p0 = connected()
    m0 = m0 + [m("conn", "makefile", rmode, bufsize, KW(**kw), store="read_file")]
    p0 = p0 + [m("cli", "makefile", wmode, bufsize, KW(**kw), store="write_file")]
    # tearDown: each side closes its file and checks it is closed.
    case("%s.%s" % (cls, name),
         m0 + main + [m("read_file", "close"), get("read_file", "closed"), join_peer()],
         p0 + peer + [m("write_file", "close"), get("write_file", "closed")])


def write_flush(msg):
    return [m("write_file", "write", msg), m("write_file", "flush")]


for v in FILE_VARIANTS:
    cls, bufsize, rmode, rmsg, wmode, wmsg, newline = v
    n = len(rmsg)
    # testReadAfterTimeout: the peer waits (for the main's byte) until the main has finished. The
    # main first waits for the 3 bytes (a blocking peek), so that only the 4th read can time out.
    file_case("testReadAfterTimeout",
              [m("conn", "recv", 3, C("MSG_PEEK")),
               m("conn", "settimeout", SHORT), m("read_file", "read", 3),
               m("read_file", "read", 1), m("read_file", "read", 1), m("conn", "send", b"x")],
              write_flush(wmsg[0:3]) + [m("cli", "recv", 1)], v)
    file_case("testSmallRead", [m("read_file", "read", n - 3), m("read_file", "read", 3)],
              write_flush(wmsg), v)
    file_case("testFullRead", [m("read_file", "read")],
              [m("write_file", "write", wmsg), m("write_file", "close"), m("cli", "close")], v)
    file_case("testUnbufferedRead",
              [m("read_file", "read", 1) for _ in range(n)] + [m("conn", "send", b"x"),
                                                               m("read_file", "read", 1)],
              write_flush(wmsg) + [m("cli", "recv", 1), m("cli", "close")], v)
    file_case("testReadline", [m("read_file", "readline")], write_flush(wmsg), v)
    file_case("testCloseAfterMakefile", [m("conn", "close"), m("read_file", "read")],
              [m("write_file", "write", wmsg), m("write_file", "close"), m("cli", "close")], v)
    file_case("testMakefileAfterMakefileClose",
              [m("read_file", "close"), op("recv_exactly", "conn", len(MSG))],
              write_flush(wmsg), v)
    file_case("testClosedAttr", [get("read_file", "closed")], [get("write_file", "closed")], v)
    # name is the fd: fd numbers differ between runs, so it is checked as the file's fileno(),
    # numbered as every fd result is.
    file_case("testAttributes",
              [get("read_file", "mode"), m("read_file", "fileno"), m("conn", "fileno")],
              [get("write_file", "mode"), m("write_file", "fileno"), m("cli", "fileno")], v)
    file_case("testRealClose",
              [m("read_file", "close"), m("read_file", "fileno"), m("conn", "close"),
               m("conn", "getsockname")], [], v)

UNBUF = FILE_VARIANTS[1]
file_case("testUnbufferedReadline",
          [m("read_file", "readline"),
           m("conn", "makefile", "rb", 0, store="read_file2"),
           m("read_file2", "readline"), m("read_file2", "close")],
          write_flush(b"A. " + MSG + b"B. " + MSG), UNBUF)
file_case("testMakefileClose",
          [m("conn", "close"), m("conn", "recv", 1024), m("read_file", "close"),
           m("conn", "recv", 1024)],
          write_flush(MSG), UNBUF)
# The peer writes only once the main has seen reads fail (it waits for the main's byte), and
# keeps its end open until the main is done (a second byte).
file_case("testSmallReadNonBlocking",
          [m("conn", "setblocking", False),
           op("bytearray", None, 10, store="b10"), m("read_file", "readinto", R("b10")),
           m("read_file", "read", len(MSG) - 3),
           m("conn", "send", b"g"),
           m("conn", "settimeout", LONG), m("conn", "recv", len(MSG), C("MSG_PEEK")),
           m("conn", "setblocking", False),
           m("read_file", "read", len(MSG) - 3),
           m("read_file", "readinto", R("b10")), op("bytes", None, R("b10")),
           op("bytearray", None, 16, store="b16"), m("read_file", "readinto", R("b16")),
           m("read_file", "read", 1),
           m("conn", "send", b"d")],
          [m("cli", "recv", 1)] + write_flush(MSG) + [m("cli", "recv", 1)], UNBUF)
# testWriteNonBlocking: the peer fills its socket buffer through a non-blocking unbuffered
# file: the first write takes some bytes, and so does each next one until one returns None (or
# the original skips after LIMIT). How many bytes each takes depends on the kernel's buffers, so
# the harness's write_until_full(file, data, limit) runs that loop and answers whether it held.
WRITES = (P(4 * 1024 * 1024, 1), 10)
file_case("testWriteNonBlocking",
          [],
          [m("cli", "setblocking", False),
           call("write_until_full", R("write_file"), *WRITES)], UNBUF)
# The same with the writer in the main (so on both facades), its reader in the same thread.
case("UnbufferedFileObjectClassTestCase.testWriteNonBlocking[same thread]", sequential_pair() + [
    m("conn", "makefile", "wb", 0, store="write_file"),
    m("conn", "setblocking", False),
    call("write_until_full", R("write_file"), *WRITES),
    m("write_file", "close")])

# --- NetworkConnectionNoServer / Attributes / Behaviour (create_connection) ----------------------


def attributes_case(name, peer):
    case("NetworkConnectionAttributesTest." + name,
         tcp_server(guard=True) + [start_peer(addr=R("addr")),
                                   m("srv", "accept", store=["conn", "caddr"]), m("conn", "close"),
                         join_peer()],
         [call("peer_arg", "addr", store="addr")] + peer)


attributes_case("testFamily", [
    call("create_connection", R("addr"), KW(timeout=LONG), store="cli"), get("cli", "family")])
attributes_case("testSourceAddress", free_port() + [
    call("create_connection", R("addr"), KW(timeout=LONG, source_address=("", R("port"))),
         store="cli"),
    m("cli", "getsockname")])
attributes_case("testTimeoutValueNamed", [
    call("create_connection", R("addr"), KW(timeout=30), store="cli"), m("cli", "gettimeout")])
attributes_case("testTimeoutValueNonamed", [
    call("create_connection", R("addr"), 30, store="cli"), m("cli", "gettimeout")])
# The default timeout is per process in Python and per module instance in JS: the main changes
# it, not the peer.
case("NetworkConnectionAttributesTest.testTimeoutDefault", tcp_server() + [
    call("getdefaulttimeout"), call("setdefaulttimeout", 42),
    call("create_connection", R("addr"), store="cli"), call("setdefaulttimeout", None),
    m("cli", "gettimeout")])
case("NetworkConnectionAttributesTest.testTimeoutNone", tcp_server() + [
    call("setdefaulttimeout", 30),
    call("create_connection", R("addr"), KW(timeout=None), store="cli"),
    call("setdefaulttimeout", None), m("cli", "gettimeout")])

case("NetworkConnectionBehaviourTest.testInsideTimeout",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "send", b"done!"), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), store="cli"), m("cli", "recv", 5)])
case("NetworkConnectionBehaviourTest.testOutsideTimeout",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]), join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), 2.0, store="cli"), m("cli", "recv", 5)])

# --- ContextManagersTest -------------------------------------------------------------------------

case("ContextManagersTest.testCreateConnectionBase",
     tcp_server(guard=True) + [start_peer(addr=R("addr")),
                               m("srv", "accept", store=["conn", "caddr"]),
                               m("conn", "recv", 1024, store="data"),
                               m("conn", "sendall", R("data")),
                     join_peer()],
     [call("peer_arg", "addr", store="addr"),
      call("create_connection", R("addr"), store="sock"),
      m("sock", "sendall", b"foo"), m("sock", "recv", 1024), m("sock", "close"),
      m("sock", "fileno")])
case("ContextManagersTest.testCreateConnectionClose", tcp_server() + [
    call("create_connection", R("addr"), store="sock"),
    m("sock", "close"), m("sock", "fileno"), m("sock", "sendall", b"foo")])
case("ContextManagersTest._testSocketClass", [
    call("socket", store="s"), m("s", "sendall", b"foo"), m("s", "close"), m("s", "fileno")])

# --- TCPTimeoutTest, UDPTimeoutTest --------------------------------------------------------------

case("TCPTimeoutTest.testTCPTimeout", tcp_server() + [
    m("srv", "settimeout", SHORT), m("srv", "accept")])
case("TCPTimeoutTest.testTimeoutZero", tcp_server() + [
    m("srv", "settimeout", 0.0), m("srv", "accept")])
for fam, host, tag in (("AF_INET", HOST, ""), ("AF_INET6", HOSTv6, "[IPv6]")):
    bind = (host, 0) if fam == "AF_INET" else (host, 0, 0, 0)
    case("UDPTimeoutTest.testUDPTimeout" + tag, [
        call("socket", C(fam), C("SOCK_DGRAM"), store="srv"), m("srv", "bind", bind),
        m("srv", "settimeout", SHORT), m("srv", "recv", 1024)])
    case("UDPTimeoutTest.testTimeoutZero" + tag, [
        call("socket", C(fam), C("SOCK_DGRAM"), store="srv"), m("srv", "bind", bind),
        m("srv", "settimeout", 0.0), m("srv", "recv", 1024)])

# --- BufferIOTest --------------------------------------------------------------------------------

basic_tcp("BufferIOTest.testRecvIntoBytearray",
          [op("bytearray", None, 1024, store="buf"), m("conn", "recv_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvIntoArray",
          [op("bytearray", None, len(MSG), store="buf"), m("conn", "recv_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoBytearray",
          [op("bytearray", None, 1024, store="buf"), m("conn", "recvfrom_into", R("buf")),
           op("bytes", None, R("buf"))],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoSmallBuffer",
          [op("bytearray", None, 8, store="buf"), m("conn", "recvfrom_into", R("buf"), 1024),
           m("conn", "recv", 1024)],
          [m("cli", "send", MSG)])
basic_tcp("BufferIOTest.testRecvFromIntoEmptyBuffer",
          [op("bytearray", None, 0, store="buf"), m("conn", "recvfrom_into", R("buf")),
           m("conn", "recvfrom_into", R("buf"), 0), m("conn", "recv", 1024)],
          [m("cli", "send", MSG)])

def echo_case(name, server_args, client_host, client_family):
    """echo_server in the main, echo_client in the peer (the original has them the other way
    round: a socket cannot move to a JS worker)."""
    case("CreateServerFunctionalTest." + name,
         [call("create_server", *server_args, store="srv"),
          m("srv", "getsockname", store="name"), op("bytes", None, b"", store="x"),
          call("value", R("name"), store=["h", "port"] if "INET6" not in str(server_args)
               else ["h", "port", "fi", "sc"]),
          m("srv", "settimeout", LONG),
          start_peer(addr=(client_host, R("port"))),
          m("srv", "accept", store=["conn", "caddr"]),
          m("conn", "settimeout", LONG),
          m("conn", "recv", 1024, store="msg"), m("conn", "sendall", R("msg")),
          join_peer()],
         [call("peer_arg", "addr", store="addr"),
          call("socket", C(client_family), store="sock"),
          m("sock", "settimeout", LONG), m("sock", "connect", R("addr")),
          m("sock", "sendall", b"foo"), m("sock", "recv", 1024)])


echo_case("test_tcp4", [("", 0)], HOST, "AF_INET")
echo_case("test_tcp6", [("", 0), KW(family=C("AF_INET6"))], HOSTv6, "AF_INET6")
echo_case("test_dual_stack_client_v4", [("", 0), KW(family=C("AF_INET6"), dualstack_ipv6=True)],
          HOST, "AF_INET")
echo_case("test_dual_stack_client_v6", [("", 0), KW(family=C("AF_INET6"), dualstack_ipv6=True)],
          HOSTv6, "AF_INET6")
