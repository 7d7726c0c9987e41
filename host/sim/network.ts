// The network between simulated hosts: addresses, links (latency, jitter, loss, duplication),
// partitions, and packet delivery on the virtual clock. A packet to the sending host itself
// (loopback, or its own address) is delivered inside the sending call, as Linux's loopback
// delivers before send() returns; a packet to another host crosses the link's faults, each
// drawn from that link's own seeded stream. Every packet sent, delivered or dropped is traced.

import { endpointText, isLoopback } from "./addr.js";
import type { Clock } from "./clock.js";
import { Random } from "./random.js";
import type { Trace } from "./trace.js";

export const SYN = 1;
export const FIN = 2;
export const RST = 4;
export const ACK = 8;

export interface Packet {
  proto: "tcp" | "udp" | "icmp";
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** TCP: SYN | FIN | RST | ACK; ICMP: the type (3, unreachable). */
  flags: number;
  seq: number;
  ack: number;
  /** TCP's advertised receive window. */
  wnd: number;
  data: Uint8Array | null;
  /** Set when the packet is sent: its number in the trace. */
  id: number;
  /** TCP: the receiver's key for the connection ("dst|dport|src|sport"), when the sender
   * knows it (it saves building it for every segment). */
  flow?: string;
}

export interface LinkParams {
  latency: number;
  jitter: number;
  loss: number;
  duplicate: number;
}

/** What the network needs of a host's kernel. */
export interface Receiver {
  receive(pkt: Packet): void;
}

export interface NetHost {
  readonly name: string;
  readonly ip4: string;
  readonly ip6: string;
  /** The running kernel; null while the host is crashed. */
  kernel: Receiver | null;
}

function flagText(p: Packet): string {
  if (p.proto !== "tcp") return p.proto === "icmp" ? "unreachable" : "";
  let s = "";
  if (p.flags & SYN) s += "S";
  if (p.flags & FIN) s += "F";
  if (p.flags & RST) s += "R";
  if (p.data && p.data.length > 0) s += "P";
  if (p.flags & ACK) s += "A";
  return s;
}

export class Network {
  private hosts = new Map<string, NetHost>();
  private byIp = new Map<string, NetHost>();
  /** Each pair's link, one record for both directions, changed in place by setLink. */
  private links = new Map<string, LinkParams>();
  /** Per directed pair: its link record and its random stream (looked up once). */
  private pairs = new Map<NetHost, Map<NetHost, { link: LinkParams; rng: Random }>>();
  /** The trace's text for the ends of each connection, per sending host (see traceSend). */
  private heads = new Map<NetHost, Map<string, string>>();
  /** Host names as JSON strings, for trace lines. */
  private quoted = new Map<string, string>();
  private streams = new Map<string, Random>();
  private partitions: Array<[Set<string>, Set<string>]> = [];
  private nextId = 1;
  private local: Array<[NetHost, Packet]> = [];
  private delivering = false;

  constructor(
    readonly clock: Clock,
    readonly trace: Trace,
    readonly seed: [number, number],
    private readonly latency: number,
  ) {}

  /** A seeded stream named `name` (each name gets its own, the first time it is asked for). */
  stream(name: string): Random {
    let r = this.streams.get(name);
    if (!r) this.streams.set(name, (r = new Random(this.seed, name)));
    return r;
  }

  addHost(h: NetHost): void {
    this.hosts.set(h.name, h);
    this.byIp.set(h.ip4, h);
    this.byIp.set(h.ip6, h);
  }

  hostByIp(ip: string): NetHost | undefined {
    return this.byIp.get(ip);
  }

  allHosts(): NetHost[] {
    return [...this.hosts.values()];
  }

  private linkKey(a: string, b: string): string {
    return a < b ? `${a}\n${b}` : `${b}\n${a}`;
  }

  link(a: string, b: string): LinkParams {
    const key = this.linkKey(a, b);
    let l = this.links.get(key);
    if (!l) this.links.set(key, (l = { latency: this.latency, jitter: 0, loss: 0, duplicate: 0 }));
    return l;
  }

  setLink(a: string, b: string, p: LinkParams): void {
    Object.assign(this.link(a, b), p);
  }

  private pair(from: NetHost, to: NetHost): { link: LinkParams; rng: Random } {
    let m = this.pairs.get(from);
    if (!m) this.pairs.set(from, (m = new Map()));
    let p = m.get(to);
    if (!p) m.set(to, (p = { link: this.link(from.name, to.name), rng: this.stream(`link:${from.name}>${to.name}`) }));
    return p;
  }

  private quote(name: string | null): string {
    if (name === null) return "null";
    let q = this.quoted.get(name);
    if (q === undefined) this.quoted.set(name, (q = JSON.stringify(name)));
    return q;
  }

  partition(a: Set<string>, b: Set<string>): void {
    this.partitions.push([a, b]);
  }

  heal(): void {
    this.partitions = [];
  }

  private separated(a: string, b: string): boolean {
    if (this.partitions.length === 0) return false;
    for (const [x, y] of this.partitions) if ((x.has(a) && y.has(b)) || (y.has(a) && x.has(b))) return true;
    return false;
  }

  record(ev: string, fields: Record<string, unknown>): void {
    this.trace.add(this.clock.ns, { ev, ...fields });
  }

  /** A packet's send line, built by hand (this runs for every packet): everything about it. The
   * part that names the two ends is kept per sending host and connection. */
  private traceSend(p: Packet, from: NetHost, to: NetHost | undefined): void {
    let head = p.flow === undefined ? undefined : this.heads.get(from)?.get(p.flow);
    if (head === undefined) {
      head = `"proto":"${p.proto}","from":${this.quote(from.name)},"to":${this.quote(to ? to.name : null)},"src":"${endpointText(p.src, p.sport)}","dst":"${endpointText(p.dst, p.dport)}"`;
      if (p.flow !== undefined) {
        let m = this.heads.get(from);
        if (!m) this.heads.set(from, (m = new Map()));
        m.set(p.flow, head);
      }
    }
    let line = `{"t":${this.clock.ns},"ev":"send","p":${p.id},${head}`;
    if (p.proto === "tcp") line += `,"flags":"${flagText(p)}","seq":${p.seq},"ack":${p.ack},"wnd":${p.wnd}`;
    this.trace.line(`${line},"len":${p.data ? p.data.length : 0}}\n`);
  }

  /** What became of packet `p` (deliver, drop, duplicate): its number names the send line. */
  private traceFate(ev: string, p: Packet, extra = ""): void {
    this.trace.line(`{"t":${this.clock.ns},"ev":"${ev}","p":${p.id}${extra}}\n`);
  }

  /** The host a packet from `from` to `ip` reaches: itself for loopback and its own addresses. */
  route(from: NetHost, ip: string): NetHost | undefined {
    if (isLoopback(ip) || ip === from.ip4 || ip === from.ip6) return from;
    return this.byIp.get(ip);
  }

  /** Sends `pkt` from host `from`. */
  send(from: NetHost, pkt: Packet): void {
    pkt.id = this.nextId++;
    const to = this.route(from, pkt.dst);
    this.traceSend(pkt, from, to);
    if (to === from) {
      this.local.push([from, pkt]);
      if (!this.delivering) this.drainLocal();
      return;
    }
    if (!to) return this.traceFate("drop", pkt, ',"reason":"no route"');
    if (this.separated(from.name, to.name)) return this.traceFate("drop", pkt, ',"reason":"partition"');
    const { link, rng } = this.pair(from, to);
    if (link.loss > 0 && rng.float() < link.loss) return this.traceFate("drop", pkt, ',"reason":"loss"');
    this.schedule(from, to, pkt, link, rng);
    if (link.duplicate > 0 && rng.float() < link.duplicate) {
      const copy = { ...pkt, id: this.nextId++ };
      this.traceFate("duplicate", copy, `,"of":${pkt.id}`);
      this.schedule(from, to, copy, link, rng);
    }
  }

  private schedule(from: NetHost, to: NetHost, pkt: Packet, link: LinkParams, rng: Random): void {
    const delay = link.latency + (link.jitter > 0 ? link.jitter * rng.float() : 0);
    // No delay: delivered inside the sending call, as loopback is.
    if (delay === 0) {
      this.local.push([to, pkt]);
      if (!this.delivering) this.drainLocal();
      return;
    }
    this.clock.after(delay * 1e9, () => {
      const k = to.kernel;
      if (!k) return this.traceFate("drop", pkt, ',"reason":"host down"');
      this.traceFate("deliver", pkt);
      k.receive(pkt);
    });
  }

  /** Loopback and links with no delay: each packet is delivered in order, inside the outermost
   * sending call. */
  private drainLocal(): void {
    this.delivering = true;
    try {
      while (this.local.length > 0) {
        const [h, pkt] = this.local.shift()!;
        const k = h.kernel;
        if (!k) {
          this.traceFate("drop", pkt, ',"reason":"host down"');
          continue;
        }
        this.traceFate("deliver", pkt);
        k.receive(pkt);
      }
    } finally {
      this.delivering = false;
    }
  }
}
