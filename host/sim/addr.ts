// Addresses inside the simulated network. An IP is kept as canonical text: IPv4 dotted quads,
// IPv6 in RFC 5952's compressed form, and an IPv4-mapped IPv6 address as the IPv4 address it
// maps (so a dual-stack socket and an IPv4 one meet on the same address).

/** The eight 16-bit words of an IPv6 text (compressed or not, maybe with a dotted tail), or
 * null if it is not one. */
export function words6(text: string): number[] | null {
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const q = text.slice(lastColon + 1).split(".").map(Number);
    if (q.length !== 4 || q.some((n) => !(n >= 0 && n <= 255))) return null;
    tail = [(q[0] << 8) | q[1], (q[2] << 8) | q[3]];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s === "" ? [] : s.split(":").map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : NaN)));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const given = head.length + rest.length + tail.length;
  if (head.some(Number.isNaN) || rest.some(Number.isNaN)) return null;
  if (halves.length === 1 && given !== 8) return null;
  if (halves.length === 2 && given > 7) return null;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

export function isIPv4(text: string): boolean {
  const q = text.split(".");
  return q.length === 4 && q.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

/** RFC 5952 text for eight words. */
export function text6(w: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** The canonical form of an address text of either family; null if it is neither. */
export function canonicalIp(text: string): string | null {
  if (isIPv4(text)) return text.split(".").map(Number).join(".");
  const w = words6(text);
  if (!w) return null;
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `${w[6] >> 8}.${w[6] & 0xff}.${w[7] >> 8}.${w[7] & 0xff}`;
  }
  return text6(w);
}

export const ANY4 = "0.0.0.0";
export const ANY6 = "::";

/** For a canonical address: IPv6 text always has a colon, IPv4 never. */
export function isV4(ip: string): boolean {
  return !ip.includes(":");
}

export function isLoopback(ip: string): boolean {
  return ip === "::1" || (isV4(ip) && ip.startsWith("127."));
}

export function isAny(ip: string): boolean {
  return ip === ANY4 || ip === ANY6;
}

/** "ip:port" as traces print endpoints ("[fd00::1]:80" for IPv6). */
export function endpointText(ip: string, port: number): string {
  return isV4(ip) ? `${ip}:${port}` : `[${ip}]:${port}`;
}
