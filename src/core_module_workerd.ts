// The core for workerd ("#core-module"'s "workerd" condition): Workers disallow compiling WASM
// from bytes ("Wasm code generation disallowed by embedder") and do not settle a top-level await
// at startup, so the .wasm file is imported as a compiled module and instantiated synchronously.

import coreModule from "./core.wasm";
import { noHostImports } from "./core_load.js";

export { coreModule };

export const addrInstance: WebAssembly.Instance = new WebAssembly.Instance(coreModule, noHostImports(coreModule));
