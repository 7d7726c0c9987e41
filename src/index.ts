// pysocket: Python's socket module for JavaScript (the Promise facade over Node).
export * from "./names.js";
import { module } from "./facade_async.js";
import { gethostnameWith } from "./resolve.js";
import { hostnameOnNode } from "../host/resolver.js";
export { Socket, Socket as SocketType } from "./facade_async.js";

export const {
  socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
  close, dup, fromfd, socketpair, getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo,
  getfqdn,
} = module;
export const gethostname = gethostnameWith(hostnameOnNode);
