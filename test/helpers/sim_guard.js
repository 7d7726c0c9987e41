// Installed first by every simulator test: wraps node:net and node:dgram so that a real
// connection, listener or datagram to an address off loopback throws (a simulator that leaked
// onto real sockets fails its test instead of sending packets anywhere), and counts every real
// socket the process opens, so a test can assert that a simulation opened none.
import dgram from "node:dgram";
import net from "node:net";

export const realSockets = { net: 0, dgram: 0 };

const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;

function check(host, what) {
  if (host === undefined || host === null || host === "") return;
  if (typeof host === "string" && LOOPBACK.test(host)) return;
  throw new Error(`sim guard: a real ${what} to ${host} (off loopback)`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  realSockets.net++;
  const o = args[0];
  if (Array.isArray(o)) return connect.apply(this, args);
  if (typeof o === "object" && o !== null) {
    if (o.path === undefined) check(o.host ?? "localhost", "connection");
  } else if (typeof o === "number" || /^\d+$/.test(String(o))) {
    check(typeof args[1] === "string" ? args[1] : "localhost", "connection");
  }
  return connect.apply(this, args);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  realSockets.net++;
  const o = args[0];
  if (typeof o === "object" && o !== null && o.host !== undefined) check(o.host, "listener");
  return listen.apply(this, args);
};

const createSocket = dgram.createSocket;
dgram.createSocket = function (...args) {
  realSockets.dgram++;
  const s = createSocket.apply(this, args);
  const send = s.send;
  s.send = function (...a) {
    const host = a.find((x, i) => i > 0 && typeof x === "string");
    if (host !== undefined) check(host, "datagram");
    return send.apply(this, a);
  };
  const conn = s.connect;
  s.connect = function (port, host, ...rest) {
    check(typeof host === "string" ? host : "localhost", "datagram connection");
    return conn.call(this, port, host, ...rest);
  };
  return s;
};
