// The WASM core's instances. The compiled module and the host-less instance come from
// "#core-module" (package.json "imports"), which picks the runtime's way to load WASM: top-level
// await (src/core_module.ts), a synchronous compile for CommonJS (src/core_module_cjs.ts), or an
// imported .wasm module where code generation is disallowed (src/core_module_workerd.ts).

import { addrInstance, coreModule } from "#core-module";
import type { Host } from "../host/types.js";
import { syscallImports } from "../host/syscalls.js";

/** The core's exports; see assembly/index.ts. Every function returns a value or -errno. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  scratch(): number;
  scratch_input(): number;
  reserve(n: number): number;
  inet_aton(len: number): number;
  inet_pton(af: number, len: number): number;
  inet_ntop(af: number): number;
  sockaddr_in(port: number): number;
  sockaddr_in6(port: number, flowinfo: number, scope_id: number): number;
  sockaddr_un(len: number): number;
  sockaddr_host(): number;
  sock_socket(family: number, type: number, proto: number): number;
  sock_socketpair(family: number, type: number, proto: number): number;
  sock_family(fd: number): number;
  sock_type(fd: number): number;
  sock_proto(fd: number): number;
  sock_handle(fd: number): number;
  sock_bind(fd: number, salen: number): number;
  sock_listen(fd: number, backlog: number): number;
  sock_connect(fd: number, salen: number): number;
  sock_finish(fd: number): number;
  sock_accept(fd: number): number;
  sock_recv(fd: number, len: number, flags: number): number;
  sock_recv_from(fd: number, len: number, flags: number): number;
  sock_send(fd: number, len: number, flags: number): number;
  sock_send_to(fd: number, len: number, flags: number, salen: number): number;
  sock_shutdown(fd: number, how: number): number;
  sock_close(fd: number): number;
  sock_addr_local(fd: number): number;
  sock_addr_remote(fd: number): number;
  sock_dup(fd: number): number;
  sock_setsockopt(fd: number, level: number, name: number, value: number, value2: number, optlen: number, isNull: number): number;
  sock_getsockopt(fd: number, level: number, name: number): number;
  sock_getsockopt2(fd: number, level: number, name: number): number;
  sock_poll(fd: number): number;
  sock_set_fd_limit(n: number): number;
}

/** Where the core writes sockaddrs, from the scratch start (assembly/scratch.ts SA_OUT). */
export const SA_OUT = 128;

/** One core instance and the JS side of its scratch hand-off area. */
export class Core {
  readonly exports: CoreExports;
  /** A view of the whole memory; replaced when `reserve` grows it. */
  u8: Uint8Array;
  /** The same memory for four bytes per access, read and written little-endian as WASM's. */
  dv: DataView;
  /** Where results are written. */
  readonly out: number;
  /** Where input is written. */
  readonly in: number;
  private capacity: number;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.out = this.exports.scratch();
    this.in = this.exports.scratch_input();
    this.u8 = new Uint8Array(this.exports.memory.buffer);
    this.dv = new DataView(this.exports.memory.buffer);
    this.capacity = this.u8.length - this.in;
  }

  /** Makes room for n input bytes. */
  reserve(n: number): void {
    if (n <= this.capacity) return;
    if (this.exports.reserve(n) < 0) throw new RangeError("pysocket core: out of memory");
    this.u8 = new Uint8Array(this.exports.memory.buffer);
    this.dv = new DataView(this.exports.memory.buffer);
    this.capacity = this.u8.length - this.in;
  }

  /** Writes a str's bytes to the input area for glibc's parsers: ASCII as is, any other UTF-16
   * unit as 0x80, which glibc's C locale reads as it reads every UTF-8 byte >= 0x80. Returns the
   * length, or -1 if the text holds a NUL or non-ASCII (the caller decides whether that matters).
   * Up to three zero bytes follow the text. */
  writeText(s: string): number {
    const n = s.length;
    if (n + 4 > this.capacity) this.reserve(n + 4);
    const dv = this.dv;
    // c | (c - 1) has a bit above 0x7f set exactly when c is NUL or not ASCII, so the loop that
    // every call runs needs no branch; the rare odd text is patched afterwards. Four units go in
    // one store: the loop's cost is reading the string, and a store per unit adds a fifth to it.
    let odd = 0;
    let p = this.in;
    let i = 0;
    for (; i + 4 <= n; i += 4, p += 4) {
      const a = s.charCodeAt(i);
      const b = s.charCodeAt(i + 1);
      const c = s.charCodeAt(i + 2);
      const d = s.charCodeAt(i + 3);
      odd |= a | (a - 1) | b | (b - 1) | c | (c - 1) | d | (d - 1);
      dv.setUint32(p, (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | (d << 24), true);
    }
    let last = 0;
    for (let shift = 0; i < n; i++, shift += 8) {
      const a = s.charCodeAt(i);
      odd |= a | (a - 1);
      last |= (a & 0xff) << shift;
    }
    dv.setUint32(p, last, true);
    return (odd & ~0x7f) === 0 ? n : this.patchText(s);
  }

  /** Units above 0x7f were stored truncated (U+0130 as "0"); they must read as 0x80. */
  private patchText(s: string): number {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) this.u8[this.in + i] = 0x80;
    return -1;
  }

  /** readText's argument lists, one per length, reused: fromCharCode over a ready array makes
   * the string flat in one step, where `+=` per byte builds a rope that every reader flattens. */
  private readonly codes: number[][] = [];

  /** The ASCII text of n bytes at the result area, read four at a time. */
  readText(n: number): string {
    const dv = this.dv;
    let p = this.out;
    const codes = (this.codes[n] ??= new Array<number>(n).fill(0));
    let i = 0;
    for (; i + 4 <= n; i += 4, p += 4) {
      const w = dv.getUint32(p, true);
      codes[i] = w & 0xff;
      codes[i + 1] = (w >>> 8) & 0xff;
      codes[i + 2] = (w >>> 16) & 0xff;
      codes[i + 3] = w >>> 24;
    }
    for (let w = dv.getUint32(p, true); i < n; i++, w >>>= 8) codes[i] = w & 0xff;
    return String.fromCharCode.apply(null, codes);
  }
}

/** A core whose socket syscalls go to `host`. */
export function coreWithHost(host: Host): Core {
  const instance = new WebAssembly.Instance(coreModule, { pysocket_host: syscallImports(host, host.errnoOf) });
  const core = new Core(instance);
  host.attach(core.exports.memory, core.exports);
  const limit = host.fdLimit?.();
  if (limit !== undefined) core.exports.sock_set_fd_limit(limit);
  return core;
}

/** The host-less core that the address functions use. */
export const addrCore = new Core(addrInstance);
