// What every core loader (src/core_module*.ts) shares: the embedded bytes' decoder and the
// imports of the host-less instance that the address functions use.

/** The bytes of base64 text, with no Node API (atob is in every runtime). */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Imports for a core with no host: every syscall answers -ENOSYS (38). */
export function noHostImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") continue;
    (imports[imp.module] ??= {})[imp.name] = () => -38;
  }
  return imports;
}
