// A .wasm file imported as a module is its compiled WebAssembly.Module (workerd, wrangler and
// bundlers' "CompiledWasm" rule); only src/core_module_workerd.ts does this.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
