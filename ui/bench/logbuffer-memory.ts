// The memory of a full log buffer (issue #16): 100,000 lines as they arrive from the core
// (batches of JSON, as the IPC channel delivers them) kept in a Logs tab's LogBuffer. Run by
// scripts/bench: `node --expose-gc node_modules/vite-node/vite-node.mjs bench/logbuffer-memory.ts`.
// Writes ../target/bench/logbuffer.json. Budget: ≤ 40 MB. Measured in Node's V8 (the window's
// WebKit stores strings alike: Latin-1 text at one byte a character).
import { writeFileSync, mkdirSync } from "node:fs";
import { LogBuffer } from "../src/dock/logBuffer";

const LINES = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function heap(): number {
  for (let i = 0; i < 5; i++) gc!();
  return process.memoryUsage().heapUsed;
}

// A realistic mix of postgres-like lines, ~90 characters on average.
const samples = [
  "LOG:  checkpoint complete: wrote 4371 buffers (37.1%); sync files=130, total=672 ms",
  "LOG:  connection received: host=10.244.132.101 port=2582",
  "LOG:  duration: 87 ms  statement: SELECT * FROM orders WHERE id = 2654",
  "LOG:  automatic vacuum of table \"app.public.orders\": index scans: 1",
  "10.244.54.225 - - \"POST /api/orders HTTP/1.1\" 201 4731 \"-\" \"Go-http-client/1.1\"",
];

const before = heap();
const buf = new LogBuffer(LINES);
const start = Date.parse("2026-12-02T12:00:00Z");
for (let b = 0; b < LINES / 500; b++) {
  const batch = [];
  for (let i = 0; i < 500; i++) {
    const n = b * 500 + i;
    const ts = new Date(start + n).toISOString().replace("Z", "123456Z");
    batch.push({ ordinal: n % 3, pod: `postgres-${n % 3}`, container: "postgres", ts, text: `${samples[n % samples.length]} #${n}` });
  }
  // What the channel hands the view: parsed JSON.
  buf.addLines(JSON.parse(JSON.stringify(batch)));
}
const after = heap();
const mb = (after - before) / 1e6;
const budget = 40;
console.log(`log buffer of ${buf.size} lines: ${mb.toFixed(1)} MB (budget ≤ ${budget} MB)`);
mkdirSync("../target/bench", { recursive: true });
writeFileSync(
  "../target/bench/logbuffer.json",
  JSON.stringify(
    [{ figure: "Memory of a 100,000-line log buffer (Logs tab)", value: Math.round(mb * 10) / 10, unit: "MB", budget, pass: mb <= budget, notes: `${buf.size} lines kept, ~90 characters each; V8 heap delta after GC` }],
    null,
    2,
  ),
);
