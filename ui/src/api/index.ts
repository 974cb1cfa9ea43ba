// The api layer: the ONLY module that talks to the Rust side. Components import typed
// functions from here and never call `invoke` themselves.
//
// Every command rejects with an `IpcError` ({code, message, detail?}); the functions here
// normalise anything else (a string from a plain `Result<_, String>` command, a JS exception
// when the app runs outside Tauri) into that shape, so callers only ever see `IpcError`.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { ActionEvent } from "./gen/ActionEvent";
import type { ActionRequest } from "./gen/ActionRequest";
import type { AppInfo } from "./gen/AppInfo";
import type { ClusterStatus } from "./gen/ClusterStatus";
import type { ContextList } from "./gen/ContextList";
import type { ErrorCode } from "./gen/ErrorCode";
import type { IpcError } from "./gen/IpcError";
import type { ItemState } from "./gen/ItemState";
import type { Milestone } from "./gen/Milestone";
import type { KindInfo } from "./gen/KindInfo";
import type { ListEvent } from "./gen/ListEvent";
import type { ListKeys } from "./gen/ListKeys";
import type { ListOrder } from "./gen/ListOrder";
import type { ListWindow } from "./gen/ListWindow";
import type { Row } from "./gen/Row";
import type { RowsEvent } from "./gen/RowsEvent";
import type { Scope } from "./gen/Scope";
import type { Settings } from "./gen/Settings";
import type { StatefulSetDetail } from "./gen/StatefulSetDetail";
import type { ConnectionTest } from "./gen/ConnectionTest";
import type { ContextEdit } from "./gen/ContextEdit";
import type { EditOutcome } from "./gen/EditOutcome";
import type { ImportPreview } from "./gen/ImportPreview";
import type { ImportRequest } from "./gen/ImportRequest";
import type { ImportResult } from "./gen/ImportResult";
import type { ImportSource } from "./gen/ImportSource";
import type { ApplyOutcome } from "./gen/ApplyOutcome";
import type { EditTarget } from "./gen/EditTarget";
import type { ObjectText } from "./gen/ObjectText";
import type { ObjectSchema } from "./gen/ObjectSchema";
import type { ActionChecks } from "./gen/ActionChecks";
import type { BatchRecord } from "./gen/BatchRecord";
import type { MetricsSample } from "./gen/MetricsSample";
import type { ObjectRef as ObjectRefT } from "./gen/ObjectRef";
import type { CreatePlan } from "./gen/CreatePlan";
import type { PdbRequest } from "./gen/PdbRequest";
import type { CreateResult } from "./gen/CreateResult";
import type { CreateSpec } from "./gen/CreateSpec";
import type { ClaimDeletion } from "./gen/ClaimDeletion";
import type { GrowEvent } from "./gen/GrowEvent";
import type { GrowPlan } from "./gen/GrowPlan";
import type { GrowRecord } from "./gen/GrowRecord";
import type { GrowRequest } from "./gen/GrowRequest";
import type { StorageView } from "./gen/StorageView";
import type { PodTargets } from "./gen/PodTargets";
import type { LogRequest } from "./gen/LogRequest";
import type { LogEvent } from "./gen/LogEvent";
import type { ShellRequest } from "./gen/ShellRequest";
import type { ShellEvent } from "./gen/ShellEvent";
import type { RunRequest } from "./gen/RunRequest";
import type { RunEvent } from "./gen/RunEvent";
import type { ForwardRequest } from "./gen/ForwardRequest";
import type { ForwardView } from "./gen/ForwardView";

export type { AppInfo } from "./gen/AppInfo";
export type { AuthKind } from "./gen/AuthKind";
export type { ContextList } from "./gen/ContextList";
export type { ContextSummary } from "./gen/ContextSummary";
export type { ErrorCode } from "./gen/ErrorCode";
export type { IpcError } from "./gen/IpcError";
export type { KubeconfigProblem } from "./gen/KubeconfigProblem";
export type { Language } from "./gen/Language";
export type { SecretLocation } from "./gen/SecretLocation";
export type { Settings } from "./gen/Settings";
export type { Theme } from "./gen/Theme";
export type { ConnectionTest } from "./gen/ConnectionTest";
export type { ContextEdit } from "./gen/ContextEdit";
export type { EditOutcome } from "./gen/EditOutcome";
export type { ExecOverride } from "./gen/ExecOverride";
export type { ExecSummary } from "./gen/ExecSummary";
export type { ImportItem } from "./gen/ImportItem";
export type { ImportPreview } from "./gen/ImportPreview";
export type { ImportRequest } from "./gen/ImportRequest";
export type { ImportResult } from "./gen/ImportResult";
export type { ImportSource } from "./gen/ImportSource";
export type { PluginReport } from "./gen/PluginReport";
export type { RenameMap } from "./gen/RenameMap";
export type { ApplyOutcome } from "./gen/ApplyOutcome";
export type { DiffLine } from "./gen/DiffLine";
export type { EditProblem } from "./gen/EditProblem";
export type { EditTarget } from "./gen/EditTarget";
export type { FieldConflict } from "./gen/FieldConflict";
export type { ObjectText } from "./gen/ObjectText";
export type { ObjectSchema } from "./gen/ObjectSchema";
export type { SchemaNode } from "./gen/SchemaNode";
export type { ActionChecks } from "./gen/ActionChecks";
export type { BatchRecord } from "./gen/BatchRecord";
export type { MetricsSample } from "./gen/MetricsSample";
export type { PodUsage } from "./gen/PodUsage";
export type { Denied } from "./gen/Denied";
export type { HpaTarget } from "./gen/HpaTarget";
export type { CreateSpec } from "./gen/CreateSpec";
export type { CreatePlan } from "./gen/CreatePlan";
export type { CreateResult } from "./gen/CreateResult";
export type { PortSpec } from "./gen/PortSpec";
export type { ProbeSpec } from "./gen/ProbeSpec";
export type { StorageSpec } from "./gen/StorageSpec";
export type { PdbRequest } from "./gen/PdbRequest";
export type { ContainerEnvView } from "./gen/ContainerEnvView";
export type { EnvVarView } from "./gen/EnvVarView";
export type { EnvSource } from "./gen/EnvSource";
export type { EnvFromView } from "./gen/EnvFromView";
export type { StorageView } from "./gen/StorageView";
export type { ClaimStorage } from "./gen/ClaimStorage";
export type { TemplateStorage } from "./gen/TemplateStorage";
export type { VolumeInfo } from "./gen/VolumeInfo";
export type { Usage } from "./gen/Usage";
export type { GrowRequest } from "./gen/GrowRequest";
export type { GrowPlan } from "./gen/GrowPlan";
export type { GrowCheck } from "./gen/GrowCheck";
export type { GrowClaim } from "./gen/GrowClaim";
export type { GrowEvent } from "./gen/GrowEvent";
export type { GrowStep } from "./gen/GrowStep";
export type { GrowClaimState } from "./gen/GrowClaimState";
export type { GrowRecord } from "./gen/GrowRecord";
export type { ClaimDeletion } from "./gen/ClaimDeletion";
export type { ClaimTemplateView } from "./gen/ClaimTemplateView";
export type { PodTargets } from "./gen/PodTargets";
export type { ContainerTarget } from "./gen/ContainerTarget";
export type { ContainerPortView } from "./gen/ContainerPortView";
export type { PodAccess } from "./gen/PodAccess";
export type { Access } from "./gen/Access";
export type { LogRequest } from "./gen/LogRequest";
export type { LogLine } from "./gen/LogLine";
export type { LogEvent } from "./gen/LogEvent";
export type { StreamHealth } from "./gen/StreamHealth";
export type { ShellRequest } from "./gen/ShellRequest";
export type { ShellEvent } from "./gen/ShellEvent";
export type { RunRequest } from "./gen/RunRequest";
export type { RunEvent } from "./gen/RunEvent";
export type { ForwardRequest } from "./gen/ForwardRequest";
export type { ForwardView } from "./gen/ForwardView";
export type { ForwardState } from "./gen/ForwardState";

/** Every `ErrorCode`, checked against the generated union in both directions. */
const ERROR_CODES = {
  Unauthorized: true,
  Forbidden: true,
  NotFound: true,
  Conflict: true,
  Expired: true,
  Unreachable: true,
  InvalidKubeconfig: true,
  KeyringUnavailable: true,
  Invalid: true,
  Cancelled: true,
  Unsupported: true,
  Internal: true,
} as const satisfies Record<ErrorCode, true>;

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

export function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    isErrorCode(o.code) &&
    typeof o.message === "string" &&
    (o.detail === undefined || typeof o.detail === "string")
  );
}

/** Turns anything a rejected promise can carry into an `IpcError`. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  if (typeof e === "string") {
    // Tauri commands that return `Result<_, String>`, and some plugin errors, reject with a
    // bare string; occasionally that string is a serialised IpcError.
    try {
      const parsed: unknown = JSON.parse(e);
      if (isIpcError(parsed)) return parsed;
    } catch {
      // not JSON: fall through
    }
    return { code: "Internal", message: e };
  }
  if (e instanceof Error) {
    return { code: "Internal", message: e.message || e.name };
  }
  if (typeof e === "object" && e !== null) {
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string") {
      return {
        code: isErrorCode(o.code) ? o.code : "Internal",
        message: o.message,
        ...(typeof o.detail === "string" ? { detail: o.detail } : {}),
      };
    }
  }
  let text: string;
  try {
    text = JSON.stringify(e) ?? String(e);
  } catch {
    text = String(e);
  }
  return { code: "Internal", message: `Unexpected error: ${text}` };
}

/** `invoke` with the rejection normalised to `IpcError`. */
/**
 * The IPC recorder of the secret-scan test: when the app runs with `ORDINAL_RECORD_IPC=1` the
 * backend defines `window.__ordinalIpcLog` before the page loads, and every payload that crosses
 * IPC (results, errors, channel events) is appended to it as JSON.
 */
function record(direction: string, command: string, payload: unknown) {
  const log = (globalThis as { __ordinalIpcLog?: unknown }).__ordinalIpcLog;
  if (Array.isArray(log)) {
    try {
      log.push(`${direction} ${command} ${JSON.stringify(payload)}`);
    } catch {
      log.push(`${direction} ${command} <unserialisable>`);
    }
  }
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    const result = await invoke<T>(command, args);
    record("result", command, result);
    return result;
  } catch (e) {
    record("error", command, e);
    if (e instanceof TypeError && typeof window !== "undefined" && !("__TAURI_INTERNALS__" in window)) {
      // A plain browser tab (e.g. the Vite dev server opened directly): there is no backend.
      throw { code: "Internal", message: `${command}: no Tauri backend (open Ordinal's window, not a browser tab)` } satisfies IpcError;
    }
    throw toIpcError(e);
  }
}

// ---- commands ------------------------------------------------------------------------------

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

export function getSettings(): Promise<Settings> {
  return call<Settings>("get_settings");
}

/** Persists the settings; resolves with what the backend actually stored. */
export function setSettings(settings: Settings): Promise<Settings> {
  return call<Settings>("set_settings", { settings });
}

export function listContexts(): Promise<ContextList> {
  return call<ContextList>("list_contexts");
}

/** Streams the merged context list: once immediately, then on every kubeconfig change. */
export function watchContexts(onEvent: (list: ContextList) => void): Promise<Unsubscribe> {
  return subscribe<ContextList>("watch_contexts", {}, onEvent);
}

// ---- streams -------------------------------------------------------------------------------

/** Stops a stream. Safe to call more than once; never rejects. */
export type Unsubscribe = () => Promise<void>;

/**
 * Starts a backend stream. `command` receives `{ ...args, onEvent: Channel<T> }` and resolves
 * with a resource id; the returned function calls `unwatch({ id })`.
 *
 * After unsubscribing, late events (already in flight on the channel) are dropped, so a
 * component that cleaned up never sees another event. If the command rejects, the promise
 * rejects with an `IpcError` and the channel is silenced.
 */
export async function subscribe<T>(
  command: string,
  args: Record<string, unknown>,
  onEvent: (event: T) => void,
): Promise<Unsubscribe> {
  return (await subscribeWithId(command, args, onEvent)).unsubscribe;
}

/** A stream whose resource id the caller needs too (a shell session takes input by it). */
export type Subscription = { id: number; unsubscribe: Unsubscribe };

/** `subscribe`, also resolving with the stream's resource id. */
export async function subscribeWithId<T>(
  command: string,
  args: Record<string, unknown>,
  onEvent: (event: T) => void,
): Promise<Subscription> {
  let active = true;
  const channel = new Channel<T>();
  // Set the handler before the channel crosses IPC: the backend may send the first event
  // before `invoke` resolves.
  channel.onmessage = (event: T) => {
    record("event", command, event);
    if (active) onEvent(event);
  };
  let id: number;
  try {
    id = await call<number>(command, { ...args, onEvent: channel });
  } catch (e) {
    active = false;
    channel.onmessage = () => {};
    throw e;
  }
  let stopped: Promise<void> | null = null;
  const unsubscribe: Unsubscribe = () => {
    if (stopped) return stopped;
    active = false;
    channel.onmessage = () => {};
    stopped = call<void>("unwatch", { id }).catch((e: unknown) => {
      // The stream may already be gone (the backend dropped it, or the window is reloading).
      const err = toIpcError(e);
      if (err.code !== "NotFound") console.warn(`unwatch(${id}) failed: ${err.code}: ${err.message}`);
    });
    return stopped;
  };
  return { id, unsubscribe };
}

// ---- clusters, kinds, rows, actions, detail ------------------------------------------------


export type { Action } from "./gen/Action";
export type { ActionEvent } from "./gen/ActionEvent";
export type { ActionRequest } from "./gen/ActionRequest";
export type { Capability } from "./gen/Capability";
export type { Cell } from "./gen/Cell";
export type { ClaimView } from "./gen/ClaimView";
export type { ClusterStatus } from "./gen/ClusterStatus";
export type { ServerFeatures } from "./gen/ServerFeatures";
export type { ColumnDef } from "./gen/ColumnDef";
export type { ConditionView } from "./gen/ConditionView";
export type { ConnState } from "./gen/ConnState";
export type { EventView } from "./gen/EventView";
export type { Finding } from "./gen/Finding";
export type { ItemState } from "./gen/ItemState";
export type { Milestone } from "./gen/Milestone";
export type { KindInfo } from "./gen/KindInfo";
export type { ObjectRef } from "./gen/ObjectRef";
export type { OrdinalView } from "./gen/OrdinalView";
export type { PdbSummary } from "./gen/PdbSummary";
export type { PodView } from "./gen/PodView";
export type { Propagation } from "./gen/Propagation";
export type { Protection } from "./gen/Protection";
export type { ListEvent } from "./gen/ListEvent";
export type { ListKeys } from "./gen/ListKeys";
export type { ListOrder } from "./gen/ListOrder";
export type { ListRequest } from "./gen/ListRequest";
export type { ListPage } from "./gen/ListPage";
export type { ListWindow } from "./gen/ListWindow";
export type { Requirement } from "./gen/Requirement";
export type { Row } from "./gen/Row";
export type { RowsEvent } from "./gen/RowsEvent";
export type { Scope } from "./gen/Scope";
export type { Severity } from "./gen/Severity";
export type { SortKey } from "./gen/SortKey";
export type { StatefulSetDetail } from "./gen/StatefulSetDetail";
export type { RolloutView } from "./gen/RolloutView";
export type { StatusView } from "./gen/StatusView";
export type { Tone } from "./gen/Tone";
export type { WatchState } from "./gen/WatchState";

/** The context name of the built-in demo cluster. */
export const DEMO_CONTEXT = "ordinal:demo";

let kinds: Promise<KindInfo[]> | null = null;

/** The kind registry, fixed for the app's life: asked once (main.tsx asks at start), again only after a failure. */
export function listKinds(): Promise<KindInfo[]> {
  if (!kinds) {
    const asked = call<KindInfo[]>("list_kinds");
    kinds = asked;
    asked.then(
      (list) => {
        if (kinds === asked) kindsValue = list;
      },
      () => {
        if (kinds === asked) kinds = null;
      },
    );
  }
  return kinds;
}

let kindsValue: KindInfo[] | null = null;

/** The kinds, when `listKinds` has already answered (so a first render can draw a table at once). */
export function cachedKinds(): KindInfo[] | null {
  return kindsValue;
}

export function connect(context: string): Promise<ClusterStatus> {
  return call<ClusterStatus>("connect", { context });
}

/** Drops the connection (and its watches); resolves with whether one existed. */
export function disconnect(context: string): Promise<boolean> {
  return call<boolean>("disconnect", { context });
}

/** Streams every context's connection status (the whole list, on every change). */
export function watchClusters(onEvent: (statuses: ClusterStatus[]) => void): Promise<Unsubscribe> {
  return subscribe<ClusterStatus[]>("watch_clusters", {}, onEvent);
}

/** Streams a kind's rows: `state` / `reset` / `delta` events. */
export function watchRows(
  context: string,
  kind: string,
  scope: Scope,
  onEvent: (event: RowsEvent) => void,
): Promise<Unsubscribe> {
  return subscribe<RowsEvent>("watch_rows", { context, kind, scope }, onEvent);
}

/**
 * Streams one list's window: pages (the window's rows, the total), the watch's health and the
 * Doctor's. The core keeps the order (sort, filters); the id moves the window and changes it.
 */
export function watchList(
  context: string,
  kind: string,
  scope: Scope,
  order: ListOrder,
  window: ListWindow,
  onEvent: (event: ListEvent) => void,
): Promise<Subscription> {
  return subscribeWithId<ListEvent>("watch_list", { request: { context, kind, scope, order, window } }, onEvent);
}

/** The rows a list shows (the table's range, with a margin). */
export function setListWindow(id: number, window: ListWindow): Promise<boolean> {
  return call<boolean>("set_list_window", { id, window });
}

/** A list's sort and filters. */
export function setListOrder(id: number, order: ListOrder): Promise<boolean> {
  return call<boolean>("set_list_order", { id, order });
}

/** The keys of every row a list's filters match, in order, with that order; null once the list is gone. */
export function listKeys(id: number): Promise<ListKeys | null> {
  return call<ListKeys | null>("list_keys", { id });
}

/** A list's rows of these keys (shown or not); null once the list is gone. */
export function listRows(id: number, keys: string[]): Promise<Row[] | null> {
  return call<Row[] | null>("list_rows", { id, keys });
}

/** Streams one StatefulSet's whole detail view model, again on every change. */
export function watchDetail(
  context: string,
  namespace: string,
  name: string,
  onEvent: (detail: StatefulSetDetail) => void,
): Promise<Unsubscribe> {
  return subscribe<StatefulSetDetail>("watch_detail", { context, namespace, name }, onEvent);
}

/**
 * Streams the Doctor's findings for every StatefulSet of the scope (the list's badge): rows keyed
 * like the StatefulSets', each with a `doctor` cell; only sets with findings have a row.
 */
export function watchDoctor(context: string, scope: Scope, onEvent: (event: RowsEvent) => void): Promise<Unsubscribe> {
  return subscribe<RowsEvent>("watch_doctor", { context, scope }, onEvent);
}

/** An `ActionEvent` with the field names normalised (the Rust side may send either casing). */
export type BatchEvent =
  | { type: "item"; index: number; target: ActionRequest["targets"][number]; state: BatchItemState }
  | { type: "finished"; batchId: string; succeeded: number; unchanged: number; failed: number; undo: boolean };

export type BatchItemState =
  | Exclude<ItemState, { state: "unchanged" }>
  | { state: "unchanged"; reasonKey: string };

function normaliseActionEvent(event: ActionEvent): BatchEvent {
  const raw = event as unknown as Record<string, unknown>;
  if (event.type === "finished") {
    const batchId = (raw.batchId ?? raw.batch_id ?? "") as string;
    return { type: "finished", batchId, succeeded: event.succeeded, unchanged: event.unchanged, failed: event.failed, undo: event.undo };
  }
  const state = event.state as unknown as Record<string, unknown>;
  const normalised: BatchItemState =
    event.state.state === "unchanged"
      ? { state: "unchanged", reasonKey: (state.reasonKey ?? state.reason_key ?? "") as string }
      : event.state;
  return { type: "item", index: event.index, target: event.target, state: normalised };
}

/** Runs an action on a batch of objects; progress arrives as events. */
export function runAction(request: ActionRequest, onEvent: (event: BatchEvent) => void): Promise<Unsubscribe> {
  return subscribe<ActionEvent>("run_action", { request }, (e) => onEvent(normaliseActionEvent(e)));
}

/** Undoes a Stop/Start/Scale batch; resolves with the undo's own summary (if the backend sends one). */
export async function undoBatch(context: string, batchId: string): Promise<BatchEvent | null> {
  const result = await call<ActionEvent | null>("undo_batch", { context, batchId });
  return result && typeof result === "object" && "type" in result ? normaliseActionEvent(result) : null;
}

/** An offline change to a context; rejects with `Conflict` when the kubeconfig changed since `revision`. */
export function editContext(revision: string | null, edit: ContextEdit): Promise<EditOutcome> {
  return call<EditOutcome>("edit_context", { revision, edit });
}

/** Undoes the last kubeconfig write (rejects with `NotFound` when there is none, `Conflict` when the file changed since). */
export function undoKubeconfig(): Promise<EditOutcome> {
  return call<EditOutcome>("undo_kubeconfig");
}

export function importPreview(source: ImportSource): Promise<ImportPreview> {
  return call<ImportPreview>("import_preview", { source });
}

export function importContexts(request: ImportRequest): Promise<ImportResult> {
  return call<ImportResult>("import_contexts", { request });
}

/** Writes the contexts to a new 0600 file; resolves with its path. */
export function exportContexts(contexts: string[], path: string): Promise<string> {
  return call<string>("export_contexts", { contexts, path });
}

/** Runs the context's exec plugin once and connects a throwaway client. */
export function testConnection(context: string): Promise<ConnectionTest> {
  return call<ConnectionTest>("test_connection", { context });
}

/** One object as YAML for the editor. */
export function readObject(target: EditTarget): Promise<ObjectText> {
  return call<ObjectText>("read_object", { target });
}

/** The server's OpenAPI v2 schema for one kind (registry id, e.g. `statefulsets`), for the editor's checks and completion. */
export function objectSchema(context: string, kind: string): Promise<ObjectSchema> {
  return call<ObjectSchema>("object_schema", { context, kind });
}

/** What saving would change (server-side apply dry run); nothing is written. `base` is the text as read. */
export function planEdit(target: EditTarget, base: string, yaml: string): Promise<ApplyOutcome> {
  return call<ApplyOutcome>("plan_edit", { target, base, yaml });
}

/** Saves with server-side apply (manager `ordinal`); `force` takes over conflicting fields. */
export function applyEdit(target: EditTarget, base: string, yaml: string, force: boolean): Promise<ApplyOutcome> {
  return call<ApplyOutcome>("apply_edit", { target, base, yaml, force });
}

/** What RBAC allows on the selection, and the autoscalers driving any of it. */
export function actionChecks(context: string, kind: string, targets: ObjectRefT[]): Promise<ActionChecks> {
  return call<ActionChecks>("action_checks", { context, kind, targets });
}

/** Batches of a context interrupted by a crash or exit. */
/** Whether the user may create `kind` objects in `namespace` (false on read-only contexts; RBAC otherwise). */
export function canCreate(context: string, kind: string, namespace: string): Promise<boolean> {
  return call<boolean>("can_create", { context, kind, namespace });
}

export function interruptedBatches(context: string): Promise<BatchRecord[]> {
  return call<BatchRecord[]>("interrupted_batches", { context });
}

/** Runs an interrupted batch's remaining items (never one it already handled). */
export function resumeBatch(context: string, batchId: string, onEvent: (event: BatchEvent) => void): Promise<Unsubscribe> {
  return subscribe<ActionEvent>("resume_batch", { context, batchId }, (e) => onEvent(normaliseActionEvent(e)));
}

export function dismissBatch(batchId: string): Promise<void> {
  return call<void>("dismiss_batch", { batchId });
}

/** Writes the window's start-up milestones to the app's log (see `ui/src/lib/marks.ts`). */
export function reportStartup(marks: Milestone[]): Promise<void> {
  return call<void>("report_startup", { marks });
}

/** CPU and memory of a StatefulSet's pods, sampled by the backend while subscribed. */
export function watchMetrics(context: string, namespace: string, name: string, onEvent: (s: MetricsSample) => void): Promise<Unsubscribe> {
  return subscribe<MetricsSample>("watch_metrics", { context, namespace, name }, onEvent);
}

/** One key of a Secret, decoded: only on the user's explicit click, never cached or logged. */
export function revealSecretValue(context: string, namespace: string, secret: string, key: string): Promise<string> {
  return call<string>("reveal_secret_value", { context, namespace, secret, key });
}

/** One key of a ConfigMap, read on click. */
export function configMapValue(context: string, namespace: string, configMap: string, key: string): Promise<string> {
  return call<string>("config_map_value", { context, namespace, configMap, key });
}

/** Create StatefulSet, step 1: both objects as YAML and what stands in the way; nothing is written. */
export function planCreate(spec: CreateSpec): Promise<CreatePlan> {
  return call<CreatePlan>("plan_create", { spec });
}

/** Creates the headless Service (unless an existing one is picked), then the StatefulSet. */
export function createStatefulSet(spec: CreateSpec): Promise<CreateResult> {
  return call<CreateResult>("create_statefulset", { spec });
}

/** What saving a StatefulSet's disruption budget would change (dry run); nothing is written. */
export function planPdb(request: PdbRequest): Promise<ApplyOutcome> {
  return call<ApplyOutcome>("plan_pdb", { request });
}

/** Creates `<sts>-pdb`, or changes the existing budget. */
export function applyPdb(request: PdbRequest): Promise<ApplyOutcome> {
  return call<ApplyOutcome>("apply_pdb", { request });
}

/** Deletes a disruption budget. */
export function deletePdb(context: string, namespace: string, name: string): Promise<void> {
  return call<void>("delete_pdb", { context, namespace, name });
}

// ---- storage (claims per ordinal, growing a claim template, orphaned claims) ---------------

/** Streams one StatefulSet's storage view (claims per ordinal, orphans, usage): once at once, then on every change. */
export function watchStorage(context: string, namespace: string, name: string, onEvent: (view: StorageView) => void): Promise<Unsubscribe> {
  return subscribe<StorageView>("watch_storage", { context, namespace, name }, onEvent);
}

/** The preflight of growing a claim template; nothing changes (rejects `Forbidden` on read-only contexts). */
export function planGrow(request: GrowRequest): Promise<GrowPlan> {
  return call<GrowPlan>("plan_grow", { request });
}

/**
 * Grows a claim template (patch the claims, follow the resize, re-create the set with the new
 * size); progress arrives as events. On production contexts `confirm` must be `"<name> <size>"`
 * as the user typed it.
 */
export function growStorage(request: GrowRequest, confirm: string | null, onEvent: (event: GrowEvent) => void): Promise<Unsubscribe> {
  return subscribe<GrowEvent>("grow_storage", { request, confirm }, onEvent);
}

/** Grows of a context another run of the app left unfinished. */
export function interruptedGrows(context: string): Promise<GrowRecord[]> {
  return call<GrowRecord[]>("interrupted_grows", { context });
}

/** Continues an interrupted grow from its journaled step. */
export function resumeGrow(context: string, id: string, onEvent: (event: GrowEvent) => void): Promise<Unsubscribe> {
  return subscribe<GrowEvent>("resume_grow", { context, id }, onEvent);
}

/** Forgets an interrupted grow (the user finishes it by hand). */
export function dismissGrow(context: string, id: string): Promise<void> {
  return call<void>("dismiss_grow", { context, id });
}

/** Deletes claims (orphans); `confirm` is the typed word `confirmed`. Resolves with each claim's outcome. */
export function deleteClaims(context: string, namespace: string, names: string[], confirm: string): Promise<ClaimDeletion[]> {
  return call<ClaimDeletion[]>("delete_claims", { context, namespace, names, confirm });
}

/** Sets the set's persistentVolumeClaimRetentionPolicy (`Retain` | `Delete` each). */
export function setRetention(context: string, namespace: string, name: string, whenDeleted: string, whenScaled: string): Promise<void> {
  return call<void>("set_retention", { context, namespace, name, whenDeleted, whenScaled });
}

// ---- pod operations (issue #16): logs, shell, run on every ordinal, port-forward -----------

/** A set's containers (ports, init flag) and what the user may do with its pods (logs, exec, port-forward). */
export function podTargets(context: string, namespace: string, name: string): Promise<PodTargets> {
  return call<PodTargets>("pod_targets", { context, namespace, name });
}

/** Streams one ordinal's log, or every ordinal's merged in time order; follows the ordinal across new pods. */
export function watchLogs(request: LogRequest, onEvent: (event: LogEvent) => void): Promise<Unsubscribe> {
  return subscribe<LogEvent>("watch_logs", { request }, onEvent);
}

/** Opens a terminal session in a pod; `id` takes input and resizes, `unsubscribe` closes the session. */
export function openShell(request: ShellRequest, onEvent: (event: ShellEvent) => void): Promise<Subscription> {
  return subscribeWithId<ShellEvent>("open_shell", { request }, onEvent);
}

/** Text typed into a session (xterm's onData, UTF-8). */
export function shellInput(id: number, data: string): Promise<void> {
  return call<void>("shell_input", { id, data });
}

export function shellResize(id: number, cols: number, rows: number): Promise<void> {
  return call<void>("shell_resize", { id, cols, rows });
}

/** Runs one command in each chosen ordinal's pod; a result per ordinal, then `done`. */
export function runOnOrdinals(request: RunRequest, onEvent: (event: RunEvent) => void): Promise<Unsubscribe> {
  return subscribe<RunEvent>("run_on_ordinals", { request }, onEvent);
}

/** Starts forwarding a local port to an ordinal's port; resolves when it listens. */
export function startForward(request: ForwardRequest): Promise<ForwardView> {
  return call<ForwardView>("start_forward", { request });
}

export function stopForward(id: string): Promise<void> {
  return call<void>("stop_forward", { id });
}

/** Streams every active forward (the whole list on each change). */
export function watchForwards(onEvent: (forwards: ForwardView[]) => void): Promise<Unsubscribe> {
  return subscribe<ForwardView[]>("watch_forwards", {}, onEvent);
}
