// Fixtures for the StatefulSets views: a kind, rows, statuses and a detail, plus a backend
// with the cluster/rows/action/detail commands on top of installBackend().
import { act, render, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { expect } from "vitest";
import type { ClusterStatus, ContextList, Finding, KindInfo, OrdinalView, Protection, Row, RowsEvent, Settings, StatefulSetDetail } from "../api";
import { App } from "../App";
import { installFakeList } from "./fakeList";
import { backend } from "./fakeTauri";
import { contextList, ctx, installBackend } from "./fixtures";

export const stsKind: KindInfo = {
  id: "statefulsets",
  kind: "StatefulSet",
  apiVersion: "apps/v1",
  badge: "SS",
  namespaced: true,
  columns: [
    { id: "name", titleKey: "col.name", align: "start", width: 220, multiScopeOnly: false },
    { id: "namespace", titleKey: "col.namespace", align: "start", width: 120, multiScopeOnly: true },
    { id: "status", titleKey: "col.status", align: "start", width: 160, multiScopeOnly: false },
    { id: "doctor", titleKey: "col.doctor", align: "start", width: 84, multiScopeOnly: false },
    { id: "update", titleKey: "col.update", align: "start", width: 160, multiScopeOnly: false },
    { id: "labels", titleKey: "col.labels", align: "start", width: 220, multiScopeOnly: false },
    { id: "age", titleKey: "col.age", align: "end", width: 70, multiScopeOnly: false },
  ],
  capabilities: ["start", "stop", "restart", "delete", "scale"],
};

export function status(context: string, protection: Protection = "normal", extra: Partial<ClusterStatus> = {}): ClusterStatus {
  return { context, state: "connected", serverVersion: "v1.34.1", latencyMs: 12, message: null, protection, features: null, ...extra };
}

export function row(
  name: string,
  opts: { namespace?: string; ready?: number; desired?: number; labels?: Record<string, string>; created?: number } = {},
): Row {
  const namespace = opts.namespace ?? "db";
  const ready = opts.ready ?? 3;
  const desired = opts.desired ?? 3;
  const labels = Object.entries(opts.labels ?? { app: name }).map(([k, v]) => `${k}=${v}`);
  const created = opts.created ?? 1_700_000_000;
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: `uid-${namespace}-${name}`,
    resourceVersion: "1",
    cells: {
      status:
        desired === 0
          ? { t: "status", tone: "stopped", key: "status.stopped", params: {} }
          : { t: "status", tone: ready === desired ? "ok" : "progressing", key: "status.podsReady", params: { ready: String(ready), desired: String(desired) } },
      update: { t: "progress", done: desired, total: desired, key: null },
      labels: { t: "chips", v: labels },
      age: { t: "age", v: created },
    },
    sort: { status: ready, age: -created },
    facts: { replicas: desired },
  };
}

export function ordinal(n: number, pod: boolean, sts = "pg", desired = true): OrdinalView {
  return {
    ordinal: n,
    desired,
    dnsName: `${sts}-${n}.${sts}-headless.db.svc.cluster.local`,
    claims: [{ name: `data-${sts}-${n}`, template: "data", phase: "Bound", capacity: "10Gi", storageClass: "fast", volume: `pvc-${n}` }],
    pod: pod
      ? {
          name: `${sts}-${n}`,
          phase: "Running",
          ready: true,
          status: { tone: "ok", key: "status.running", params: {} },
          restarts: n,
          node: `node-${n}`,
          ip: `10.0.0.${10 + n}`,
          revision: "pg-abc",
          updated: true,
          terminating: false,
          created: 1_700_000_000,
        }
      : null,
  };
}

export function detail(extra: Partial<StatefulSetDetail> = {}): StatefulSetDetail {
  return {
    context: "prod-eu",
    namespace: "db",
    name: "pg",
    uid: "uid-pg",
    resourceVersion: "7",
    created: 1_700_000_000,
    status: { tone: "warning", key: "status.podsReady", params: { ready: "3", desired: "4" } },
    labels: { app: "pg" },
    annotations: {},
    selector: "app=pg",
    nodeSelector: {},
    service: { name: "pg-headless", exists: true, headless: true, selectsPods: true },
    rollout: {
      podManagementPolicy: "OrderedReady",
      strategy: "RollingUpdate",
      partition: 0,
      maxUnavailable: null,
      currentRevision: "pg-abc",
      updateRevision: "pg-abc",
      replicas: 4,
      ready: 3,
      updated: 3,
      current: 3,
      available: 3,
      generation: 2,
      observedGeneration: 2,
      status: { tone: "ok", key: "rollout.complete", params: {} },
      pendingOrdinals: [],
      heldOrdinals: [],
    },
    retentionWhenDeleted: "Retain",
    retentionWhenScaled: "Retain",
    minReadySeconds: 0,
    conditions: [],
    owner: null,
    pdb: { name: "pg-pdb", minAvailable: null, maxUnavailable: "1", disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 3 },
    hpa: null,
    claimTemplates: [],
    containers: [],
    ordinals: [ordinal(0, true), ordinal(1, true), ordinal(2, false), ordinal(3, true)],
    events: [],
    findings: [],
    stoppedFrom: null,
    ...extra,
  };
}

/** installBackend() plus the cluster, kinds, rows, action and detail commands. */
export function installStsBackend(settings?: Settings) {
  installBackend(settings ? { settings } : {});
  let id = 100;
  backend
    .on("watch_clusters", () => id++)
    .on("list_kinds", () => [stsKind])
    .on("connect", (args) => status(args.context as string))
    .on("watch_rows", () => id++)
    .on("run_action", () => id++)
    .on("undo_batch", () => null)
    .on("watch_detail", () => id++)
    .on("watch_doctor", () => id++);
  // the single cluster's list: the core's windowed list, modelled (its rows still arrive on a
  // `watch_rows` channel, the Doctor's on a `watch_doctor` one)
  installFakeList(() => id++);
}

/** A row of the doctor's stream: the findings of the StatefulSet with that key. */
export function doctorRow(key: string, findings: Finding[]): Row {
  const [namespace, name] = key.split("/") as [string, string];
  return { key, namespace, name, uid: "", resourceVersion: "", cells: { doctor: { t: "findings", v: findings } }, sort: {}, facts: {} };
}

/**
 * The steps every list test starts with: the app rendered, one current context connected with
 * `status` (prod-eu, normal, by default), until it watches the list's rows; then `rows` listed
 * when given, and the watch marked live when `live`.
 */
export async function openList(opts: { status?: ClusterStatus; rows?: Row[]; live?: boolean } = {}) {
  const connected = opts.status ?? status("prod-eu");
  render(createElement(App));
  await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
  act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx(connected.context, { current: true })])));
  await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
  act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([connected]));
  await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
  const rows = opts.rows;
  if (rows) act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "reset", rows }));
  if (opts.live) act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "state", state: { state: "live" } }));
}
