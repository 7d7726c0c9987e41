// The Node backend's listeners (host/node.ts): bind() and listen() of stream sockets, and the
// Node servers behind them. Node cannot bind a TCP socket without listening, so bind() reserves
// the port with a real listener that resets the connections it receives until listen(); two
// SO_REUSEADDR sockets that bind one address share one reservation, which the first to listen
// takes over. AF_UNIX binds listen on the path (or abstract name) at once, the same way.
// Each listener's address is asked of Node (getsockname(2)) once.

import * as net from "node:net";
import { EADDRINUSE, EINPROGRESS, EINVAL, errnoOf } from "./errno.js";
import { anyAddress, bindKey, nodePipePath, unixError, type Entry, type Source } from "./node_entry.js";
import { netDenied } from "./deno.js";
import { AF_INET6, AF_UNIX } from "./sockaddr.js";
import { READ } from "./types.js";

/** The stream listeners of one NodeHost. */
export class Listeners {
  /** TCP bind reservations by "address|port", for SO_REUSEADDR sharing. */
  private reservations = new Map<string, Entry>();
  /** The socket each Node listener serves (a reservation can change hands). */
  private owners = new Map<net.Server, Entry>();
  /** Each listening Node server's address, once known: it never changes, so Node (a
   * getsockname(2)) is asked once per listener. */
  private addresses = new WeakMap<net.Server, net.AddressInfo>();

  /** A TCP listener: the bind reservation, or the listening socket itself. */
  reserve(e: Entry, address: string, port: number, listening: boolean): number {
    return e.start((done) => {
      const server = this.server(e, listening);
      const failed = (err: unknown) => {
        e.server = null;
        this.owners.delete(server);
        if (errnoOf(err) === EADDRINUSE && this.shareBinding(e, address, port)) done();
        else done(err);
      };
      server.once("error", failed);
      server.listen(
        { host: address, port, exclusive: true, ipv6Only: e.option(41, 26) !== 0, backlog: 4096 },
        () => {
          server.removeListener("error", failed);
          this.reservations.set(bindKey(address, (server.address() as net.AddressInfo).port), e);
          done();
        },
      );
    });
  }

  /** An AF_UNIX listener on a path (or an abstract name): the bind reservation or the
   * listening socket. Node unlinks the path when it closes it, where Linux leaves it. */
  reserveUnix(e: Entry, path: string, listening: boolean): number {
    e.unixLocal = path;
    return e.start((done) => {
      const server = this.server(e, listening);
      const failed = (err: unknown) => {
        e.server = null;
        e.unixLocal = "";
        this.owners.delete(server);
        done(unixError(err, path));
      };
      server.once("error", failed);
      server.listen({ path: nodePipePath(path), backlog: 4096 }, () => {
        server.removeListener("error", failed);
        done();
      });
    });
  }

  /** Linux lets two SO_REUSEADDR sockets bind one address while neither listens; Node's
   * reservation is a listener, so the second socket shares the first one's in name. */
  private shareBinding(e: Entry, address: string, port: number): boolean {
    const holder = this.reservations.get(bindKey(address, port));
    if (!holder || holder === e || holder.listening || !e.option(1, 2) || !holder.option(1, 2)) return false;
    e.shared = { address, port };
    return true;
  }

  /** listen() on a socket that shares its binding: it takes the reservation over, unless the
   * holder listens already (EADDRINUSE), or binds anew if the holder is gone. */
  private listenShared(e: Entry, shared: { address: string; port: number }): number {
    const key = bindKey(shared.address, shared.port);
    const holder = this.reservations.get(key);
    if (holder?.listening) return -EADDRINUSE;
    e.shared = null;
    if (!holder) return this.reserve(e, shared.address, shared.port, true);
    e.server = holder.server;
    holder.server = null;
    holder.shared = shared;
    this.owners.set(e.server!, e);
    this.reservations.set(key, e);
    e.listening = true;
    return 0;
  }

  /** A Node listener for `e`; until `e.listening` it resets every connection it receives. */
  private server(e: Entry, listening: boolean): net.Server {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    e.server = server;
    e.listening = listening;
    this.owners.set(server, e);
    server.on("connection", (c) => {
      const e = this.owners.get(server);
      if (!e || e.server !== server) return;
      if (!e.listening) {
        // A pipe has no reset to send (Node throws ERR_INVALID_HANDLE_TYPE): it just closes.
        if (typeof server.address() === "string") c.destroy();
        else c.resetAndDestroy();
        return;
      }
      c.unref();
      (e.backlog ??= []).push(c);
      e.wake(READ);
    });
    e.adopt(server);
    return server;
  }

  /** listen(2) on a stream socket: takes over its reservation, or binds an ephemeral port. */
  listen(e: Entry): number {
    const r = this.startListening(e);
    if (r === 0 || r === -EINPROGRESS) e.k!.listening();
    return r;
  }

  private startListening(e: Entry): number {
    if (e.shared) return this.listenShared(e, e.shared);
    if (e.server) {
      e.listening = true;
      return 0;
    }
    // Linux binds an unbound socket to an ephemeral port. Node binds synchronously only when
    // given no host, and then on "::" (dual-stack), which also serves AF_INET; getsockname
    // reports the family's any-address.
    // unix_listen: "No listens on an unbound socket" (the core answers it first).
    if (e.family === AF_UNIX) return -EINVAL;
    const denied = netDenied(anyAddress(e.family), 0);
    if (denied) return -denied;
    const server = this.server(e, true);
    const v6only = e.family === AF_INET6 && e.option(41, 26) !== 0;
    server.on("error", (err) => {
      e.k!.failed(errnoOf(err));
      e.wakeAll();
    });
    server.listen({ port: 0, exclusive: true, ipv6Only: v6only, backlog: 4096 });
    return server.address() ? 0 : -EINPROGRESS;
  }

  /** The local address of a connection accepted by listener `e`, when the listener's own says
   * it (not a wildcard). */
  acceptedOn(e: Entry): Source | undefined {
    const a = e.server ? this.serverAddress(e.server) : null;
    if (!a || a.address === "0.0.0.0" || a.address === "::") return undefined;
    return { address: a.address, port: a.port };
  }

  /** Whether `path` is the name of an AF_UNIX socket of this process that does not listen:
   * unix_stream_connect refuses it (ECONNREFUSED), where Node's reservation would accept. */
  refusesUnix(path: string): boolean {
    for (const e of this.owners.values()) {
      if (e.family === AF_UNIX && !e.listening && e.unixLocal === path) return true;
    }
    return false;
  }

  /** Whether a listener of this process serves TCP port `port`. */
  listensOn(port: number): boolean {
    for (const [server, e] of this.owners) {
      if (!e.listening) continue;
      if (this.serverAddress(server)?.port === port) return true;
    }
    return false;
  }

  private serverAddress(server: net.Server): net.AddressInfo | null {
    let a = this.addresses.get(server);
    if (a === undefined) {
      a = (server.address() as net.AddressInfo | null) ?? undefined;
      if (a === undefined) return null;
      this.addresses.set(server, a);
    }
    return a;
  }

  /** Closes `e`'s listener and forgets its reservation (a close, or a connect from a bound
   * socket, which hands the port over to the connection). */
  drop(e: Entry): void {
    const server = e.server;
    if (!server) return;
    const a = server.address() as net.AddressInfo | null;
    for (const [key, holder] of this.reservations) {
      if (holder === e && a && key.endsWith(`|${a.port}`)) this.reservations.delete(key);
    }
    this.owners.delete(server);
    server.close();
    e.server = null;
  }
}
