// The pysocket core. Every export returns a value or a negative errno; nothing throws.
export { scratch, reserve } from "./scratch";
export { htonl, htons } from "./byteorder";
export { inet_aton, inet_pton, inet_ntop } from "./addr";
