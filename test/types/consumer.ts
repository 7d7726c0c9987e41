// A strict consumer of the package's declarations (no DOM lib, no Node types, skipLibCheck
// off): what it uses must be typed as Python's values map to JavaScript, sockets must work with
// `using` and `await using`, and each @ts-expect-error line must not compile.
import * as socket from "pysocket";
import * as sync from "pysocket/sync";
import { AF_INET, AF_INET6, htonl, inet_aton, inet_ntop, inet_pton } from "pysocket/addr";

const packed: Uint8Array = inet_pton(AF_INET6, "::1");
const text: string = inet_ntop(AF_INET6, packed);
const four: Uint8Array = inet_aton("127.1");
const long: number = htonl(1);
// @ts-expect-error: the family is a number
inet_pton("AF_INET", "1.2.3.4");

export async function echo(): Promise<number[]> {
  await using server = await socket.create_server(["127.0.0.1", 0]);
  await using client = await socket.create_connection(server.getsockname(), 5);
  const [conn, peer]: [socket.Socket, socket.Address] = await server.accept();
  await client.sendall(new Uint8Array([104, 105]));
  await conn.sendall(await conn.recv(1024));
  const data: Uint8Array = await client.recv(1024);
  conn.close();
  // @ts-expect-error: a bufsize is a number
  await client.recv("1024");
  // @ts-expect-error: internal state is not part of the API
  void client._fd;
  void peer;
  return [...data];
}

export function blocking(): number {
  using s = sync.socket(sync.AF_INET, sync.SOCK_DGRAM);
  const t: sync.Socket = new sync.socket(sync.AF_INET, sync.SOCK_STREAM);
  t.close();
  s.bind(["127.0.0.1", 0]);
  const n: number = s.sendto(new Uint8Array([1]), s.getsockname());
  // @ts-expect-error: a family is a number
  sync.socket("AF_INET");
  return n;
}

export async function resolve(): Promise<string> {
  const infos = await socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM);
  const [family, type, proto, canonname, address] = infos[0];
  const numbers: number[] = [family, type, proto];
  const name: string = canonname;
  void numbers;
  void address;
  // @ts-expect-error: a port is a number, a string or null
  await socket.getaddrinfo("localhost", [80]);
  return name;
}

export function errors(e: unknown): [number | null, string | undefined] {
  if (e instanceof socket.ConnectionRefusedError) return [e.errno, e.code];
  return [null, undefined];
}

export { text, four, long, AF_INET };
