// socket.makefile() on pysocket/sync against CPython: every scenario of test/fixtures/makefile.json
// replayed step by step (test/helpers/makefile_replay.js), one at a time, as the calls block.
import * as sync from "pysocket/sync";
import { scenarioSuite } from "./helpers/makefile_replay.js";

scenarioSuite(sync, { name: "pysocket/sync", promises: false }).run();
