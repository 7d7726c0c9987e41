// OSError.code: the errno's name, as Node's own errors carry it ('ECONNREFUSED'). Checked against
// CPython's errno.errorcode (the recorded table src/tables/errno_linux.ts comes from) and against
// Node's names (util.getSystemErrorName) for every errno Node knows.
import * as net from "node:net";
import { getSystemErrorName } from "node:util";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as socket from "pysocket";
import { ERRNO_LINUX } from "../dist/src/tables/errno_linux.js";

const Code = suite("OSError.code");

Code("is errno.errorcode[errno] for every Linux errno, and Node's name where Node has one", () => {
  for (const [n, symbol] of ERRNO_LINUX) {
    const e = new socket.OSError(n, "text");
    assert.is(e.code, symbol, `errno ${n}`);
    const node = getSystemErrorName(-n);
    if (!node.startsWith("Unknown system error")) assert.is(e.code, node, `errno ${n} in Node`);
  }
});

Code("is undefined without an errno, or for one Linux lacks", () => {
  assert.is(new socket.OSError("no errno").code, undefined);
  assert.is(new socket.OSError(100000, "text").code, undefined);
  assert.is(new socket.gaierror(-2, "Name or service not known").code, undefined);
});

Code("is not an own property: the exception's fields stay CPython's", () => {
  assert.not.ok(Object.keys(new socket.OSError(111, "x")).includes("code"));
});

Code("a refused connection carries ECONNREFUSED", async () => {
  const spare = net.createServer();
  await new Promise((r) => spare.listen(0, "127.0.0.1", r));
  const { port } = spare.address();
  await new Promise((r) => spare.close(r));
  const s = socket.socket();
  try {
    await s.connect(["127.0.0.1", port]);
    assert.unreachable("connected");
  } catch (e) {
    assert.instance(e, socket.ConnectionRefusedError);
    assert.is(e.errno, 111);
    assert.is(e.code, "ECONNREFUSED");
  } finally {
    s.close();
  }
});

Code.run();
