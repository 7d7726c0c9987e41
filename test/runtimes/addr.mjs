// pysocket/addr in any runtime: prints "2001:db8::1 256".
import { AF_INET6, htons, inet_ntop, inet_pton } from "pysocket/addr";

console.log(inet_ntop(AF_INET6, inet_pton(AF_INET6, "2001:DB8::0:1")), htons(1));
