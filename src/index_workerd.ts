// pysocket in Cloudflare Workers (package.json "exports" "." under the "workerd" condition): the
// Promise facade over host/cloudflare.ts, an outbound TCP client through `cloudflare:sockets`.
export * from "./names.js";
import { CloudflareHost } from "../host/cloudflare.js";
import { asyncModule } from "./facade_async.js";
export { Socket, Socket as SocketType } from "./facade_async.js";

export const {
  socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
  close, dup, fromfd, socketpair, getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo,
  getfqdn, gethostname, if_nameindex, if_nametoindex, if_indextoname,
} = asyncModule(new CloudflareHost());
