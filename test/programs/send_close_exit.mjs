// sendall, close(), then the program ends: the peer must still get every byte (Linux sends them
// after close and after exit). Arguments: the facade's module, the peer's port, the byte count.
const socket = await import(process.argv[2]);
const n = Number(process.argv[4]);
const data = new Uint8Array(n);
for (let i = 0; i < n; i++) data[i] = (i * 2654435761) >>> 24;
const c = await socket.create_connection(["127.0.0.1", Number(process.argv[3])]);
await c.sendall(data);
c.close();
