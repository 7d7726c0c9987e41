// The Worker that test/package_workerd.test.js runs in workerd: pysocket's address functions and
// its Promise facade as an outbound TCP client. GET /?port=ECHO&closed=PORT answers JSON: each
// check's value, or the exception it raised as {type, message, errno, strerror}.
import * as socket from "pysocket";
import { AF_INET6, htons, inet_ntop, inet_pton } from "pysocket/addr";

const text = (s) => new TextEncoder().encode(s);
const str = (b) => new TextDecoder().decode(b);

async function outcome(f) {
  try {
    return { value: (await f()) ?? null };
  } catch (e) {
    return { error: { type: e.name, message: e.message, errno: e.errno ?? null, strerror: e.strerror ?? null } };
  }
}

/** An echo exchange on `s`: a line through makefile, then the rest after shutdown(SHUT_WR). */
async function exchange(s) {
  const peer = s.getpeername();
  await s.sendall(text("hello\nworld"));
  const f = s.makefile("rb");
  const line = str(await f.readline());
  s.shutdown(socket.SHUT_WR);
  const rest = str(await f.read());
  f.close();
  s.close();
  return { peer, line, rest };
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const port = Number(url.searchParams.get("port"));
    const closed = Number(url.searchParams.get("closed"));
    const out = {};
    out.addr = await outcome(() => [inet_ntop(AF_INET6, inet_pton(AF_INET6, "2001:DB8::0:1")), htons(1)]);
    out.create_connection = await outcome(async () => exchange(await socket.create_connection(["127.0.0.1", port], 5)));
    out.localhost = await outcome(async () => exchange(await socket.create_connection(["localhost", port], 5)));
    out.connect = await outcome(async () => {
      const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
      await s.connect(["127.0.0.1", port]);
      const sent = await s.send(text("abc"));
      const buf = new Uint8Array(3);
      let got = 0;
      while (got < 3) got += await s.recv_into(buf.subarray(got));
      s.close();
      return { sent, data: str(buf), fileno: s.fileno() };
    });
    out.refused_create_connection = await outcome(() => socket.create_connection(["127.0.0.1", closed], 5));
    out.refused_connect = await outcome(async () => {
      const s = socket.socket();
      try {
        await s.connect(["127.0.0.1", closed]);
      } finally {
        s.close();
      }
    });
    out.bind = await outcome(async () => {
      const s = socket.socket();
      try {
        await s.bind(["127.0.0.1", 0]);
      } finally {
        s.close();
      }
    });
    out.listen = await outcome(() => {
      const s = socket.socket();
      try {
        s.listen();
      } finally {
        s.close();
      }
    });
    out.dgram = await outcome(() => socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close());
    out.unix = await outcome(() => socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close());
    return Response.json(out);
  },
};
