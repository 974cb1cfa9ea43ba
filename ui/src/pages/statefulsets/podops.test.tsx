// The Pods tab's operations per ordinal (issue #16): buttons, row menu and keys open dock tabs;
// Shell/Forward/Logs disabled with the reason pod_targets gives; the start-forward dialog.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStatus, PodTargets, StatefulSetDetail } from "../../api";
import { dockState, resetDock } from "../../dock/dockState";
import { I18nProvider } from "../../i18n";
import { backend } from "../../test/fakeTauri";
import { targets } from "../../test/podops";
import { detail, ordinal, status } from "../../test/sts";
import { DetailView } from "./DetailView";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

async function openPods(d: StatefulSetDetail = detail({ ordinals: [ordinal(0, true), ordinal(1, true), ordinal(2, false)] }), st: ClusterStatus = status("prod-eu")) {
  const user = userEvent.setup();
  render(
    <I18nProvider locale="en">
      <DetailView status={st} namespace="db" name="pg" detailState={{ detail: d, error: null, retry: () => {} }} />
    </I18nProvider>,
  );
  await user.click(screen.getByTestId("detail-tab-pods"));
  await waitFor(() => expect(backend.callsOf("pod_targets")).toHaveLength(1));
  await act(async () => {});
  return user;
}

const denied = (extra: Partial<PodTargets["access"]>): PodTargets => ({ ...targets, access: { ...targets.access, ...extra } });

beforeEach(() => {
  resetDock();
  backend.reset();
  backend.on("pod_targets", () => targets).on("unwatch", () => null).on("start_forward", (a) => ({
    id: "f1",
    context: "prod-eu",
    namespace: "db",
    statefulset: "pg",
    ordinal: (a.request as { ordinal: number }).ordinal,
    pod: "pg-1",
    remotePort: (a.request as { port: number }).port,
    portName: "pg",
    localAddress: "127.0.0.1:15432",
    state: "active",
    reason: null,
    activeConnections: 0,
    totalConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    startedAt: 0,
    reattached: 0,
    hint: "psql -h 127.0.0.1 -p {local} -U postgres",
  }));
});

describe("pod operations in the Pods tab", () => {
  it("asks pod_targets for the set and opens Logs and Shell tabs from an ordinal's buttons", async () => {
    const user = await openPods();
    expect(backend.callsOf("pod_targets")[0]?.args).toEqual({ context: "prod-eu", namespace: "db", name: "pg" });
    await user.click(screen.getByTestId("pod-logs-1"));
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "logs", ordinal: 1, target: { context: "prod-eu", namespace: "db", statefulset: "pg" }, ordinals: [0, 1] });
    await user.click(screen.getByTestId("pod-shell-0"));
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "shell", pod: "pg-0", protection: "normal" });
    // an ordinal without a pod has no shell
    expect(screen.getByTestId("pod-shell-2")).toBeDisabled();
    expect(screen.getByTestId("pod-shell-2")).toHaveAttribute("title", "pg-2 has no pod");
  });

  it("disables Shell and Forward with the reason when RBAC or the context forbids them", async () => {
    backend.on("pod_targets", () =>
      denied({ exec: { allowed: false, reason: "cannot create pods/exec in namespace db" }, forward: { allowed: false, reason: "the context is read-only" } }),
    );
    const user = await openPods();
    const shell = screen.getByTestId("pod-shell-0");
    expect(shell).toBeDisabled();
    expect(shell).toHaveAttribute("title", "cannot create pods/exec in namespace db");
    expect(shell.dataset.disabledReason).toBe("cannot create pods/exec in namespace db");
    expect(screen.getByTestId("pod-forward-0")).toHaveAttribute("title", "the context is read-only");
    expect(screen.getByTestId("pod-logs-0")).not.toBeDisabled();
    // nor do the keys open them
    const row = screen.getAllByTestId("ordinal-row")[0]!;
    row.focus();
    await user.keyboard("s");
    await user.keyboard("f");
    expect(dockState().tabs).toHaveLength(0);
    expect(screen.queryByTestId("forward-dialog")).toBeNull();
  });

  it("disables Logs with its reason", async () => {
    backend.on("pod_targets", () => denied({ logs: { allowed: false, reason: "cannot get pods/log in namespace db" } }));
    await openPods();
    expect(screen.getByTestId("pod-logs-1")).toBeDisabled();
    expect(screen.getByTestId("pod-logs-1")).toHaveAttribute("title", "cannot get pods/log in namespace db");
  });

  it("opens logs, shell and forward with l, s and f on a focused row", async () => {
    const user = await openPods();
    const row = screen.getAllByTestId("ordinal-row")[1]!;
    row.focus();
    await user.keyboard("l");
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "logs", ordinal: 1 });
    row.focus();
    await user.keyboard("s");
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "shell", ordinal: 1 });
    row.focus();
    await user.keyboard("f");
    expect(screen.getByTestId("forward-dialog")).toBeInTheDocument();
  });

  it("offers all-ordinal logs and Run on every ordinal in the row menu", async () => {
    const user = await openPods();
    await user.click(screen.getByTestId("pod-menu-0"));
    await user.click(screen.getByTestId("pod-logs-all"));
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "logs", ordinal: null });
    await user.click(screen.getByTestId("pod-menu-0"));
    await user.click(screen.getByTestId("pod-run"));
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "run", ordinals: [0, 1] });
  });

  it("starts a forward to a declared port (or any port) and shows the address", async () => {
    const user = await openPods();
    await user.click(screen.getByTestId("pod-forward-1"));
    const dialog = screen.getByTestId("forward-dialog");
    expect(within(dialog).getByTestId("forward-port-5432")).toBeChecked();
    expect(dialog).toHaveTextContent("5432 (pg)");
    await user.type(within(dialog).getByTestId("forward-local-port"), "99999");
    expect(within(dialog).getByTestId("forward-start")).toBeDisabled();
    await user.clear(within(dialog).getByTestId("forward-local-port"));
    await user.click(within(dialog).getByTestId("forward-start"));
    await waitFor(() => expect(backend.callsOf("start_forward")).toHaveLength(1));
    expect(backend.callsOf("start_forward")[0]?.args.request).toEqual({ context: "prod-eu", namespace: "db", statefulset: "pg", ordinal: 1, port: 5432, localPort: null });
    const started = await screen.findByTestId("forward-started");
    expect(started.dataset.localAddress).toBe("127.0.0.1:15432");
    expect(screen.getByTestId("forward-dialog")).toHaveTextContent("psql -h 127.0.0.1 -p 15432 -U postgres");
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "forwards" });
  });

  it("opens the logs of all ordinals from the Actions menu", async () => {
    const user = await openPods();
    await user.click(screen.getByTestId("sts-actions"));
    await user.click(screen.getByTestId("logs-all"));
    expect(dockState().tabs.at(-1)).toMatchObject({ kind: "logs", ordinal: null, target: { statefulset: "pg" } });
  });

  it("forwards any typed port", async () => {
    const user = await openPods();
    await user.click(screen.getByTestId("pod-forward-0"));
    await user.type(screen.getByTestId("forward-remote-port"), "8080");
    expect(screen.getByTestId("forward-port-other")).toBeChecked();
    await user.type(screen.getByTestId("forward-local-port"), "18080");
    await user.click(screen.getByTestId("forward-start"));
    await waitFor(() => expect(backend.callsOf("start_forward")[0]?.args.request).toMatchObject({ ordinal: 0, port: 8080, localPort: 18080 }));
  });
});
