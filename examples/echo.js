// A TCP echo server and client in the Python style, on the `pysocket` facade.
import * as socket from "pysocket";

const server = await socket.create_server(["127.0.0.1", 0]);
const [host, port] = server.getsockname();
console.log(`listening on ${host}:${port}`);

async function serveOne() {
  const [conn, addr] = await server.accept();
  console.log(`connection from ${addr[0]}:${addr[1]}`);
  for (;;) {
    const data = await conn.recv(1024);
    if (data.length === 0) break;
    await conn.sendall(data);
  }
  conn.close();
}

const served = serveOne();
const client = await socket.create_connection([host, port], 5);
await client.sendall(new TextEncoder().encode("hello, pysocket"));
console.log(`echoed: ${new TextDecoder().decode(await client.recv(1024))}`);
client.close();
await served;
server.close();
