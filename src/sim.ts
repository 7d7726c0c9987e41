// pysocket/sim: a deterministic simulated network. Each host is a `pysocket`-shaped module over
// its own simulated kernel (host/sim/kernel.ts) behind the same core, socket class and waiting
// wrapper as the real facades; time is virtual and moves only when every simulated activity
// waits; every random draw comes from the seed; the trace is the same bytes for the same seed
// and program. The contract is the simulator section of shared/API.md.

import { canonicalIp, isV4 } from "../host/sim/addr.js";
import { Clock } from "../host/sim/clock.js";
import { SimKernel } from "../host/sim/kernel.js";
import { Network, type LinkParams, type NetHost } from "../host/sim/network.js";
import { seedWords } from "../host/sim/random.js";
import { Trace } from "../host/sim/trace.js";
import type { UnixSock } from "../host/sim/unix.js";
import { ValueError } from "./errors.js";
import { Socket, asyncModule } from "./facade_async.js";
import * as names from "./names.js";
export { Socket, Socket as SocketType } from "./facade_async.js";

export interface SimOptions {
  /** The seed of every random draw: an integer or a bigint (read modulo 2**64). */
  seed?: number | bigint;
  /** The one-way delay of every link between hosts, in seconds. */
  latency?: number;
  /** What time.time() reads at virtual time 0, in seconds. */
  epoch?: number;
}

export interface HostOptions {
  address?: string;
  address6?: string;
  /** Run on the simulation's first turn, and again after each restart. */
  main?: (host: SimHostModule) => unknown;
}

export interface LinkOptions {
  latency?: number;
  jitter?: number;
  loss?: number;
  duplicate?: number;
}

/** Python's time module on the virtual clock. */
export interface SimTime {
  sleep(seconds: number): Promise<null>;
  monotonic(): number;
  time(): number;
}

export type SimHostModule = typeof names & ReturnType<typeof asyncModule> & {
  Socket: typeof Socket;
  SocketType: typeof Socket;
  time: SimTime;
};

interface HostRecord extends NetHost {
  kernel: SimKernel | null;
  module: SimHostModule;
  main: HostOptions["main"];
  paths: Map<string, UnixSock | null>;
}

/** The default addresses: 10.0.0.N counts on past 10.0.0.255 into 10.0.1.0 (the network is
 * 10.0.0.0/8), and fd00::N. */
const DEFAULT_IP4 = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const DEFAULT_IP6 = (n: number) => `fd00::${n.toString(16)}`;

function isName(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}

export class SimNetwork {
  private readonly clock = new Clock();
  private readonly traceLog = new Trace();
  private readonly net: Network;
  private readonly epoch: number;
  private readonly records = new Map<string, HostRecord>();

  constructor({ seed = 0, latency = 0.001, epoch = 0 }: SimOptions = {}) {
    if (!(typeof latency === "number" && latency >= 0)) throw new ValueError("latency must be a non-negative number of seconds");
    this.epoch = Number(epoch);
    this.net = new Network(this.clock, this.traceLog, seedWords(seed), latency);
    this.net.record("network", { seed: String(typeof seed === "bigint" ? BigInt.asUintN(64, seed) : BigInt.asUintN(64, BigInt(seed))), latency });
  }

  /** Adds a host; returns its socket module (see API.md). */
  host(name: string, { address, address6, main }: HostOptions = {}): SimHostModule {
    if (!isName(name)) throw new ValueError("a host needs a name");
    if (this.records.has(name)) throw new ValueError(`host ${name} exists already`);
    const ip4 = address === undefined ? this.freeAddress(DEFAULT_IP4) : this.ownAddress(address, true);
    const ip6 = address6 === undefined ? this.freeAddress(DEFAULT_IP6) : this.ownAddress(address6, false);
    const rec = { name, ip4, ip6, kernel: null, module: {} as SimHostModule, main, paths: new Map() } as HostRecord;
    this.records.set(name, rec);
    this.net.addHost(rec);
    this.net.record("host", { host: name, ip: ip4, ip6 });
    this.boot(rec);
    return rec.module;
  }

  /** The lowest free N of each default range so far: hosts only come, so none below is free. */
  private lowest = new Map<(n: number) => string, number>();

  private freeAddress(make: (n: number) => string): string {
    for (let n = this.lowest.get(make) ?? 1; ; n++) {
      const ip = canonicalIp(make(n))!;
      if (!this.net.hostByIp(ip)) {
        this.lowest.set(make, n);
        return ip;
      }
    }
  }

  private ownAddress(text: string, v4: boolean): string {
    const ip = typeof text === "string" ? canonicalIp(text) : null;
    if (ip === null || isV4(ip) !== v4 || ip.startsWith("127.") || ip === "::1" || ip === "0.0.0.0" || ip === "::") {
      throw new ValueError(`${String(text)} is not a usable ${v4 ? "IPv4" : "IPv6"} host address`);
    }
    if (this.net.hostByIp(ip)) throw new ValueError(`address ${ip} belongs to host ${this.net.hostByIp(ip)!.name}`);
    return ip;
  }

  /** A new kernel for `rec` (first start or restart), its module, and its main. */
  private boot(rec: HostRecord): void {
    const kernel = new SimKernel({ net: this.net, host: rec, clock: this.clock, ports: this.net.stream(`ports:${rec.name}`), paths: rec.paths });
    rec.kernel = kernel;
    const clock = this.clock;
    const epoch = this.epoch;
    const time: SimTime = {
      sleep(seconds: number): Promise<null> {
        if (typeof seconds !== "number" && typeof seconds !== "bigint") {
          return Promise.reject(new TypeError(`'${seconds === null ? "NoneType" : typeof seconds}' object cannot be interpreted as an integer`));
        }
        if (Number(seconds) < 0) return Promise.reject(new ValueError("sleep length must be non-negative"));
        return kernel.sleep(Number(seconds));
      },
      monotonic: () => clock.now(),
      time: () => epoch + clock.now(),
    };
    Object.assign(rec.module, names, asyncModule(kernel), { Socket, SocketType: Socket, time });
    const main = rec.main;
    if (main) kernel.after(0, () => void Promise.resolve(rec.module).then(main));
  }

  private record(name: unknown): HostRecord {
    const rec = typeof name === "string" ? this.records.get(name) : undefined;
    if (!rec) throw new ValueError(`no host named ${String(name)}`);
    return rec;
  }

  /** Virtual seconds since the start. */
  now(): number {
    return this.clock.now();
  }

  /** Whether nothing simulated is still to happen (no packet in flight, no timer): a program
   * still waiting then waits for ever. */
  idle(): boolean {
    return !this.clock.busy();
  }

  /** The calls waiting with no timeout while nothing is in flight: [{host, fd, call}]. */
  blocked(): Array<{ host: string; fd: number; call: string }> {
    if (this.clock.busy()) return [];
    const out: Array<{ host: string; fd: number; call: string }> = [];
    for (const rec of this.records.values()) {
      for (const b of rec.kernel?.blocked() ?? []) out.push({ host: rec.name, ...b });
    }
    return out;
  }

  /** Sets both directions between hosts a and b, for packets sent from now on. */
  link(a: string, b: string, opts: LinkOptions = {}): void {
    this.record(a);
    this.record(b);
    const next: LinkParams = { ...this.net.link(a, b) };
    for (const k of ["latency", "jitter"] as const) {
      const v = opts[k];
      if (v === undefined) continue;
      if (!(typeof v === "number" && v >= 0 && Number.isFinite(v))) throw new ValueError(`${k} must be a non-negative number of seconds`);
      next[k] = v;
    }
    for (const k of ["loss", "duplicate"] as const) {
      const v = opts[k];
      if (v === undefined) continue;
      if (!(typeof v === "number" && v >= 0 && v <= 1)) throw new ValueError(`${k} must be a probability between 0 and 1`);
      next[k] = v;
    }
    this.net.setLink(a, b, next);
    this.net.record("link", { a, b, ...next });
  }

  /** Drops every packet between the two groups (names or arrays of names) until heal(). */
  partition(groupA: string | string[], groupB: string | string[]): void {
    const a = ([] as string[]).concat(groupA);
    const b = ([] as string[]).concat(groupB);
    for (const n of [...a, ...b]) this.record(n);
    this.net.partition(new Set(a), new Set(b));
    this.net.record("partition", { a, b });
  }

  heal(): void {
    this.net.heal();
    this.net.record("heal", {});
  }

  /** Stops a host: its sockets vanish without FIN or RST and its pending calls never settle. */
  crash(name: string): void {
    const rec = this.record(name);
    if (!rec.kernel) return;
    rec.kernel.crash();
    rec.kernel = null;
    this.net.record("crash", { host: name });
  }

  /** Brings a host back with an empty kernel (crashing it first if it runs) and runs its main. */
  restart(name: string): void {
    const rec = this.record(name);
    this.crash(name);
    this.net.record("restart", { host: name });
    this.boot(rec);
  }

  /** Every event so far, one JSON object per line. */
  trace(): string {
    return this.traceLog.text();
  }

  /** The hex SHA-256 of trace(). */
  digest(): string {
    return this.traceLog.digest();
  }
}
