// socket.getservbyname, getservbyport and getprotobyname (CPython Modules/socketmodule.c) over
// Debian's /etc/services and /etc/protocols embedded at build time: every runtime gives the answers
// glibc gives on Debian, with no file read and no `node:` import.

import { OSError, OverflowError } from "./errors.js";
import { argTypeName, arity, arityRange, asCInt, checkCString } from "./pyargs.js";
import { PROTOCOLS } from "./tables/protocols_linux.js";
import { SERVICES } from "./tables/services_linux.js";

/** The "s" format unit: a str that encodes to UTF-8 and holds no NUL. */
function strArg(fn: string, pos: number, v: unknown): string {
  if (typeof v !== "string") throw new TypeError(`${fn}() argument ${pos} must be str, not ${argTypeName(v)}`);
  if (/[\0\ud800-\udfff]/.test(v)) checkCString(v);
  return v;
}

// glibc scans the file and takes the first match, so an earlier entry's key is never replaced.
function setFirst<V>(m: Map<string, V>, key: string, v: V): void {
  if (!m.has(key)) m.set(key, v);
}

interface ServiceIndex {
  portByName: Map<string, number>;
  nameByPort: Map<string, string>;
}

let services: ServiceIndex | undefined;
let protocols: Map<string, number> | undefined;

// A lookup with a protocol is keyed `proto NUL name-or-port`, one with none by the bare name or
// port: checked arguments hold no NUL, so the two never collide (not even for the protocol "").
function indexServices(): ServiceIndex {
  const portByName = new Map<string, number>();
  const nameByPort = new Map<string, string>();
  for (const [name, port, proto, ...aliases] of SERVICES) {
    for (const n of [name, ...aliases]) {
      setFirst(portByName, n, port);
      setFirst(portByName, `${proto}\0${n}`, port);
    }
    setFirst(nameByPort, String(port), name);
    setFirst(nameByPort, `${proto}\0${port}`, name);
  }
  return { portByName, nameByPort };
}

function indexProtocols(): Map<string, number> {
  const m = new Map<string, number>();
  for (const [name, number, ...aliases] of PROTOCOLS) {
    for (const n of [name, ...aliases]) setFirst(m, n, number);
  }
  return m;
}

/** The port of a service name or alias, for the protocol if one is given. */
export function getservbyname(servicename: string, protocolname?: string): number {
  const given = arguments.length;
  arityRange("getservbyname", 1, 2, given);
  const name = strArg("getservbyname", 1, servicename);
  const key = given === 2 ? `${strArg("getservbyname", 2, protocolname)}\0${name}` : name;
  const port = (services ??= indexServices()).portByName.get(key);
  if (port === undefined) throw new OSError("service/proto not found");
  return port;
}

/** The official name of the service on a port, for the protocol if one is given. */
export function getservbyport(port: number | bigint, protocolname?: string): string {
  const given = arguments.length;
  arityRange("getservbyport", 1, 2, given);
  const p = asCInt(port);
  const proto = given === 2 ? strArg("getservbyport", 2, protocolname) : undefined;
  // CPython checks the range only once both arguments have converted.
  if (p < 0 || p > 0xffff) throw new OverflowError("getservbyport: port must be 0-65535.");
  const name = (services ??= indexServices()).nameByPort.get(proto === undefined ? String(p) : `${proto}\0${p}`);
  if (name === undefined) throw new OSError("port/proto not found");
  return name;
}

/** The number of a protocol name or alias. */
export function getprotobyname(protocolname: string): number {
  arity("getprotobyname", 1, arguments.length);
  const name = strArg("getprotobyname", 1, protocolname);
  const n = (protocols ??= indexProtocols()).get(name);
  if (n === undefined) throw new OSError("protocol not found");
  return n;
}
