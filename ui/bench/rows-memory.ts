// Whole lists in the web process (issue #20, item 8): the JS heap holding 10,000 rows as the
// cross-cluster view keeps them (RowStore) with the Doctor's findings applied (its column joined by
// key). A single cluster's list no longer holds them: the core keeps the rows and sends the
// table's window (ordinal-core hub/list.rs); this is what that saves, and the cross-cluster cost,
// and the time a delta event of 100 upserts costs before React: the store, the list handed to
// React, the doctor column; then, for scale, with the list's sort (ListView re-sorts on every
// event). Run by scripts/bench:
// `node --expose-gc node_modules/vite-node/vite-node.mjs bench/rows-memory.ts`.
// Writes ../target/bench/rows.json.
import { mkdirSync, writeFileSync } from "node:fs";
import type { Row } from "../src/api";
import { sortRows, type JoinedColumn } from "../src/lib/rows";
import { applyDoctor, doctorColumn, type Findings } from "../src/state/doctor";
import { RowStore } from "../src/state/rows";
import { delta, doctorReset, reset } from "./rows-fixture";

const N = 10_000;
const UPSERTS = 100;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function heap(): number {
  for (let i = 0; i < 5; i++) gc!();
  return process.memoryUsage().heapUsed;
}

// Memory: what stays once the events are applied. Each step runs in its own function, so the
// event (garbage once applied) is not kept alive by the caller's frame.
function loadRows(): RowStore {
  const store = new RowStore();
  store.apply(reset(N));
  store.list();
  return store;
}
function loadDoctor(): Findings | null {
  return applyDoctor(null, doctorReset(N));
}
const h0 = heap();
const store = loadRows();
let rows: Row[] = store.list();
const h1 = heap();
const findings = loadDoctor();
const joined: JoinedColumn | null = doctorColumn(findings);
const h2 = heap();
const rowsMb = (h1 - h0) / 1e6;
const doctorMb = (h2 - h1) / 1e6;
console.log(`${N} rows: ${rowsMb.toFixed(2)} MB; with the doctor's findings joined: +${doctorMb.toFixed(2)} MB (total ${(rowsMb + doctorMb).toFixed(2)} MB)`);

// Time: deltas of 100 upserts spread over the list, as parsed from the channel (not timed).
const events = Array.from({ length: 400 }, (_, e) => delta(N, e, UPSERTS));
let sink = 0;
/** The median time of one event over events [from, to). */
function perEvent(from: number, to: number, sort: { column: string; dir: "asc" } | null): number {
  gc!();
  const times: number[] = [];
  for (let e = from; e < to; e++) {
    const t0 = performance.now();
    store.apply(events[e]!);
    rows = store.list();
    // the doctor column is made again only when the findings change, not per event
    if (sort) sink += sortRows(rows, sort, joined).length;
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}
perEvent(0, 50, null);
const ms = perEvent(50, 250, null);
const byName = perEvent(250, 300, { column: "name", dir: "asc" });
const byDoctor = perEvent(300, 350, { column: "doctor", dir: "asc" });
console.log(`per delta of ${UPSERTS} upserts on ${N} rows (median): ${ms.toFixed(3)} ms; with the list's sort by name ${byName.toFixed(1)} ms, by doctor ${byDoctor.toFixed(1)} ms`);
if (sink < 0 || rows.length !== N) throw new Error("lost rows");

mkdirSync("../target/bench", { recursive: true });
writeFileSync(
  "../target/bench/rows.json",
  JSON.stringify(
    [
      { figure: "JS heap of 10,000 StatefulSet rows with the Doctor's column", value: Math.round((rowsMb + doctorMb) * 10) / 10, unit: "MB", budget: null, pass: null, notes: `rows ${rowsMb.toFixed(1)} MB + doctor ${doctorMb.toFixed(1)} MB; V8 heap delta after GC` },
      { figure: "UI time per delta of 100 upserts on 10,000 rows (store + doctor)", value: Math.round(ms * 1000) / 1000, unit: "ms", budget: null, pass: null, notes: `with the list's re-sort: by name ${byName.toFixed(1)} ms, by doctor ${byDoctor.toFixed(1)} ms` },
    ],
    null,
    2,
  ),
);
