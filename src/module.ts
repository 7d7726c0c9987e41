// The socket module's functions that depend on a facade (its core, host and driver):
// socket(), create_connection(), create_server(), the default timeout. Lib/socket.py's Python
// code, translated: each facade calls makeModule with its stack.

import { ExceptionGroup, OSError, ValueError, pyRepr, pyStr } from "./errors.js";
import { asCInt, asSocketT, bindArgs, pyTruthy, typeName } from "./pyargs.js";
import { check } from "./sockcall.js";
import { parseTimeout, SocketBase, type Address, type Stack } from "./socket.js";
import { getaddrinfoOp, makeResolver } from "./resolve.js";
import type { Op } from "./sockcall.js";
import {
  AF_INET, AF_INET6, AF_UNIX, IPPROTO_IPV6, IPV6_V6ONLY, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR,
  SO_REUSEPORT,
} from "./tables/constants_linux.js";

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;

export interface CreateConnectionOptions {
  timeout?: number | null;
  source_address?: Address | null;
  all_errors?: boolean;
}

/** `host, port = address`: any iterable unpacks (a str into its characters, bytes into ints). */
function unpackPair(address: unknown): [unknown, unknown] {
  const items: unknown = typeof address === "string" ? Array.from(address)
    : address instanceof Uint8Array ? Array.from(address) : address;
  if (!Array.isArray(items)) throw new TypeError(`cannot unpack non-iterable ${typeName(address)} object`);
  if (items.length !== 2) {
    throw new ValueError(items.length > 2
      ? "too many values to unpack (expected 2)"
      : `not enough values to unpack (expected 2, got ${items.length})`);
  }
  return [items[0], items[1]];
}

export interface CreateServerOptions {
  family?: number;
  backlog?: number | null;
  reuse_port?: boolean;
  dualstack_ipv6?: boolean;
}

/** socket.socket's arguments as keywords, in a trailing options object. */
export interface SocketOptions {
  family?: number;
  type?: number;
  proto?: number;
  fileno?: number | null;
}

type SocketArg = number | SocketOptions;

/** socket.socket(family=-1, type=-1, proto=-1, fileno=None), called or constructed with `new`;
 * keywords in a trailing options object. */
export interface SocketFactory<S> {
  (family?: SocketArg, type?: SocketArg, proto?: SocketArg, fileno?: SocketArg | null, options?: SocketOptions): S;
  new (family?: SocketArg, type?: SocketArg, proto?: SocketArg, fileno?: SocketArg | null, options?: SocketOptions): S;
  readonly prototype: S;
}

/** How a facade runs a module-level operation (outside any socket's lanes). */
export type Runner<A extends boolean> = <T>(op: () => Op<T>) => Ret<A, T>;

export function makeModule<A extends boolean, S extends SocketBase<A>>(
  stack: Stack<A>, SocketClass: new (stack: Stack<A>, args: unknown[]) => S, run: Runner<A>,
) {
  /** socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None), with or without new. */
  function socket(this: unknown, ...args: unknown[]): S {
    return new SocketClass(stack, args);
  }
  socket.prototype = SocketClass.prototype;

  function getdefaulttimeout(): number | null {
    if (arguments.length !== 0) throw new TypeError(`_socket.getdefaulttimeout() takes no arguments (${arguments.length} given)`);
    return stack.defaulttimeout;
  }

  function setdefaulttimeout(timeout: number | null): null {
    if (arguments.length !== 1) throw new TypeError(`_socket.setdefaulttimeout() takes exactly one argument (${arguments.length} given)`);
    stack.defaulttimeout = parseTimeout(timeout);
    return null;
  }

  /** socket.socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0). */
  function socketpair(family: number | null = null, type: number = SOCK_STREAM, proto = 0): [S, S] {
    if (arguments.length > 3) {
      throw new TypeError(`socketpair() takes from 0 to 3 positional arguments but ${arguments.length} were given`);
    }
    const fam = family === null || family === undefined ? AF_UNIX : asCInt(family);
    const typ = asCInt(type);
    const pro = asCInt(proto);
    const C = stack.core.exports;
    check(C.sock_socketpair(fam, typ, pro));
    const u8 = stack.core.u8;
    const out = stack.core.out;
    const fdA = u8[out] | (u8[out + 1] << 8) | (u8[out + 2] << 16) | (u8[out + 3] << 24);
    const fdB = u8[out + 4] | (u8[out + 5] << 8) | (u8[out + 6] << 16) | (u8[out + 7] << 24);
    return [new SocketClass(stack, [fam, typ, pro, fdA]), new SocketClass(stack, [fam, typ, pro, fdB])];
  }

  /** socket.close(fd): closes an fd of this module's table. */
  function close(fd: number): null {
    if (arguments.length !== 1) throw new TypeError(`_socket.close() takes exactly one argument (${arguments.length} given)`);
    check(stack.core.exports.sock_close(asSocketT(fd)));
    return null;
  }

  /** socket.dup(fd): a new fd for the same socket. */
  function dup(fd: number): number {
    if (arguments.length !== 1) throw new TypeError(`_socket.dup() takes exactly one argument (${arguments.length} given)`);
    return check(stack.core.exports.sock_dup(asSocketT(fd)));
  }

  /** socket.fromfd(fd, family, type, proto=0): a socket on a duplicate of fd. */
  function fromfd(fd: number, family: number, type: number, proto?: number): S;
  function fromfd(...args: unknown[]): S {
    const { fd, family, type, proto = 0 } = bindArgs("fromfd", args, ["fd", "family", "type", "proto"], 3);
    return new SocketClass(stack, [family, type, proto, dup(fd as number)]);
  }

  function has_dualstack_ipv6(): boolean {
    return true;
  }

  /** socket.py's create_connection: every address getaddrinfo gives for (host, port) as
   * SOCK_STREAM, in its order, each on a socket of its family, type and proto. */
  function* connectTo(args: readonly unknown[]): Op<S> {
    const a = bindArgs("create_connection", args, ["address", "timeout", "source_address"], 1, ["all_errors"]);
    const [host, port] = unpackPair(a.address);
    const allErrors = pyTruthy(a.all_errors);
    const errors: OSError[] = [];
    for (const [af, socktype, proto, , sa] of yield* getaddrinfoOp([host, port, 0, SOCK_STREAM])) {
      let sock: S | null = null;
      try {
        sock = new SocketClass(stack, [af, socktype, proto]);
        // An omitted timeout is socket.py's _GLOBAL_DEFAULT_TIMEOUT: the module default.
        if (a.timeout !== undefined) sock.settimeout(a.timeout as number | null);
        if (pyTruthy(a.source_address)) yield* sock._bindOp(a.source_address);
        yield* sock._connectOp(sa, true);
        return sock;
      } catch (err) {
        sock?.close();
        if (!(err instanceof OSError)) throw err;
        if (!allErrors) errors.length = 0;
        errors.push(err);
      }
    }
    if (errors.length === 0) throw new OSError("getaddrinfo returns an empty list");
    if (!allErrors) throw errors[0];
    throw new ExceptionGroup("create_connection failed", errors);
  }

  /** create_connection(address, timeout=<default>, source_address=None, *, all_errors=False):
   * keywords in a trailing options object. An omitted (undefined) timeout means the module
   * default, null means blocking, as Python's sentinel does. */
  function create_connection(address: Address, timeout?: number | null | CreateConnectionOptions,
    source_address?: Address | null | CreateConnectionOptions, options?: CreateConnectionOptions): Ret<A, S>;
  function create_connection(...args: unknown[]): Ret<A, S> {
    return run(() => connectTo(args));
  }

  function* serve(args: readonly unknown[]): Op<S> {
    const a = bindArgs("create_server", args, ["address", "family", "backlog", "reuse_port", "dualstack_ipv6"], 1);
    const family = a.family === undefined ? AF_INET : a.family;
    if (pyTruthy(a.dualstack_ipv6) && family !== AF_INET6) throw new ValueError("dualstack_ipv6 requires AF_INET6 family");
    const sock = new SocketClass(stack, [family, SOCK_STREAM]);
    try {
      try {
        sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
      }
      if (pyTruthy(a.reuse_port)) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
      if (family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, pyTruthy(a.dualstack_ipv6) ? 0 : 1);
      try {
        yield* sock._bindOp(a.address);
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
        // `raise error(err.errno, msg)`: OSError() picks the errno's subclass.
        throw new OSError(err.errno, `${pyStr(err.strerror)} (while attempting to bind on address ${pyRepr(a.address)})`);
      }
      if (a.backlog === null || a.backlog === undefined) sock.listen();
      else sock.listen(a.backlog as number);
      return sock;
    } catch (err) {
      sock.close();
      throw err;
    }
  }

  /** create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
   * dualstack_ipv6=False): keywords as an options object, or positionally as API.md lists them. */
  function create_server(address: Address, family?: number | CreateServerOptions, backlog?: number | null,
    reuse_port?: boolean, dualstack_ipv6?: boolean): Ret<A, S>;
  function create_server(...args: unknown[]): Ret<A, S> {
    return run(() => serve(args));
  }

  return {
    socket: socket as unknown as SocketFactory<S>, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6,
    create_connection, create_server, close, dup, fromfd, socketpair, ...makeResolver(run),
  };
}

