// Resolver queries for the Node backend. src/resolve.ts makes every decision glibc makes inside
// the process (flags, services, numeric hosts, the hosts file's rules); these ops answer what only
// the machine knows:
//   hosts                               {text, multi}: /etc/hosts, and host.conf's "multi on"
//   getaddrinfo [name, family, hints]   [[family, address], ...] in glibc's order (dns.lookup)
//   gethostbyaddr [address]             the name a reverse lookup gives, or an h_errno
//   interfaces                          {names: [[name, index]], addrs: [[family, address]]}
//   gethostname                         the host name
// The hosts file is read because node:dns reports neither canonical names nor aliases, which
// gethostbyname_ex, gethostbyaddr and AI_CANONNAME take from it; /sys/class/net because Node has no
// if_nametoindex, which scope ids ("fe80::1%eth0") need.
import * as dns from "node:dns";
import { readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import type { ResolveAnswer, ResolveRequest } from "./types.js";

const AF_INET = 2;
const AF_INET6 = 10;
const EAI_NONAME = -2;
const EAI_FAIL = -4;
const EAI_SYSTEM = -11;

/** libuv's UV_EAI_* codes (uv/errno.h) -> glibc's EAI_* numbers. */
const UV_EAI: Record<number, number> = {
  [-3000]: -9, [-3001]: -3, [-3002]: -1, [-3004]: -4, [-3005]: -6, [-3006]: -10, [-3007]: -5,
  [-3008]: -2, [-3009]: -12, [-3010]: -8, [-3011]: -7,
};

/** The h_errno behind a failed getnameinfo(NI_NAMEREQD) (inet/getnameinfo.c gni_host). */
const UV_HERRNO: Record<number, number> = { [-3008]: 1, [-3001]: 2, [-3004]: 3, [-3007]: 4 };

function uvCode(err: unknown): number {
  return Number((err as { errno?: unknown }).errno);
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** resolv/res_hconf.c: "multi on|off" in /etc/host.conf, overridden by $RESOLV_MULTI. */
function multi(): boolean {
  let on = false;
  for (const line of readText("/etc/host.conf").split("\n")) {
    const m = /^\s*multi\s+(\S+)/i.exec(line);
    if (m) on = m[1].toLowerCase() === "on";
  }
  const env = process.env.RESOLV_MULTI?.toLowerCase();
  return env === "on" ? true : env === "off" ? false : on;
}

/** if_nameindex(3): Linux lists the interfaces, with their indexes, in /sys/class/net. */
export function interfaceNames(): Array<[string, number]> {
  let names: string[];
  try {
    names = readdirSync("/sys/class/net");
  } catch {
    return [];
  }
  return names.map((n): [string, number] => [n, Number(readText(`/sys/class/net/${n}/ifindex`).trim())])
    .sort((x, y) => x[1] - y[1]);
}

function interfaceAddrs(): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) out.push([a.family === "IPv6" ? AF_INET6 : AF_INET, a.address]);
  }
  return out;
}

function lookup(name: string, family: number, hints: number): Promise<ResolveAnswer> {
  // Node answers an empty name itself, with a deprecation warning and no addresses; glibc's
  // answer is EAI_NONAME.
  if (name === "") return Promise.resolve({ eai: EAI_NONAME });
  const want = family === AF_INET6 ? 6 : family === AF_INET ? 4 : 0;
  return new Promise((resolve) => {
    dns.lookup(name, { family: want, hints, all: true, verbatim: true }, (err, addrs) => {
      if (err) return resolve({ eai: UV_EAI[uvCode(err)] ?? EAI_SYSTEM });
      resolve({ value: addrs.map((a) => [a.family === 6 ? AF_INET6 : AF_INET, a.address]) });
    });
  });
}

function reverse(address: string): Promise<ResolveAnswer> {
  return new Promise((resolve) => {
    dns.lookupService(address, 0, (err, hostname) => {
      if (err) return resolve({ herrno: UV_HERRNO[uvCode(err)] ?? -1 });
      resolve({ value: hostname });
    });
  });
}

/** gethostname(2), synchronously (socket.gethostname returns a plain value in every facade). */
export function hostnameOnNode(): string {
  return os.hostname();
}

export async function resolveOnNode(req: ResolveRequest): Promise<ResolveAnswer> {
  const [a, b, c] = req.args;
  switch (req.op) {
    case "hosts":
      return { value: { text: readText("/etc/hosts"), multi: multi() } };
    case "getaddrinfo":
      return lookup(a as string, b as number, c as number);
    case "gethostbyaddr":
      return reverse(a as string);
    case "interfaces":
      return { value: { names: interfaceNames(), addrs: interfaceAddrs() } };
    case "gethostname":
      return { value: hostnameOnNode() };
    default:
      return { eai: EAI_FAIL };
  }
}
