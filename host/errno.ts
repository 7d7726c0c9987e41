// Node's error codes ('ECONNREFUSED') to Linux errno numbers, from the one recorded table.
import { EAI_LINUX } from "../src/tables/eai_linux.js";
import { ERRNO_LINUX } from "../src/tables/errno_linux.js";

const bySymbol = new Map<string, number>(ERRNO_LINUX.map(([n, symbol]) => [symbol, n]));

export const ENOENT = 2;
export const EIO = 5;
export const EAGAIN = 11;
export const EACCES = 13;
export const EINVAL = 22;
export const EMFILE = 24;
export const EPIPE = 32;
export const ESOCKTNOSUPPORT = 94;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;
export const EADDRINUSE = 98;
export const EMSGSIZE = 90;
export const EDESTADDRREQ = 89;
export const ECONNRESET = 104;
export const ENOTCONN = 107;
export const ECONNREFUSED = 111;
export const EINPROGRESS = 115;

/** The Linux errno for an error Node raised or emitted; EIO when it names none. */
export function errnoOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    const n = bySymbol.get(code);
    if (n !== undefined) return n;
    if (code === "ERR_SOCKET_BAD_PORT") return ECONNREFUSED;
  }
  return EIO;
}

const eaiBySymbol = new Map<string, number>(EAI_LINUX.map(([n, symbol]) => [symbol, n]));
const EAI_NONAME = -2;

/** The glibc EAI_* code for a failed node:dns lookup. Node folds EAI_NONAME and EAI_NODATA
 * into ENOTFOUND; both read as EAI_NONAME, which is what glibc gives for an unknown name. */
export function eaiOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return eaiBySymbol.get(code) ?? EAI_NONAME;
  return EAI_NONAME;
}
