// pysocket: Python's socket module for JavaScript (the Promise facade).
export * from "./constants.js";
export * from "./addr.js";
export {
  OSError, OSError as error, herror, gaierror, TimeoutError, TimeoutError as timeout,
  BlockingIOError, InterruptedError, ConnectionError, BrokenPipeError, ConnectionAbortedError,
  ConnectionRefusedError, ConnectionResetError, FileNotFoundError, FileExistsError,
  PermissionError, ValueError, OverflowError, UnicodeEncodeError,
} from "./errors.js";
