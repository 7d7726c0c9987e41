// The core for ES modules ("#core-module"'s default): the embedded bytes compiled and
// instantiated with top-level await, which every ESM runtime allows, rather than
// `new WebAssembly.Module`, which a browser's main thread refuses for modules over 4 KiB.

import { CORE_WASM_BASE64 } from "./generated/core_wasm.js";
import { decodeBase64, noHostImports } from "./core_load.js";

export const coreModule: WebAssembly.Module = await WebAssembly.compile(decodeBase64(CORE_WASM_BASE64));

export const addrInstance: WebAssembly.Instance = await WebAssembly.instantiate(coreModule, noHostImports(coreModule));
