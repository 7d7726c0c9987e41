// A CommonJS consumer: require("pysocket/addr") is typed (package.json "exports" "require").
import addr = require("pysocket/addr");

const packed: Uint8Array = addr.inet_pton(addr.AF_INET6, "::1");
const text: string = addr.inet_ntop(addr.AF_INET6, packed);
const port: number = addr.htons(8080);
export { text, port };
