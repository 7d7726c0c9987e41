// The `pysocket` facade's stack over any AsyncHost (the Node host for `pysocket`, a simulated
// host for `pysocket/sim`): one core, and the Promise driver. Blocking calls return Promises;
// calls on one socket are served in call order per direction.

import type { AsyncHost } from "../host/types.js";
import { coreWithHost } from "./core.js";
import { makeModule } from "./module.js";
import { interfaceFunctions } from "./interfaces.js";
import { gethostnameWith } from "./resolve.js";
import type { Files } from "./sendfile.js";
import { runAsync, runInLane, type LaneOwner, type Op } from "./sockcall.js";
import { SocketBase, type DirectBytes, type Stack } from "./socket.js";
import { selectNamespaces } from "./selectors.js";
import "./sendmsg.js";

/** A socket of the `pysocket` facade: its blocking methods return Promises. */
export class Socket extends SocketBase<true> implements LaneOwner {
  /** @internal Its calls waiting their turn (runInLane), once one has waited. */
  _lanes: LaneOwner["_lanes"] = null;
}

/** The module functions over `host` (and the runtime's `files`, for sendfile), each module with
 * its own core and fd table. */
export function asyncModule(host: AsyncHost, files?: Files) {
  const stack: Stack<true> = {
    core: coreWithHost(host),
    now: () => host.now(),
    defaulttimeout: null,
    run<T>(sock: SocketBase<true>, lane: 0 | 1, op: () => Op<T>): Promise<T> {
      return runInLane(host, sock as Socket, lane, op);
    },
    wrap: (fd) => new Socket(stack, [-1, -1, -1, fd]),
    files,
    io: (host as { direct?: DirectBytes }).direct,
  };
  return {
    ...makeModule(stack, Socket, <T>(op: () => Op<T>) => runAsync(host, op())),
    gethostname: gethostnameWith(() => host.hostname()),
    ...interfaceFunctions(() => host.interfaces()),
    ...selectNamespaces<true>({ core: stack.core, now: stack.now, run: (op) => runAsync(host, op()) }),
  };
}
