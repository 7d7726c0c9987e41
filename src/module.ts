// The socket module's functions that depend on a facade (its core, host and driver):
// socket(), create_connection(), create_server(), the default timeout. Lib/socket.py's Python
// code, translated: each facade calls makeModule with its stack.

import { OSError, ValueError, fromEai, oserror, pyRepr } from "./errors.js";
import { asCInt, asClinicInt, typeName } from "./pyargs.js";
import { check } from "./sockcall.js";
import { parseTimeout, SocketBase, type Address, type Stack } from "./socket.js";
import { makeResolver } from "./resolve.js";
import type { LookupResult, Op } from "./sockcall.js";
import {
  AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, IPPROTO_IPV6, IPV6_V6ONLY, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR,
  SO_REUSEPORT,
} from "./tables/constants_linux.js";

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;

export interface CreateServerOptions {
  family?: number;
  backlog?: number | null;
  reuse_port?: boolean;
  dualstack_ipv6?: boolean;
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
    check(stack.core.exports.sock_close(asClinicInt(fd)));
    return null;
  }

  /** socket.dup(fd): a new fd for the same socket. */
  function dup(fd: number): number {
    if (arguments.length !== 1) throw new TypeError(`_socket.dup() takes exactly one argument (${arguments.length} given)`);
    return check(stack.core.exports.sock_dup(asClinicInt(fd)));
  }

  /** socket.fromfd(fd, family, type, proto=0): a socket on a duplicate of fd. */
  function fromfd(fd: number, family: number, type: number, proto = 0): S {
    if (arguments.length < 3 || arguments.length > 4) {
      throw new TypeError(arguments.length < 3
        ? `fromfd() missing ${3 - arguments.length} required positional argument${arguments.length === 2 ? "" : "s"}`
        : `fromfd() takes from 3 to 4 positional arguments but ${arguments.length} were given`);
    }
    return new SocketClass(stack, [family, type, proto, dup(fd)]);
  }

  function has_dualstack_ipv6(): boolean {
    return true;
  }

  /** The (family, address) pairs a host name stands for, numeric ones without a lookup. */
  function* resolve(host: string, port: number): Op<Array<[number, Address]>> {
    const answer = (yield { kind: "lookup", host, family: AF_UNSPEC }) as LookupResult;
    if ("eai" in answer) throw fromEai(answer.eai);
    return answer.addresses.map((a): [number, Address] =>
      a.includes(":") ? [AF_INET6, [a, port, 0, 0]] : [AF_INET, [a, port]]);
  }

  function* connectTo(address: unknown, timeout: number | null | undefined, source: unknown): Op<S> {
    // `host, port = address`: any iterable unpacks, a str into its characters.
    if (typeof address === "string") address = Array.from(address);
    if (!Array.isArray(address)) throw new TypeError(`cannot unpack non-iterable ${typeName(address)} object`);
    if (address.length !== 2) {
      throw new ValueError(address.length > 2
        ? "too many values to unpack (expected 2)"
        : `not enough values to unpack (expected 2, got ${address.length})`);
    }
    const [host, port] = address as [string, number];
    const candidates = yield* resolve(host, port);
    let last: unknown = null;
    for (const [af, sa] of candidates) {
      let sock: S | null = null;
      try {
        sock = new SocketClass(stack, [af, SOCK_STREAM, 0]);
        if (timeout !== undefined) sock.settimeout(timeout);
        if (source) yield* sock._bindOp(source);
        yield* sock._connectOp(sa, true);
        return sock;
      } catch (err) {
        if (!(err instanceof OSError)) {
          sock?.close();
          throw err;
        }
        last = err;
        sock?.close();
      }
    }
    if (last) throw last;
    throw new OSError("getaddrinfo returns an empty list");
  }

  /** create_connection(address, timeout=<default>, source_address=None): an omitted (undefined)
   * timeout means the module default, null means blocking, as Python's sentinel does. */
  function create_connection(address: Address, timeout?: number | null, source_address?: Address | null): Ret<A, S> {
    return run(() => connectTo(address, timeout, source_address));
  }

  function* serve(address: unknown, opts: CreateServerOptions): Op<S> {
    const family = opts.family ?? AF_INET;
    if (opts.dualstack_ipv6 && family !== AF_INET6) throw new ValueError("dualstack_ipv6 requires AF_INET6 family");
    const sock = new SocketClass(stack, [family, SOCK_STREAM]);
    try {
      try {
        sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
      }
      if (opts.reuse_port) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
      if (family === AF_INET6) sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, opts.dualstack_ipv6 ? 0 : 1);
      try {
        yield* sock._bindOp(address);
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
        throw oserror(err.errno!, `${err.strerror} (while attempting to bind on address ${pyRepr(address)})`);
      }
      if (opts.backlog === null || opts.backlog === undefined) sock.listen();
      else sock.listen(opts.backlog);
      return sock;
    } catch (err) {
      sock.close();
      throw err;
    }
  }

  /** create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
   * dualstack_ipv6=False): keywords as an options object, or positionally as API.md lists them. */
  function create_server(
    address: Address, family?: number | CreateServerOptions, backlog?: number | null,
    reuse_port?: boolean, dualstack_ipv6?: boolean,
  ): Ret<A, S> {
    const opts: CreateServerOptions = typeof family === "object" && family !== null
      ? family
      : { family, backlog, reuse_port, dualstack_ipv6 };
    return run(() => serve(address, opts));
  }

  return {
    socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
    close, dup, fromfd, socketpair, ...makeResolver(run),
  };
}

