// The host ABI on the JavaScript side: the socket syscalls that assembly/host.ts declares for the
// core, listed once. Every backend implements `Syscalls`; the core's import object, the worker
// proxy's message codes and the base backend's defaults all come from SYSCALLS.
// Every call is non-blocking and returns a non-negative result or a negative Linux errno (see
// assembly/host.ts for each call's contract); none may throw across the WASM boundary.

import { EIO, EOPNOTSUPP } from "./errno.js";

export interface Syscalls {
  sock_open(family: number, type: number, proto: number): number;
  sock_pair(family: number, type: number, proto: number, out: number): number;
  sock_bind(h: number, sa: number, salen: number): number;
  sock_listen(h: number, backlog: number): number;
  sock_connect(h: number, sa: number, salen: number): number;
  sock_finish(h: number): number;
  sock_accept(h: number): number;
  sock_recv(h: number, buf: number, len: number, flags: number): number;
  sock_recv_from(h: number, buf: number, len: number, flags: number, sa: number): number;
  sock_send(h: number, buf: number, len: number, flags: number): number;
  sock_send_to(h: number, buf: number, len: number, flags: number, sa: number, salen: number): number;
  sock_shutdown(h: number, how: number): number;
  sock_close(h: number): number;
  sock_addr_local(h: number, sa: number): number;
  sock_addr_remote(h: number, sa: number): number;
  sock_set_option(h: number, level: number, name: number, value: number): number;
  sock_error(h: number): number;
  sock_poll(h: number): number;
  sock_find(sa: number, salen: number): number;
}

export type SyscallName = keyof Syscalls;

/** The syscalls in one order; the worker proxy names a call by its index here. */
export const SYSCALLS = [
  "sock_open", "sock_pair", "sock_bind", "sock_listen", "sock_connect", "sock_finish", "sock_accept",
  "sock_recv", "sock_recv_from", "sock_send", "sock_send_to", "sock_shutdown", "sock_close",
  "sock_addr_local", "sock_addr_remote", "sock_set_option", "sock_error", "sock_poll",
  "sock_find",
] as const satisfies readonly SyscallName[];

export type HostImports = Record<SyscallName, (...args: number[]) => number>;

/** The core's `pysocket_host` import object for `host`: each syscall bound to it, and an
 * exception that escapes one (a backend's bug or a runtime's surprise) answered as its errno. */
export function syscallImports(host: Syscalls, errnoOf: (err: unknown) => number = () => EIO): HostImports {
  const imports = {} as HostImports;
  for (const name of SYSCALLS) {
    const call = host[name] as (...args: number[]) => number;
    imports[name] = (...args: number[]): number => {
      try {
        return call.apply(host, args);
      } catch (err) {
        return -errnoOf(err);
      }
    };
  }
  return imports;
}

/** A backend's starting point (as browser_wasi_shim's Fd): every syscall answers EOPNOTSUPP,
 * "Operation not supported", so a backend that lacks one says so instead of failing oddly. */
export class BaseSyscalls implements Syscalls {
  sock_open(_family: number, _type: number, _proto: number): number { return -EOPNOTSUPP; }
  sock_pair(_family: number, _type: number, _proto: number, _out: number): number { return -EOPNOTSUPP; }
  sock_bind(_h: number, _sa: number, _salen: number): number { return -EOPNOTSUPP; }
  sock_listen(_h: number, _backlog: number): number { return -EOPNOTSUPP; }
  sock_connect(_h: number, _sa: number, _salen: number): number { return -EOPNOTSUPP; }
  sock_finish(_h: number): number { return 0; }
  sock_accept(_h: number): number { return -EOPNOTSUPP; }
  sock_recv(_h: number, _buf: number, _len: number, _flags: number): number { return -EOPNOTSUPP; }
  sock_recv_from(_h: number, _buf: number, _len: number, _flags: number, _sa: number): number { return -EOPNOTSUPP; }
  sock_send(_h: number, _buf: number, _len: number, _flags: number): number { return -EOPNOTSUPP; }
  sock_send_to(_h: number, _buf: number, _len: number, _flags: number, _sa: number, _salen: number): number { return -EOPNOTSUPP; }
  sock_shutdown(_h: number, _how: number): number { return -EOPNOTSUPP; }
  sock_close(_h: number): number { return 0; }
  sock_addr_local(_h: number, _sa: number): number { return -EOPNOTSUPP; }
  sock_addr_remote(_h: number, _sa: number): number { return -EOPNOTSUPP; }
  sock_set_option(_h: number, _level: number, _name: number, _value: number): number { return 0; }
  sock_error(_h: number): number { return 0; }
  /** POLLNVAL: a backend that cannot tell readiness says the handle is not one it polls. */
  sock_poll(_h: number): number { return 0x20; }
  /** A backend that cannot look AF_UNIX names up lets the connect find out. */
  sock_find(_sa: number, _salen: number): number { return 0; }
}
