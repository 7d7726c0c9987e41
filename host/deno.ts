// Deno runs the Node host through its node: modules, which, without --allow-net, throw NotCapable
// from a later tick of the event loop, out of every caller's reach. Asking Deno first, as it would
// itself (a prompt on a terminal, a refusal otherwise), turns a refusal into Linux's EACCES, which
// pysocket raises as PermissionError [Errno 13].
import { EACCES } from "./errno.js";

interface DenoPermissions {
  requestSync(desc: { name: "net"; host: string }): { state: string };
}

const permissions = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions;
/** Targets Deno has granted: a grant lasts the process, and sendto asks for every datagram. */
const granted = new Set<string>();

/** EACCES if Deno refuses network access to host:port (as its net permission names it), else 0;
 * always 0 outside Deno. */
export function netDenied(host: string, port: number): number {
  if (permissions === undefined) return 0;
  const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  if (granted.has(target)) return 0;
  if (permissions.requestSync({ name: "net", host: target }).state !== "granted") return EACCES;
  granted.add(target);
  return 0;
}
