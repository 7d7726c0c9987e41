// Names in the simulated network, as the resolver ops of host/resolver.ts answer them for the
// Node host: every host's name stands for its IPv4 then its IPv6 address on every host,
// `localhost` for the loopback, and the hosts file src/resolve.ts reads lists them all, so
// gethostbyname_ex, gethostbyaddr and AI_CANONNAME follow glibc's rules over it. Anything else
// is unknown (EAI_NONAME): there is no DNS server to ask.

import { AF_INET, AF_INET6 } from "../sockaddr.js";
import type { LookupResult, ResolveAnswer, ResolveRequest } from "../types.js";
import { canonicalIp, isV4 } from "./addr.js";
import type { NetHost, Network } from "./network.js";

const EAI_NONAME = -2;
const EAI_FAIL = -4;
const EAI_ADDRFAMILY = -9;
const HOST_NOT_FOUND = 1;

/** [family, address] pairs a name stands for, in order. */
function addressesOf(net: Network, name: string): Array<[number, string]> | null {
  const lower = name.toLowerCase();
  if (lower === "localhost") return [[AF_INET, "127.0.0.1"], [AF_INET6, "::1"]];
  for (const h of net.allHosts()) if (h.name.toLowerCase() === lower) return [[AF_INET, h.ip4], [AF_INET6, h.ip6]];
  return null;
}

function matching(found: Array<[number, string]>, family: number): Array<[number, string]> {
  return family === AF_INET || family === AF_INET6 ? found.filter(([f]) => f === family) : found;
}

/** getaddrinfo(name) for AF_INET, AF_INET6 or AF_UNSPEC (0); numeric addresses as they are. */
export function lookupOn(net: Network, _self: NetHost, name: string, family: number): LookupResult {
  const ip = canonicalIp(name);
  if (ip !== null) {
    const f = isV4(ip) && !name.includes(":") ? AF_INET : AF_INET6;
    if (family !== 0 && family !== f) return { eai: EAI_ADDRFAMILY };
    return { addresses: [name] };
  }
  const found = addressesOf(net, name);
  if (!found) return { eai: EAI_NONAME };
  const fit = matching(found, family);
  return fit.length > 0 ? { addresses: fit.map(([, a]) => a) } : { eai: EAI_ADDRFAMILY };
}

/** The hosts file every simulated host has. */
function hostsText(net: Network): string {
  let text = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  for (const h of net.allHosts()) text += `${h.ip4}\t${h.name}\n${h.ip6}\t${h.name}\n`;
  return text;
}

/** Every simulated host's interfaces: its loopback and one link to the network. */
export const SIM_INTERFACES: Array<[string, number]> = [["lo", 1], ["eth0", 2]];

export function resolveOn(net: Network, self: NetHost, req: ResolveRequest): ResolveAnswer {
  const [a, b] = req.args;
  switch (req.op) {
    case "hosts":
      return { value: { text: hostsText(net), multi: false } };
    case "getaddrinfo": {
      const found = addressesOf(net, a as string);
      if (!found) return { eai: EAI_NONAME };
      const fit = matching(found, b as number);
      return fit.length > 0 ? { value: fit } : { eai: EAI_NONAME };
    }
    case "gethostbyaddr": {
      const ip = canonicalIp(a as string);
      if (ip === "127.0.0.1" || ip === "::1") return { value: "localhost" };
      const h = ip === null ? undefined : net.hostByIp(ip);
      return h ? { value: h.name } : { herrno: HOST_NOT_FOUND };
    }
    case "interfaces":
      return {
        value: {
          names: SIM_INTERFACES,
          addrs: [[AF_INET, "127.0.0.1"], [AF_INET6, "::1"], [AF_INET, self.ip4], [AF_INET6, self.ip6]],
        },
      };
    case "gethostname":
      return { value: self.name };
    default:
      return { eai: EAI_FAIL };
  }
}
