// A thin socket module for bench/socket.bench.js: the subset of pysocket's API that the benchmark
// calls (socket, bind, listen, accept, connect, setsockopt, getsockname, send/recv, close), as
// Promises over node:net and node:dgram with nothing else: no argument checks, no errno, no WASM
// core, no timeouts, one copy each way as Python's bytes semantics need. Running the benchmark's
// own pysocket code on it shows what any Promise-per-call socket API costs over raw Node
// callbacks, so pysocket's ratio can be read against that ceiling. Not a usable socket module.

import * as dgram from "node:dgram";
import * as net from "node:net";

export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const IPPROTO_TCP = 6;
export const TCP_NODELAY = 1;

/** Bytes Node may hold unsent before sendall waits for 'drain' (pysocket's host uses the same). */
const SEND_HIGH_WATER = 4 * 1024 * 1024;

class ThinSocket {
  constructor(type, stream = null) {
    this.type = type;
    this.server = null;
    this.stream = null;
    this.udp = null;
    this.chunks = [];
    this.eof = false;
    this.waiter = null;
    this.backlog = [];
    this.address = null;
    if (stream) this.attach(stream);
  }

  wake() {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w();
    }
  }

  /** Resolves once `ready()` holds, checking again at every event. */
  until(ready) {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (ready()) resolve();
        else this.waiter = check;
      };
      this.waiter = check;
    });
  }

  attach(s) {
    this.stream = s;
    s.on("data", (b) => {
      this.chunks.push(b);
      this.wake();
    });
    s.on("end", () => {
      this.eof = true;
      this.wake();
    });
    s.on("close", () => {
      this.eof = true;
      this.wake();
    });
    s.on("error", () => {});
  }

  bind(address) {
    this.address = address;
    if (this.type === SOCK_STREAM) return Promise.resolve();
    this.udp = dgram.createSocket("udp4");
    this.udp.on("message", (data, rinfo) => {
      this.chunks.push([data, [rinfo.address, rinfo.port]]);
      this.wake();
    });
    return new Promise((resolve) => this.udp.bind(address[1], address[0], resolve));
  }

  listen() {
    this.server = net.createServer((c) => {
      this.backlog.push(c);
      this.wake();
    });
    return new Promise((resolve) => this.server.listen(this.address[1], this.address[0], resolve));
  }

  getsockname() {
    const a = (this.server ?? this.udp).address();
    return [a.address, a.port];
  }

  async accept() {
    await this.until(() => this.backlog.length > 0);
    const c = this.backlog.shift();
    return [new ThinSocket(SOCK_STREAM, c), [c.remoteAddress, c.remotePort]];
  }

  connect(address) {
    const s = net.connect(address[1], address[0]);
    this.attach(s);
    return new Promise((resolve, reject) => {
      s.once("connect", resolve);
      s.once("error", reject);
    });
  }

  setsockopt(level, name, value) {
    if (level === IPPROTO_TCP && name === TCP_NODELAY) this.stream?.setNoDelay(value !== 0);
  }

  take(buf) {
    const c = this.chunks[0];
    const k = Math.min(c.length, buf.length);
    buf.set(k === c.length ? c : c.subarray(0, k));
    if (k === c.length) this.chunks.shift();
    else this.chunks[0] = c.subarray(k);
    return k;
  }

  async recv_into(buf) {
    await this.until(() => this.chunks.length > 0 || this.eof);
    return this.chunks.length > 0 ? this.take(buf) : 0;
  }

  async recv(n) {
    const buf = new Uint8Array(n);
    const k = await this.recv_into(buf);
    return k === n ? buf : buf.slice(0, k);
  }

  sendall(data) {
    const s = this.stream;
    s.write(Buffer.from(data));
    if (s.writableLength < SEND_HIGH_WATER) return Promise.resolve();
    return new Promise((resolve) => s.once("drain", resolve));
  }

  sendto(data, address) {
    this.udp.send(Buffer.from(data), address[1], address[0]);
    return Promise.resolve(data.length);
  }

  async recvfrom() {
    await this.until(() => this.chunks.length > 0);
    const [data, from] = this.chunks.shift();
    return [new Uint8Array(data.buffer, data.byteOffset, data.length), from];
  }

  close() {
    if (this.stream && !this.stream.destroyed) this.stream.end(() => this.stream.destroy());
    this.server?.close();
    for (const c of this.backlog) c.destroy();
    this.backlog = [];
    if (this.udp) {
      this.udp.close();
      this.udp = null;
    }
    this.eof = true;
    this.wake();
  }
}

export function socket(family = AF_INET, type = SOCK_STREAM) {
  return new ThinSocket(type);
}
