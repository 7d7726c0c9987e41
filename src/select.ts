// Python's select module on Linux (Modules/selectmodule.c): select(), poll objects and epoll
// objects over one facade's fds. Readiness is the host's poll(2) masks (tcp_poll, unix_poll,
// datagram_poll); a wait on many sockets is one host wait (the "poll" the operation yields),
// so the driver makes it a Promise on `pysocket` and a blocking call on `pysocket/sync`.

import type { Core } from "./core.js";
import { KeyError, OSError, OverflowError, RuntimeError, ValueError, fromErrno } from "./errors.js";
import { isInt, typeName } from "./pyargs.js";
import type { PollReport, Op } from "./sockcall.js";

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;

/** What the select module needs of a facade: its fd table and its driver. */
export interface SelectStack<A extends boolean> {
  readonly core: Core;
  now(): number;
  run<T>(op: () => Op<T>): Ret<A, T>;
}

const EBADF = 9;
const ENOENT = 2;
const EEXIST = 17;
const EINVAL = 22;

/** The module's constants, Linux's values. */
export const CONSTANTS = {
  POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20,
  POLLRDNORM: 0x40, POLLRDBAND: 0x80, POLLWRNORM: 0x100, POLLWRBAND: 0x200, POLLMSG: 0x400,
  POLLRDHUP: 0x2000,
  EPOLLIN: 0x1, EPOLLPRI: 0x2, EPOLLOUT: 0x4, EPOLLERR: 0x8, EPOLLHUP: 0x10, EPOLLRDNORM: 0x40,
  EPOLLRDBAND: 0x80, EPOLLWRNORM: 0x100, EPOLLWRBAND: 0x200, EPOLLMSG: 0x400, EPOLLRDHUP: 0x2000,
  EPOLLEXCLUSIVE: 0x10000000, EPOLLONESHOT: 0x40000000, EPOLLET: 0x80000000,
  EPOLL_CLOEXEC: 0x80000, PIPE_BUF: 4096,
} as const;

const { POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND } = CONSTANTS;
const { EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLEXCLUSIVE, EPOLLONESHOT, EPOLLET } = CONSTANTS;
/** fs/select.c: what select() counts as readable, writable and exceptional. */
const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;
const SELECT_BITS = [POLLIN_SET, POLLOUT_SET, POLLEX_SET];
const SEQUENCES = "arguments 1-3 must be sequences";
/** FD_SETSIZE, and the maxevents epoll.poll takes when given -1. */
const FD_SETSIZE = 1024;
/** The first epoll fd: past every socket fd the core hands out. */
const EPOLL_FD_BASE = 65536;
/** Linux's epoll never clears these from an item's events (epoll_ctl adds them). */
const EPOLL_ALWAYS = POLLERR | POLLHUP;

/** PyObject_AsFileDescriptor: an int, or what a fileno() method returns. */
export function asFileDescriptor(o: unknown): number {
  let v: unknown = o;
  if (!isInt(o)) {
    const fileno = (o as { fileno?: unknown } | null)?.fileno;
    if (typeof fileno !== "function" || typeof o !== "object") {
      throw new TypeError("argument must be an int, or have a fileno() method.");
    }
    v = fileno.call(o);
    if (!isInt(v)) throw new TypeError("fileno() returned a non-integer");
  }
  const fd = Number(v);
  if (!(fd <= 2147483647 && fd >= -2147483648)) throw new OverflowError("Python int too large to convert to C int");
  if (fd < 0) throw new ValueError(`file descriptor cannot be a negative integer (${fd})`);
  return fd;
}

/** _PyTime_FromSecondsObject (or FromMillisecondsObject) then the conversion to the unit a
 * syscall takes, rounded as _PyTime_ROUND_TIMEOUT: seconds, or null for None. */
function timeoutSeconds(v: unknown, typeMessage: string, unit: number): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") v = Number(v);
  if (typeof v === "bigint") {
    if ((v < 0n ? -v : v) * BigInt(1e9 / unit) >= 2n ** 63n) throw new OverflowError("timestamp too large to convert to C _PyTime_t");
    v = Number(v);
  } else if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) * (1e9 / unit) >= 2 ** 63) {
    throw new OverflowError("timestamp too large to convert to C _PyTime_t");
  }
  if (typeof v !== "number") throw new TypeError(typeMessage);
  if (Number.isNaN(v)) throw new ValueError("Invalid value NaN (not a number)");
  if (!(Math.abs(v * (1e9 / unit)) < 2 ** 63)) throw new OverflowError("timestamp out of range for platform time_t");
  // ROUND_TIMEOUT rounds up positive values and down negative ones, to nanoseconds.
  const ns = v >= 0 ? Math.ceil(v * (1e9 / unit)) : Math.floor(v * (1e9 / unit));
  return ns / 1e9;
}

/** Milliseconds of a timeout as poll(2) and epoll_wait(2) take them, rounded as CPython does;
 * checked to fit a C int. */
function asMilliseconds(seconds: number, ceiling: boolean): number {
  const ms = ceiling ? Math.ceil(seconds * 1e3 - 1e-9) : seconds >= 0 ? Math.ceil(seconds * 1e3 - 1e-9) : Math.floor(seconds * 1e3);
  if (ms < -2147483648 || ms > 2147483647) throw new OverflowError("timeout is too large");
  return ms;
}

/** Iterates a Python iterable argument, or raises TypeError with `message`. */
function iterate(v: unknown, message: string): unknown[] {
  // PySequence_Fast: a list is used as it is.
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined || typeof (v as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(message);
  }
  return Array.from(v as Iterable<unknown>);
}

/** A request for the facade's poll over fds: each fd's events, and the masks it reports.
 * Closed fds are POLLNVAL here without asking the host; `since` is per fd (-1: any). */
function* pollFds(
  core: Core, fds: ArrayLike<number>, events: ArrayLike<number>, since: ArrayLike<number> | null, timeout: number | null,
  now: () => number, closedIsEBADF = false,
): Op<PollReport> {
  const n = fds.length;
  const masks = new Int32Array(n);
  const wakes = new Int32Array(n);
  // The open fds' places in `fds`, and what the host is asked about them.
  const open = new Int32Array(n);
  const handles = new Int32Array(n);
  const wanted = new Int32Array(n);
  const seen = since ? new Int32Array(n) : null;
  let k = 0;
  let nval = false;
  for (let i = 0; i < n; i++) {
    const h = core.exports.sock_handle(fds[i]);
    if (h < 0) {
      // do_select refuses a closed fd; poll(2) reports it.
      if (closedIsEBADF) throw fromErrno(EBADF);
      masks[i] = POLLNVAL;
      if (events[i] & POLLNVAL) nval = true;
      continue;
    }
    open[k] = i;
    handles[k] = h;
    wanted[k] = events[i];
    if (seen) seen[k] = since![i];
    k++;
  }
  const deadline = timeout !== null && timeout > 0 ? now() + timeout : 0;
  let left = nval ? 0 : timeout === null ? -1 : timeout;
  const req = { handles: handles.subarray(0, k), events: wanted.subarray(0, k), since: seen ? seen.subarray(0, k) : null, timeout: left };
  for (;;) {
    req.timeout = left;
    const report = (yield { kind: "poll", req }) as PollReport;
    let ready = nval;
    for (let j = 0; j < k; j++) {
      const i = open[j];
      const mask = (masks[i] = report.masks[j]);
      const w = (wakes[i] = report.wakes[j]);
      if ((mask & events[i]) !== 0 && (since === null || since[i] !== w)) ready = true;
    }
    // The host answers when something is ready; by the time this runs another call may have
    // taken it, and then the wait goes on for the time left, as the kernel's would.
    if (ready || left === 0) return { masks, wakes };
    if (timeout !== null) {
      left = deadline - now();
      if (left <= 0) return { masks, wakes };
    }
  }
}

/** An epoll instance's interest list, shared by the epoll objects on its fd (fromfd). */
export interface Interest {
  /** fd → its item: events as given, the host handle it was registered on, and the wake
   * count last reported (edge-triggered), -1 when it has to be reported afresh. */
  items: Map<number, { events: number; handle: number; seen: number }>;
}

/** The select module over one facade. */
export function makeSelect<A extends boolean>(stack: SelectStack<A>) {
  const core = stack.core;

  /** select.select(rlist, wlist, xlist, timeout=None): three lists of the ready objects. */
  function select(rlist: Iterable<unknown>, wlist: Iterable<unknown>, xlist: Iterable<unknown>, timeout?: number | null): Ret<A, [unknown[], unknown[], unknown[]]>;
  function select(...args: unknown[]): Ret<A, [unknown[], unknown[], unknown[]]> {
    return stack.run(() => selectOp(args));
  }

  function* selectOp(args: unknown[]): Op<[unknown[], unknown[], unknown[]]> {
    if (args.length < 3) throw new TypeError(`select expected at least 3 arguments, got ${args.length}`);
    if (args.length > 4) throw new TypeError(`select expected at most 4 arguments, got ${args.length}`);
    const timeout = timeoutSeconds(args[3], "timeout must be a float or None", 1);
    if (timeout !== null && timeout < 0) throw new ValueError("timeout must be non-negative");
    const lists = [iterate(args[0], SEQUENCES), iterate(args[1], SEQUENCES), iterate(args[2], SEQUENCES)];
    // Each list's fds, and per fd (all below FD_SETSIZE) the sets it is in.
    const sets = lists.map((list) => list.map((o) => {
      const fd = asFileDescriptor(o);
      if (fd >= FD_SETSIZE) throw new ValueError("filedescriptor out of range in select()");
      return fd;
    }));
    const wanted = new Int32Array(FD_SETSIZE);
    const fds: number[] = [];
    for (let k = 0; k < 3; k++) {
      for (const fd of sets[k]) {
        if (wanted[fd] === 0) fds.push(fd);
        wanted[fd] |= SELECT_BITS[k];
      }
    }
    const { masks } = yield* pollFds(core, fds, fds.map((fd) => wanted[fd]), null, timeout, () => stack.now(), true);
    const maskOf = wanted;
    for (let i = 0; i < fds.length; i++) maskOf[fds[i]] = masks[i];
    const ready = (k: number) => {
      const out: unknown[] = [];
      const list = lists[k];
      const fdsK = sets[k];
      for (let i = 0; i < list.length; i++) if (maskOf[fdsK[i]] & SELECT_BITS[k]) out.push(list[i]);
      return out;
    };
    return [ready(0), ready(1), ready(2)];
  }

  /** _PyLong_UnsignedShort_Converter, for poll's event masks. */
  function asUnsignedShort(v: unknown): number {
    if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
    const b = typeof v === "bigint" ? v : BigInt(Number(v));
    if (b < 0n) throw new ValueError("value must be positive");
    if (b >= 2n ** 64n) throw new OverflowError("Python int too large to convert to C unsigned long");
    if (b > 0xffffn) throw new OverflowError("Python int too large for C unsigned short");
    return Number(b);
  }

  /** select.poll(): a set of fds with the events each waits for. */
  class poll {
    /** @internal */ _fds = new Map<number, number>();
    /** @internal */ _polling = false;

    constructor() {
      if (arguments.length > 0) throw new TypeError(`poll() takes no arguments (${arguments.length} given)`);
    }

    register(fd: unknown, eventmask?: number): null {
      if (arguments.length < 1 || arguments.length > 2) {
        throw new TypeError(arguments.length < 1 ? "register expected at least 1 argument, got 0" : `register expected at most 2 arguments, got ${arguments.length}`);
      }
      const n = asFileDescriptor(fd);
      const mask = arguments.length > 1 ? asUnsignedShort(eventmask) : POLLIN | POLLPRI | POLLOUT;
      this._fds.set(n, mask);
      return null;
    }

    modify(fd: unknown, eventmask: number): null {
      if (arguments.length !== 2) throw new TypeError(`modify expected 2 arguments, got ${arguments.length}`);
      const n = asFileDescriptor(fd);
      const mask = asUnsignedShort(eventmask);
      if (!this._fds.has(n)) throw fromErrno(ENOENT);
      this._fds.set(n, mask);
      return null;
    }

    unregister(fd: unknown): null {
      if (arguments.length !== 1) throw new TypeError(`poll.unregister() takes exactly one argument (${arguments.length} given)`);
      const n = asFileDescriptor(fd);
      if (!this._fds.delete(n)) throw new KeyError(n);
      return null;
    }

    /** poll(timeout=None): milliseconds; None or negative waits for ever. */
    poll(timeout?: number | null): Ret<A, Array<[number, number]>> {
      const given = arguments.length;
      return stack.run(() => this._poll(given, timeout));
    }

    /** @internal */ *_poll(given: number, timeout: unknown): Op<Array<[number, number]>> {
      if (given > 1) throw new TypeError(`poll expected at most 1 argument, got ${given}`);
      const t = timeoutSeconds(timeout, "timeout must be an integer or None", 1e3);
      let seconds: number | null = null;
      if (t !== null) {
        const ms = asMilliseconds(t, false);
        seconds = ms < 0 ? null : ms / 1e3;
      }
      if (this._polling) throw new RuntimeError("concurrent poll() invocation");
      const fds = [...this._fds.keys()];
      const events = fds.map((fd) => this._fds.get(fd)! | POLLERR | POLLHUP | POLLNVAL);
      this._polling = true;
      try {
        const { masks } = yield* pollFds(core, fds, events, null, seconds, () => stack.now());
        const out: Array<[number, number]> = [];
        fds.forEach((fd, i) => {
          const revents = masks[i] & events[i] & 0xffff;
          if (revents) out.push([fd, revents]);
        });
        return out;
      } finally {
        this._polling = false;
      }
    }
  }

  /** Open epoll fds of this facade. They are numbered past the core's socket fds (below
   * 65,536: assembly/socket.ts MAX_FD), so that no socket fd is ever also an epoll's. */
  const epolls = new Map<number, Interest>();
  let nextEpollFd = EPOLL_FD_BASE;

  /** select.epoll(sizehint=-1, flags=0). */
  class epoll {
    /** @internal */ _fd = -1;

    constructor(sizehint: number | { sizehint?: number; flags?: number } = -1, flags = 0) {
      if (arguments.length > 2) throw new TypeError(`epoll() takes at most 2 arguments (${arguments.length} given)`);
      if (typeof sizehint === "object" && sizehint !== null) ({ sizehint = -1, flags = 0 } = sizehint);
      const size = asInt(sizehint);
      const fl = asInt(flags);
      if (size !== -1 && size <= 0) throw new ValueError("negative sizehint");
      if (fl && fl !== CONSTANTS.EPOLL_CLOEXEC) throw new OSError("invalid flags");
      this._fd = nextEpollFd++;
      epolls.set(this._fd, { items: new Map() });
    }

    /** epoll.fromfd(fd): an epoll object on an epoll fd of this facade. */
    static fromfd(fd: number): epoll {
      const n = asInt(fd);
      const ep = Object.create(epoll.prototype) as epoll;
      ep._fd = n;
      return ep;
    }

    get closed(): boolean {
      return this._fd < 0;
    }

    fileno(): number {
      this._interest();
      return this._fd;
    }

    close(): null {
      if (this._fd >= 0) epolls.delete(this._fd);
      this._fd = -1;
      return null;
    }

    /** @internal */ _interest(): Interest {
      if (this._fd < 0) throw new ValueError("I/O operation on closed epoll object");
      const interest = epolls.get(this._fd);
      if (!interest) throw fromErrno(EBADF);
      return interest;
    }

    /** The item of fd, if its socket is still the one registered (Linux forgets an fd's
     * registration when the socket closes). */
    /** @internal */ _item(interest: Interest, fd: number) {
      const item = interest.items.get(fd);
      if (item && item.handle !== core.exports.sock_handle(fd)) {
        interest.items.delete(fd);
        return undefined;
      }
      return item;
    }

    register(fd: unknown, eventmask: number = EPOLLIN | EPOLLPRI | EPOLLOUT): null {
      const n = asFileDescriptor(fd);
      const mask = asUnsigned(eventmask);
      const interest = this._interest();
      const handle = core.exports.sock_handle(n);
      if (handle < 0) throw fromErrno(EBADF);
      // epoll_ctl: EPOLLEXCLUSIVE goes with in/out, errors, EPOLLWAKEUP and EPOLLET only.
      if (mask & EPOLLEXCLUSIVE && mask & ~(EPOLLIN | EPOLLOUT | EPOLL_ALWAYS | 0x20000000 | EPOLLET | EPOLLEXCLUSIVE)) throw fromErrno(EINVAL);
      if (this._item(interest, n)) throw fromErrno(EEXIST);
      interest.items.set(n, { events: mask, handle, seen: -1 });
      return null;
    }

    modify(fd: unknown, eventmask: number): null {
      const n = asFileDescriptor(fd);
      const mask = asUnsigned(eventmask);
      const interest = this._interest();
      if (core.exports.sock_handle(n) < 0) throw fromErrno(EBADF);
      const item = this._item(interest, n);
      if (!item) throw fromErrno(ENOENT);
      if (mask & EPOLLEXCLUSIVE) throw fromErrno(EINVAL);
      item.events = mask;
      item.seen = -1;
      return null;
    }

    unregister(fd: unknown): null {
      const n = asFileDescriptor(fd);
      const interest = this._interest();
      if (core.exports.sock_handle(n) < 0) throw fromErrno(EBADF);
      if (!this._item(interest, n)) throw fromErrno(ENOENT);
      interest.items.delete(n);
      return null;
    }

    /** poll(timeout=None, maxevents=-1): seconds; None or negative waits for ever. */
    poll(timeout?: number | null | { timeout?: number | null; maxevents?: number }, maxevents?: number): Ret<A, Array<[number, number]>> {
      return stack.run(() => this._poll(timeout, maxevents));
    }

    /** @internal */ *_poll(timeout: unknown, maxevents: unknown): Op<Array<[number, number]>> {
      if (typeof timeout === "object" && timeout !== null) ({ timeout = null, maxevents = -1 } = timeout as { timeout?: unknown; maxevents?: unknown });
      let max = maxevents === undefined ? -1 : asInt(maxevents);
      const interest = this._interest();
      const t = timeoutSeconds(timeout, "timeout must be an integer or None", 1);
      let seconds: number | null = null;
      if (t !== null) {
        const ms = asMilliseconds(t, true);
        seconds = ms < 0 ? null : ms / 1e3;
      }
      if (max === -1) max = FD_SETSIZE - 1;
      else if (max < 1) throw new ValueError(`maxevents must be greater than 0, got ${max}`);
      const fds: number[] = [];
      for (const fd of [...interest.items.keys()]) if (this._item(interest, fd)) fds.push(fd);
      const items = fds.map((fd) => interest.items.get(fd)!);
      // A disabled one-shot item (no events) reports nothing, not even errors.
      const events = items.map((it) => (it.events & ~(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE)) === 0 ? 0 : (it.events | EPOLL_ALWAYS) & 0xffff);
      const since = items.map((it) => (it.events & EPOLLET ? it.seen : -1));
      const { masks, wakes } = yield* pollFds(core, fds, events, since, seconds, () => stack.now());
      const out: Array<[number, number]> = [];
      fds.forEach((fd, i) => {
        const revents = masks[i] & events[i];
        if (!revents || out.length >= max || since[i] === wakes[i]) return;
        const item = items[i];
        if (item.events & EPOLLET) item.seen = wakes[i];
        if (item.events & EPOLLONESHOT) item.events &= EPOLLET | EPOLLONESHOT;
        out.push([fd, revents]);
      });
      return out;
    }

    [Symbol.for("Symbol.dispose")](): void {
      this.close();
    }
  }
  const dispose = (Symbol as { dispose?: symbol }).dispose;
  if (dispose) (epoll.prototype as unknown as Record<symbol, unknown>)[dispose] = epoll.prototype.close;

  return {
    module: { ...CONSTANTS, error: OSError, select, poll: callable(poll), epoll: callable(epoll) },
    selectOp,
  };
}

/** A class that may also be called without `new`, as Python's are. */
export function callable<C extends abstract new (...args: never[]) => object>(
  cls: C,
): C & ((...args: ConstructorParameters<C>) => InstanceType<C>) {
  const f = function (this: unknown, ...args: unknown[]) {
    return new (cls as unknown as new (...a: unknown[]) => object)(...args);
  };
  Object.setPrototypeOf(f, cls);
  f.prototype = cls.prototype;
  Object.defineProperty(f, "name", { value: cls.name });
  return f as unknown as C & ((...args: ConstructorParameters<C>) => InstanceType<C>);
}

/** The "i" unit for a plain int argument. */
function asInt(v: unknown): number {
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = typeof v === "bigint" ? v : BigInt(Number(v));
  if (b > 2147483647n || b < -2147483648n) throw new OverflowError("Python int too large to convert to C int");
  return Number(b);
}

/** The "I" unit: an int read as unsigned 32 bits, with no overflow check. */
function asUnsigned(v: unknown): number {
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  const b = typeof v === "bigint" ? v : BigInt(Number(v));
  return Number(BigInt.asUintN(32, b));
}
