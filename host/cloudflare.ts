// The Cloudflare Workers backend: outbound TCP through `cloudflare:sockets` connect(), for the
// `pysocket` facade under package.json's "workerd" condition (src/index_workerd.ts). It moves
// bytes and reports the connection's events to host/kernel's StreamSocket, which answers as
// Linux does. A Worker can
// only open connections: bind, listen, accept, UDP, AF_UNIX and socketpair answer Linux's errno
// for an unsupported operation, family or type. Workers resolve names inside connect() and have
// no resolver API, so a name looks up to an address of 198.18.0.0/15 (RFC 2544's benchmarking
// range, never routed) that connect() turns back into the name.
import { connect, type Socket as CfSocket } from "cloudflare:sockets";
import { EAFNOSUPPORT, EAGAIN, ECONNREFUSED, ECONNRESET, EINPROGRESS, EIO, ESOCKTNOSUPPORT } from "./errno.js";
import { SEND_SHUTDOWN, StreamSocket } from "./kernel/index.js";
import { AF_INET, AF_INET6, readSockAddr, writeSockAddr } from "./sockaddr.js";
import { BaseSyscalls } from "./syscalls.js";
import { READ, WRITE, type AsyncHost, type LookupResult, type ResolveAnswer, type ResolveRequest } from "./types.js";

const SOCK_STREAM = 1;
const EBADF = 9;
const ETIMEDOUT = 110;
const EAI_NONAME = -2;
const EAI_FAIL = -4;
const HOST_NOT_FOUND = 1;
/** Bytes read ahead of recv, and bytes accepted by send that workerd has not yet taken. */
const HIGH_WATER = 4 * 1024 * 1024;
/** 198.18.0.0/15: the first stand-in address for a name. */
const NAME_BASE = (198 << 24) | (18 << 16);

interface Waiter {
  resolve(ready: boolean): void;
  timer: ReturnType<typeof setTimeout> | null;
}

/** One socket: Linux's stream state (host/kernel), and a Workers TCP socket once connect() is
 * called, whose events this backend reports to it. */
class Conn {
  readonly stream = new StreamSocket(false);
  socket: CfSocket | null = null;
  writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  /** The address connected to, as the caller gave it (a name's stand-in stays so). */
  remote: { address: string; port: number } | null = null;
  /** Bytes accepted by send that workerd has not yet written. */
  unsent = 0;
  /** Resumes the reader once recv has drained the queue below HIGH_WATER / 2. */
  resumeReading: (() => void) | null = null;
  readers: Waiter[] = [];
  writers: Waiter[] = [];

  constructor(readonly family: number) {}

  wake(interest: number): void {
    const list = interest === READ ? this.readers : this.writers;
    for (const w of list.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve(true);
    }
  }

  wakeAll(): void {
    this.wake(READ);
    this.wake(WRITE);
  }
}

/** The errno for a Workers socket error, which carries a message only. */
export function cloudflareErrno(err: unknown): number {
  const errno = (err as { errno?: unknown } | null)?.errno;
  if (typeof errno === "number") return errno;
  const message = String((err as { message?: unknown } | null)?.message ?? err);
  if (/cannot connect|refused/i.test(message)) return ECONNREFUSED;
  if (/timed? ?out/i.test(message)) return ETIMEDOUT;
  if (/reset|lost|disconnect|closed/i.test(message)) return ECONNRESET;
  return EIO;
}

export class CloudflareHost extends BaseSyscalls implements AsyncHost {
  private conns = new Map<number, Conn>();
  private nextHandle = 1;
  private memory: WebAssembly.Memory | null = null;
  /** Names looked up, by stand-in address, and their stand-ins by name. */
  private names: string[] = [];
  private standIns = new Map<string, string>();

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  private mem(): Uint8Array {
    return new Uint8Array(this.memory!.buffer);
  }

  now(): number {
    return performance.now() / 1000;
  }

  hostname(): string {
    return "localhost";
  }

  interfaces(): Array<[string, number]> {
    return [["lo", 1]];
  }

  readonly errnoOf = cloudflareErrno;

  wait(h: number, interest: number, timeout: number): Promise<boolean> {
    const c = this.conns.get(h);
    if (!c) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const list = interest === READ ? c.readers : c.writers;
      const w: Waiter = { resolve, timer: null };
      if (timeout >= 0) {
        w.timer = setTimeout(() => {
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          resolve(false);
        }, timeout * 1000);
      }
      list.push(w);
    });
  }

  /** A numeric address as it is; "localhost" as the hosts file has it; any other name as its
   * stand-in (IPv4 only: an AF_INET6 lookup of a name finds nothing). */
  private addresses(host: string, family: number): string[] {
    const v6 = host.includes(":");
    if (v6 || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return [host];
    if (host === "localhost") return family === AF_INET6 ? ["::1"] : family === AF_INET ? ["127.0.0.1"] : ["::1", "127.0.0.1"];
    if (family === AF_INET6 || host === "") return [];
    let standIn = this.standIns.get(host);
    if (standIn === undefined) {
      const n = (NAME_BASE + this.names.length) >>> 0;
      standIn = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      this.names.push(host);
      this.standIns.set(host, standIn);
    }
    return [standIn];
  }

  lookup(host: string, family: number): Promise<LookupResult> {
    const addresses = this.addresses(host, family);
    return Promise.resolve(addresses.length > 0 ? { addresses } : { eai: EAI_NONAME });
  }

  /** The resolver queries of host/resolver.ts, answered as a machine with only a loopback. */
  resolve(req: ResolveRequest): Promise<ResolveAnswer> {
    const [a, b] = req.args;
    let answer: ResolveAnswer;
    switch (req.op) {
      case "hosts":
        answer = { value: { text: "127.0.0.1\tlocalhost\n::1\tlocalhost\n", multi: false } };
        break;
      case "getaddrinfo": {
        const found = this.addresses(a as string, b as number);
        answer = found.length > 0
          ? { value: found.map((x) => [x.includes(":") ? AF_INET6 : AF_INET, x]) }
          : { eai: EAI_NONAME };
        break;
      }
      case "gethostbyaddr":
        answer = { herrno: HOST_NOT_FOUND };
        break;
      case "interfaces":
        answer = { value: { names: this.interfaces(), addrs: [[AF_INET, "127.0.0.1"], [AF_INET6, "::1"]] } };
        break;
      case "gethostname":
        answer = { value: this.hostname() };
        break;
      default:
        answer = { eai: EAI_FAIL };
    }
    return Promise.resolve(answer);
  }

  private conn(h: number): Conn {
    const c = this.conns.get(h);
    if (!c) throw Object.assign(new Error(`pysocket cloudflare host: no handle ${h}`), { errno: EBADF });
    return c;
  }

  sock_open(family: number, type: number): number {
    if (family !== AF_INET && family !== AF_INET6) return -EAFNOSUPPORT;
    if (type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    const h = this.nextHandle++;
    this.conns.set(h, new Conn(family));
    return h;
  }

  sock_connect(h: number, sa: number, salen: number): number {
    const c = this.conn(h);
    const addr = readSockAddr(this.mem(), sa, salen);
    // Linux refuses port 0.
    if (addr.port === 0) return -ECONNREFUSED;
    const n = addr.family === AF_INET ? addr.address.split(".").reduce((v, p) => v * 256 + Number(p), 0) : -1;
    const name = n >= NAME_BASE && n < NAME_BASE + this.names.length ? this.names[n - NAME_BASE] : null;
    const hostname = name ?? (addr.family === AF_INET6 ? `[${addr.address}]` : addr.address);
    const socket = connect({ hostname, port: addr.port }, { secureTransport: "off", allowHalfOpen: true });
    c.socket = socket;
    c.writer = socket.writable.getWriter();
    c.remote = { address: addr.address, port: addr.port };
    c.stream.connecting();
    socket.closed.catch(() => {});
    c.writer.closed.catch(() => {});
    socket.opened.then(
      () => {
        if (c.socket !== socket) return;
        c.stream.established();
        c.wakeAll();
        void this.pump(c, socket);
      },
      (err: unknown) => {
        if (c.socket !== socket) return;
        c.stream.failed(cloudflareErrno(err));
        c.socket = null;
        c.writer = null;
        c.wakeAll();
      },
    );
    return -EINPROGRESS;
  }

  sock_finish(h: number): number {
    return this.conn(h).stream.connectResult();
  }

  /** Reads the connection into the receive queue, pausing while it holds HIGH_WATER bytes. */
  private async pump(c: Conn, socket: CfSocket): Promise<void> {
    const reader = socket.readable.getReader();
    try {
      for (;;) {
        if (c.stream.queued >= HIGH_WATER) await new Promise<void>((resume) => (c.resumeReading = resume));
        const { value, done } = await reader.read();
        if (c.socket !== socket) return;
        if (done) c.stream.fin();
        else c.stream.received(value);
        c.wakeAll();
        if (done) return;
      }
    } catch {
      if (c.socket !== socket) return;
      c.stream.reset();
      c.wakeAll();
    }
  }

  sock_recv(h: number, buf: number, len: number, flags: number): number {
    const c = this.conn(h);
    const n = c.stream.recv(this.mem().subarray(buf, buf + len), flags);
    if (c.resumeReading && c.stream.queued < HIGH_WATER / 2) {
      c.resumeReading();
      c.resumeReading = null;
    }
    return n;
  }

  sock_recv_from(h: number, buf: number, len: number, flags: number, sa: number): number {
    const n = this.sock_recv(h, buf, len, flags);
    if (n >= 0) this.sock_addr_remote(h, sa);
    return n;
  }

  sock_send(h: number, buf: number, len: number): number {
    const c = this.conn(h);
    const err = c.stream.sendError();
    if (err < 0) return err;
    const writer = c.writer!;
    const room = HIGH_WATER - c.unsent;
    if (room <= 0) return -EAGAIN;
    const n = Math.min(len, room);
    c.unsent += n;
    writer.write(this.mem().slice(buf, buf + n)).then(
      () => {
        c.unsent -= n;
        c.wake(WRITE);
      },
      () => {
        if (c.writer !== writer) return;
        c.stream.reset();
        c.wakeAll();
      },
    );
    return n;
  }

  sock_send_to(h: number, buf: number, len: number): number {
    return this.sock_send(h, buf, len);
  }

  sock_shutdown(h: number, how: number): number {
    const c = this.conn(h);
    const { result, fin, disconnect } = c.stream.shut(how);
    // FIN after what send accepted: close() on the writer waits for its queued writes.
    if (fin) c.writer?.close().catch(() => {});
    if (disconnect) c.socket?.close().catch(() => {});
    c.wakeAll();
    return result;
  }

  sock_close(h: number): number {
    const c = this.conns.get(h);
    if (!c) return 0;
    this.conns.delete(h);
    const socket = c.socket;
    const writer = c.writer;
    c.socket = null;
    c.writer = null;
    c.resumeReading?.();
    // Linux flushes what send accepted, then sends FIN: the writer closes after its queued
    // writes, then the socket.
    if (socket) {
      const flushed = writer && !(c.stream.shutdown & SEND_SHUTDOWN) ? writer.close() : Promise.resolve();
      flushed.catch(() => {}).then(() => socket.close()).catch(() => {});
    }
    c.wakeAll();
    return 0;
  }

  sock_addr_local(h: number, sa: number): number {
    // Workers do not say which local address a connection has: the family's unspecified one.
    const c = this.conn(h);
    return writeSockAddr(this.mem(), sa, c.family, c.family === AF_INET6 ? "::" : "0.0.0.0", 0);
  }

  sock_addr_remote(h: number, sa: number): number {
    const c = this.conn(h);
    // peerName() answers 0 only after connect() began, which set `remote`.
    const r = c.stream.peerName();
    if (r < 0) return r;
    return writeSockAddr(this.mem(), sa, c.family, c.remote!.address, c.remote!.port);
  }

  sock_error(h: number): number {
    return this.conn(h).stream.takeError();
  }

  sock_poll(h: number): number {
    const c = this.conn(h);
    return c.stream.poll(c.unsent < HIGH_WATER);
  }
}
