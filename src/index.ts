// pysocket: Python's socket module for JavaScript (the Promise facade over Node).
export * from "./constants.js";
export * from "./addr.js";
export { getprotobyname, getservbyname, getservbyport } from "./netdb.js";
export { AddressFamily, SocketKind, MsgFlag, AddressInfo } from "./enums.js";
export { CMSG_LEN, CMSG_SPACE } from "./cmsg.js";
export {
  OSError, OSError as error, herror, gaierror, TimeoutError, TimeoutError as timeout,
  BlockingIOError, InterruptedError, ConnectionError, BrokenPipeError, ConnectionAbortedError,
  ConnectionRefusedError, ConnectionResetError, FileNotFoundError, FileExistsError,
  PermissionError, ValueError, OverflowError, UnicodeError, UnicodeEncodeError, UnicodeDecodeError,
  LookupError, UnsupportedOperation, AttributeError,
} from "./errors.js";
export {
  SocketIO, BufferedReader, BufferedWriter, BufferedRWPair, TextIOWrapper, type SocketFile,
  type MakefileOptions,
} from "./makefile.js";
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
