// pysocket: Python's socket module for JavaScript, the Promise facade. This is where the Node
// host is chosen; everything else is backend-independent (src/facade_async.ts).
export * from "./names.js";
import { nodeFiles } from "../host/files.js";
import { NodeHost } from "../host/node.js";
import { asyncModule } from "./facade_async.js";
export { Socket, Socket as SocketType } from "./facade_async.js";

export const {
  socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
  close, dup, fromfd, socketpair, getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo,
  getfqdn, select, selectors, gethostname, if_nameindex, if_nametoindex, if_indextoname,
} = asyncModule(new NodeHost(), nodeFiles);
