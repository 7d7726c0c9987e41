// What every backend gives the core and the waiting wrapper: the syscalls (host/syscalls.ts,
// documented in assembly/host.ts), a clock, the machine's name, and ways to wait.

import type { Syscalls } from "./syscalls.js";

/** Readiness interests, as poll(2)'s POLLIN and POLLOUT. */
export const READ = 1;
export const WRITE = 2;

export interface Host extends Syscalls {
  /** Gives the host the core's memory, after instantiation and before any syscall, and the
   * core's fd table (the simulator names the fd a blocked call waits on). */
  attach(memory: WebAssembly.Memory, fds?: { sock_handle(fd: number): number }): void;
  /** Monotonic time in seconds (virtual in the simulator). */
  now(): number;
  /** The machine's name (gethostname(2)). */
  hostname(): string;
  /** The network interfaces as [name, index] (if_nameindex(3)), in index order. */
  interfaces(): Array<[string, number]>;
  /** The errno for an exception that escaped a syscall; EIO when absent. */
  errnoOf?(err: unknown): number;
  /** The process's descriptor limit (RLIMIT_NOFILE's soft value): the core hands out fds below
   * it, then EMFILE. Absent: Linux's default, 1024. */
  fdLimit?(): number;
}

/** A name lookup's answer: addresses in the resolver's order, or a glibc EAI_* code. */
export type LookupResult = { addresses: string[] } | { eai: number };

/** A resolver query beyond a plain lookup (getaddrinfo with hints, getnameinfo, reverse
 * lookups, the host name): `op` names it, `args` are its JSON-safe arguments. */
export interface ResolveRequest {
  op: string;
  args: unknown[];
}

/** A resolver's answer: a JSON-safe value, a glibc EAI_* code (gaierror), or an h_errno
 * (herror). */
export type ResolveAnswer = { value: unknown } | { eai: number } | { herrno: number };

/** poll(2) over many host handles, for select, poll and epoll. `events[i]` is what counts as ready
 * for `handles[i]` (Linux POLL* bits); `since`, when given, holds a wake count per handle (or -1):
 * a handle whose count is still that is not ready (edge-triggered epoll). */
export interface PollRequest {
  handles: Int32Array;
  events: Int32Array;
  since: Int32Array | null;
  /** Seconds; 0 answers at once, < 0 waits for ever. */
  timeout: number;
}

/** Each handle's readiness mask now (tcp_poll's bits; POLLNVAL for a handle that is not open)
 * and its count of wake-ups that concern its `events` (data, FIN, errors for reading; room and
 * connects for writing). */
export interface PollReport {
  masks: Int32Array;
  wakes: Int32Array;
}

/** A host whose callers wait with Promises (the `pysocket` facade and the simulator). */
export interface AsyncHost extends Host {
  /** Resolves true once handle `h` may be ready for `interest` (the caller retries), or false
   * when `timeout` seconds pass first; a negative timeout waits for ever. Never rejects. */
  wait(h: number, interest: number, timeout: number): Promise<boolean>;
  /** getaddrinfo(host) for AF_INET, AF_INET6 or AF_UNSPEC (0). Never rejects. */
  lookup(host: string, family: number): Promise<LookupResult>;
  /** Answers a resolver query. Never rejects. */
  resolve(req: ResolveRequest): Promise<ResolveAnswer>;
  /** Answers once some handle is ready for its events (see PollRequest), or when the timeout
   * passes, with the masks of all. Never rejects. A host without it has no select. */
  pollWait?(req: PollRequest): Promise<PollReport>;
}

/** A host whose callers block the thread (the `pysocket/sync` facade). */
export interface SyncHost extends Host {
  /** As AsyncHost.wait, blocking the calling thread. */
  waitSync(h: number, interest: number, timeout: number): boolean;
  /** As AsyncHost.lookup, blocking the calling thread. */
  lookupSync(host: string, family: number): LookupResult;
  /** As AsyncHost.resolve, blocking the calling thread. */
  resolveSync(req: ResolveRequest): ResolveAnswer;
  /** As AsyncHost.pollWait, blocking the calling thread. */
  pollWaitSync?(req: PollRequest): PollReport;
}
