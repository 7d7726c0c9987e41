// The module's constants, with Linux's values as CPython 3.11 has them.
export * from "./tables/constants_linux.js";
