// The packed `pysocket/addr` in a browser: Debian's headless Chromium (`.ci/run` installs it with
// apt), driven by playwright-core (from the npm registry, in build/ci-tools), loads a page from a
// loopback-only HTTP server whose import map resolves `pysocket/addr` and `#core-module` from the
// installed package's "exports"/"imports", as README's Install section says; the page runs every
// CPython case of test/fixtures/addr.json (scripts/record_addr.py) and reports what differed.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import * as http from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, sep } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { exportTarget, packAndInstall, repo } from "./helpers/pack.js";

const CHROMIUM = "/usr/lib/chromium/chromium";
const PLAYWRIGHT = join(repo, "build/ci-tools/node_modules/playwright-core");
const CONDITIONS = ["browser", "import", "default"];
const FUNCTIONS = ["htonl", "htons", "ntohl", "ntohs", "inet_aton", "inet_ntoa", "inet_pton", "inet_ntop"];
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };

// Chromium reaches nothing but the test's server: background services off, and what still starts
// (Debian's build asks update.googleapis.com and accounts.google.com) fails: every host but
// 127.0.0.1 fails to resolve, and every URL but loopback's goes to a proxy on a closed loopback
// port. The net log (--log-net-log) shows what it connected to.
const ISOLATION = [
  "--no-sandbox", // as root, Chromium refuses to start with its sandbox
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-domain-reliability",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--disable-breakpad",
  "--disable-client-side-phishing-detection",
  "--disable-features=OptimizationHints,Translate,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
  "--no-first-run",
  "--no-pings",
  "--metrics-recording-only",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  "--proxy-server=http://127.0.0.1:9",
];

const target = (node) => exportTarget(node, CONDITIONS);

/** The page: an import map for the package's entry and its core, then test/browser/page.js. */
function indexHtml(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const url = (t) => `/node_modules/pysocket/${t.replace(/^\.\//, "")}`;
  const imports = { "pysocket/addr": url(target(pkg.exports["./addr"])), "#core-module": url(target(pkg.imports["#core-module"])) };
  return `<!doctype html>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
import("/page.js").then((m) => m.run()).then(
  (byFunction) => { window.outcome = { byFunction }; },
  (e) => { window.outcome = { failed: String(e?.stack ?? e) }; });
</script>
`;
}

/** Serves the page, its script, the fixture and the installed package's files on 127.0.0.1;
 * records every path asked for. */
function serve(pkgDir) {
  const root = realpathSync(pkgDir) + sep;
  const fixed = {
    "/": ["text/html", indexHtml(pkgDir)],
    "/page.js": ["text/javascript", readFileSync(join(repo, "test/browser/page.js"))],
    "/pyvalue.js": ["text/javascript", readFileSync(join(repo, "test/helpers/pyvalue.js"))],
    "/addr.json": ["application/json", readFileSync(join(repo, "test/fixtures/addr.json"))],
  };
  const asked = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://127.0.0.1").pathname;
    asked.push(path);
    let body = fixed[path];
    if (!body && path.startsWith("/node_modules/pysocket/")) {
      const file = join(root, decodeURIComponent(path.slice("/node_modules/pysocket/".length)));
      if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) body = [TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file)];
    }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": body[0], "cache-control": "no-store" }).end(body[1]);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, asked, port: server.address().port })));
}

// Before resolving any name Chromium connect()s a UDP socket to this address, which sends nothing,
// to learn whether IPv6 has a route (net/dns/host_resolver_manager.cc, kIPv6ProbeAddress).
const IPV6_PROBE = "[2001:4860:4860::8888]:443";

/** The parameters of each `type` event in Chromium's net log, but those that end a span. */
function netLogEvents(log, type) {
  const id = log.constants.logEventTypes[type];
  const end = log.constants.logEventPhase.PHASE_END;
  return log.events.filter((e) => e.type === id && e.phase !== end).map((e) => e.params ?? {});
}

const Browser = suite("Chromium");

if (!existsSync(CHROMIUM) || !existsSync(PLAYWRIGHT)) {
  console.log(`package_browser: needs ${CHROMIUM} (apt-get install chromium) and ${PLAYWRIGHT} (bash .ci/run installs both); nothing to run`);
} else {
  const { chromium } = createRequire(import.meta.url)(PLAYWRIGHT);
  const pack = packAndInstall();
  const { server, asked, port } = await serve(join(pack.consumer, "node_modules/pysocket"));
  const origin = `http://127.0.0.1:${port}`;
  const requested = [];
  const pageErrors = [];
  let outcome;
  const logDir = mkdtempSync(join(tmpdir(), "pysocket-chromium-"));
  const netLog = join(logDir, "netlog.json");
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, chromiumSandbox: false, timeout: 120_000,
      args: [...ISOLATION, `--log-net-log=${netLog}`],
    });
    const page = await browser.newPage();
    page.on("request", (r) => requested.push(r.url()));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(`${origin}/`, { timeout: 120_000 });
    await page.waitForFunction(() => window.outcome !== undefined, null, { timeout: 120_000 });
    outcome = await page.evaluate(() => window.outcome);
  } finally {
    await browser?.close();
    await new Promise((r) => server.close(r));
    pack.cleanup();
  }
  const log = JSON.parse(readFileSync(netLog, "utf8"));
  const tcp = netLogEvents(log, "TCP_CONNECT_ATTEMPT").map((p) => p.address ?? JSON.stringify(p));
  const udp = netLogEvents(log, "UDP_CONNECT").map((p) => p.address ?? JSON.stringify(p));
  const udpSent = netLogEvents(log, "UDP_BYTES_SENT");
  rmSync(logDir, { recursive: true, force: true });

  Browser("the page loads pysocket/addr through its import map", () => {
    assert.equal(pageErrors, []);
    assert.is(outcome.failed, undefined);
    assert.ok(asked.includes("/node_modules/pysocket/dist/src/addr.js"), "addr.js is fetched");
    assert.ok(asked.includes("/node_modules/pysocket/dist/src/core_module.js"), "#core-module is fetched");
  });

  Browser("the page asks for nothing but the loopback server", () => {
    assert.equal(requested.filter((u) => !u.startsWith(`${origin}/`)), []);
  });

  Browser("Chromium connects to loopback only", () => {
    assert.ok(tcp.includes(`127.0.0.1:${port}`), "the net log holds the connection to the test's server");
    assert.equal(tcp.filter((a) => !a.startsWith("127.0.0.1:")), []);
    assert.equal(udp.filter((a) => !a.startsWith("127.0.0.1:") && a !== IPV6_PROBE), []);
    assert.equal(udpSent, []);
  });

  for (const fn of FUNCTIONS) {
    Browser(`${fn}: CPython's recorded answers, exceptions included`, () => {
      const seen = outcome.byFunction?.[fn];
      assert.ok(seen && seen.cases > 0, `${fn} cases ran in the page`);
      if (["inet_aton", "inet_pton", "inet_ntop"].includes(fn)) assert.ok(seen.errors > 0, `${fn} has OSError cases`);
      assert.equal(seen.problems.slice(0, 20), [], `${seen.problems.length} of ${seen.cases} cases differ`);
    });
  }
}

Browser.run();
