// Loads the WASM core. The bytes are embedded (src/generated/core_wasm.ts) and compiled once
// with top-level await, which every ESM runtime allows, rather than `new WebAssembly.Module`,
// which a browser's main thread refuses for modules over 4 KiB.

import { CORE_WASM_BASE64 } from "./generated/core_wasm.js";

/** The core's exports; see assembly/index.ts. Every function returns a value or -errno. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  scratch(): number;
  reserve(n: number): number;
  htonl(x: number): number;
  htons(x: number): number;
  inet_aton(len: number): number;
  inet_pton(af: number, len: number): number;
  inet_ntop(af: number): number;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const coreModule: WebAssembly.Module = await WebAssembly.compile(decodeBase64(CORE_WASM_BASE64));

/** Byte offset of the scratch input area after the result area (assembly/scratch.ts OUT_SIZE). */
const OUT_SIZE = 64;

/** One core instance and the JS side of its scratch hand-off area. */
export class Core {
  readonly exports: CoreExports;
  /** A view of the whole memory; replaced when `reserve` grows it. */
  u8: Uint8Array;
  /** Where results are written. */
  readonly out: number;
  /** Where input is written. */
  readonly in: number;
  private capacity: number;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.out = this.exports.scratch();
    this.in = this.out + OUT_SIZE;
    this.u8 = new Uint8Array(this.exports.memory.buffer);
    this.capacity = this.u8.length - this.in;
  }

  /** Makes room for n input bytes. */
  reserve(n: number): void {
    if (n <= this.capacity) return;
    if (this.exports.reserve(n) < 0) throw new RangeError("pysocket core: out of memory");
    this.u8 = new Uint8Array(this.exports.memory.buffer);
    this.capacity = this.u8.length - this.in;
  }

  /** Writes a str's bytes to the input area for glibc's parsers: ASCII as is, any other UTF-16
   * unit as 0x80, which glibc's C locale reads as it reads every UTF-8 byte >= 0x80. Returns the
   * length, or -1 if the text holds a NUL or non-ASCII (the caller decides whether that matters). */
  writeText(s: string): number {
    const n = s.length;
    if (n > this.capacity) this.reserve(n);
    const u8 = this.u8;
    let p = this.in;
    let odd = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      odd |= c === 0 || c > 0x7f ? 1 : 0;
      u8[p++] = c > 0x7f ? 0x80 : c;
    }
    return odd ? -1 : n;
  }

  /** The ASCII text of n bytes at the result area. */
  readText(n: number): string {
    const u8 = this.u8;
    const o = this.out;
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(u8[o + i]);
    return s;
  }
}

/** Imports for a core with no host: every syscall answers -ENOSYS (38). */
function noHostImports(): WebAssembly.Imports {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(coreModule)) {
    if (imp.kind !== "function") continue;
    (imports[imp.module] ??= {})[imp.name] = () => -38;
  }
  return imports;
}

/** The host-less core that the address functions use. */
export const addrCore = new Core(await WebAssembly.instantiate(coreModule, noHostImports()));
