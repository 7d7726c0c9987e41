// pysocket/sync: Python's socket module for JavaScript, blocking as CPython's is (the Node host
// runs in a worker thread; see host/worker.ts). The same names as `pysocket`.
export * from "./constants.js";
export * from "./addr.js";
export { getprotobyname, getservbyname, getservbyport } from "./netdb.js";
export { AddressFamily, SocketKind, MsgFlag, AddressInfo } from "./enums.js";
export { CMSG_LEN, CMSG_SPACE } from "./cmsg.js";
export {
  OSError, OSError as error, herror, gaierror, TimeoutError, TimeoutError as timeout,
  BlockingIOError, InterruptedError, ConnectionError, BrokenPipeError, ConnectionAbortedError,
  ConnectionRefusedError, ConnectionResetError, FileNotFoundError, FileExistsError,
  PermissionError, ValueError, OverflowError, UnicodeEncodeError, UnicodeDecodeError, LookupError,
  UnsupportedOperation,
} from "./errors.js";
export {
  SocketIO, BufferedReader, BufferedWriter, BufferedRWPair, TextIOWrapper, type SocketFile,
  type MakefileOptions,
} from "./makefile.js";
import { WorkerHost } from "../host/worker.js";
import { syncModule } from "./facade_sync.js";
export { Socket, Socket as SocketType } from "./facade_sync.js";

export const {
  socket, getdefaulttimeout, setdefaulttimeout, has_dualstack_ipv6, create_connection, create_server,
  close, dup, fromfd, socketpair,
} = syncModule(new WorkerHost());
