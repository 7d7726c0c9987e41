// A connection from another process to an AF_UNIX path that pysocket has bound but does not yet
// listen on: Linux refuses it; Node's listener behind the bind receives it, and pysocket closes
// it (a pipe has no reset to send, and Node throws if asked for one). The program must survive
// it, and listen afterwards.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";

const PEER = `
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
    s.sendall(b"hi")
    print("connected", s.recv(10))
except OSError as e:
    print(type(e).__name__)
`;

const peer = async (path) => (await promisify(execFile)("python3", ["-c", PEER, path])).stdout.trim();

test("a peer's connect before listen() is closed, and the socket listens afterwards", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pysocket-"));
  const path = join(dir, "sock");
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    await s.bind(path);
    // Linux: ConnectionRefusedError. Here the connection is taken, then closed.
    assert.ok(["connected b''", "ConnectionRefusedError", "ConnectionResetError", "BrokenPipeError"].includes(await peer(path)));
    s.listen();
    const answer = peer(path);
    const [c] = await s.accept();
    assert.equal(await c.recv(10), new Uint8Array([0x68, 0x69]));
    await c.sendall(new Uint8Array([0x6f, 0x6b]));
    c.close();
    assert.is(await answer, "connected b'ok'");
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
