// Linux's struct sockaddr_in / sockaddr_in6 in the core's memory, read and written by hosts.
// Layout (netinet/in.h): u16 family (host order), u16 port (network order), then
// sockaddr_in: 4 address bytes; sockaddr_in6: u32 flowinfo (network order), 16 address bytes,
// u32 scope_id (host order).

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

export interface SockAddr {
  family: number;
  /** Node's text form of the address ('127.0.0.1', '::1'). */
  address: string;
  port: number;
  flowinfo: number;
  scopeId: number;
}

function hex4(v: number): string {
  return v.toString(16);
}

/** Reads the sockaddr of `salen` bytes at `sa`. An AF_UNIX path becomes Node's string form
 * (UTF-8; an abstract name keeps its leading NUL). */
export function readSockAddr(mem: Uint8Array, sa: number, salen = 28): SockAddr {
  const family = mem[sa] | (mem[sa + 1] << 8);
  if (family === AF_INET) {
    const address = `${mem[sa + 4]}.${mem[sa + 5]}.${mem[sa + 6]}.${mem[sa + 7]}`;
    return { family, address, port: (mem[sa + 2] << 8) | mem[sa + 3], flowinfo: 0, scopeId: 0 };
  }
  const dv = new DataView(mem.buffer, mem.byteOffset + sa, 28);
  if (family === AF_UNIX) {
    let path = mem.subarray(sa + 2, sa + Math.max(salen, 2));
    if (path.length > 0 && path[0] !== 0 && path[path.length - 1] === 0) path = path.subarray(0, path.length - 1);
    return { family, address: new TextDecoder().decode(path), port: 0, flowinfo: 0, scopeId: 0 };
  }
  const port = dv.getUint16(2, false);
  if (family === AF_INET6) {
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(hex4(dv.getUint16(8 + i * 2, false)));
    return { family, address: groups.join(":"), port, flowinfo: dv.getUint32(4, false), scopeId: dv.getUint32(24, true) };
  }
  const address = `${mem[sa + 4]}.${mem[sa + 5]}.${mem[sa + 6]}.${mem[sa + 7]}`;
  return { family, address, port, flowinfo: 0, scopeId: 0 };
}

/** Writes an empty sockaddr (AF_UNSPEC): a recvfrom that read no datagram names no source
 * (msg_namelen stays 0), which CPython's makesockaddr answers as None. */
export function writeNoSockAddr(mem: Uint8Array, sa: number): void {
  mem[sa] = 0;
  mem[sa + 1] = 0;
}

/** Writes Node's {address, port} as a sockaddr of `family`; returns its length. An AF_INET
 * socket served by a dual-stack listener sees "::" and "::ffff:a.b.c.d"; they read as IPv4. */
export function writeSockAddr(mem: Uint8Array, sa: number, family: number, address: string, port: number): number {
  if (family === AF_UNIX) {
    // unix(7): unnamed is the family alone; a path gets its NUL; an abstract name does not.
    const path = new TextEncoder().encode(address).subarray(0, 108);
    mem.fill(0, sa, sa + 110);
    mem[sa] = AF_UNIX;
    mem.set(path, sa + 2);
    if (path.length === 0) return 2;
    return path[0] === 0 ? 2 + path.length : 3 + path.length;
  }
  if (family === AF_INET) {
    if (address === "::") address = "0.0.0.0";
    else if (address.startsWith("::ffff:")) address = address.slice(7);
    mem.fill(0, sa, sa + 28);
    mem[sa] = AF_INET;
    mem[sa + 2] = port >> 8;
    mem[sa + 3] = port & 0xff;
    writeDottedQuad(mem, sa + 4, address);
    return 16;
  }
  const dv = new DataView(mem.buffer, mem.byteOffset + sa, 28);
  mem.fill(0, sa, sa + 28);
  dv.setUint16(0, family, true);
  dv.setUint16(2, port, false);
  if (family === AF_INET6) {
    const bytes = ipv6Bytes(address);
    mem.set(bytes.subarray(0, 16), sa + 8);
    dv.setUint32(24, bytes.scope, true);
    return 28;
  }
  writeDottedQuad(mem, sa + 4, address);
  return 16;
}

/** The four bytes of dotted-quad `address` at `at` (an accept and a recvfrom write one each:
 * no split, no strings). */
function writeDottedQuad(mem: Uint8Array, at: number, address: string): void {
  let byte = 0;
  let i = 0;
  for (let j = 0; j < address.length && i < 4; j++) {
    const c = address.charCodeAt(j);
    if (c === 46) {
      mem[at + i++] = byte;
      byte = 0;
    } else if (c >= 48 && c <= 57) {
      byte = byte * 10 + (c - 48);
    } else {
      const parts = address.split(".");
      for (let k = 0; k < 4; k++) mem[at + k] = Number(parts[k]) | 0;
      return;
    }
  }
  if (i < 4) mem[at + i] = byte;
}

/** The 16 bytes of an IPv6 text address as Node prints it (compressed, maybe a dotted tail or a
 * %zone). An IPv4 address (from a dual-stack socket) becomes its IPv4-mapped form. */
function ipv6Bytes(address: string): Uint8Array & { scope: number } {
  const out = Object.assign(new Uint8Array(16), { scope: 0 });
  const pct = address.indexOf("%");
  let text = pct >= 0 ? address.slice(0, pct) : address;
  if (pct >= 0) out.scope = Number(address.slice(pct + 1)) || 0;
  if (!text.includes(":")) text = "::ffff:" + text;
  const words: number[] = [];
  let tail: number[] = [];
  const dot = text.lastIndexOf(":");
  if (text.includes(".")) {
    tail = text.slice(dot + 1).split(".").map(Number);
    text = text.slice(0, dot + 1) + "0:0";
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":").map((w) => parseInt(w, 16)) : [];
  const r = rest !== undefined && rest !== "" ? rest.split(":").map((w) => parseInt(w, 16)) : [];
  words.push(...h);
  if (rest !== undefined) for (let i = h.length + r.length; i < 8; i++) words.push(0);
  words.push(...r);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (words[i] ?? 0) >> 8;
    out[i * 2 + 1] = (words[i] ?? 0) & 0xff;
  }
  if (tail.length === 4) out.set(tail, 12);
  return out;
}
