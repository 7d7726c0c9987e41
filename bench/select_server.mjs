// The pysocket side of bench/select.bench.js.
//   node select_server.mjs echo async|sync   a selectors echo server (DefaultSelector, as
//       Python's selectors documentation writes it); prints {"port"}, serves until killed
//   node select_server.mjs select async|sync N  select.select over N idle sockets, one of them
//       readable; prints {"ns": per call}
const [mode, facade, n] = process.argv.slice(2);
const m = await import(facade === "sync" ? "pysocket/sync" : "pysocket");
const { selectors, select } = m;
const aw = facade === "sync" ? (x) => x : async (x) => await x;

if (mode === "echo") {
  const sel = selectors.DefaultSelector();
  const server = await aw(m.create_server(["127.0.0.1", 0], { backlog: 1024 }));
  server.setblocking(false);
  sel.register(server, selectors.EVENT_READ, null);
  console.log(JSON.stringify({ port: server.getsockname()[1] }));
  for (;;) {
    for (const [key] of await aw(sel.select())) {
      if (key.data === null) {
        const [conn] = await aw(server.accept());
        conn.setblocking(false);
        conn.setsockopt(m.IPPROTO_TCP, m.TCP_NODELAY, 1);
        sel.register(conn, selectors.EVENT_READ, 1);
        continue;
      }
      const conn = key.fileobj;
      let data;
      try {
        data = await aw(conn.recv(4096));
      } catch {
        data = new Uint8Array(0);
      }
      if (data.length > 0) await aw(conn.sendall(data));
      else {
        sel.unregister(conn);
        conn.close();
      }
    }
  }
} else {
  const count = Number(n);
  const socks = [];
  for (let i = 0; i < count / 2; i++) socks.push(...m.socketpair());
  await aw(socks[1].send(new Uint8Array([1])));
  while ((await aw(select.select(socks, [], [], 1)))[0].length === 0);
  const rounds = facade === "sync" ? 2000 : 2000;
  for (let i = 0; i < 200; i++) await aw(select.select(socks, [], [], 0));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await aw(select.select(socks, [], [], 0));
  const ns = Number(process.hrtime.bigint() - t0) / rounds;
  console.log(JSON.stringify({ ns }));
  for (const s of socks) s.close();
  process.exit(0);
}
