// The Actions menu of one StatefulSet (detail header: a labelled button; list rows: a kebab).
// The edit forms open from here; Restart, Edit YAML and Delete are the caller's (they run
// through its batch runner, its tab state and the DeleteDialog).
import { lazy, Suspense, useState } from "react";
import { actionChecks, type ClusterStatus } from "../../api";
import { Menu, type MenuItem } from "../../components/Menu";
import { openLogs } from "../../dock/dockState";
import { useT } from "../../i18n";
import type { FormId } from "./forms/specs";

// The forms (and the YAML library under them) load when one is first opened.
const EditFormById = lazy(() => import("./forms/EditFormById").then((m) => ({ default: m.EditFormById })));

export function StsActions({
  status,
  namespace,
  name,
  hpa,
  kebab,
  onRestart,
  onEditYaml,
  onDelete,
  onGrow,
  growBlocked = null,
}: {
  status: ClusterStatus;
  namespace: string;
  name: string;
  /** The autoscaler targeting it; `undefined` when unknown (asked when the menu opens). */
  hpa?: string | null;
  kebab?: boolean;
  onRestart: () => void;
  onEditYaml: () => void;
  onDelete: () => void;
  /** Opens the Grow storage dialog (the detail offers it; list rows do not). */
  onGrow?: () => void;
  /** Why Grow storage is not possible (no claim templates), or null. */
  growBlocked?: string | null;
}) {
  const t = useT();
  const [form, setForm] = useState<FormId | null>(null);
  const [askedHpa, setAskedHpa] = useState<string | null | undefined>(undefined);
  const knownHpa = hpa !== undefined ? hpa : askedHpa;
  const readOnly = status.protection === "readOnly";
  const ro = readOnly ? { disabled: true, title: t("batch.disabled.readOnly") } : {};

  const onOpenChange = (open: boolean) => {
    if (!open || hpa !== undefined || askedHpa !== undefined) return;
    actionChecks(status.context, "statefulsets", [{ namespace, name }]).then(
      (c) => setAskedHpa(c.hpas.find((h) => h.name === name && h.namespace === namespace)?.hpa ?? null),
      () => {},
    );
  };

  const items: MenuItem[] = [
    ...(knownHpa ? [] : [{ id: "replicas", label: t("menu.editReplicas"), icon: "statefulset" as const, onSelect: () => setForm("replicas"), ...ro }]),
    { id: "strategy", label: t("menu.editStrategy"), icon: "progressing", onSelect: () => setForm("strategy"), ...ro },
    { id: "resources", label: t("menu.editResources"), onSelect: () => setForm("resources"), ...ro },
    { id: "health", label: t("menu.editHealth"), icon: "ok", onSelect: () => setForm("health"), ...ro },
    { id: "storage", label: t("menu.addStorage"), icon: "plus", onSelect: () => setForm("storage"), ...ro },
    ...(onGrow
      ? [
          {
            id: "grow",
            label: t("menu.growStorage"),
            icon: "plus" as const,
            testId: "action-grow",
            onSelect: onGrow,
            ...(readOnly ? ro : growBlocked ? { disabled: true, title: growBlocked } : {}),
          },
        ]
      : []),
    { id: "restart", label: t("action.restart"), icon: "restart", onSelect: onRestart, ...ro },
    { id: "yaml", label: t("menu.editYaml"), icon: "file", onSelect: onEditYaml },
    { id: "logs", label: t("menu.logsAll"), icon: "logs", testId: "logs-all", onSelect: () => openLogs({ context: status.context, namespace, statefulset: name }, null) },
    { id: "delete", label: t("action.delete"), icon: "trash", danger: true, onSelect: onDelete, ...ro },
  ];

  return (
    <>
      <Menu
        label={kebab ? t("menu.rowActions", { name }) : t("menu.actions")}
        text={kebab ? undefined : t("menu.actions")}
        items={items}
        testId={kebab ? "row-actions" : "sts-actions"}
        onOpenChange={onOpenChange}
      />
      {form ? (
        <Suspense fallback={null}>
          <EditFormById form={form} target={{ context: status.context, kind: "statefulsets", namespace, name }} status={status} onClose={() => setForm(null)} />
        </Suspense>
      ) : null}
    </>
  );
}
