// The fd table and the per-socket state machine (modelled on wasi:sockets' TCP/UDP states, as in
// wasmtime's crates/wasi/src/sockets). Each state names its exits; a failed transition leaves the
// state as it was; bind, listen and connect are start/finish pairs because a host may complete
// them later. A call in the wrong state returns the errno Linux gives (see shared/cpython-linux.md).
// The core owns the fd table, this state machine, Linux's sock->state (what connect() answers)
// and the options record. What a connection's recv, send, shutdown and getpeername answer, and
// the pending error (sk_err), are the host's kernel layer's (host/kernel): the core asks it.

import * as host from "./host";
import {
  EACCES, EAGAIN, EALREADY, EBADF, ECONNABORTED, EDESTADDRREQ, EFAULT, EINPROGRESS, EINVAL, EISCONN, EMFILE, ENETUNREACH, ENOMEM, ENOTCONN,
  ENOPROTOOPT, EOPNOTSUPP, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EAFNOSUPPORT,
} from "./errno";
import { scratchBase, SA_OUT, OUT_SIZE } from "./scratch";
import { sockaddrAny } from "./sockaddr";

const AF_UNIX: i32 = 1;
const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const SOCK_STREAM: i32 = 1;
const SOCK_DGRAM: i32 = 2;
const SOCK_RAW: i32 = 3;
const SOCK_TYPE_MASK: i32 = 0xf;
const SOCK_MAX: i32 = 11;
const SOCK_NONBLOCK: i32 = 0x800;
const SOCK_CLOEXEC: i32 = 0x80000;
const MSG_OOB: i32 = 0x1;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_UDP: i32 = 17;

// States. FREE is an fd not in use.
const FREE: i32 = 0;
const UNBOUND: i32 = 1;
const BINDING: i32 = 2;
const BOUND: i32 = 3;
const LISTEN_STARTED: i32 = 4;
const LISTENING: i32 = 5;
const CONNECTING: i32 = 6;
const CONNECTED: i32 = 7;

// Linux's sock->state (include/uapi/linux/net.h), which __inet_stream_connect answers from.
const SS_UNCONNECTED: u8 = 1;
const SS_CONNECTING: u8 = 2;
const SS_CONNECTED: u8 = 3;

/** The most fds the table holds. The process's limit (RLIMIT_NOFILE, sock_set_fd_limit) is
 * at most this; past it, EMFILE. */
const MAX_FD: i32 = 65536;
const FIRST_FD: i32 = 3;
/** Linux's default soft RLIMIT_NOFILE, until the host tells the real one. */
let fdLimit: i32 = 1024;
/** No fd below this is free: allocFd's search starts here. */
let lowestFree: i32 = FIRST_FD;

/** Each fd's socket: the number of the fd whose slots below hold it (the fd itself, or the one
 * it was dup'ed from), 0 for a free fd. dup(2)'s fds share one socket (struct file), so they
 * share its state, options and handle; the slots move to another fd when their fd closes. */
const SOCKET = memory.data(MAX_FD * 4);

// Fields per socket, struct-of-arrays in static data, indexed by SOCKET[fd]: bytes where a byte
// holds the value.
const STATE = memory.data(MAX_FD);
const PREV = memory.data(MAX_FD); // the state to return to if a pending operation fails
const FAMILY = memory.data(MAX_FD);
const TYPE = memory.data(MAX_FD);
const SOCK_STATE = memory.data(MAX_FD); // SS_*: what connect() has told its caller
const SHARED = memory.data(MAX_FD); // 1 when another fd may name the same socket (dup)
const BIND_V6ONLY = memory.data(MAX_FD); // 1 while a bind that makes the socket IPv6-only runs
const PROTO = memory.data(MAX_FD * 4);
const HANDLE = memory.data(MAX_FD * 4);
/** The outcome of a bind or listen the host finished later (Linux's are synchronous): -errno
 * for sock_finish to report once. A connect's error is the kernel's sk_err, not kept here. */
const OP_ERROR = memory.data(MAX_FD * 4);

// @ts-ignore: decorator
@inline function socketOf(fd: i32): usize {
  return <usize>load<i32>(SOCKET + (<usize>fd << 2));
}
// @ts-ignore: decorator
@inline function setSocket(fd: i32, s: i32): void {
  store<i32>(SOCKET + (<usize>fd << 2), s);
}
// @ts-ignore: decorator
@inline function get(field: usize, fd: i32): i32 {
  return load<i32>(field + (socketOf(fd) << 2));
}
// @ts-ignore: decorator
@inline function set(field: usize, fd: i32, v: i32): void {
  store<i32>(field + (socketOf(fd) << 2), v);
}
// @ts-ignore: decorator
@inline function getb(field: usize, fd: i32): i32 {
  return <i32>load<u8>(field + socketOf(fd));
}
// @ts-ignore: decorator
@inline function setb(field: usize, fd: i32, v: i32): void {
  store<u8>(field + socketOf(fd), <u8>v);
}

function isOpen(fd: i32): bool {
  return fd >= FIRST_FD && fd < MAX_FD && socketOf(fd) != 0;
}

/** The lowest free fd (get_unused_fd_flags), or -EMFILE at the process's limit. */
function freeFd(): i32 {
  for (let fd = lowestFree; fd < fdLimit; fd++) {
    if (socketOf(fd) == 0) {
      lowestFree = fd;
      return fd;
    }
  }
  return -EMFILE;
}

/** Takes fd `fd` (from freeFd) for a socket. */
function useFd(fd: i32, family: i32, type: i32, proto: i32, handle: i32, state: i32): i32 {
  setSocket(fd, fd);
  setb(STATE, fd, state);
  setb(PREV, fd, state);
  setb(FAMILY, fd, family);
  setb(TYPE, fd, type);
  setb(SOCK_STATE, fd, state == CONNECTED ? SS_CONNECTED : SS_UNCONNECTED);
  setb(SHARED, fd, 0);
  set(PROTO, fd, proto);
  set(HANDLE, fd, handle);
  set(OP_ERROR, fd, 0);
  clearOptions(fd);
  lowestFree = fd + 1;
  return fd;
}

/** Moves socket `from`'s slots to those of fd `to` (one of its fds), for every fd of it. */
function moveSocket(from: i32, to: i32): void {
  moveByte(STATE, from, to);
  moveByte(PREV, from, to);
  moveByte(FAMILY, from, to);
  moveByte(TYPE, from, to);
  moveByte(SOCK_STATE, from, to);
  moveByte(SHARED, from, to);
  moveByte(BIND_V6ONLY, from, to);
  moveInt(PROTO, from, to);
  moveInt(HANDLE, from, to);
  moveInt(OP_ERROR, from, to);
  moveInt(OPT_HEAD, from, to);
  store<i32>(OPT_HEAD + (<usize>from << 2), 0);
  for (let fd = FIRST_FD; fd < MAX_FD; fd++) if (<i32>socketOf(fd) == from) setSocket(fd, to);
}

function moveByte(field: usize, from: i32, to: i32): void {
  store<u8>(field + <usize>to, load<u8>(field + <usize>from));
}

function moveInt(field: usize, from: i32, to: i32): void {
  store<i32>(field + (<usize>to << 2), load<i32>(field + (<usize>from << 2)));
}

/** Sets the process's descriptor limit (RLIMIT_NOFILE), at most the table's size. */
export function sock_set_fd_limit(n: i32): i32 {
  fdLimit = n < FIRST_FD + 1 ? FIRST_FD + 1 : n > MAX_FD ? MAX_FD : n;
  return fdLimit;
}

/** __sock_create's refusals of (family, type, protocol): 0, or -errno. `type` carries no flags. */
function createError(family: i32, base: i32, proto: i32): i32 {
  if (base >= SOCK_MAX) return -EINVAL;
  if (family != AF_INET && family != AF_INET6 && family != AF_UNIX) return -EAFNOSUPPORT;
  if (family == AF_UNIX) {
    if (base != SOCK_STREAM && base != SOCK_DGRAM) return -ESOCKTNOSUPPORT;
    if (proto != 0) return -EPROTONOSUPPORT;
  } else if (base == SOCK_RAW) {
    // inet_create finds no raw protocol 0; any other needs CAP_NET_RAW, which a user lacks.
    return proto == 0 ? -EPROTONOSUPPORT : -EPERM;
  } else if (base != SOCK_STREAM && base != SOCK_DGRAM) {
    return -ESOCKTNOSUPPORT;
  } else {
    const want = base == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (proto != 0 && proto != want) return -EPROTONOSUPPORT;
  }
  return 0;
}

/** socket(2): validates as Linux does, opens a host socket, returns the lowest free fd. */
export function sock_socket(family: i32, type: i32, proto: i32): i32 {
  // __sys_socket: flags other than SOCK_NONBLOCK/SOCK_CLOEXEC, or a type past SOCK_PACKET, are EINVAL.
  if ((type & ~SOCK_TYPE_MASK & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -EINVAL;
  const base = type & SOCK_TYPE_MASK;
  const refused = createError(family, base, proto);
  if (refused != 0) return refused;
  const fd = freeFd();
  if (fd < 0) return fd;
  const h = host.sock_open(family, base, proto == 0 && family != AF_UNIX ? (base == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP) : proto);
  if (h < 0) return h;
  return useFd(fd, family, base, proto, h, UNBOUND);
}

/** socketpair(2): two connected AF_UNIX stream sockets; their fds at the scratch start. */
export function sock_socketpair(family: i32, type: i32, proto: i32): i32 {
  if ((type & ~SOCK_TYPE_MASK & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -EINVAL;
  const base = type & SOCK_TYPE_MASK;
  // __sys_socketpair creates both sockets first; inet's socketpair op is sock_no_socketpair.
  const refused = createError(family, base, proto);
  if (refused != 0) return refused;
  if (family != AF_UNIX) return -EOPNOTSUPP;
  const out = scratchBase();
  // Both fds are found before the pair is made (__sys_socketpair).
  const a = freeFd();
  if (a < 0) return a;
  setSocket(a, a);
  const fb = freeFd();
  setSocket(a, 0);
  if (fb < 0) return fb;
  const r = host.sock_pair(family, base, proto, out);
  if (r < 0) return r;
  useFd(a, family, base, proto, load<i32>(out), CONNECTED);
  const b = useFd(fb, family, base, proto, load<i32>(out, 4), CONNECTED);
  store<i32>(out, a);
  store<i32>(out, b, 4);
  return 0;
}

/** dup(2): a new fd for the same socket; the socket closes with its last fd. */
export function sock_dup(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const nfd = freeFd();
  if (nfd < 0) return nfd;
  setSocket(nfd, <i32>socketOf(fd));
  setb(SHARED, fd, 1);
  lowestFree = nfd + 1;
  return nfd;
}

/** The protocol the kernel picked: proto 0 means the family's default for the type. */
function effectiveProto(fd: i32): i32 {
  const p = get(PROTO, fd);
  if (p != 0 || getb(FAMILY, fd) == AF_UNIX) return p;
  return getb(TYPE, fd) == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
}

export function sock_family(fd: i32): i32 { return isOpen(fd) ? getb(FAMILY, fd) : -EBADF; }
export function sock_type(fd: i32): i32 { return isOpen(fd) ? getb(TYPE, fd) : -EBADF; }
/** SO_PROTOCOL, which socket(fileno=...) asks: IPPROTO_TCP or IPPROTO_UDP for a protocol 0. */
export function sock_proto(fd: i32): i32 { return isOpen(fd) ? effectiveProto(fd) : -EBADF; }

/** Completes a pending bind, listen or connect if the host has finished it. */
function settle(fd: i32): void {
  const st = getb(STATE, fd);
  if (st != BINDING && st != LISTEN_STARTED && st != CONNECTING) return;
  const r = host.sock_finish(get(HANDLE, fd));
  if (r == -EAGAIN) return;
  if (r == 0) {
    setb(STATE, fd, st == BINDING ? BOUND : st == LISTEN_STARTED ? LISTENING : CONNECTED);
    if (st == BINDING && getb(BIND_V6ONLY, fd) != 0) setV6Only(fd);
  } else {
    setb(STATE, fd, getb(PREV, fd));
    // A stream's failed connect is its pending error (SO_ERROR); a datagram's is the call's.
    if (st != CONNECTING || getb(TYPE, fd) != SOCK_STREAM) set(OP_ERROR, fd, r);
  }
}

/** Starts state `pending` through host result `r`: 0 = done (state `done`), -EINPROGRESS = pending. */
function begin(fd: i32, r: i32, pending: i32, done: i32): i32 {
  if (r == 0) {
    setb(STATE, fd, done);
  } else if (r == -EINPROGRESS) {
    setb(PREV, fd, getb(STATE, fd));
    setb(STATE, fd, pending);
  }
  return r;
}

/** The outcome of the operation begun by bind, listen or connect: 0, -EAGAIN while pending,
 * -errno. A connect's is what CPython's internal_connect reads with getsockopt(SO_ERROR): the
 * pending error, taken. */
export function sock_finish(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = getb(STATE, fd);
  if (st == BINDING || st == LISTEN_STARTED || st == CONNECTING) return -EAGAIN;
  if (getb(SOCK_STATE, fd) == SS_CONNECTING) {
    if (st == CONNECTED) {
      setb(SOCK_STATE, fd, SS_CONNECTED);
      return 0;
    }
    setb(SOCK_STATE, fd, SS_UNCONNECTED);
    return -host.sock_error(get(HANDLE, fd));
  }
  const r = get(OP_ERROR, fd);
  set(OP_ERROR, fd, 0);
  return r;
}

/** bind(2) with the sockaddr at the scratch start. */
export function sock_bind(fd: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  if (getb(STATE, fd) != UNBOUND) return unixNamed(fd, salen) ? 0 : -EINVAL;
  const v6only = bindsV6Only(fd, salen);
  const r = begin(fd, host.sock_bind(get(HANDLE, fd), scratchBase(), salen), BINDING, BOUND);
  if (r == 0 && v6only) setV6Only(fd);
  setb(BIND_V6ONLY, fd, r == -EINPROGRESS && v6only ? 1 : 0);
  return r;
}

/** unix_bind with no name is unix_autobind, which leaves a socket that has a name as it is and
 * succeeds: a bound or listening socket, or one accepted (named as its listener). */
function unixNamed(fd: i32, salen: i32): bool {
  if (getb(FAMILY, fd) != AF_UNIX || salen > 2) return false;
  const st = getb(STATE, fd);
  if (st == BOUND || st == LISTENING) return true;
  return st == CONNECTED && host.sock_addr_local(get(HANDLE, fd), scratchBase() + SA_OUT) > 2;
}

/** inet6_bind: binding to an address that is neither the any-address nor IPv4-mapped makes the
 * socket IPv6-only (sk_ipv6only = 1), whatever IPV6_V6ONLY said. */
function bindsV6Only(fd: i32, salen: i32): bool {
  if (getb(FAMILY, fd) != AF_INET6 || salen < 24) return false;
  const a = scratchBase() + 8; // sin6_addr
  let any = true;
  for (let i = 0; i < 16; i++) if (load<u8>(a + <usize>i) != 0) any = false;
  if (any) return false;
  for (let i = 0; i < 10; i++) if (load<u8>(a + <usize>i) != 0) return true;
  return load<u8>(a, 10) != 0xff || load<u8>(a, 11) != 0xff;
}

function setV6Only(fd: i32): void {
  const slot = optSlot(fd, optKey(IPPROTO_IPV6, IPV6_V6ONLY), true);
  if (slot != 0) store<i32>(slot, 1, 4);
}

/** listen(2); an unbound socket is bound to an ephemeral port first, as Linux does. */
export function sock_listen(fd: i32, backlog: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (getb(TYPE, fd) != SOCK_STREAM) return -EOPNOTSUPP;
  settle(fd);
  const st = getb(STATE, fd);
  if (st == LISTENING) return host.sock_listen(get(HANDLE, fd), backlog);
  if (st != UNBOUND && st != BOUND) return -EINVAL;
  // unix_listen: "No listens on an unbound socket" (TCP binds an ephemeral port instead).
  if (st == UNBOUND && getb(FAMILY, fd) == AF_UNIX) return -EINVAL;
  return begin(fd, host.sock_listen(get(HANDLE, fd), backlog), LISTEN_STARTED, LISTENING);
}

/** connect(2) with the sockaddr at the scratch start. A stream socket answers as
 * __inet_stream_connect from sock->state: a connect in progress is EALREADY; the first call
 * after it completed returns 0 (or its error, once), later ones EISCONN. */
export function sock_connect(fd: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  // unix_validate_addr: a sockaddr_un with no name at all (only bind autobinds with it).
  if (getb(FAMILY, fd) == AF_UNIX && salen <= 2) return -EINVAL;
  // unix_stream_connect looks the name up before it looks at the socket's state.
  if (getb(FAMILY, fd) == AF_UNIX && getb(TYPE, fd) == SOCK_STREAM) {
    const found = host.sock_find(scratchBase(), salen);
    if (found < 0) return found;
  }
  settle(fd);
  const st = getb(STATE, fd);
  if (getb(TYPE, fd) == SOCK_STREAM) {
    const ss = getb(SOCK_STATE, fd);
    if (ss == SS_CONNECTED) return -EISCONN;
    if (ss == SS_CONNECTING) {
      if (st == CONNECTING) return -EALREADY;
      if (st == CONNECTED) {
        setb(SOCK_STATE, fd, SS_CONNECTED);
        return 0;
      }
      setb(SOCK_STATE, fd, SS_UNCONNECTED);
      const err = host.sock_error(get(HANDLE, fd));
      return err != 0 ? -err : -ECONNABORTED;
    }
    if (st == CONNECTED || st == LISTENING) return -EISCONN;
    if (st != UNBOUND && st != BOUND) return -EINVAL;
    // tcp_v6_connect: an IPv6-only socket cannot reach a v4-mapped address.
    if (getb(FAMILY, fd) == AF_INET6 && isV4Mapped(salen) && isV6Only(fd)) return -ENETUNREACH;
    const r = begin(fd, host.sock_connect(get(HANDLE, fd), scratchBase(), salen), CONNECTING, CONNECTED);
    if (r == 0) setb(SOCK_STATE, fd, SS_CONNECTED);
    else if (r == -EINPROGRESS) setb(SOCK_STATE, fd, SS_CONNECTING);
    return r;
  } else if (st == BINDING || st == CONNECTING) {
    return -EALREADY;
  }
  const refused = datagramRefusal(fd, salen);
  if (refused != 0) return refuseDatagram(fd, refused);
  return begin(fd, host.sock_connect(get(HANDLE, fd), scratchBase(), salen), CONNECTING, CONNECTED);
}

/** The errno with which udp_sendmsg/udpv6_sendmsg and ip4/ip6_datagram_connect refuse the
 * sockaddr at the scratch start, or 0: a v4-mapped address on an IPv6-only socket is
 * ENETUNREACH; the limited broadcast 255.255.255.255 (on AF_INET6, ::ffff:255.255.255.255,
 * handed to IPv4) is a broadcast route (RTCF_BROADCAST), EACCES unless SO_BROADCAST is set. */
function datagramRefusal(fd: i32, salen: i32): i32 {
  const sa = scratchBase();
  const family = getb(FAMILY, fd);
  let dest: u32;
  if (family == AF_INET) {
    if (salen < 8 || load<u16>(sa) != <u16>AF_INET) return 0;
    dest = load<u32>(sa, 4);
  } else if (family == AF_INET6) {
    if (!isV4Mapped(salen)) return 0;
    if (isV6Only(fd)) return ENETUNREACH;
    dest = load<u32>(sa, 20);
  } else {
    return 0;
  }
  if (dest != 0xffffffff) return 0;
  const slot = optSlot(fd, optKey(SOL_SOCKET, SO_BROADCAST), false);
  return slot == 0 || load<i32>(slot, 4) == 0 ? EACCES : 0;
}

/** Whether the sockaddr at the scratch start is an AF_INET6 v4-mapped address (::ffff:a.b.c.d). */
function isV4Mapped(salen: i32): bool {
  const sa = scratchBase();
  return salen >= 24 && load<u16>(sa) == <u16>AF_INET6 && load<u64>(sa, 8) == 0 && load<u32>(sa, 16) == 0xffff0000;
}

function isV6Only(fd: i32): bool {
  const slot = optSlot(fd, optKey(IPPROTO_IPV6, IPV6_V6ONLY), false);
  return slot != 0 && load<i32>(slot, 4) != 0;
}

/** -errno for a refused destination, after inet_autobind: inet_send_prepare and
 * inet_dgram_connect bind an unbound socket to an ephemeral port before the route is looked up,
 * so the socket keeps that port (a later bind() is EINVAL). */
function refuseDatagram(fd: i32, errno: i32): i32 {
  if (getb(STATE, fd) == UNBOUND) {
    const sa = scratchBase();
    const len = getb(FAMILY, fd) == AF_INET6 ? 28 : 16;
    memory.fill(sa, 0, len);
    store<u16>(sa, <u16>getb(FAMILY, fd));
    begin(fd, host.sock_bind(get(HANDLE, fd), sa, len), BINDING, BOUND);
  }
  return -errno;
}

/** accept(2): a new fd for a pending connection, or -EAGAIN. The fd is found before the
 * connection is taken (__sys_accept4), so at EMFILE the connection stays queued. */
export function sock_accept(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (getb(TYPE, fd) != SOCK_STREAM) return -EOPNOTSUPP;
  settle(fd);
  if (getb(STATE, fd) != LISTENING) return -EINVAL;
  const nfd = freeFd();
  if (nfd < 0) return nfd;
  const h = host.sock_accept(get(HANDLE, fd));
  if (h < 0) return h;
  return useFd(nfd, getb(FAMILY, fd), getb(TYPE, fd), get(PROTO, fd), h, CONNECTED);
}

/** recv(2) into the input area: the count (0 at end of stream), or -errno. A stream's answer
 * in any state is the kernel layer's (tcp_recvmsg). */
export function sock_recv(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  // A zero-length read returns at once, whatever the state, and consumes nothing.
  if (len == 0) return 0;
  settle(fd);
  return host.sock_recv(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
}

/** recvfrom(2): as sock_recv, and the source sockaddr at SA_OUT. */
export function sock_recv_from(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (getb(TYPE, fd) == SOCK_STREAM) {
    // A stream's recvfrom names no source (addrlen 0), and CPython returns None for it.
    store<u16>(scratchBase() + SA_OUT, 0);
    // Unlike recv's, a zero-length recvfrom waits for data or end of stream as any other
    // (recorded from CPython: BlockingIOError, TimeoutError, or b'' once data is there).
    settle(fd);
    return host.sock_recv(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  }
  return host.sock_recv_from(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags, scratchBase() + SA_OUT);
}

/** send(2) from the input area: the count accepted, or -errno (the kernel layer's, as
 * tcp_sendmsg's, for a stream in any state). */
export function sock_send(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = getb(STATE, fd);
  if (getb(TYPE, fd) == SOCK_STREAM) return host.sock_send(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  // udp_sendmsg: "Mirror BSD error message compatibility"; udpv6_sendmsg has no such check.
  if ((flags & MSG_OOB) != 0 && getb(FAMILY, fd) == AF_INET) return -EOPNOTSUPP;
  // A datagram socket is bound by its first send, even one that fails (EDESTADDRREQ).
  const r = host.sock_send(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  if (st == UNBOUND) setb(STATE, fd, BOUND);
  return r;
}

/** sendto(2) from the input area to the sockaddr at the scratch start. */
export function sock_send_to(fd: i32, len: i32, flags: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = getb(STATE, fd);
  if (getb(TYPE, fd) == SOCK_STREAM) {
    // unix_stream_sendmsg refuses any address: EISCONN when connected, else EOPNOTSUPP.
    if (getb(FAMILY, fd) == AF_UNIX) return st == CONNECTED ? -EISCONN : -EOPNOTSUPP;
    // Linux's TCP ignores the address.
    return sock_send(fd, len, flags);
  }
  if ((flags & MSG_OOB) != 0 && getb(FAMILY, fd) == AF_INET) return -EOPNOTSUPP;
  const refused = datagramRefusal(fd, salen);
  if (refused != 0) return refuseDatagram(fd, refused);
  const r = host.sock_send_to(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags, scratchBase(), salen);
  if (st == UNBOUND) setb(STATE, fd, BOUND);
  return r;
}

/** shutdown(2), as Linux's inet_shutdown: an unconnected socket still records the shutdown
 * (and answers ENOTCONN); a listener stops listening on SHUT_RD or SHUT_RDWR. */
export function sock_shutdown(fd: i32, how: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (how < 0 || how > 2) return -EINVAL;
  settle(fd);
  const st = getb(STATE, fd);
  const r = host.sock_shutdown(get(HANDLE, fd), how);
  // SHUT_RD (0) or SHUT_RDWR (2) disconnects a listener.
  if (st == LISTENING && how != 1 && r == 0) setb(STATE, fd, BOUND);
  return r;
}

/** close(2): frees the fd; its number may be handed out again. */
export function sock_close(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const h = get(HANDLE, fd);
  const s = <i32>socketOf(fd);
  if (fd < lowestFree) lowestFree = fd;
  if (getb(SHARED, fd) != 0) {
    setSocket(fd, 0);
    for (let other = FIRST_FD; other < MAX_FD; other++) {
      if (<i32>socketOf(other) != s) continue;
      // Another fd keeps the socket open; it takes the slots over if they were this fd's.
      if (s == fd) moveSocket(s, other);
      return 0;
    }
    setSocket(fd, s);
  }
  setb(STATE, fd, FREE);
  clearOptions(fd);
  setSocket(fd, 0);
  return host.sock_close(h);
}

/** poll(2)'s revents for fd: the kernel layer's readiness mask, POLLNVAL (0x20) if not open. */
export function sock_poll(fd: i32): i32 {
  if (!isOpen(fd)) return 0x20;
  settle(fd);
  return host.sock_poll(get(HANDLE, fd));
}

/** The host handle behind an fd, for readiness waits. */
export function sock_handle(fd: i32): i32 {
  return isOpen(fd) ? get(HANDLE, fd) : -EBADF;
}

/** getsockname(2): the sockaddr at SA_OUT; its length. Unbound sockets name the any-address. */
export function sock_addr_local(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = getb(STATE, fd);
  const sa = scratchBase() + SA_OUT;
  if (st == UNBOUND || st == BINDING) return sockaddrAny(sa, getb(FAMILY, fd));
  return host.sock_addr_local(get(HANDLE, fd), sa);
}

/** getpeername(2): the sockaddr at SA_OUT; its length, or -ENOTCONN. */
export function sock_addr_remote(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  if (getb(STATE, fd) != CONNECTED) return -ENOTCONN;
  return host.sock_addr_remote(get(HANDLE, fd), scratchBase() + SA_OUT);
}

// Socket options. Linux answers getsockopt from the socket's own record, so the core keeps one:
// what was set, or Linux's default, and passes each setting to the host to apply where it can.

const SOL_SOCKET: i32 = 1;
const IPPROTO_IP: i32 = 0;
const IPPROTO_IPV6: i32 = 41;
const IPV6_V6ONLY: i32 = 26;
const SO_TYPE: i32 = 3;
const SO_ERROR: i32 = 4;
const SO_ACCEPTCONN: i32 = 30;
const SO_PROTOCOL: i32 = 38;
const SO_DOMAIN: i32 = 39;
const SO_SNDBUF: i32 = 7;
const SO_RCVBUF: i32 = 8;

const SO_LINGER: i32 = 13;
const SO_BROADCAST: i32 = 6;
const SO_REUSEPORT: i32 = 15;
const TCP_MAXSEG: i32 = 2;
/** include/net/tcp.h: the smallest MSS and the largest window TCP_MAXSEG accepts. */
const TCP_MIN_MSS: i32 = 88;
const MAX_TCP_WINDOW: i32 = 32767;

// The options set, as a list per fd of 16-byte slots (key, value, second value: struct
// linger's l_linger, next slot + 1) from one pool, so that a socket that sets none costs nothing.
const OPT_SIZE: i32 = 16;
const POOL_SLOTS: i32 = 131072;
const POOL = memory.data(POOL_SLOTS * OPT_SIZE);
const OPT_HEAD = memory.data(MAX_FD * 4); // first slot + 1, 0 for none
/** Slots handed out so far, and the list of those given back (slot + 1). */
let poolUsed: i32 = 0;
let poolFree: i32 = 0;

// @ts-ignore: decorator
@inline function slotAt(i: i32): usize {
  return POOL + <usize>((i - 1) * OPT_SIZE);
}

function clearOptions(fd: i32): void {
  let i = get(OPT_HEAD, fd);
  while (i != 0) {
    const slot = slotAt(i);
    const next = load<i32>(slot, 12);
    store<i32>(slot, poolFree, 12);
    poolFree = i;
    i = next;
  }
  set(OPT_HEAD, fd, 0);
}

/** A new slot at the head of fd's list; 0 when the pool is spent. */
function newSlot(fd: i32, key: i32): usize {
  let i = poolFree;
  if (i != 0) poolFree = load<i32>(slotAt(i), 12);
  else if (poolUsed < POOL_SLOTS) i = ++poolUsed;
  else return 0;
  const slot = slotAt(i);
  store<i32>(slot, key);
  store<i32>(slot, 0, 4);
  store<i32>(slot, 0, 8);
  store<i32>(slot, get(OPT_HEAD, fd), 12);
  set(OPT_HEAD, fd, i);
  return slot;
}

function optKey(level: i32, name: i32): i32 {
  return (level << 16) | (name & 0xffff);
}

/** Whether Linux stores this option as a boolean (sock_valbool_flag and friends): any non-zero
 * value reads back as 1. */
function isBoolOption(level: i32, name: i32): bool {
  if (level == SOL_SOCKET) return name == 1 || name == 2 || name == 5 || name == 6 || name == 9 || name == 10 || name == 15;
  if (level == IPPROTO_TCP) return name == 1;
  if (level == IPPROTO_IPV6) return name == 26;
  return false;
}

/** 0 when the socket's protocol stack handles option `level`, else its errno: AF_UNIX has no
 * level but SOL_SOCKET (sock_no_getsockopt/sock_no_setsockopt: EOPNOTSUPP); for an inet socket
 * ip_setsockopt and ipv6_getsockopt/ipv6_setsockopt answer ENOPROTOOPT, ip_getsockopt EOPNOTSUPP. */
function levelError(fd: i32, level: i32, getting: bool): i32 {
  const family = getb(FAMILY, fd);
  if (level == SOL_SOCKET) return 0;
  if (family == AF_UNIX) return EOPNOTSUPP;
  const unknown = getting && family == AF_INET ? EOPNOTSUPP : ENOPROTOOPT;
  if (level == IPPROTO_TCP) return getb(TYPE, fd) == SOCK_STREAM ? 0 : unknown;
  if (level == IPPROTO_UDP) return getb(TYPE, fd) == SOCK_DGRAM ? 0 : unknown;
  if (level == IPPROTO_IP) return 0;
  if (level == IPPROTO_IPV6) return family == AF_INET6 ? 0 : unknown;
  return unknown;
}

/** Linux's value for an option nobody set, or -ENOPROTOOPT for options it does not know. */
function defaultOption(fd: i32, level: i32, name: i32): i32 {
  const stream = getb(TYPE, fd) == SOCK_STREAM;
  if (isBoolOption(level, name)) return 0;
  if (level == SOL_SOCKET) {
    // TCP starts from tcp_wmem[1]/tcp_rmem[1], the others from wmem_default/rmem_default.
    const tcp = stream && getb(FAMILY, fd) != AF_UNIX;
    if (name == SO_SNDBUF) return tcp ? 16384 : 212992;
    if (name == SO_RCVBUF) return tcp ? 131072 : 212992;
    if (name == 18 || name == 19) return 1; // SO_RCVLOWAT, SO_SNDLOWAT
    if (name == SO_LINGER) return 0;
  } else if (level == IPPROTO_TCP && stream) {
    if (name == 2) return 536; // TCP_MAXSEG before a connection
    if (name == 4) return 7200; // TCP_KEEPIDLE
    if (name == 5) return 75; // TCP_KEEPINTVL
    if (name == 6) return 9; // TCP_KEEPCNT
  } else if (level == IPPROTO_IP && getb(FAMILY, fd) != AF_UNIX) {
    if (name == 2) return 64; // IP_TTL
    if (name == 1) return 0; // IP_TOS
  } else if (level == IPPROTO_IPV6 && getb(FAMILY, fd) == AF_INET6) {
    if (name == 16) return 64; // IPV6_UNICAST_HOPS
  }
  return -ENOPROTOOPT;
}

function optSlot(fd: i32, key: i32, create: bool): usize {
  for (let i = get(OPT_HEAD, fd); i != 0; i = load<i32>(slotAt(i), 12)) {
    if (load<i32>(slotAt(i)) == key) return slotAt(i);
  }
  return create ? newSlot(fd, key) : 0;
}

const RANGE_ERROR: i32 = i32.MIN_VALUE;

/** What Linux stores for an integer option with a range or a special value, RANGE_ERROR where it
 * answers EINVAL, else the value itself: do_ip_setsockopt (IP_TTL 1..255, -1 the default;
 * __ip_sock_set_tos keeps a byte, and a stream's ECN bits), do_ipv6_setsockopt
 * (IPV6_UNICAST_HOPS -1..255), do_tcp_setsockopt (TCP_KEEPIDLE and TCP_KEEPINTVL 1..32767,
 * TCP_KEEPCNT 1..127), sk_setsockopt (SO_RCVLOWAT: negative is INT_MAX, 0 is 1). */
function rangedOption(fd: i32, level: i32, name: i32, value: i32): i32 {
  if (level == IPPROTO_IP && name == 2) {
    if (value == -1) return 64;
    return value < 1 || value > 255 ? RANGE_ERROR : value;
  }
  if (level == IPPROTO_IP && name == 1) return getb(TYPE, fd) == SOCK_STREAM ? value & 0xfc : value & 0xff;
  if (level == IPPROTO_IPV6 && name == 16) {
    if (value == -1) return 64;
    return value < -1 || value > 255 ? RANGE_ERROR : value;
  }
  if (level == IPPROTO_TCP && (name == 4 || name == 5)) return value < 1 || value > 32767 ? RANGE_ERROR : value;
  if (level == IPPROTO_TCP && name == 6) return value < 1 || value > 127 ? RANGE_ERROR : value;
  if (level == SOL_SOCKET && name == 18) return value < 0 ? i32.MAX_VALUE : value == 0 ? 1 : value;
  return value;
}

/** setsockopt(2) with an integer value, or a two-int struct (struct linger) as value, value2;
 * `isNull` nonzero for a NULL optval (CPython's setsockopt(level, name, None, optlen)), with
 * value 0. */
export function sock_setsockopt(fd: i32, level: i32, name: i32, value: i32, value2: i32, optlen: i32, isNull: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  // do_sock_setsockopt refuses a negative length before any level looks at it.
  if (optlen < 0) return -EINVAL;
  const bad = levelError(fd, level, false);
  if (bad != 0) return -bad;
  // Integer options need a whole int (sock_setsockopt, do_tcp_setsockopt), but for
  // do_ip_setsockopt, which reads a shorter value's first byte (and nothing as 0).
  if (optlen < 4 && level != IPPROTO_IP) return -EINVAL;
  // sk_setsockopt, do_tcp_setsockopt and udp_lib_setsockopt copy the int in before they look
  // at the name.
  if (isNull != 0 && (level == SOL_SOCKET || level == IPPROTO_TCP || level == IPPROTO_UDP)) return -EFAULT;
  // Read-only options; sk_setsockopt has no case for SO_SNDLOWAT (19) either.
  if (level == SOL_SOCKET && (name == SO_TYPE || name == SO_ERROR || name == SO_ACCEPTCONN || name == SO_PROTOCOL || name == SO_DOMAIN || name == 19)) {
    return -ENOPROTOOPT;
  }
  if (defaultOption(fd, level, name) == -ENOPROTOOPT) return -ENOPROTOOPT;
  // do_ip_setsockopt reads a known option's value (nothing when optlen is 0);
  // do_ipv6_setsockopt takes a NULL optval as 0.
  if (isNull != 0 && level == IPPROTO_IP && optlen > 0) return -EFAULT;
  // do_ipv6_setsockopt: IPV6_V6ONLY is fixed once the socket has a port (bound, autobound by
  // listen, connect or a send).
  if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && getb(STATE, fd) != UNBOUND) return -EINVAL;
  // sk_setsockopt: SO_REUSEPORT is for inet sockets only.
  if (level == SOL_SOCKET && name == SO_REUSEPORT && value != 0 && getb(FAMILY, fd) == AF_UNIX) return -EOPNOTSUPP;
  // struct linger is two ints (sock_setsockopt: optlen < sizeof(ling) is EINVAL).
  if (level == SOL_SOCKET && name == SO_LINGER && optlen < 8) return -EINVAL;
  // do_tcp_setsockopt: a nonzero MSS outside [TCP_MIN_MSS, MAX_TCP_WINDOW] is EINVAL.
  if (level == IPPROTO_TCP && name == TCP_MAXSEG && value != 0 && (value < TCP_MIN_MSS || value > MAX_TCP_WINDOW)) return -EINVAL;
  let stored = rangedOption(fd, level, name, value);
  if (stored == RANGE_ERROR) return -EINVAL;
  if (isBoolOption(level, name)) stored = value != 0 ? 1 : 0;
  // Linux doubles buffer sizes for its bookkeeping (socket(7)), with minimums.
  else if (level == SOL_SOCKET && name == SO_SNDBUF) stored = max(value * 2, 4608);
  else if (level == SOL_SOCKET && name == SO_RCVBUF) stored = max(value * 2, 2304);
  const key = optKey(level, name);
  const slot = optSlot(fd, key, true);
  if (slot == 0) return -ENOMEM;
  let stored2 = value2;
  // sk_setsockopt SO_LINGER: l_onoff is a flag (SOCK_LINGER); l_linger sets sk_lingertime only
  // when it is on, so an off keeps the time getsockopt reports.
  if (level == SOL_SOCKET && name == SO_LINGER) {
    stored = value != 0 ? 1 : 0;
    if (value == 0) stored2 = load<i32>(slot, 8);
  }
  store<i32>(slot, stored, 4);
  store<i32>(slot, stored2, 8);
  // The host hears SO_LINGER as -1 (off) or the linger time (0: reset on close).
  const forHost = level == SOL_SOCKET && name == SO_LINGER ? (value != 0 ? value2 : -1) : stored;
  return host.sock_set_option(get(HANDLE, fd), level, name, forHost);
}

/** getsockopt(2) of an integer option (the first int of a struct): its value, or -errno. */
export function sock_getsockopt(fd: i32, level: i32, name: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const bad = levelError(fd, level, true);
  if (bad != 0) return -bad;
  settle(fd);
  if (level == SOL_SOCKET) {
    if (name == SO_TYPE) return getb(TYPE, fd);
    if (name == SO_DOMAIN) return getb(FAMILY, fd);
    if (name == SO_PROTOCOL) return effectiveProto(fd);
    if (name == SO_ACCEPTCONN) return getb(STATE, fd) == LISTENING ? 1 : 0;
    if (name == SO_ERROR) return host.sock_error(get(HANDLE, fd));
  }
  const slot = optSlot(fd, optKey(level, name), false);
  if (slot != 0) return load<i32>(slot, 4);
  return defaultOption(fd, level, name);
}

/** The second int of a two-int option (struct linger's l_linger); 0 if unset. */
export function sock_getsockopt2(fd: i32, level: i32, name: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const slot = optSlot(fd, optKey(level, name), false);
  return slot != 0 ? load<i32>(slot, 8) : 0;
}
