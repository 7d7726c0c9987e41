// The `pysocket/sync` facade's stack: a core over a SyncHost (the worker host) and the blocking
// driver. Every call returns its value, blocking the calling thread as CPython's do; one thread
// makes one call at a time, so no call order needs keeping.

import type { SyncHost } from "../host/types.js";
import { coreWithHost } from "./core.js";
import { makeModule } from "./module.js";
import type { Files } from "./sendfile.js";
import { runSync, type Op } from "./sockcall.js";
import { SocketBase, type Stack } from "./socket.js";
import { selectNamespaces } from "./selectors.js";
import "./sendmsg.js";

/** A socket of the `pysocket/sync` facade: its blocking methods return plain values. */
export class Socket extends SocketBase<false> {}

/** The module functions over `host` (and the runtime's `files`, for sendfile), each module with
 * its own core and fd table. */
export function syncModule(host: SyncHost, files?: Files) {
  const stack: Stack<false> = {
    core: coreWithHost(host),
    now: () => host.now(),
    defaulttimeout: null,
    run: <T>(_sock: SocketBase<false>, _lane: 0 | 1, op: () => Op<T>): T => runSync(host, op()),
    wrap: (fd) => new Socket(stack, [-1, -1, -1, fd]),
    files,
  };
  return {
    ...makeModule(stack, Socket, <T>(op: () => Op<T>) => runSync(host, op())),
    ...selectNamespaces<false>({ core: stack.core, now: stack.now, run: (op) => runSync(host, op()) }),
  };
}
