// A pending recv on one end of a socketpair() with nothing else to keep the program alive: it
// must settle (the other end sends), not end the program with an unsettled Promise (exit 13).
const socket = await import(process.argv[2]);
const [a, b] = socket.socketpair();
const got = a.recv(10);
await b.send(new TextEncoder().encode("now"));
console.log(new TextDecoder().decode(await got));
