import * as socket from "pysocket/sync";
const srv = socket.create_server(["127.0.0.1", 0]);
const c = socket.create_connection(srv.getsockname());
const [conn] = srv.accept();
const pings = new TextEncoder().encode("PING\r\n".repeat(10000));
const lines = conn.makefile("rb");
for (let r = 0; r < 300; r++) {
  const t0 = performance.now();
  c.sendall(pings);
  for (let j = 0; j < 10000; j++) lines.readline();
  if (r % 100 == 99) console.log((performance.now() - t0).toFixed(3), "ms");
}
