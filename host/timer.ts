// A timer for socket timeouts that fires as poll(2) wakes: never before its deadline on the
// monotonic clock, and for any length. Node's setTimeout may fire up to a millisecond early
// (libuv counts from the loop's cached time, in whole milliseconds) and fires after 1 ms, with a
// TimeoutOverflowWarning on stderr, for anything past 2^31 - 1 ms (~24.8 days); so this timer
// sleeps in steps Node accepts and, on waking early, sleeps again for the time left.

import { performance } from "node:perf_hooks";

/** The longest delay setTimeout takes as given (TIMEOUT_MAX in Node's lib/internal/timers.js). */
export const TIMER_MAX_MS = 2 ** 31 - 1;

export interface Deadline {
  /** Stops the timer; `fire` is then never called. */
  cancel(): void;
}

/** Calls `fire` once, when `seconds` have passed on performance.now()'s clock (asynchronously,
 * even for 0). A timer keeps the event loop alive, as a wait does. */
export function after(seconds: number, fire: () => void): Deadline {
  const deadline = performance.now() + seconds * 1000;
  const sleep = (): ReturnType<typeof setTimeout> =>
    setTimeout(step, Math.min(Math.max(Math.ceil(deadline - performance.now()), 1), TIMER_MAX_MS));
  const step = (): void => {
    if (deadline - performance.now() > 0) timer = sleep();
    else {
      timer = null;
      fire();
    }
  };
  let timer: ReturnType<typeof setTimeout> | null = sleep();
  return {
    cancel(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
