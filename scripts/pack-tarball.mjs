// Packs the repository once (test/helpers/pack.js), into the folder given, and writes there
// packed.json: what scripts/run-tests.mjs hands the test files that install the package.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pack } from "../test/helpers/pack.js";

const dir = process.argv[2];
writeFileSync(join(dir, "packed.json"), JSON.stringify(pack(dir)));
