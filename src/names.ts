// The module's names that are the same in every facade: constants, the address and byte-order
// functions, service tables, enums, exceptions and makefile's file classes.
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
  LookupError, UnsupportedOperation, AttributeError, KeyError, RuntimeError, ExceptionGroup,
} from "./errors.js";
export {
  SocketIO, BufferedReader, BufferedWriter, BufferedRWPair, TextIOWrapper, type SocketFile,
  type MakefileOptions,
} from "./makefile.js";
export type { Address } from "./socket.js";
export type { AddrInfoTuple, GetaddrinfoOptions } from "./resolve.js";
export type { CreateConnectionOptions, CreateServerOptions, SocketOptions } from "./module.js";
