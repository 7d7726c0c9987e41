// The fd table and the per-socket state machine (modelled on wasi:sockets' TCP/UDP states, as in
// wasmtime's crates/wasi/src/sockets). Each state names its exits; a failed transition leaves the
// state as it was; bind, listen and connect are start/finish pairs because a host may complete
// them later. A call in the wrong state returns the errno Linux gives (see shared/cpython-linux.md).

import * as host from "./host";
import {
  EAGAIN, EALREADY, EBADF, EDESTADDRREQ, EINPROGRESS, EINVAL, EISCONN, EMFILE, ENOPROTOOPT,
  ENOTCONN, EOPNOTSUPP, EPIPE, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EAFNOSUPPORT,
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

// Shutdown flags.
const SHUT_RD_FLAG: i32 = 1;
const SHUT_WR_FLAG: i32 = 2;

/** fds are 3..MAX_FD-1, as Linux's default RLIMIT_NOFILE of 1024 allows; then EMFILE. */
const MAX_FD: i32 = 1024;
const FIRST_FD: i32 = 3;

// Fields per fd, struct-of-arrays in static data.
const STATE = memory.data(MAX_FD * 4);
const PREV = memory.data(MAX_FD * 4); // the state to return to if a pending operation fails
const FAMILY = memory.data(MAX_FD * 4);
const TYPE = memory.data(MAX_FD * 4);
const PROTO = memory.data(MAX_FD * 4);
const HANDLE = memory.data(MAX_FD * 4);
const SHUT = memory.data(MAX_FD * 4);

// @ts-ignore: decorator
@inline function get(field: usize, fd: i32): i32 {
  return load<i32>(field + (<usize>fd << 2));
}
// @ts-ignore: decorator
@inline function set(field: usize, fd: i32, v: i32): void {
  store<i32>(field + (<usize>fd << 2), v);
}

function isOpen(fd: i32): bool {
  return fd >= FIRST_FD && fd < MAX_FD && get(STATE, fd) != FREE;
}

function allocFd(family: i32, type: i32, proto: i32, handle: i32, state: i32): i32 {
  for (let fd = FIRST_FD; fd < MAX_FD; fd++) {
    if (get(STATE, fd) == FREE) {
      set(STATE, fd, state);
      set(PREV, fd, state);
      set(FAMILY, fd, family);
      set(TYPE, fd, type);
      set(PROTO, fd, proto);
      set(HANDLE, fd, handle);
      set(SHUT, fd, 0);
      clearOptions(fd);
      return fd;
    }
  }
  return -EMFILE;
}

/** socket(2): validates as Linux does, opens a host socket, returns the lowest free fd. */
export function sock_socket(family: i32, type: i32, proto: i32): i32 {
  // __sys_socket: flags other than SOCK_NONBLOCK/SOCK_CLOEXEC, or a type past SOCK_PACKET, are EINVAL.
  if ((type & ~SOCK_TYPE_MASK & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -EINVAL;
  const base = type & SOCK_TYPE_MASK;
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
  const h = host.sock_open(family, base, proto == 0 && family != AF_UNIX ? (base == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP) : proto);
  if (h < 0) return h;
  const fd = allocFd(family, base, proto, h, UNBOUND);
  if (fd < 0) host.sock_close(h);
  return fd;
}

/** socketpair(2): two connected AF_UNIX stream sockets; their fds at the scratch start. */
export function sock_socketpair(family: i32, type: i32, proto: i32): i32 {
  if ((type & ~SOCK_TYPE_MASK & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -EINVAL;
  const base = type & SOCK_TYPE_MASK;
  if (base >= SOCK_MAX) return -EINVAL;
  if (family == AF_INET || family == AF_INET6) return -EOPNOTSUPP;
  if (family != AF_UNIX) return -EAFNOSUPPORT;
  if (base != SOCK_STREAM && base != SOCK_DGRAM) return -ESOCKTNOSUPPORT;
  if (proto != 0) return -EPROTONOSUPPORT;
  const out = scratchBase();
  const r = host.sock_pair(family, base, proto, out);
  if (r < 0) return r;
  const ha = load<i32>(out);
  const hb = load<i32>(out, 4);
  const a = allocFd(family, base, proto, ha, CONNECTED);
  const b = a < 0 ? a : allocFd(family, base, proto, hb, CONNECTED);
  if (b < 0) {
    if (a >= 0) set(STATE, a, FREE);
    host.sock_close(ha);
    host.sock_close(hb);
    return b;
  }
  store<i32>(out, a);
  store<i32>(out, b, 4);
  return 0;
}

/** dup(2): a new fd for the same socket; the socket closes with its last fd. */
export function sock_dup(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const nfd = allocFd(get(FAMILY, fd), get(TYPE, fd), get(PROTO, fd), get(HANDLE, fd), get(STATE, fd));
  if (nfd < 0) return nfd;
  set(PREV, nfd, get(PREV, fd));
  set(SHUT, nfd, get(SHUT, fd));
  memory.copy(OPTS + <usize>(nfd * OPT_SLOTS * OPT_SIZE), OPTS + <usize>(fd * OPT_SLOTS * OPT_SIZE), <usize>(OPT_SLOTS * OPT_SIZE));
  return nfd;
}

/** The protocol the kernel picked: proto 0 means the family's default for the type. */
function effectiveProto(fd: i32): i32 {
  const p = get(PROTO, fd);
  if (p != 0 || get(FAMILY, fd) == AF_UNIX) return p;
  return get(TYPE, fd) == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
}

export function sock_family(fd: i32): i32 { return isOpen(fd) ? get(FAMILY, fd) : -EBADF; }
export function sock_type(fd: i32): i32 { return isOpen(fd) ? get(TYPE, fd) : -EBADF; }
export function sock_proto(fd: i32): i32 { return isOpen(fd) ? get(PROTO, fd) : -EBADF; }

/** Completes a pending bind, listen or connect if the host has finished it. */
function settle(fd: i32): void {
  const st = get(STATE, fd);
  if (st != BINDING && st != LISTEN_STARTED && st != CONNECTING) return;
  const r = host.sock_finish(get(HANDLE, fd));
  if (r == -EAGAIN) return;
  if (r == 0) {
    set(STATE, fd, st == BINDING ? BOUND : st == LISTEN_STARTED ? LISTENING : CONNECTED);
  } else {
    set(STATE, fd, get(PREV, fd));
    setPendingError(fd, -r);
  }
}

/** Starts state `pending` through host result `r`: 0 = done (state `done`), -EINPROGRESS = pending. */
function begin(fd: i32, r: i32, pending: i32, done: i32): i32 {
  if (r == 0) {
    set(STATE, fd, done);
  } else if (r == -EINPROGRESS) {
    set(PREV, fd, get(STATE, fd));
    set(STATE, fd, pending);
  }
  return r;
}

/** The outcome of the operation begun by bind, listen or connect: 0, -EAGAIN while pending, -errno. */
export function sock_finish(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  const st = get(STATE, fd);
  if (st != BINDING && st != LISTEN_STARTED && st != CONNECTING) return takePendingError(fd);
  settle(fd);
  const now = get(STATE, fd);
  if (now == st) return -EAGAIN;
  return takePendingError(fd);
}

/** bind(2) with the sockaddr at the scratch start. */
export function sock_bind(fd: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  if (get(STATE, fd) != UNBOUND) return -EINVAL;
  return begin(fd, host.sock_bind(get(HANDLE, fd), scratchBase(), salen), BINDING, BOUND);
}

/** listen(2); an unbound socket is bound to an ephemeral port first, as Linux does. */
export function sock_listen(fd: i32, backlog: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (get(TYPE, fd) != SOCK_STREAM) return -EOPNOTSUPP;
  settle(fd);
  const st = get(STATE, fd);
  if (st == LISTENING) return host.sock_listen(get(HANDLE, fd), backlog);
  if (st != UNBOUND && st != BOUND) return -EINVAL;
  return begin(fd, host.sock_listen(get(HANDLE, fd), backlog), LISTEN_STARTED, LISTENING);
}

/** connect(2) with the sockaddr at the scratch start. */
export function sock_connect(fd: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = get(STATE, fd);
  if (get(TYPE, fd) == SOCK_STREAM) {
    if (st == CONNECTING) return -EALREADY;
    if (st == CONNECTED || st == LISTENING) return -EISCONN;
    if (st != UNBOUND && st != BOUND) return -EINVAL;
    // A pending error from an earlier failed attempt is consumed by the new one.
    takePendingError(fd);
  } else if (st == BINDING || st == CONNECTING) {
    return -EALREADY;
  }
  return begin(fd, host.sock_connect(get(HANDLE, fd), scratchBase(), salen), CONNECTING, CONNECTED);
}

/** accept(2): a new fd for a pending connection, or -EAGAIN. */
export function sock_accept(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (get(TYPE, fd) != SOCK_STREAM) return -EOPNOTSUPP;
  settle(fd);
  if (get(STATE, fd) != LISTENING) return -EINVAL;
  const h = host.sock_accept(get(HANDLE, fd));
  if (h < 0) return h;
  const nfd = allocFd(get(FAMILY, fd), get(TYPE, fd), get(PROTO, fd), h, CONNECTED);
  if (nfd < 0) host.sock_close(h);
  return nfd;
}

function connectedStream(fd: i32): bool {
  return get(TYPE, fd) == SOCK_STREAM && get(STATE, fd) == CONNECTED;
}

/** recv(2) into the input area: the count (0 at end of stream), or -errno. */
export function sock_recv(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  // A zero-length read returns at once, whatever the state, and consumes nothing.
  if (len == 0) return 0;
  settle(fd);
  const stream = get(TYPE, fd) == SOCK_STREAM;
  if (stream && get(STATE, fd) == CONNECTING) return -EAGAIN;
  if (stream && !connectedStream(fd)) return -ENOTCONN;
  const r = host.sock_recv(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  if (r == -EAGAIN && (get(SHUT, fd) & SHUT_RD_FLAG) != 0) return 0;
  return r;
}

/** recvfrom(2): as sock_recv, and the source sockaddr at SA_OUT. */
export function sock_recv_from(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (get(TYPE, fd) == SOCK_STREAM) {
    // A stream's recvfrom names no source (addrlen 0), and CPython returns None for it.
    store<u16>(scratchBase() + SA_OUT, 0);
    return sock_recv(fd, len, flags);
  }
  const r = host.sock_recv_from(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags, scratchBase() + SA_OUT);
  if (r == -EAGAIN && (get(SHUT, fd) & SHUT_RD_FLAG) != 0) return 0;
  return r;
}

/** send(2) from the input area: the count accepted, or -errno. */
export function sock_send(fd: i32, len: i32, flags: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = get(STATE, fd);
  if ((get(SHUT, fd) & SHUT_WR_FLAG) != 0) return -EPIPE;
  if (get(TYPE, fd) == SOCK_STREAM) {
    if (st == CONNECTING) return -EAGAIN;
    if (st != CONNECTED) return -EPIPE;
    return host.sock_send(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  }
  // A datagram socket is bound by its first send, even one that fails (EDESTADDRREQ).
  const r = host.sock_send(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags);
  if (st == UNBOUND) set(STATE, fd, BOUND);
  return r;
}

/** sendto(2) from the input area to the sockaddr at the scratch start. */
export function sock_send_to(fd: i32, len: i32, flags: i32, salen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = get(STATE, fd);
  if (get(TYPE, fd) == SOCK_STREAM) {
    // Linux's TCP ignores the address of a connected socket and is not connected otherwise.
    if (st == CONNECTED) return sock_send(fd, len, flags);
    return -EPIPE;
  }
  if ((get(SHUT, fd) & SHUT_WR_FLAG) != 0) return -EPIPE;
  const r = host.sock_send_to(get(HANDLE, fd), scratchBase() + OUT_SIZE, len, flags, scratchBase(), salen);
  if (st == UNBOUND) set(STATE, fd, BOUND);
  return r;
}

/** shutdown(2), as Linux's inet_shutdown: an unconnected socket still records the shutdown
 * (and answers ENOTCONN); a listener stops listening on SHUT_RD or SHUT_RDWR. */
export function sock_shutdown(fd: i32, how: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (how < 0 || how > 2) return -EINVAL;
  settle(fd);
  const flags = how + 1; // SHUT_RD -> RCV_SHUTDOWN (1), SHUT_WR -> SEND_SHUTDOWN (2), both (3)
  const st = get(STATE, fd);
  if (st == LISTENING) {
    if ((flags & SHUT_RD_FLAG) == 0) return 0;
    const r = host.sock_shutdown(get(HANDLE, fd), how);
    if (r == 0) set(STATE, fd, BOUND);
    return r;
  }
  set(SHUT, fd, get(SHUT, fd) | flags);
  if (st != CONNECTED) return -ENOTCONN;
  return host.sock_shutdown(get(HANDLE, fd), how);
}

/** close(2): frees the fd; its number may be handed out again. */
export function sock_close(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  set(STATE, fd, FREE);
  const h = get(HANDLE, fd);
  for (let other = FIRST_FD; other < MAX_FD; other++) {
    if (get(STATE, other) != FREE && get(HANDLE, other) == h) return 0;
  }
  return host.sock_close(h);
}

/** The host handle behind an fd, for readiness waits. */
export function sock_handle(fd: i32): i32 {
  return isOpen(fd) ? get(HANDLE, fd) : -EBADF;
}

/** getsockname(2): the sockaddr at SA_OUT; its length. Unbound sockets name the any-address. */
export function sock_addr_local(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  const st = get(STATE, fd);
  const sa = scratchBase() + SA_OUT;
  if (st == UNBOUND || st == BINDING) return sockaddrAny(sa, get(FAMILY, fd));
  return host.sock_addr_local(get(HANDLE, fd), sa);
}

/** getpeername(2): the sockaddr at SA_OUT; its length, or -ENOTCONN. */
export function sock_addr_remote(fd: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  settle(fd);
  if (get(STATE, fd) != CONNECTED) return -ENOTCONN;
  return host.sock_addr_remote(get(HANDLE, fd), scratchBase() + SA_OUT);
}

// Socket options. Linux answers getsockopt from the socket's own record, so the core keeps one:
// what was set, or Linux's default, and passes each setting to the host to apply where it can.

const SOL_SOCKET: i32 = 1;
const IPPROTO_IP: i32 = 0;
const IPPROTO_IPV6: i32 = 41;
const SO_TYPE: i32 = 3;
const SO_ERROR: i32 = 4;
const SO_ACCEPTCONN: i32 = 30;
const SO_PROTOCOL: i32 = 38;
const SO_DOMAIN: i32 = 39;
const SO_SNDBUF: i32 = 7;
const SO_RCVBUF: i32 = 8;

const SO_LINGER: i32 = 13;
const OPT_SLOTS: i32 = 12;
const OPT_SIZE: i32 = 16; // key, value, second value (struct linger's l_linger), used
const OPTS = memory.data(MAX_FD * OPT_SLOTS * OPT_SIZE);
const PENDING_ERROR = memory.data(MAX_FD * 4);

function clearOptions(fd: i32): void {
  memory.fill(OPTS + <usize>(fd * OPT_SLOTS * OPT_SIZE), 0, <usize>(OPT_SLOTS * OPT_SIZE));
  set(PENDING_ERROR, fd, 0);
}

function setPendingError(fd: i32, errno: i32): void {
  set(PENDING_ERROR, fd, errno);
}

function takePendingError(fd: i32): i32 {
  const e = get(PENDING_ERROR, fd);
  set(PENDING_ERROR, fd, 0);
  return -e;
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

/** Whether the socket's protocol stack handles option `level` at all. Linux answers other
 * levels with EOPNOTSUPP from ip_getsockopt and ENOPROTOOPT from ip_setsockopt. */
function knownLevel(fd: i32, level: i32): bool {
  const family = get(FAMILY, fd);
  if (level == SOL_SOCKET) return true;
  if (level == IPPROTO_TCP) return get(TYPE, fd) == SOCK_STREAM && family != AF_UNIX;
  if (level == IPPROTO_UDP) return get(TYPE, fd) == SOCK_DGRAM && family != AF_UNIX;
  if (level == IPPROTO_IP) return family == AF_INET || family == AF_INET6;
  if (level == IPPROTO_IPV6) return family == AF_INET6;
  return false;
}

/** Linux's value for an option nobody set, or -ENOPROTOOPT for options it does not know. */
function defaultOption(fd: i32, level: i32, name: i32): i32 {
  const stream = get(TYPE, fd) == SOCK_STREAM;
  if (isBoolOption(level, name)) return 0;
  if (level == SOL_SOCKET) {
    if (name == SO_SNDBUF) return stream ? 16384 : 212992;
    if (name == SO_RCVBUF) return stream ? 131072 : 212992;
    if (name == 18 || name == 19) return 1; // SO_RCVLOWAT, SO_SNDLOWAT
    if (name == SO_LINGER) return 0;
  } else if (level == IPPROTO_TCP && stream) {
    if (name == 2) return 536; // TCP_MAXSEG before a connection
    if (name == 4) return 7200; // TCP_KEEPIDLE
    if (name == 5) return 75; // TCP_KEEPINTVL
    if (name == 6) return 9; // TCP_KEEPCNT
  } else if (level == IPPROTO_IP && get(FAMILY, fd) != AF_UNIX) {
    if (name == 2) return 64; // IP_TTL
    if (name == 1) return 0; // IP_TOS
  } else if (level == IPPROTO_IPV6 && get(FAMILY, fd) == AF_INET6) {
    if (name == 16) return 64; // IPV6_UNICAST_HOPS
  }
  return -ENOPROTOOPT;
}

function optSlot(fd: i32, key: i32, create: bool): usize {
  const base = OPTS + <usize>(fd * OPT_SLOTS * OPT_SIZE);
  for (let i = 0; i < OPT_SLOTS; i++) {
    const slot = base + <usize>(i * OPT_SIZE);
    if (load<i32>(slot, 12) != 0 && load<i32>(slot) == key) return slot;
  }
  if (!create) return 0;
  for (let i = 0; i < OPT_SLOTS; i++) {
    const slot = base + <usize>(i * OPT_SIZE);
    if (load<i32>(slot, 12) == 0) return slot;
  }
  return 0;
}

/** setsockopt(2) with an integer value, or a two-int struct (struct linger) as value, value2. */
export function sock_setsockopt(fd: i32, level: i32, name: i32, value: i32, value2: i32, optlen: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (!knownLevel(fd, level)) return -ENOPROTOOPT;
  // Integer options need a whole int (sock_setsockopt, do_tcp_setsockopt).
  if (optlen < 4) return -EINVAL;
  if (level == SOL_SOCKET && (name == SO_TYPE || name == SO_ERROR || name == SO_ACCEPTCONN || name == SO_PROTOCOL || name == SO_DOMAIN)) {
    return -ENOPROTOOPT;
  }
  if (defaultOption(fd, level, name) == -ENOPROTOOPT) return -ENOPROTOOPT;
  let stored = value;
  if (isBoolOption(level, name)) stored = value != 0 ? 1 : 0;
  // Linux doubles buffer sizes for its bookkeeping (socket(7)), with minimums.
  else if (level == SOL_SOCKET && name == SO_SNDBUF) stored = max(value * 2, 4608);
  else if (level == SOL_SOCKET && name == SO_RCVBUF) stored = max(value * 2, 2304);
  const key = optKey(level, name);
  const slot = optSlot(fd, key, true);
  if (slot == 0) return -ENOPROTOOPT;
  store<i32>(slot, key);
  store<i32>(slot, stored, 4);
  store<i32>(slot, value2, 8);
  store<i32>(slot, 1, 12);
  // The host hears SO_LINGER as -1 (off) or the linger time (0: reset on close).
  const forHost = level == SOL_SOCKET && name == SO_LINGER ? (value != 0 ? value2 : -1) : stored;
  return host.sock_set_option(get(HANDLE, fd), level, name, forHost);
}

/** getsockopt(2) of an integer option (the first int of a struct): its value, or -errno. */
export function sock_getsockopt(fd: i32, level: i32, name: i32): i32 {
  if (!isOpen(fd)) return -EBADF;
  if (!knownLevel(fd, level)) return -EOPNOTSUPP;
  settle(fd);
  if (level == SOL_SOCKET) {
    if (name == SO_TYPE) return get(TYPE, fd);
    if (name == SO_DOMAIN) return get(FAMILY, fd);
    if (name == SO_PROTOCOL) return effectiveProto(fd);
    if (name == SO_ACCEPTCONN) return get(STATE, fd) == LISTENING ? 1 : 0;
    if (name == SO_ERROR) {
      const e = -takePendingError(fd);
      return e != 0 ? e : host.sock_error(get(HANDLE, fd));
    }
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
