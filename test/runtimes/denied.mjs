// Without network permission (Deno without --allow-net): each facade's bind, connect and sendto
// raise, and the program goes on. Prints one JSON line per facade and call.
import * as socket from "pysocket";
import * as sync from "pysocket/sync";

async function outcome(f) {
  try {
    await f();
    return "no error";
  } catch (e) {
    return { type: e.name, message: e.message, errno: e.errno, strerror: e.strerror };
  }
}

for (const [name, m] of [["pysocket", socket], ["pysocket/sync", sync]]) {
  const calls = {
    create_server: () => m.create_server(["127.0.0.1", 0]),
    connect: async () => {
      const s = m.socket();
      try {
        await s.connect(["127.0.0.1", 9]);
      } finally {
        s.close();
      }
    },
    sendto: async () => {
      const s = m.socket(m.AF_INET, m.SOCK_DGRAM);
      try {
        await s.sendto(new Uint8Array(1), ["127.0.0.1", 9]);
      } finally {
        s.close();
      }
    },
  };
  for (const [call, f] of Object.entries(calls)) console.log(JSON.stringify([name, call, await outcome(f)]));
}
