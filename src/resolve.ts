// socket.getaddrinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, getnameinfo, getfqdn and
// gethostname: CPython's argument handling (Modules/socketmodule.c, Lib/socket.py) over glibc's
// resolver logic (sysdeps/posix/getaddrinfo.c, inet/getnameinfo.c, nss_files/files-hosts.c).
// Flags, services, numeric hosts and the hosts file's rules are decided here, so every backend
// answers alike; a host is asked only what needs the machine, as ResolveRequests (host/resolver.ts
// lists them): its resolver, its hosts file, its interfaces and its name. Numeric hosts never
// reach the resolver.

import { addrCore as core } from "./core.js";
import {
  AttributeError, OSError, OverflowError, UnicodeError, fromEai, gaierror, herror,
} from "./errors.js";
import type { Runner } from "./module.js";
import { idnaEncode, isAscii } from "./idna.js";
import { getservbyname, getservbyport } from "./netdb.js";
import { argTypeName, arity, asCInt, bindArgs, checkCString, isInt, typeName } from "./pyargs.js";
import type { Op, ResolveAnswer } from "./sockcall.js";
import {
  AF_INET, AF_INET6, AF_UNSPEC, AI_ADDRCONFIG, AI_ALL, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV,
  AI_PASSIVE, AI_V4MAPPED, EAI_ADDRFAMILY, EAI_AGAIN, EAI_BADFLAGS, EAI_FAIL, EAI_FAMILY, EAI_NODATA,
  EAI_NONAME, EAI_SERVICE, EAI_SOCKTYPE, EAI_SYSTEM, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
  IPPROTO_UDPLITE, NI_DGRAM, NI_NAMEREQD, NI_NOFQDN, NI_NUMERICHOST, NI_NUMERICSERV, SOCK_DGRAM,
  SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM,
} from "./tables/constants_linux.js";

const C = core.exports;

// Linux values Python does not export.
const SOCK_DCCP = 6;
const IPPROTO_DCCP = 33;
const AI_IDN = 0x40;
/** glibc's mask of accepted ai_flags: the seven above, AI_IDN, AI_CANONIDN and the two deprecated
 * IDN flags (0x300). */
const AI_MASK = 0x7ff;
/** NI_NUMERICHOST..NI_DGRAM, NI_IDN and the deprecated NI_IDN_* flags (inet/getnameinfo.c). */
const NI_MASK = 0xff;
const EAI_IDN_ENCODE = -105;

// h_errno values (netdb.h).
const NETDB_INTERNAL = -1;
const HOST_NOT_FOUND = 1;
const TRY_AGAIN = 2;
const NO_RECOVERY = 3;
const NO_DATA = 4;

/** glibc's hstrerror (resolv/herror.c h_errlist). */
export function hstrerror(h: number): string {
  if (h < 0) return "Resolver internal error";
  return ["Resolver Error 0 (no error)", "Unknown host", "Host name lookup failure", "Unknown server error",
    "No address associated with name"][h] ?? "Unknown resolver error";
}

function herr(h: number): herror {
  return new herror(h, hstrerror(h));
}

// -- C strings: bytes as strings of char codes 0..255 --

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

/** A str's UTF-8 bytes (the caller has refused lone surrogates). */
const utf8 = (s: string): string => latin1(new TextEncoder().encode(s));

/** What C sees of a char buffer: up to the first NUL. */
function cString(s: string): string {
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

/** The "et" format unit with encoding "idna" (gethostbyname and friends). */
function etIdna(fn: string, v: unknown): string {
  let s: string;
  if (typeof v === "string") s = idnaEncode(v);
  else if (v instanceof Uint8Array) s = latin1(v);
  else throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${argTypeName(v)}`);
  if (s.includes("\0")) {
    throw new TypeError(`${fn}() argument 1 must be encoded string without null bytes, not ${typeName(v)}`);
  }
  return s;
}

// -- addresses: the core's glibc parsers and formatter --

export interface Addr {
  family: number;
  bytes: Uint8Array;
  scope: number;
}

function scratchBytes(n: number): Uint8Array {
  return core.u8.slice(core.out, core.out + n);
}

/** glibc inet_pton for AF_INET or AF_INET6 (text without NUL). */
function pton(family: number, s: string): Uint8Array | null {
  if (core.writeText(s) < 0 || C.inet_pton(family, s.length) !== 1) return null;
  return scratchBytes(family === AF_INET ? 4 : 16);
}

/** glibc __inet_aton_exact: inet_aton's forms with nothing after them (inet_aton stops at the
 * first space, so any space makes it inexact). */
function atonExact(s: string): Uint8Array | null {
  if (core.writeText(s) < 0 || /[ \t\n\v\f\r]/.test(s) || C.inet_aton(s.length) !== 1) return null;
  return scratchBytes(4);
}

function ntop(family: number, bytes: Uint8Array): string {
  core.u8.set(bytes, core.in);
  return core.readText(C.inet_ntop(family));
}

const V4MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function isV4Mapped(b: Uint8Array): boolean {
  return V4MAPPED_PREFIX.every((x, i) => b[i] === x);
}

function mapV4(b: Uint8Array): Uint8Array {
  return Uint8Array.from([...V4MAPPED_PREFIX, ...b]);
}

const isLinkLocal = (b: Uint8Array): boolean => b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
const isMcLinkLocal = (b: Uint8Array): boolean => b[0] === 0xff && (b[1] & 0xf) === 2;
const isMcNodeLocal = (b: Uint8Array): boolean => b[0] === 0xff && (b[1] & 0xf) === 1;
const isUnspecified6 = (b: Uint8Array): boolean => b.every((x) => x === 0);

// -- what the host answers --

interface Interfaces {
  /** [name, index] of every interface (if_nameindex). */
  names: Array<[string, number]>;
  /** [family, address] of every configured address. */
  addrs: Array<[number, string]>;
}

interface HostsFile {
  text: string;
  /** host.conf's "multi on" (resolv/res_hconf.c). */
  multi: boolean;
}

function* ask(op: string, ...args: unknown[]): Op<ResolveAnswer> {
  return (yield { kind: "resolve", req: { op, args } }) as ResolveAnswer;
}

function* askValue<T>(op: string, ...args: unknown[]): Op<T> {
  const a = yield* ask(op, ...args);
  if ("value" in a) return a.value as T;
  throw "eai" in a ? fromEai(a.eai) : herr(a.herrno);
}

// -- the hosts file as glibc's nss_files reads it --

interface HostLine {
  addr: string;
  name: string;
  aliases: string[];
}

interface Hostent {
  name: string;
  aliases: string[];
  addrs: Uint8Array[];
}

/** files-parse.c: text from '#' on is a comment; fields are separated by white space. */
function hostLines(text: string): HostLine[] {
  const out: HostLine[] = [];
  for (const raw of text.split("\n")) {
    const fields = raw.split("#")[0].split(/[ \t\v\f\r]+/).filter((f) => f !== "");
    if (fields.length > 0) out.push({ addr: fields[0], name: fields[1] ?? "", aliases: fields.slice(2) });
  }
  return out;
}

/** files-hosts.c LINE_PARSER's address for a lookup of family `af` (flags 0): an AF_INET
 * lookup also takes ::1 as 127.0.0.1 and v4-mapped addresses as IPv4; other lines are skipped. */
function lineAddr(addr: string, af: number): Addr | null {
  const v4 = af !== AF_INET6 ? pton(AF_INET, addr) : null;
  if (v4) return { family: AF_INET, bytes: v4, scope: 0 };
  const v6 = pton(AF_INET6, addr);
  if (!v6) return null;
  if (af !== AF_INET) return { family: AF_INET6, bytes: v6, scope: 0 };
  if (isV4Mapped(v6)) return { family: AF_INET, bytes: v6.slice(12), scope: 0 };
  if (v6.every((x, i) => x === (i === 15 ? 1 : 0))) return { family: AF_INET, bytes: Uint8Array.of(127, 0, 0, 1), scope: 0 };
  return null;
}

/** LOOKUP_NAME_CASE: the official name or an alias, ASCII case ignored. */
function namedBy(line: HostLine, name: string): boolean {
  const low = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return [line.name, ...line.aliases].some((n) => n.replace(/[A-Z]/g, (c) => c.toLowerCase()) === low);
}

/** _nss_files_gethostbyname3_r (with gethostbyname3_multi when host.conf says "multi on"). */
function filesByName(file: HostsFile, name: string, af: number): Hostent | null {
  let h: Hostent | null = null;
  for (const line of hostLines(file.text)) {
    const a = lineAddr(line.addr, af);
    if (!a || !namedBy(line, name)) continue;
    if (!h) {
      h = { name: line.name, aliases: [...line.aliases], addrs: [a.bytes] };
      if (!file.multi) break;
      continue;
    }
    h.addrs.push(a.bytes);
    h.aliases.push(...line.aliases);
    if (line.name !== h.name) h.aliases.push(line.name);
  }
  return h;
}

/** _nss_files_gethostbyaddr_r: the first line with that address. */
function filesByAddr(file: HostsFile, bytes: Uint8Array, af: number): Hostent | null {
  for (const line of hostLines(file.text)) {
    const a = lineAddr(line.addr, af);
    if (a && a.family === af && a.bytes.every((x, i) => x === bytes[i])) {
      return { name: line.name, aliases: line.aliases, addrs: [bytes] };
    }
  }
  return null;
}

/** The canonical name getaddrinfo reports for a name the hosts file knows: the official name of
 * the first line that gaih_inet's NSS call matches (gethostbyname4_r for AF_UNSPEC, else
 * gethostbyname3_r for the family, then AF_INET for AI_V4MAPPED). */
function filesCanon(file: HostsFile, name: string, family: number, flags: number): string | null {
  const first = (af: number): string | null => {
    for (const line of hostLines(file.text)) if (lineAddr(line.addr, af) && namedBy(line, name)) return line.name;
    return null;
  };
  if (family !== AF_INET6) return first(family);
  return first(AF_INET6) ?? (flags & AI_V4MAPPED ? first(AF_INET) : null);
}

// -- glibc getaddrinfo --

interface TypeProto {
  socktype: number;
  protocol: number;
  /** GAI_PROTO_PROTOANY: takes the caller's protocol. */
  protoany: boolean;
  /** GAI_PROTO_NOSERVICE: no service names. */
  noservice: boolean;
  /** Returned when neither socket type nor protocol is asked for. */
  dflt: boolean;
  name: string;
}

/** gaih_inet_typeproto. */
const TYPEPROTO: readonly TypeProto[] = [
  { socktype: SOCK_STREAM, protocol: IPPROTO_TCP, protoany: false, noservice: false, dflt: true, name: "tcp" },
  { socktype: SOCK_DGRAM, protocol: IPPROTO_UDP, protoany: false, noservice: false, dflt: true, name: "udp" },
  { socktype: SOCK_DCCP, protocol: IPPROTO_DCCP, protoany: false, noservice: false, dflt: false, name: "dccp" },
  { socktype: SOCK_DGRAM, protocol: IPPROTO_UDPLITE, protoany: false, noservice: false, dflt: false, name: "udplite" },
  { socktype: SOCK_STREAM, protocol: IPPROTO_SCTP, protoany: false, noservice: false, dflt: false, name: "sctp" },
  { socktype: SOCK_SEQPACKET, protocol: IPPROTO_SCTP, protoany: false, noservice: false, dflt: false, name: "sctp" },
  { socktype: SOCK_RAW, protocol: 0, protoany: true, noservice: true, dflt: true, name: "raw" },
];

interface Service {
  name: string;
  /** The number strtoul read into an int, or -1 for a name. */
  num: number;
}

interface ServTuple {
  socktype: number;
  protocol: number;
  port: number;
}

const ULONG_MAX = 2n ** 64n - 1n;

/** getaddrinfo's `num = strtoul(service, &end, 10)` into an int, or null unless it read it all. */
function serviceNumber(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  let v = BigInt(m[2]);
  if (v > ULONG_MAX) v = ULONG_MAX;
  else if (m[1] === "-") v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return Number(BigInt.asIntN(32, v));
}

/** getservbyname_r's port for a name and protocol, or null. */
function servicePort(name: string, proto: string): number | null {
  try {
    return getservbyname(name, proto);
  } catch (err) {
    if (err instanceof OSError) return null;
    throw err;
  }
}

/** get_servtuples: the (socket type, protocol, port) triples each address is returned with. */
function servTuples(service: Service | null, socktype: number, protocol: number): ServTuple[] {
  let tp: TypeProto | undefined;
  if (socktype || protocol) {
    tp = TYPEPROTO.find((t) => !((socktype !== 0 && socktype !== t.socktype)
      || (protocol !== 0 && !t.protoany && protocol !== t.protocol)));
    if (!tp) throw fromEai(socktype ? EAI_SOCKTYPE : EAI_SERVICE);
  }
  if (service && tp?.noservice) throw fromEai(EAI_SERVICE);
  if (!service || service.num >= 0) {
    const port = service ? service.num & 0xffff : 0;
    if (tp) return [{ socktype: tp.socktype, protocol: tp.protoany ? protocol : tp.protocol, port }];
    return TYPEPROTO.filter((t) => t.dflt).map((t) => ({ socktype: t.socktype, protocol: t.protocol, port }));
  }
  if (tp) {
    const port = servicePort(service.name, tp.name);
    if (port === null) throw fromEai(EAI_SERVICE);
    return [{ socktype: tp.socktype, protocol: tp.protoany ? protocol : tp.protocol, port }];
  }
  const out: ServTuple[] = [];
  for (const t of TYPEPROTO) {
    const port = t.noservice ? null : servicePort(service.name, t.name);
    if (port !== null) out.push({ socktype: t.socktype, protocol: t.protocol, port });
  }
  if (out.length === 0) throw fromEai(EAI_SERVICE);
  return out;
}

interface AddrInfo {
  family: number;
  socktype: number;
  protocol: number;
  canonname: string | null;
  addr: Addr;
  port: number;
}

/** What the host's interfaces say: if_nametoindex, and __check_pf's seen_ipv4/seen_ipv6 (any
 * address but 127.0.0.1 and ::1). */
function* interfaces(): Op<Interfaces> {
  return yield* askValue<Interfaces>("interfaces");
}

/** __inet6_scopeid_pton: an interface name (for link-local and node/link-local multicast
 * addresses) or a decimal number up to 2**32 - 1; null when neither. */
function* scopeId(bytes: Uint8Array, scope: string): Op<number | null> {
  if (isLinkLocal(bytes) || isMcNodeLocal(bytes) || isMcLinkLocal(bytes)) {
    const found = (yield* interfaces()).names.find(([n]) => n === scope);
    if (found) return found[1];
  }
  if (/^[0-9]+$/.test(scope) && BigInt(scope) <= 0xffffffffn) return Number(scope);
  return null;
}

/** get_numeric_res: the address a numeric host stands for, or null for a name. */
function* numericHost(name: string, family: number, flags: number): Op<Addr | null> {
  const v4 = atonExact(name);
  if (v4) {
    if (family === AF_INET6 && flags & AI_V4MAPPED) return { family: AF_INET6, bytes: mapV4(v4), scope: 0 };
    if (family !== AF_UNSPEC && family !== AF_INET) throw fromEai(EAI_ADDRFAMILY);
    return { family: AF_INET, bytes: v4, scope: 0 };
  }
  const pct = name.indexOf("%");
  const v6 = pton(AF_INET6, pct < 0 ? name : name.slice(0, pct));
  if (v6) {
    const toV4 = family === AF_INET && isV4Mapped(v6);
    if (family !== AF_UNSPEC && family !== AF_INET6 && !toV4) throw fromEai(EAI_ADDRFAMILY);
    const scope = pct < 0 ? 0 : yield* scopeId(v6, name.slice(pct + 1));
    if (scope === null) throw fromEai(EAI_NONAME);
    return toV4 ? { family: AF_INET, bytes: v6.slice(12), scope: 0 } : { family: AF_INET6, bytes: v6, scope };
  }
  if (flags & AI_NUMERICHOST) throw fromEai(EAI_NONAME);
  return null;
}

const LOOPBACK4 = Uint8Array.of(127, 0, 0, 1);
const LOOPBACK6 = Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? 1 : 0));

/** gaih_inet's addresses for no host: the wildcard (AI_PASSIVE) or loopback of each family, in
 * the order rfc3484_sort gives them. Passive, 0.0.0.0 comes first (rule 5: its label matches its
 * source's, 127.0.0.1, where "::" and its source ::1 differ); otherwise ::1 (rule 6: the highest
 * precedence), unless this machine has no ::1, which rule 1 puts last as unusable. */
function* noHost(family: number, flags: number): Op<Addr[]> {
  const passive = (flags & AI_PASSIVE) !== 0;
  const v6: Addr = { family: AF_INET6, bytes: passive ? new Uint8Array(16) : LOOPBACK6, scope: 0 };
  const v4: Addr = { family: AF_INET, bytes: passive ? new Uint8Array(4) : LOOPBACK4, scope: 0 };
  if (family === AF_INET6) return [v6];
  if (family === AF_INET) return [v4];
  if (passive) return [v4, v6];
  const has6 = (yield* interfaces()).addrs.some(([f, a]) => f === AF_INET6 && a === "::1");
  return has6 ? [v6, v4] : [v4, v6];
}

/** glibc's __idna_to_dns_encoding for AI_IDN: names that are not ASCII must be UTF-8 without
 * backslashes. libidn2's IDNA2008 mapping is approximated by the idna codec's IDNA2003. */
function idnToDns(name: string): string {
  if (isAscii(name)) return name;
  // gai_strerror's text for EAI_IDN_ENCODE, which Python's table of EAI codes lacks.
  const notEncoded = (): gaierror => new gaierror(EAI_IDN_ENCODE, "Parameter string not correctly encoded");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(name, (c) => c.charCodeAt(0)));
  } catch {
    throw notEncoded();
  }
  if (text.includes("\\")) throw notEncoded();
  try {
    return idnaEncode(text);
  } catch (err) {
    if (err instanceof UnicodeError) throw notEncoded();
    throw err;
  }
}

/**
 * glibc's getaddrinfo(name, service, hints) (sysdeps/posix/getaddrinfo.c), in its order of
 * checks. `name` and `service` are C strings (null for NULL).
 */
function* getaddrinfoCore(
  name: string | null, service: string | null, family: number, socktype: number, protocol: number, flags: number,
): Op<AddrInfo[]> {
  if (name === "*") name = null;
  if (service === "*") service = null;
  if (name === null && service === null) throw fromEai(EAI_NONAME);
  if (flags & ~AI_MASK) throw fromEai(EAI_BADFLAGS);
  if (flags & AI_CANONNAME && name === null) throw fromEai(EAI_BADFLAGS);
  if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) throw fromEai(EAI_FAMILY);
  if (flags & AI_ADDRCONFIG) {
    const { addrs } = yield* interfaces();
    const seen4 = addrs.some(([f, a]) => f === AF_INET && a !== "127.0.0.1");
    const seen6 = addrs.some(([f, a]) => f === AF_INET6 && a !== "::1");
    if (family === AF_UNSPEC) {
      if (seen4 !== seen6) family = seen4 ? AF_INET : AF_INET6;
    } else if ((family === AF_INET && !seen4) || (family === AF_INET6 && !seen6)) {
      throw fromEai(EAI_NONAME);
    }
  }
  let svc: Service | null = null;
  if (service) {
    const num = serviceNumber(service);
    if (num === null && flags & AI_NUMERICSERV) throw fromEai(EAI_NONAME);
    svc = { name: service, num: num ?? -1 };
  }
  const tuples = servTuples(svc, socktype, protocol);
  let addrs: Addr[];
  let canon: string | null = null;
  if (name === null) {
    addrs = yield* noHost(family, flags);
  } else {
    const given = name;
    if (flags & AI_IDN) name = idnToDns(name);
    const numeric = yield* numericHost(name, family, flags);
    if (numeric) {
      addrs = [numeric];
      canon = name;
    } else {
      const found = yield* askValue<Array<[number, string]>>("getaddrinfo", name, family, flags & (AI_V4MAPPED | AI_ALL));
      addrs = [];
      for (const [f, text] of found) {
        const bytes = pton(f, text);
        if (bytes) addrs.push({ family: f, bytes, scope: 0 });
      }
      // The name as given when no source names it otherwise.
      if (flags & AI_CANONNAME) canon = filesCanon(yield* askValue<HostsFile>("hosts"), name, family, flags) ?? given;
    }
  }
  const out: AddrInfo[] = [];
  for (const addr of addrs) {
    for (const t of tuples) {
      out.push({
        family: addr.family, socktype: t.socktype, protocol: t.protocol, addr, port: t.port,
        canonname: out.length === 0 && flags & AI_CANONNAME ? canon : null,
      });
    }
  }
  return out;
}

/** makesockaddr for a getaddrinfo result. */
function sockaddr(a: Addr, port: number): AddrInfoTuple[4] {
  const host = ntop(a.family, a.bytes);
  return a.family === AF_INET6 ? [host, port, 0, a.scope] : [host, port];
}

// -- gethostbyname_r and gethostbyaddr_r (glibc's NSS with "hosts: files dns") --

type HostResult = { h: Hostent } | { herrno: number };

/** An EAI code of the host's resolver as the h_errno gethostbyname_r would leave. */
function herrnoOfEai(eai: number): number {
  if (eai === EAI_NONAME) return HOST_NOT_FOUND;
  if (eai === EAI_NODATA) return NO_DATA;
  if (eai === EAI_AGAIN) return TRY_AGAIN;
  if (eai === EAI_FAIL) return NO_RECOVERY;
  return NETDB_INTERNAL;
}

/**
 * gethostbyname_r(name) for AF_INET, as CPython reads its failure: from the thread's global
 * h_errno, which glibc sets only when its DNS backend ran. The number given is what that one
 * call leaves in a fresh thread (0 where it sets nothing).
 */
function* hostByName(name: string): Op<HostResult> {
  // nss/digits_dots.c: digits and dots, not ending in a dot, are inet_aton'ed; an IPv6 literal
  // cannot be an AF_INET answer.
  if (/^[0-9][0-9.]*$/.test(name) && !name.endsWith(".")) {
    const v4 = atonExact(name);
    return v4 ? { h: { name, aliases: [], addrs: [v4] } } : { herrno: 0 };
  }
  if ((/^[0-9A-Fa-f]/.test(name) && name.includes(":")) || name.startsWith(":")) return { herrno: 0 };
  const files = filesByName(yield* askValue<HostsFile>("hosts"), name, AF_INET);
  if (files) return { h: files };
  // The DNS backend refuses an empty name with NO_RECOVERY, and a name that is no host name
  // ("<broadcast>") before it asks, leaving h_errno alone.
  if (name === "") return { herrno: NO_RECOVERY };
  if (!/^[A-Za-z0-9.-]*$/.test(name)) return { herrno: 0 };
  // A name that getaddrinfo would take as numeric ("0x7f.1") goes to DNS as a name in glibc; no
  // DNS name ends in such a label, so the answer is "not found" (and the host's getaddrinfo
  // cannot be asked: it would take it as numeric).
  if (atonExact(name)) return { herrno: HOST_NOT_FOUND };
  const a = yield* ask("getaddrinfo", name, AF_INET, 0);
  if (!("value" in a)) return { herrno: "eai" in a ? herrnoOfEai(a.eai) : a.herrno };
  const addrs = (a.value as Array<[number, string]>).map(([f, t]) => pton(f, t)).filter((b): b is Uint8Array => b !== null);
  return { h: { name, aliases: [], addrs } };
}

/** gethostbyaddr_r(addr, af): "::" is refused before NSS (inet/gethstbyad_r.c, h_errno untouched),
 * then the hosts file, then the host's reverse lookup. */
function* hostByAddr(bytes: Uint8Array, af: number): Op<HostResult> {
  if (af === AF_INET6 && isUnspecified6(bytes)) return { herrno: 0 };
  const files = filesByAddr(yield* askValue<HostsFile>("hosts"), bytes, af);
  if (files) return { h: files };
  const a = yield* ask("gethostbyaddr", ntop(af, bytes));
  if ("value" in a) return { h: { name: a.value as string, aliases: [], addrs: [bytes] } };
  return { herrno: "herrno" in a ? a.herrno : herrnoOfEai(a.eai) };
}

/** gethost_common: (name, aliases, addresses), or the herror. */
function hostTuple(r: HostResult, af: number): [string, string[], string[]] {
  if ("herrno" in r) throw herr(r.herrno);
  return [r.h.name, r.h.aliases, r.h.addrs.map((b) => ntop(af, b))];
}

/** CPython's setipaddr(name, af) (Modules/socketmodule.c): the address a host argument names
 * for family `af` (AF_INET, AF_INET6 or AF_UNSPEC), numeric ones without a lookup, names through
 * getaddrinfo. Every host of bind, connect, sendto and the resolver functions comes here. */
export function* setipaddr(name: string, af: number): Op<Addr> {
  if (name === "") {
    const r = yield* getaddrinfoCore(null, "0", af, SOCK_DGRAM, 0, AI_PASSIVE);
    if (r.length > 1) throw new OSError("wildcard resolved to multiple address");
    return r[0].addr;
  }
  if (name === "255.255.255.255" || name === "<broadcast>") {
    if (af !== AF_INET && af !== AF_UNSPEC) throw new OSError("address family mismatched");
    return { family: AF_INET, bytes: Uint8Array.of(255, 255, 255, 255), scope: 0 };
  }
  const v4 = af !== AF_INET6 ? pton(AF_INET, name) : null;
  if (v4) return { family: AF_INET, bytes: v4, scope: 0 };
  const v6 = af !== AF_INET && !name.includes("%") ? pton(AF_INET6, name) : null;
  if (v6) return { family: AF_INET6, bytes: v6, scope: 0 };
  return (yield* getaddrinfoCore(name, null, af, 0, 0, 0))[0].addr;
}

// -- argument conversions --

/** PyLong_AsLong on an int: a C long, or Python's OverflowError. */
function asLong(v: number | bigint): bigint {
  const b = typeof v === "bigint" ? v : BigInt(v);
  if (b >= 2n ** 63n || b < -(2n ** 63n)) throw new OverflowError("Python int too large to convert to C long");
  return b;
}

/** The "I" format unit: an int taken modulo 2**32. */
function uintMask(v: unknown): number {
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(BigInt.asUintN(32, typeof v === "bigint" ? v : BigInt(Number(v))));
}

/** Lib/socket.py's getaddrinfo(host, port, family=0, type=0, proto=0, flags=0): keywords as a
 * trailing plain object; an omitted (undefined) optional argument takes its default. */
function bindGaiArgs(args: readonly unknown[]): unknown[] {
  const bound = bindArgs("getaddrinfo", args, ["host", "port", "family", "type", "proto", "flags"], 2);
  const int = (v: unknown): unknown => (v === undefined ? 0 : v);
  return [bound.host, bound.port, int(bound.family), int(bound.type), int(bound.proto), int(bound.flags)];
}

/** socket_getaddrinfo's port: an int as "%ld", str as UTF-8 (a C string: up to a NUL), bytes. */
function portText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if ((typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint") return asLong(v).toString();
  if (typeof v === "string") {
    // PyUnicode_AsUTF8 encodes all of it (NULs included) before C reads up to the first NUL.
    if (/[\ud800-\udfff]/.test(v)) checkCString(v.replace(/\0/g, "\x01"));
    return cString(utf8(v));
  }
  if (v instanceof Uint8Array) return cString(latin1(v));
  throw new OSError("Int or String expected");
}

/** One getaddrinfo answer: (family, type, proto, canonname, sockaddr). */
export type AddrInfoTuple = [
  family: number, type: number, proto: number, canonname: string,
  sockaddr: [host: string, port: number] | [host: string, port: number, flowinfo: number, scope_id: number],
];

/** getaddrinfo's arguments after the port as keywords, in a trailing options object. */
export interface GetaddrinfoOptions {
  family?: number;
  type?: number;
  proto?: number;
  flags?: number;
}

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
type HostTuple = [hostname: string, aliaslist: string[], ipaddrlist: string[]];
type GaiInt = number | GetaddrinfoOptions;

/** The resolver functions' signatures (Python's, keywords in a trailing options object). */
export interface Resolver<A extends boolean> {
  getaddrinfo(host: string | Uint8Array | null, port: string | number | Uint8Array | null, family?: GaiInt,
    type?: GaiInt, proto?: GaiInt, flags?: GaiInt): Ret<A, AddrInfoTuple[]>;
  gethostbyname(hostname: string | Uint8Array): Ret<A, string>;
  gethostbyname_ex(hostname: string | Uint8Array): Ret<A, HostTuple>;
  gethostbyaddr(ip_address: string | Uint8Array): Ret<A, HostTuple>;
  getnameinfo(sockaddr: [host: string, port: number, flowinfo?: number, scope_id?: number], flags: number): Ret<A, [host: string, port: string]>;
  getfqdn(name?: string): Ret<A, string>;
  getfqdn(name: Uint8Array): Ret<A, string | Uint8Array>;
}

/** socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0), as create_connection
 * calls it too. */
export function* getaddrinfoOp(args: readonly unknown[]): Op<AddrInfoTuple[]> {
  const [host, port, ...ints] = bindGaiArgs(args);
  const [family, socktype, protocol, flags] = ints.map(asCInt);
  let name: string | null;
  if (host === null || host === undefined) name = null;
  else if (typeof host === "string") name = cString(idnaEncode(host));
  else if (host instanceof Uint8Array) name = cString(latin1(host));
  else throw new TypeError("getaddrinfo() argument 1 must be string or None");
  const service = portText(port);
  const res = yield* getaddrinfoCore(name, service, family, socktype, protocol, flags);
  return res.map((r) => [r.family, r.socktype, r.protocol, r.canonname ?? "", sockaddr(r.addr, r.port)]);
}

function* gethostbynameOp(args: unknown[]): Op<string> {
  arity("gethostbyname", 1, args.length);
  const a = yield* setipaddr(etIdna("gethostbyname", args[0]), AF_INET);
  return ntop(a.family, a.bytes);
}

function* gethostbynameExOp(args: unknown[]): Op<[string, string[], string[]]> {
  arity("gethostbyname_ex", 1, args.length);
  const name = etIdna("gethostbyname_ex", args[0]);
  yield* setipaddr(name, AF_INET);
  return hostTuple(yield* hostByName(name), AF_INET);
}

function* gethostbyaddrOp(args: unknown[]): Op<[string, string[], string[]]> {
  arity("gethostbyaddr", 1, args.length);
  const a = yield* setipaddr(etIdna("gethostbyaddr", args[0]), AF_UNSPEC);
  return hostTuple(yield* hostByAddr(a.bytes, a.family), a.family);
}

/** Python's str.strip() for str (its white space) and bytes (ASCII white space). */
function pyStrip(v: unknown): string | Uint8Array {
  if (typeof v === "string") {
    const ws = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    return v.replace(new RegExp(`^${ws}+|${ws}+$`, "gu"), "");
  }
  if (v instanceof Uint8Array) {
    const ws = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
    let i = 0;
    let j = v.length;
    while (i < j && ws(v[i])) i++;
    while (j > i && ws(v[j - 1])) j--;
    return v.slice(i, j);
  }
  throw new AttributeError(`'${typeName(v)}' object has no attribute 'strip'`);
}

/** nrl_domainname (inet/getnameinfo.c): the local domain NI_NOFQDN strips, from the first of
 * localhost's name, the host name, its address's name and 127.0.0.1's name that has a dot. */
function* localDomain(): Op<string | null> {
  const after = (s: string): string | null => (s.includes(".") ? s.slice(s.indexOf(".") + 1) : null);
  const lh = yield* hostByName("localhost");
  if ("h" in lh && after(lh.h.name) !== null) return after(lh.h.name);
  const me = yield* askValue<string>("gethostname");
  if (after(me) !== null) return after(me);
  const mine = yield* hostByName(me);
  if ("h" in mine && after(mine.h.name) !== null) return after(mine.h.name);
  const lo = yield* hostByAddr(LOOPBACK4, AF_INET);
  return "h" in lo ? after(lo.h.name) : null;
}

/** The resolver functions of a facade: `run` drives an operation with the facade's host. */
export function makeResolver<A extends boolean>(run: Runner<A>): Resolver<A> {
  // glibc computes the local domain once per process.
  let domain: { value: string | null } | undefined;

  function* getnameinfoOp(args: unknown[]): Op<[string, string]> {
    arity("getnameinfo", 2, args.length);
    const [sa, flagsArg] = args;
    const flags = asCInt(flagsArg);
    if (!Array.isArray(sa)) throw new TypeError("getnameinfo() argument 1 must be a tuple");
    if (sa.length < 2 || sa.length > 4 || typeof sa[0] !== "string") {
      throw new TypeError("getnameinfo(): illegal sockaddr argument");
    }
    const host: string = sa[0];
    if (/[\0\ud800-\udfff]/.test(host)) checkCString(host);
    const port = asCInt(sa[1]);
    const flowinfo = sa.length > 2 ? uintMask(sa[2]) : 0;
    const scope = sa.length > 3 ? uintMask(sa[3]) : 0;
    if (flowinfo > 0xfffff) throw new OverflowError("getnameinfo(): flowinfo must be 0-1048575.");
    const res = yield* getaddrinfoCore(cString(utf8(host)), String(port), AF_UNSPEC,
      SOCK_DGRAM, 0, AI_NUMERICHOST);
    if (res.length > 1) throw new OSError("sockaddr resolved to multiple addresses");
    const { addr } = res[0];
    if (addr.family === AF_INET && sa.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
    const a: Addr = addr.family === AF_INET6 ? { ...addr, scope } : addr;
    // glibc getnameinfo: the flags, then the host, then the service.
    if (flags & ~NI_MASK) throw fromEai(EAI_BADFLAGS);
    let name: string | null = null;
    if (!(flags & NI_NUMERICHOST)) {
      const r = yield* hostByAddr(a.bytes, a.family);
      if ("h" in r) {
        name = r.h.name;
        if (flags & NI_NOFQDN) {
          domain ??= { value: yield* localDomain() };
          const at = domain.value === null ? -1 : name.indexOf(domain.value);
          if (at > 0 && name[at - 1] === ".") name = name.slice(0, at - 1);
        }
      } else if (r.herrno === TRY_AGAIN) {
        throw fromEai(EAI_AGAIN);
      } else if (r.herrno === NETDB_INTERNAL) {
        throw fromEai(EAI_SYSTEM);
      }
    }
    if (name === null) {
      if (flags & NI_NAMEREQD) throw fromEai(EAI_NONAME);
      name = yield* numericName(a);
    }
    const p = res[0].port;
    let serv = String(p);
    if (!(flags & NI_NUMERICSERV)) {
      try {
        serv = getservbyport(p, flags & NI_DGRAM ? "udp" : "tcp");
      } catch (err) {
        if (!(err instanceof OSError)) throw err;
      }
    }
    return [name, serv];
  }

  function* getfqdnOp(args: unknown[]): Op<string | Uint8Array> {
    if (args.length > 1) {
      throw new TypeError(`getfqdn() takes from 0 to 1 positional arguments but ${args.length} were given`);
    }
    let name = pyStrip(args.length === 0 || args[0] === undefined ? "" : args[0]);
    if (name.length === 0 || name === "0.0.0.0" || name === "::") name = yield* askValue<string>("gethostname");
    let found: [string, string[], string[]];
    try {
      found = yield* gethostbyaddrOp([name]);
    } catch (err) {
      if (err instanceof OSError) return name;
      throw err;
    }
    const [hostname, aliases] = found;
    return [hostname, ...aliases].find((n) => n.includes(".")) ?? hostname;
  }

  // Each takes its arguments as given: their count is part of what CPython checks.
  return {
    getaddrinfo: (...args: unknown[]) => run(() => getaddrinfoOp(args)),
    gethostbyname: (...args: unknown[]) => run(() => gethostbynameOp(args)),
    gethostbyname_ex: (...args: unknown[]) => run(() => gethostbynameExOp(args)),
    gethostbyaddr: (...args: unknown[]) => run(() => gethostbyaddrOp(args)),
    getnameinfo: (...args: unknown[]) => run(() => getnameinfoOp(args)),
    getfqdn: (...args: unknown[]) => run(() => getfqdnOp(args)),
  } as Resolver<A>;
}

/** gni_host_inet_numeric: the address, and for IPv6 a nonzero scope as "%name" (link-local
 * unicast and multicast, when the interface exists) or "%number". */
function* numericName(a: Addr): Op<string> {
  const text = ntop(a.family, a.bytes);
  if (a.family !== AF_INET6 || a.scope === 0) return text;
  if (isLinkLocal(a.bytes) || isMcLinkLocal(a.bytes)) {
    const found = (yield* interfaces()).names.find(([, i]) => i === a.scope);
    if (found) return `${text}%${found[0]}`;
  }
  return `${text}%${a.scope}`;
}

/** socket.gethostname() over a host's synchronous answer (it returns a plain value in every
 * facade). */
export function gethostnameWith(hostname: () => string) {
  return function gethostname(): string {
    if (arguments.length !== 0) throw new TypeError(`_socket.gethostname() takes no arguments (${arguments.length} given)`);
    return hostname();
  };
}
