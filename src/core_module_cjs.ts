// The core for CommonJS ("#core-module"'s "require" condition): `require` cannot wait, so the
// embedded bytes are compiled synchronously, which Node allows at any size.

import { CORE_WASM_BASE64 } from "./generated/core_wasm.js";
import { decodeBase64, noHostImports } from "./core_load.js";

export const coreModule: WebAssembly.Module = new WebAssembly.Module(decodeBase64(CORE_WASM_BASE64));

export const addrInstance: WebAssembly.Instance = new WebAssembly.Instance(coreModule, noHostImports(coreModule));
