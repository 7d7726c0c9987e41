// A simulation trace as an SVG sequence diagram: one lane per host, time flowing down, one row
// per event. Each packet between hosts is an arrow from where it was sent to where it was
// delivered; a dropped one ends half-way in a red cross with the reason; faults (links,
// partitions, crashes, restarts) are bands across every lane. Loopback traffic stays off the
// picture (it never crosses a link).

const LANE = 190;
const LEFT = 110;
const ROW = 18;
const TOP = 60;
const MAX_ROWS = 5000;

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function label(e) {
  if (e.proto === "tcp") return `${e.flags}${e.len ? ` ${e.len}` : ""} seq ${e.seq}${e.flags.includes("A") ? ` ack ${e.ack}` : ""}`;
  if (e.proto === "udp") return `udp ${e.len}`;
  return e.proto === "icmp" ? "icmp unreachable" : e.proto;
}

function faultText(e) {
  switch (e.ev) {
    case "partition": return `partition [${e.a.join(", ")}] | [${e.b.join(", ")}]`;
    case "heal": return "heal";
    case "crash": return `crash ${e.host}`;
    case "restart": return `restart ${e.host}`;
    case "link": return `link ${e.a}–${e.b}: latency ${e.latency}s jitter ${e.jitter}s loss ${e.loss} duplicate ${e.duplicate}`;
    default: return null;
  }
}

/** The SVG text for `trace` (JSON lines, as SimNetwork.trace() gives them). */
export function traceSvg(trace, { title = "pysocket sim" } = {}) {
  const events = trace.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const lanes = new Map();
  for (const e of events) if (e.ev === "host") lanes.set(e.host, lanes.size);
  const x = (host) => LEFT + LANE * (lanes.get(host) ?? 0) + LANE / 2;
  const body = [];
  const sent = new Map();
  let row = 0;
  let truncated = false;
  const y = (r) => TOP + r * ROW;
  const time = (t) => `${(t / 1e6).toFixed(3)} ms`;
  for (const e of events) {
    if (row >= MAX_ROWS) {
      truncated = true;
      break;
    }
    const fault = faultText(e);
    if (fault) {
      row++;
      const color = e.ev === "crash" ? "#c00" : e.ev === "restart" ? "#070" : "#a60";
      body.push(`<rect x="${LEFT}" y="${y(row) - 12}" width="${LANE * lanes.size}" height="16" fill="${color}" fill-opacity="0.12"/>`);
      body.push(`<text x="${LEFT + 6}" y="${y(row)}" fill="${color}">${esc(fault)}</text>`);
      body.push(`<text x="6" y="${y(row)}" class="t">${time(e.t)}</text>`);
      continue;
    }
    if (e.ev === "send" || e.ev === "duplicate") {
      // A duplicate is a second copy of its original's send.
      const send = e.ev === "send" ? e : sent.get(e.of)?.e;
      if (!send || send.from === send.to || send.to === undefined) continue;
      row++;
      sent.set(e.p, { row, e: send, dup: e.ev === "duplicate" });
      body.push(`<text x="6" y="${y(row)}" class="t">${time(e.t)}</text>`);
    } else if (e.ev === "deliver") {
      const s = sent.get(e.p);
      if (!s) continue;
      row++;
      const [x1, y1, x2, y2] = [x(s.e.from), y(s.row), x(s.e.to), y(row)];
      body.push(`<text x="6" y="${y(row)}" class="t">${time(e.t)}</text>`);
      body.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" class="${s.dup ? "dup" : "pkt"}" marker-end="url(#arrow)"/>`);
      body.push(`<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 3}" text-anchor="middle" class="l">${esc(label(s.e))}</text>`);
    } else if (e.ev === "drop") {
      const s = sent.get(e.p);
      if (!s) continue;
      const x1 = x(s.e.from);
      const x2 = s.e.to ? (x1 + x(s.e.to)) / 2 : x1 + LANE / 3;
      const r = s.row;
      body.push(`<line x1="${x1}" y1="${y(r)}" x2="${x2}" y2="${y(r) + 6}" class="drop"/>`);
      body.push(`<text x="${x2}" y="${y(r) + 10}" text-anchor="middle" fill="#c00">✕ ${esc(e.reason)}</text>`);
      body.push(`<text x="${(x1 + x2) / 2}" y="${y(r) - 3}" text-anchor="middle" class="l">${esc(label(s.e))}</text>`);
    }
  }
  const height = y(row) + 40;
  const width = LEFT + LANE * Math.max(1, lanes.size) + 20;
  const head = [];
  for (const [host, i] of lanes) {
    const cx = LEFT + LANE * i + LANE / 2;
    head.push(`<text x="${cx}" y="${TOP - 22}" text-anchor="middle" class="h">${esc(host)}</text>`);
    head.push(`<line x1="${cx}" y1="${TOP - 14}" x2="${cx}" y2="${height - 20}" class="lane"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">
<style>.lane{stroke:#999;stroke-dasharray:4 3}.pkt{stroke:#246;stroke-width:1.2}.dup{stroke:#84a;stroke-width:1.2;stroke-dasharray:5 2}.drop{stroke:#c00;stroke-width:1.2}.h{font-weight:bold;font-size:13px}.t{fill:#777}.l{fill:#246}</style>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#246"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="6" y="18" class="h">${esc(title)}</text>
${head.join("\n")}
${body.join("\n")}
${truncated ? `<text x="6" y="${height - 6}" fill="#c00">… trace cut at ${MAX_ROWS} rows</text>` : ""}
</svg>
`;
}
