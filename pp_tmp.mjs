import * as socket from "pysocket/sync";
const srv = socket.create_server(["127.0.0.1", 0]);
const c = socket.create_connection(srv.getsockname());
const [conn] = srv.accept();
const pings = new TextEncoder().encode("PING\r\n".repeat(10000));
const lines = conn.makefile("rb");
const out = [];
for (let r = 0; r < 12; r++) {
  const t0 = performance.now();
  c.sendall(pings);
  for (let j = 0; j < 10000; j++) lines.readline();
  out.push((performance.now() - t0).toFixed(2));
}
console.log(out.join(" "));
