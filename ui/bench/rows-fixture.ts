// Rows shaped like the core's StatefulSet rows (kinds/statefulset/mod.rs: the same cells, sort
// values and facts), as the IPC channel delivers them: parsed JSON, so no strings are shared.
import type { Finding, Row, RowsEvent } from "../src/api";

const LABEL_SETS = [
  ["app.kubernetes.io/name=postgres", "app.kubernetes.io/part-of=billing", "tier=db"],
  ["app=kafka", "team=streaming", "env=prod", "app.kubernetes.io/managed-by=helm"],
  ["app=redis", "tier=cache"],
];

export function stsRow(i: number, version = 1): Row {
  const namespace = `team-${String(i % 40).padStart(2, "0")}`;
  const name = `${["postgres", "kafka", "redis", "etcd", "zookeeper"][i % 5]}-${i}`;
  const desired = 1 + (i % 5);
  const ready = (i + version) % 7 === 0 ? desired - 1 : desired;
  const created = 1_700_000_000 + i * 37;
  const labels = LABEL_SETS[i % LABEL_SETS.length]!.map((l) => `${l}-${i % 13}`);
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: `6f1c${String(i).padStart(4, "0")}-9b2e-4d6a-8c1f-${(i * 7919).toString(16).padStart(12, "0")}`,
    resourceVersion: String(48_000_000 + i * 3 + version),
    cells: {
      age: { t: "age", v: created },
      status: { t: "status", tone: ready === desired ? "ok" : "progressing", key: "status.podsReady", params: { ready: String(ready), desired: String(desired), was: "0" } },
      update: { t: "progress", done: desired, total: desired, key: i % 11 === 0 ? "update.partitioned" : null },
      labels: { t: "chips", v: labels },
      selector: { t: "mono", v: labels[0]! },
      service: { t: "mono", v: `${name}-headless` },
      storage: { t: "count", v: desired },
      revision: { t: "mono", v: `${name}-7d9f8c6b5${version % 10}` },
    },
    sort: { age: -created, status: ready / desired, update: 0, labels: labels.join(","), storage: desired },
    facts: { replicas: desired, readyReplicas: ready, stoppedFrom: 0, claimTemplates: 1, partition: 0, claims: desired, claimsDeletedWithSet: 0 },
  };
}

/** The doctor's row of StatefulSet `i`: one in twenty has a finding (more rarely two). */
export function doctorRowOf(i: number): Row {
  const r = stsRow(i);
  const findings: Finding[] = [];
  if (i % 20 === 0) findings.push({ severity: "warning", key: "doctor.serviceMissing", params: { service: `${r.name}-headless` } });
  if (i % 100 === 0) findings.push({ severity: "info", key: "doctor.orphanedClaims", params: { count: "2" } });
  return { key: r.key, namespace: r.namespace, name: r.name, uid: "", resourceVersion: "", cells: { doctor: { t: "findings", v: findings } }, sort: {}, facts: {} };
}

/**
 * As delivered: parsed JSON, each string value its own. (V8's JSON.parse keeps a string value as
 * a slice of the JSON text, so a kept key would keep its whole event's text alive: an engine
 * detail, not the rows' own cost, and not JavaScriptCore's behaviour.)
 */
export const ipc = <T>(value: T): T => JSON.parse(JSON.stringify(value), (_, v: unknown) => (typeof v === "string" ? fresh(v) : v)) as T;
const fresh = (s: string) => Buffer.from(s, "utf8").toString("utf8");

export function reset(n: number): RowsEvent {
  return ipc({ type: "reset", rows: Array.from({ length: n }, (_, i) => stsRow(i)) });
}

export function doctorReset(n: number): RowsEvent {
  return ipc({ type: "reset", rows: Array.from({ length: n }, (_, i) => doctorRowOf(i)) });
}

/** Event `e` of a churn: `size` rows (spread over the list) get a new version. */
export function delta(n: number, e: number, size: number): RowsEvent {
  const upserts = Array.from({ length: size }, (_, j) => stsRow((e * 7919 + j * Math.floor(n / size)) % n, e + 2));
  return ipc({ type: "delta", upserts, deletes: [] });
}
