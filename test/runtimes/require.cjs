// CommonJS: require("pysocket/addr") works; require("pysocket"), "pysocket/sync" and "pysocket/sim" throw
// saying to use import(). Prints one line per entry.
const { AF_INET6, inet_aton, inet_ntop, inet_pton } = require("pysocket/addr");

let err;
try {
  inet_pton(2, "010.1.1.1");
} catch (e) {
  err = String(e);
}
console.log(inet_ntop(AF_INET6, inet_pton(AF_INET6, "::ffff:1.2.3.4")), inet_aton("0x7f.1").join("."), err);
for (const name of ["pysocket", "pysocket/sync", "pysocket/sim"]) {
  try {
    require(name);
    console.log(`${name}: loaded`);
  } catch (e) {
    console.log(`${e.code}: ${e.message}`);
  }
}
