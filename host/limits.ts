// The process's limits that Linux's socket calls answer by, read where Node has no call for them.
import { readFileSync } from "node:fs";

/** RLIMIT_NOFILE's soft value, from /proc (Node has no getrlimit); Linux's default without it. */
export function fdLimitOfProcess(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // No /proc: not Linux, or sandboxed.
  }
  return 1024;
}
