// Fixtures for the Storage tab and the Grow storage dialog.
import type { ClaimStorage, GrowCheck, GrowPlan, StorageView, TemplateStorage } from "../api";

const GiB = 1024 ** 3;

export function template(name = "data", extra: Partial<TemplateStorage> = {}): TemplateStorage {
  return { name, size: "10Gi", storageClass: "fast", classExpandable: true, accessModes: ["ReadWriteOnce"], ...extra };
}

/** The claim of `template` for ordinal `n` of set `pg`, used `usedGi` of 10 GiB (null: not reported). */
export function claim(n: number, usedGi: number | null, extra: Partial<ClaimStorage> = {}): ClaimStorage {
  return {
    name: `data-pg-${n}`,
    template: "data",
    ordinal: n,
    phase: "Bound",
    requested: "10Gi",
    capacity: "10Gi",
    storageClass: "fast",
    classExpandable: true,
    accessModes: ["ReadWriteOnce"],
    volume: { name: `pvc-${n}`, reclaimPolicy: "Delete", source: "csi: pd.csi.storage.gke.io" },
    conditions: [],
    created: 1_700_000_000,
    usedBytes: usedGi === null ? null : usedGi * GiB,
    capacityBytes: usedGi === null ? null : 10 * GiB,
    ...extra,
  };
}

export function storageView(extra: Partial<StorageView> = {}): StorageView {
  return {
    namespace: "db",
    name: "pg",
    replicas: 4,
    templates: [template()],
    claims: [claim(0, 5), claim(1, 8), claim(2, 9.5), claim(3, null, { phase: "Missing", requested: null, capacity: null, volume: null, created: null })],
    orphans: [],
    usage: { state: "reported" },
    ...extra,
  };
}

export function check(key: string, ok: boolean, params: Record<string, string> = {}): GrowCheck {
  return { key, ok, params };
}

export function plan(extra: Partial<GrowPlan> = {}): GrowPlan {
  const checks = extra.checks ?? [
    check("grow.check.size", true, { size: "20Gi" }),
    check("grow.check.larger", true, { size: "20Gi", current: "10Gi" }),
    check("grow.check.class", true, { class: "fast" }),
    check("grow.check.bound", true),
    check("grow.check.rbac", true, { verb: "patch", resource: "persistentvolumeclaims" }),
    check("grow.check.dryRun", true, { message: "" }),
  ];
  return {
    checks,
    claims: [0, 1, 2].map((n) => ({ name: `data-pg-${n}`, ordinal: n, requested: "10Gi", capacity: "10Gi" })),
    ready: checks.every((c) => c.ok),
    storageClass: "fast",
    from: "10Gi",
    updatePolicyOffered: false,
    ...extra,
  };
}
