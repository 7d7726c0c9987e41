// A strict consumer of the package's declarations (no DOM lib, no Node types, skipLibCheck
// off): what it uses must be typed, and what it must not do must not compile.
import * as socket from "pysocket";
import * as sync from "pysocket/sync";
import { AF_INET, AF_INET6, inet_aton, inet_ntop, inet_pton, htonl } from "pysocket/addr";

const packed: Uint8Array = inet_pton(AF_INET6, "::1");
const text: string = inet_ntop(AF_INET6, packed);
const four: Uint8Array = inet_aton("127.1");
const long: number = htonl(1);

export async function echo(): Promise<number[]> {
  const server: socket.Socket = await socket.create_server(["127.0.0.1", 0]);
  const client: socket.Socket = await socket.create_connection(server.getsockname(), 5);
  const [conn] = await server.accept();
  await client.sendall(new Uint8Array([104, 105]));
  await conn.sendall(await conn.recv(1024));
  const data: Uint8Array = await client.recv(1024);
  conn.close();
  client.close();
  server.close();
  return [...data];
}

export function blocking(): number {
  const s: sync.Socket = sync.socket(sync.AF_INET, sync.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  const n: number = s.sendto(new Uint8Array([1]), s.getsockname());
  s.close();
  return n;
}

export function errors(e: unknown): number | null {
  if (e instanceof socket.ConnectionRefusedError) return e.errno;
  return null;
}

export { text, four, long, AF_INET };
