// The host ABI: the socket syscalls a backend (host/node, host/sim, host/worker) gives the core.
// Shaped after WASI preview1/WASIX sock_* calls: every call is non-blocking and returns a
// non-negative result or a negative Linux errno; -EAGAIN means "not now, wait for readiness";
// -EINPROGRESS means the host started an operation that sock_finish completes later.
// Pointers are into the core's linear memory. A sockaddr is Linux's struct sockaddr_in /
// sockaddr_in6 byte for byte (family little-endian, port and flowinfo big-endian).

/** Opens a host socket; returns a handle (>= 0). */
@external("pysocket_host", "sock_open")
export declare function sock_open(family: i32, type: i32, proto: i32): i32;

/** Opens a connected pair (socketpair(2)); writes the two handles as i32s at `out`. */
@external("pysocket_host", "sock_pair")
export declare function sock_pair(family: i32, type: i32, proto: i32, out: usize): i32;

/** Binds to the sockaddr at `sa`: 0, -EINPROGRESS, or an errno such as -EADDRINUSE. */
@external("pysocket_host", "sock_bind")
export declare function sock_bind(h: i32, sa: usize, salen: i32): i32;

/** Starts listening (binding to an ephemeral port first if unbound): 0 or -EINPROGRESS. */
@external("pysocket_host", "sock_listen")
export declare function sock_listen(h: i32, backlog: i32): i32;

/** Starts a connection: 0, -EINPROGRESS, or an errno. */
@external("pysocket_host", "sock_connect")
export declare function sock_connect(h: i32, sa: usize, salen: i32): i32;

/** unix_find_other: whether a stream connect to the AF_UNIX sockaddr may go ahead: 0 (or the
 * host cannot tell at once), else the errno Linux's connect answers before it looks at the
 * socket's own state (ENOENT, ECONNREFUSED...). */
@external("pysocket_host", "sock_find")
export declare function sock_find(sa: usize, salen: i32): i32;

/** The result of the bind, listen or connect in flight: -EAGAIN while it is, then 0 or -errno. */
@external("pysocket_host", "sock_finish")
export declare function sock_finish(h: i32): i32;

/** Takes a pending connection: a new handle, or -EAGAIN. */
@external("pysocket_host", "sock_accept")
export declare function sock_accept(h: i32): i32;

/** Reads up to `len` bytes into `buf`: the count (0 at end of stream), or -errno. */
@external("pysocket_host", "sock_recv")
export declare function sock_recv(h: i32, buf: usize, len: i32, flags: i32): i32;

/** As sock_recv, also writing the source sockaddr at `sa`. */
@external("pysocket_host", "sock_recv_from")
export declare function sock_recv_from(h: i32, buf: usize, len: i32, flags: i32, sa: usize): i32;

/** Queues up to `len` bytes: the count accepted, or -EAGAIN when the send buffer is full. */
@external("pysocket_host", "sock_send")
export declare function sock_send(h: i32, buf: usize, len: i32, flags: i32): i32;

/** Sends a datagram to the sockaddr at `sa` (binding to an ephemeral port first if unbound). */
@external("pysocket_host", "sock_send_to")
export declare function sock_send_to(h: i32, buf: usize, len: i32, flags: i32, sa: usize, salen: i32): i32;

/** Shuts down reading (0), writing (1) or both (2). */
@external("pysocket_host", "sock_shutdown")
export declare function sock_shutdown(h: i32, how: i32): i32;

/** Releases the handle. */
@external("pysocket_host", "sock_close")
export declare function sock_close(h: i32): i32;

/** Writes the local sockaddr at `sa`; returns its length. */
@external("pysocket_host", "sock_addr_local")
export declare function sock_addr_local(h: i32, sa: usize): i32;

/** Writes the peer sockaddr at `sa`; returns its length, or -ENOTCONN. */
@external("pysocket_host", "sock_addr_remote")
export declare function sock_addr_remote(h: i32, sa: usize): i32;

/** Applies an integer socket option where the host can; 0 (remembered by the core either way). */
@external("pysocket_host", "sock_set_option")
export declare function sock_set_option(h: i32, level: i32, name: i32, value: i32): i32;

/** The pending socket error (SO_ERROR), cleared by reading it: 0 or a positive errno. */
@external("pysocket_host", "sock_error")
export declare function sock_error(h: i32): i32;

/** Readiness as poll(2)'s revents (Linux's POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP...). */
@external("pysocket_host", "sock_poll")
export declare function sock_poll(h: i32): i32;
