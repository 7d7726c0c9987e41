// Python's selectors module (Lib/selectors.py, 3.11) over one facade's select module: the
// selector classes translated line by line, with the waiting calls as operations so that
// `selector.select()` is a Promise on `pysocket` and blocks on `pysocket/sync`.

import { KeyError, OSError, RuntimeError, ValueError } from "./errors.js";
import { isInt } from "./pyargs.js";
import { callable, makeSelect, type SelectStack } from "./select.js";
import type { Op } from "./sockcall.js";

type Ret<A extends boolean, T> = A extends true ? Promise<T> : T;
type SelectModule<A extends boolean> = ReturnType<typeof makeSelect<A>>["module"];

export const EVENT_READ = 1;
export const EVENT_WRITE = 2;

/** repr() of a file object, as the selectors' messages format it. */
function repr(o: unknown): string {
  if (typeof o === "number" || typeof o === "bigint") return String(o);
  if (typeof o === "string") return JSON.stringify(o).replace(/^"|"$/g, "'");
  if (o === null || o === undefined) return "None";
  // An object without a repr of its own reads as object.__repr__ does, less its address.
  if (typeof o === "object" && o.toString === Object.prototype.toString) {
    const name = o.constructor?.name;
    return `<${!name || name === "Object" ? "object" : name} object>`;
  }
  return String(o);
}

/** SelectorKey(fileobj, fd, events, data): a file object's registration. */
export class SelectorKey {
  readonly fileobj: unknown;
  readonly fd: number;
  readonly events: number;
  readonly data: unknown;

  constructor(fileobj: unknown, fd: number, events: number, data: unknown) {
    this.fileobj = fileobj;
    this.fd = fd;
    this.events = events;
    this.data = data;
    Object.freeze(this);
  }

  toString(): string {
    return `SelectorKey(fileobj=${repr(this.fileobj)}, fd=${this.fd}, events=${this.events}, data=${repr(this.data)})`;
  }
}

/** _fileobj_to_fd: an fd number, or int(fileobj.fileno()); a closed socket's -1 is an invalid
 * descriptor, not an invalid object. */
function fileobjToFd(fileobj: unknown): number {
  let fd: number;
  if (isInt(fileobj)) {
    fd = Number(fileobj);
  } else {
    let v: unknown;
    try {
      v = (fileobj as { fileno(): unknown }).fileno();
    } catch (err) {
      if (!(err instanceof TypeError || err instanceof ValueError)) throw err;
    }
    if (!isInt(v)) throw new ValueError(`Invalid file object: ${repr(fileobj)}`);
    fd = Number(v);
  }
  if (fd < 0) throw new ValueError(`Invalid file descriptor: ${fd}`);
  return fd;
}

/** _SelectorMapping: a read-only Map from fd to SelectorKey; get() and has() also take the
 * file object itself, as Python's mapping does. */
export class SelectorMapping extends Map<number, SelectorKey> {
  /** @internal */ readonly _selector: BaseSelector<boolean>;

  constructor(selector: BaseSelector<boolean>) {
    super();
    this._selector = selector;
  }

  override get size(): number {
    return this._selector._fd_to_key.size;
  }

  override get(fileobj: unknown): SelectorKey | undefined {
    let fd: number;
    try {
      fd = this._selector._fileobj_lookup(fileobj);
    } catch (err) {
      if (err instanceof ValueError) return undefined;
      throw err;
    }
    return this._selector._fd_to_key.get(fd);
  }

  override has(fileobj: unknown): boolean {
    return this.get(fileobj) !== undefined;
  }

  // Map's own iterator types, named through Map: MapIterator exists from TypeScript 5.6 only.
  override keys(): ReturnType<Map<number, SelectorKey>["keys"]> {
    return this._selector._fd_to_key.keys();
  }

  override values(): ReturnType<Map<number, SelectorKey>["values"]> {
    return this._selector._fd_to_key.values();
  }

  override entries(): ReturnType<Map<number, SelectorKey>["entries"]> {
    return this._selector._fd_to_key.entries();
  }

  override [Symbol.iterator](): ReturnType<Map<number, SelectorKey>["entries"]> {
    return this.entries();
  }

  override forEach(fn: (value: SelectorKey, key: number, map: Map<number, SelectorKey>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  override set(): this {
    throw new TypeError("'_SelectorMapping' object does not support item assignment");
  }

  override delete(): boolean {
    throw new TypeError("'_SelectorMapping' object doesn't support item deletion");
  }

  override clear(): void {
    throw new TypeError("'_SelectorMapping' object doesn't support item deletion");
  }
}

// Typed as the well-known symbol, so that selectors are Disposable to TypeScript (`using`).
const disposeSymbol = ((Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;

/** _BaseSelectorImpl: the fd → key table every selector keeps. */
export abstract class BaseSelector<A extends boolean> {
  /** @internal */ _fd_to_key = new Map<number, SelectorKey>();
  /** @internal */ _map: SelectorMapping | null = new SelectorMapping(this);
  /** @internal */ abstract readonly _run: <T>(op: () => Op<T>) => Ret<A, T>;

  /** @internal */ _fileobj_lookup(fileobj: unknown): number {
    try {
      return fileobjToFd(fileobj);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      for (const key of this._fd_to_key.values()) if (key.fileobj === fileobj) return key.fd;
      throw err;
    }
  }

  register(fileobj: unknown, events: number, data: unknown = null): SelectorKey {
    if (!events || !isInt(events) || (Number(events) & ~(EVENT_READ | EVENT_WRITE))) {
      throw new ValueError(`Invalid events: ${repr(events)}`);
    }
    const key = new SelectorKey(fileobj, this._fileobj_lookup(fileobj), Number(events), data);
    if (this._fd_to_key.has(key.fd)) throw new KeyError(`${repr(fileobj)} (FD ${key.fd}) is already registered`);
    this._fd_to_key.set(key.fd, key);
    return key;
  }

  unregister(fileobj: unknown): SelectorKey {
    const fd = this._fileobj_lookup(fileobj);
    const key = this._fd_to_key.get(fd);
    if (!key) throw new KeyError(`${repr(fileobj)} is not registered`);
    this._fd_to_key.delete(fd);
    return key;
  }

  modify(fileobj: unknown, events: number, data: unknown = null): SelectorKey {
    const key = this._fd_to_key.get(this._fileobj_lookup(fileobj));
    if (!key) throw new KeyError(`${repr(fileobj)} is not registered`);
    if (events !== key.events) {
      this.unregister(fileobj);
      return this.register(fileobj, events, data);
    }
    if (data !== key.data) {
      const changed = new SelectorKey(key.fileobj, key.fd, key.events, data);
      this._fd_to_key.set(key.fd, changed);
      return changed;
    }
    return key;
  }

  /** select(timeout=None): [[key, events], …] of the ready files. */
  select(timeout?: number | null | { timeout?: number | null }): Ret<A, Array<[SelectorKey, number]>> {
    const t = typeof timeout === "object" && timeout !== null ? timeout.timeout ?? null : timeout ?? null;
    return this._run(() => this._select(t));
  }

  /** @internal */ abstract _select(timeout: number | null): Op<Array<[SelectorKey, number]>>;

  close(): null {
    this._fd_to_key.clear();
    this._map = null;
    return null;
  }

  get_key(fileobj: unknown): SelectorKey {
    const mapping = this.get_map();
    if (mapping === null) throw new RuntimeError("Selector is closed");
    const key = mapping.get(fileobj);
    if (key === undefined) {
      this._fileobj_lookup(fileobj);
      throw new KeyError(`${repr(fileobj)} is not registered`);
    }
    return key;
  }

  get_map(): SelectorMapping | null {
    return this._map;
  }

  /** @internal */ _key_from_fd(fd: number): SelectorKey | undefined {
    return this._fd_to_key.get(fd);
  }

  [disposeSymbol](): void {
    this.close();
  }
}

/** The selector classes over one facade's select module. */
export function makeSelectors<A extends boolean>(
  select: SelectModule<A>, selectOp: (args: unknown[]) => Op<[unknown[], unknown[], unknown[]]>,
  run: <T>(op: () => Op<T>) => Ret<A, T>,
) {
  class SelectSelector extends BaseSelector<A> {
    /** @internal */ readonly _run = run;
    /** @internal */ _readers = new Set<number>();
    /** @internal */ _writers = new Set<number>();

    override register(fileobj: unknown, events: number, data: unknown = null): SelectorKey {
      const key = super.register(fileobj, events, data);
      if (events & EVENT_READ) this._readers.add(key.fd);
      if (events & EVENT_WRITE) this._writers.add(key.fd);
      return key;
    }

    override unregister(fileobj: unknown): SelectorKey {
      const key = super.unregister(fileobj);
      this._readers.delete(key.fd);
      this._writers.delete(key.fd);
      return key;
    }

    /** @internal */ *_select(timeout: number | null): Op<Array<[SelectorKey, number]>> {
      const t = timeout === null ? null : Math.max(timeout, 0);
      const [r, w] = yield* selectOp([[...this._readers], [...this._writers], [], t]);
      const rs = new Set(r as number[]);
      const ws = new Set(w as number[]);
      const ready: Array<[SelectorKey, number]> = [];
      for (const fd of [...new Set([...rs, ...ws])].sort((a, b) => a - b)) {
        const events = (rs.has(fd) ? EVENT_READ : 0) | (ws.has(fd) ? EVENT_WRITE : 0);
        const key = this._key_from_fd(fd);
        if (key) ready.push([key, events & key.events]);
      }
      return ready;
    }
  }

  type Poller = InstanceType<SelectModule<A>["poll"]> | InstanceType<SelectModule<A>["epoll"]>;

  /** _PollLikeSelector: a poll or epoll object behind the table. */
  abstract class PollLikeSelector extends BaseSelector<A> {
    /** @internal */ readonly _run = run;
    /** @internal */ abstract readonly _selector: Poller;
    /** @internal */ abstract readonly _EVENT_READ: number;
    /** @internal */ abstract readonly _EVENT_WRITE: number;

    /** @internal */ pollerEvents(events: number): number {
      return (events & EVENT_READ ? this._EVENT_READ : 0) | (events & EVENT_WRITE ? this._EVENT_WRITE : 0);
    }

    override register(fileobj: unknown, events: number, data: unknown = null): SelectorKey {
      const key = super.register(fileobj, events, data);
      try {
        this._selector.register(key.fd, this.pollerEvents(events));
      } catch (err) {
        super.unregister(fileobj);
        throw err;
      }
      return key;
    }

    override unregister(fileobj: unknown): SelectorKey {
      const key = super.unregister(fileobj);
      try {
        this._selector.unregister(key.fd);
      } catch (err) {
        // The fd may have been closed already.
        if (!(err instanceof OSError)) throw err;
      }
      return key;
    }

    override modify(fileobj: unknown, events: number, data: unknown = null): SelectorKey {
      const fd = this._fileobj_lookup(fileobj);
      let key = this._fd_to_key.get(fd);
      if (!key) throw new KeyError(`${repr(fileobj)} is not registered`);
      let changed = false;
      if (events !== key.events) {
        try {
          this._selector.modify(key.fd, this.pollerEvents(events));
        } catch (err) {
          super.unregister(fileobj);
          throw err;
        }
        changed = true;
      }
      if (data !== key.data) changed = true;
      if (changed) {
        key = new SelectorKey(key.fileobj, key.fd, events, data);
        this._fd_to_key.set(key.fd, key);
      }
      return key;
    }

    /** @internal */ abstract _wait(timeout: number | null): Op<Array<[number, number]>>;

    /** @internal */ *_select(timeout: number | null): Op<Array<[SelectorKey, number]>> {
      const ready: Array<[SelectorKey, number]> = [];
      for (const [fd, event] of yield* this._wait(timeout)) {
        let events = 0;
        if (event & ~this._EVENT_READ) events |= EVENT_WRITE;
        if (event & ~this._EVENT_WRITE) events |= EVENT_READ;
        const key = this._key_from_fd(fd);
        if (key) ready.push([key, events & key.events]);
      }
      return ready;
    }
  }

  class PollSelector extends PollLikeSelector {
    /** @internal */ readonly _selector = new select.poll();
    /** @internal */ readonly _EVENT_READ = select.POLLIN;
    /** @internal */ readonly _EVENT_WRITE = select.POLLOUT;

    /** @internal */ _wait(timeout: number | null): Op<Array<[number, number]>> {
      // poll() takes milliseconds, rounded up.
      const ms = timeout === null ? null : timeout <= 0 ? 0 : Math.ceil(timeout * 1e3);
      return this._selector._poll(1, ms);
    }
  }

  class EpollSelector extends PollLikeSelector {
    /** @internal */ readonly _selector = new select.epoll();
    /** @internal */ readonly _EVENT_READ = select.EPOLLIN;
    /** @internal */ readonly _EVENT_WRITE = select.EPOLLOUT;

    fileno(): number {
      return this._selector.fileno();
    }

    /** @internal */ _wait(timeout: number | null): Op<Array<[number, number]>> {
      // epoll_wait() takes milliseconds, rounded up.
      const t = timeout === null ? -1 : timeout <= 0 ? 0 : Math.ceil(timeout * 1e3) * 1e-3;
      // epoll_wait() fails with EINVAL if maxevents is 0.
      return this._selector._poll(t, Math.max(this._fd_to_key.size, 1));
    }

    override close(): null {
      this._selector.close();
      return super.close();
    }
  }

  return { SelectSelector, PollSelector, EpollSelector };
}

/** The `select` and `selectors` namespaces of one facade. */
export function selectNamespaces<A extends boolean>(stack: SelectStack<A>) {
  const { module: select, selectOp } = makeSelect(stack);
  const classes = makeSelectors(select, selectOp, <T>(op: () => Op<T>) => stack.run(op));
  const EpollSelector = callable(classes.EpollSelector);
  return {
    select,
    selectors: {
      EVENT_READ, EVENT_WRITE,
      SelectorKey: callable(SelectorKey),
      BaseSelector,
      SelectSelector: callable(classes.SelectSelector),
      PollSelector: callable(classes.PollSelector),
      EpollSelector,
      DefaultSelector: EpollSelector,
    },
  };
}
