// The `pysocket` facade's stack: the Node host, one core, and the Promise driver. Blocking
// calls return Promises; calls on one socket are served in call order per direction.

import { nodeFiles } from "../host/files.js";
import { NodeHost } from "../host/node.js";
import { coreWithHost } from "./core.js";
import { makeModule } from "./module.js";
import { Lane, runAsync, type Op } from "./sockcall.js";
import { SocketBase, type Stack } from "./socket.js";

const host = new NodeHost();

/** A socket of the `pysocket` facade: its blocking methods return Promises. */
export class Socket extends SocketBase<true> {
  /** @internal */ _lanes: [Lane, Lane] = [new Lane(), new Lane()];
}

const stack: Stack<true> = {
  core: coreWithHost(host),
  now: () => host.now(),
  defaulttimeout: null,
  run<T>(sock: SocketBase<true>, lane: 0 | 1, op: () => Op<T>): Promise<T> {
    return (sock as Socket)._lanes[lane].run(host, op);
  },
  wrap: (fd) => new Socket(stack, [-1, -1, -1, fd]),
  files: nodeFiles,
};

export const module = makeModule(stack, Socket, <T>(op: () => Op<T>) => runAsync(host, op()));
