// pysocket/sync: Python's socket module for JavaScript, blocking as CPython's is (the Node host
// runs in a worker thread; see host/worker.ts). The same names as `pysocket`.
export * from "./names.js";
import { WorkerHost } from "../host/worker.js";
import { fromErrno } from "./errors.js";
import { syncModule } from "./facade_sync.js";
import { interfaceFunctions } from "./interfaces.js";
import { gethostnameWith } from "./resolve.js";
export { Socket, Socket as SocketType } from "./facade_sync.js";

const host = new WorkerHost();
// Loaded once host/worker.js has checked that this thread can block (node:fs would fail first).
const { nodeFiles } = await import("../host/files.js");

export const {
  socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
  close, dup, fromfd, socketpair, getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo,
  getfqdn, select, selectors,
} = syncModule(host, nodeFiles);

/** What the worker answers (this thread may not load node:os: see host/worker.ts); EIO once
 * the worker is gone. */
function fromWorker<T>(answer: () => T): () => T {
  return () => {
    try {
      return answer();
    } catch {
      throw fromErrno(5);
    }
  };
}

export const gethostname = gethostnameWith(fromWorker(() => host.hostname()));
export const { if_nameindex, if_nametoindex, if_indextoname } = interfaceFunctions(fromWorker(() => host.interfaces()));
