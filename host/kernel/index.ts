// Linux's socket rules, backend-independent: stream.ts (TCP and AF_UNIX stream sockets),
// datagram.ts (UDP), udp_local.ts (datagrams between a program's own UDP sockets), poll.ts
// (readiness). Backends (host/node.ts, host/sim) feed them transport
// events and answer the core's syscalls through them; see each file's header for its API.
export * from "./poll.js";
export * from "./stream.js";
export * from "./datagram.js";
export * from "./udp_local.js";
