// The main job for now: pysocket/addr parsing and printing addresses the way CPython does.
import { AF_INET, AF_INET6, htonl, htons, inet_aton, inet_ntoa, inet_ntop, inet_pton } from "pysocket/addr";

const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

for (const text of ["127.0.0.1", "0x7f.1", "010.1.1.1", "1.2.3.4 trailing"]) {
  console.log(`inet_aton(${JSON.stringify(text)}) = ${hex(inet_aton(text))} -> ${inet_ntoa(inet_aton(text))}`);
}
for (const text of ["::1", "2001:DB8::0:1", "::ffff:192.0.2.1", "fe80::1:0:0:1"]) {
  console.log(`inet_ntop(AF_INET6, inet_pton(AF_INET6, ${JSON.stringify(text)})) = ${inet_ntop(AF_INET6, inet_pton(AF_INET6, text))}`);
}
try {
  inet_pton(AF_INET, "010.1.1.1");
} catch (e) {
  console.log(`inet_pton(AF_INET, "010.1.1.1") raises ${e.name}: ${e.message}`);
}
console.log(`htonl(1) = ${htonl(1)}, htons(0x1234) = ${htons(0x1234).toString(16)}`);
