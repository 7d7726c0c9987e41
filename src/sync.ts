// pysocket/sync: Python's socket module for JavaScript, blocking as CPython's is (the Node host
// runs in a worker thread; see host/worker.ts). The same names as `pysocket`.
export * from "./names.js";
import { WorkerHost } from "../host/worker.js";
import { fromErrno } from "./errors.js";
import { syncModule } from "./facade_sync.js";
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

/** The machine's name, from the worker (this thread may not load node:os: see host/worker.ts). */
export const gethostname = gethostnameWith(() => {
  try {
    return host.hostname();
  } catch {
    throw fromErrno(5);
  }
});
