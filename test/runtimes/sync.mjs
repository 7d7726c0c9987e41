// pysocket/sync on loopback: a TCP echo and a UDP round trip; prints "hello 1,2,3".
import * as socket from "pysocket/sync";

const server = socket.create_server(["127.0.0.1", 0]);
const client = socket.create_connection(server.getsockname(), 5);
const [conn] = server.accept();
client.sendall(new TextEncoder().encode("hello"));
conn.sendall(conn.recv(1024));
const tcp = new TextDecoder().decode(client.recv(1024));
for (const s of [conn, client, server]) s.close();
const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
a.bind(["127.0.0.1", 0]);
const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
b.sendto(new Uint8Array([1, 2, 3]), a.getsockname());
const [data] = a.recvfrom(10);
a.close();
b.close();
console.log(tcp, data.join());
