// Prints faultyUpload's digest for the seed given, from a process of its own.
import "./sim_guard.js";
import { faultyUpload } from "./sim_programs.js";

console.log(await faultyUpload(BigInt(process.argv[2])));
