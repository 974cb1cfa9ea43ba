// The Storage tab: claims per template and ordinal, usage, the stream's health, orphaned claims
// and their typed-word delete; the Pods tab's Storage column; the Actions menu's Grow storage.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStatus, IpcError, Protection, StatefulSetDetail, StorageView } from "../../api";
import { I18nProvider } from "../../i18n";
import { backend } from "../../test/fakeTauri";
import { claim, storageView } from "../../test/storage";
import { detail, ordinal, status } from "../../test/sts";
import { DetailView } from "./DetailView";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const withTemplates = (extra: Partial<StatefulSetDetail> = {}) =>
  detail({ claimTemplates: [{ name: "data", size: "10Gi", storageClass: "fast", accessModes: ["ReadWriteOnce"] }], ...extra });

function renderDetail(d: StatefulSetDetail = withTemplates(), st: ClusterStatus = status("prod-eu"), locale: "en" | "zh-CN" = "en") {
  const view = (s: ClusterStatus, dd: StatefulSetDetail) => (
    <I18nProvider locale={locale}>
      <DetailView status={s} namespace="db" name="pg" detailState={{ detail: dd, error: null, retry: () => {} }} />
    </I18nProvider>
  );
  const r = render(view(st, d));
  return { ...r, rerenderWith: (s: ClusterStatus, dd = d) => r.rerender(view(s, dd)) };
}

async function openStorage(view: StorageView = storageView()) {
  const user = userEvent.setup();
  await user.click(screen.getByTestId("detail-tab-storage"));
  await waitFor(() => expect(backend.callsOf("watch_storage")).toHaveLength(1));
  act(() => backend.channelOf<StorageView>("watch_storage").onmessage(view));
  await screen.findByTestId("storage-tab");
  return user;
}

const claimRow = (n: number) => screen.getAllByTestId("storage-claim").find((r) => r.dataset.ordinal === String(n))!;

beforeEach(() => {
  backend.reset();
  backend.on("watch_storage", () => 61).on("unwatch", () => true).on("run_action", () => 7);
});

describe("storage tab", () => {
  it("comes after Pods in the tab list and watches only while open", async () => {
    renderDetail();
    const tabs = screen.getAllByRole("tab").map((t) => t.dataset.testid);
    expect(tabs.slice(0, 3)).toEqual(["detail-tab-details", "detail-tab-pods", "detail-tab-storage"]);
    expect(backend.callsOf("watch_storage")).toHaveLength(0);
    const user = await openStorage();
    expect(backend.callsOf("watch_storage")[0]?.args).toMatchObject({ context: "prod-eu", namespace: "db", name: "pg" });
    await user.click(screen.getByTestId("detail-tab-pods"));
    await waitFor(() => expect(backend.callsOf("unwatch")[0]?.args).toEqual({ id: 61 }));
  });

  it("lists every ordinal's claim per template, with phase, capacity, volume and age", async () => {
    renderDetail();
    await openStorage(
      storageView({
        claims: [
          claim(0, 5, { conditions: ["FileSystemResizePending"], capacity: "20Gi", requested: "20Gi" }),
          claim(1, 8, { conditions: ["Resizing"], requested: "20Gi" }),
          claim(2, 9.5, { phase: "Pending", capacity: null, volume: null }),
          claim(3, null, { phase: "Missing", requested: null, capacity: null, volume: null, created: null }),
        ],
      }),
    );
    const tpl = screen.getByTestId("storage-template");
    expect(tpl.dataset.template).toBe("data");
    expect(tpl).toHaveTextContent("Size 10Gi");
    expect(tpl).toHaveTextContent("can grow");
    expect(tpl).toHaveTextContent("ReadWriteOnce");
    expect(screen.getAllByTestId("storage-claim").map((r) => [r.dataset.name, r.dataset.ordinal, r.dataset.phase, r.dataset.capacity])).toEqual([
      ["data-pg-0", "0", "Bound", "20Gi"],
      ["data-pg-1", "1", "Bound", "10Gi"],
      ["data-pg-2", "2", "Pending", ""],
      ["data-pg-3", "3", "Missing", ""],
    ]);
    expect(claimRow(0)).toHaveTextContent("20Gi / 20Gi");
    expect(claimRow(0)).toHaveTextContent("pvc-0");
    expect(claimRow(0)).toHaveTextContent("Delete · csi: pd.csi.storage.gke.io");
    expect(claimRow(0)).toHaveTextContent("FileSystemResizePending finishes when the pod restarts");
    expect(within(claimRow(1)).getByTestId("storage-condition").dataset.condition).toBe("Resizing");
    expect(claimRow(3)).toHaveTextContent("no claim");
    expect(screen.getByTestId("storage-state").dataset.state).toBe("live");
    expect(screen.getByTestId("storage-retention")).toHaveTextContent("when deleted: Retain · when scaled: Retain");
  });

  it("colours usage amber from 80 % and red from 90 %, and says 'not reported' (never 0) without numbers", async () => {
    renderDetail();
    await openStorage(
      storageView({
        claims: [claim(0, 5), claim(1, 8), claim(2, 9.5), claim(3, null)],
        usage: { state: "notReported", reason: "the kubelet's stats/summary is forbidden" },
      }),
    );
    const usage = (n: number) => within(claimRow(n)).getByTestId("storage-usage");
    expect([0, 1, 2].map((n) => [usage(n).dataset.percent, usage(n).dataset.tone])).toEqual([
      ["50", "ok"],
      ["80", "warning"],
      ["95", "failed"],
    ]);
    expect(usage(1)).toHaveClass("usage--warning");
    expect(usage(2)).toHaveClass("usage--failed");
    expect(usage(3).dataset.state).toBe("notReported");
    expect(usage(3)).not.toHaveAttribute("data-percent");
    expect(usage(3)).toHaveTextContent("not reported");
    expect(usage(3)).not.toHaveTextContent("0%");
    expect(usage(3)).toHaveAttribute("title", "the kubelet's stats/summary is forbidden");
    expect(screen.getByTestId("storage-usage-note")).toHaveTextContent("the kubelet's stats/summary is forbidden");
  });

  it("names a class that cannot grow, and the retention policy a server does not offer", async () => {
    renderDetail(withTemplates({ retentionWhenDeleted: null, retentionWhenScaled: null }));
    await openStorage(storageView({ templates: [{ name: "data", size: "10Gi", storageClass: "local-hdd", classExpandable: false, accessModes: ["ReadWriteOnce"] }] }));
    expect(screen.getByTestId("storage-expandable")).toHaveTextContent("cannot grow: class local-hdd does not allow volume expansion");
    expect(screen.getByTestId("storage-retention")).toHaveTextContent("not offered by this server");
  });

  it("edits the retention policy where the server has it, and offers no control where it does not", async () => {
    backend.on("set_retention", () => null);
    renderDetail();
    const user = await openStorage();
    await user.click(screen.getByTestId("retention-edit"));
    await user.selectOptions(screen.getByTestId("retention-when-deleted"), "Delete");
    await user.click(screen.getByTestId("retention-save"));
    await waitFor(() => expect(backend.callsOf("set_retention")[0]?.args).toEqual({ context: "prod-eu", namespace: "db", name: "pg", whenDeleted: "Delete", whenScaled: "Retain" }));
    await waitFor(() => expect(screen.queryByTestId("retention-save")).toBeNull());
  });

  it("shows why the retention policy could not be saved, and keeps the choice", async () => {
    backend.on("set_retention", () => {
      throw { code: "Forbidden", message: "statefulsets.apps \"pg\" is forbidden" } satisfies IpcError;
    });
    renderDetail();
    const user = await openStorage();
    await user.click(screen.getByTestId("retention-edit"));
    await user.selectOptions(screen.getByTestId("retention-when-scaled"), "Delete");
    await user.click(screen.getByTestId("retention-save"));
    expect(await screen.findByText(/is forbidden/)).toBeInTheDocument();
    expect(screen.getByTestId<HTMLSelectElement>("retention-when-scaled").value).toBe("Delete");
  });

  it("offers no retention control on a server without the field, nor on read-only contexts", async () => {
    const { unmount } = renderDetail(withTemplates({ retentionWhenDeleted: null, retentionWhenScaled: null }));
    await openStorage();
    expect(screen.queryByTestId("retention-edit")).toBeNull();
    unmount();
    backend.reset();
    backend.on("watch_storage", () => 61).on("unwatch", () => true);
    renderDetail(withTemplates(), { ...status("prod-eu"), protection: "readOnly" });
    await openStorage();
    expect(screen.getByTestId("retention-edit")).toBeDisabled();
  });

  it("links the Doctor's orphaned-claims finding to the Storage tab", async () => {
    const user = userEvent.setup();
    renderDetail(withTemplates({ findings: [{ severity: "info", key: "doctor.orphanedClaims", params: { count: "1" } }] }));
    await user.click(screen.getByTestId("finding-open-storage"));
    await waitFor(() => expect(backend.callsOf("watch_storage")).toHaveLength(1));
    expect(screen.getByTestId("detail-tab-storage")).toHaveAttribute("aria-selected", "true");
  });

  it("shows the stream failing, and stale while the cluster reconnects", async () => {
    backend.on("watch_storage", () => {
      throw { code: "NotFound", message: "statefulsets.apps \"pg\" not found" } satisfies IpcError;
    });
    const { rerenderWith } = renderDetail();
    await userEvent.setup().click(screen.getByTestId("detail-tab-storage"));
    expect((await screen.findByTestId("storage-state")).dataset.state).toBe("failed");
    expect(screen.getByRole("alert")).toHaveTextContent("not found");
    backend.on("watch_storage", () => 62);
    await userEvent.setup().click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(backend.callsOf("watch_storage")).toHaveLength(2));
    act(() => backend.channelOf<StorageView>("watch_storage").onmessage(storageView()));
    await waitFor(() => expect(screen.getByTestId("storage-state").dataset.state).toBe("live"));
    rerenderWith(status("prod-eu", "normal", { state: "unreachable", message: "dial tcp: connection refused" }));
    expect(screen.getByTestId("storage-state").dataset.state).toBe("reconnecting");
  });

  it("deletes the selected orphaned claims after the typed word, and shows each claim's result", async () => {
    const deleted = vi.fn(() => [
      { name: "data-pg-4", error: null },
      { name: "data-pg-5", error: { code: "Conflict", message: "the claim is mounted by pod debug" } },
    ]);
    backend.on("delete_claims", deleted);
    renderDetail();
    const user = await openStorage(storageView({ orphans: [claim(4, 1), claim(5, 2), claim(6, null)] }));
    const orphans = screen.getAllByTestId("storage-orphan");
    expect(orphans.map((o) => o.dataset.name)).toEqual(["data-pg-4", "data-pg-5", "data-pg-6"]);
    expect(screen.getByTestId("orphans-delete")).toBeDisabled();
    await user.click(within(orphans[0]!).getByTestId("orphan-select"));
    await user.click(within(orphans[1]!).getByTestId("orphan-select"));
    await user.click(screen.getByTestId("orphans-delete"));
    const dialog = screen.getByTestId("orphans-dialog");
    expect(within(dialog).getByTestId("orphans-targets")).toHaveTextContent("data-pg-4");
    expect(within(dialog).getByTestId("orphans-targets")).toHaveTextContent("data-pg-5");
    expect(within(dialog).getByTestId("orphans-targets")).not.toHaveTextContent("data-pg-6");
    expect(within(dialog).getByTestId("orphans-confirm-delete")).toBeDisabled();
    await user.type(within(dialog).getByTestId("orphans-confirm"), "confirme");
    expect(within(dialog).getByTestId("orphans-confirm-delete")).toBeDisabled();
    await user.type(within(dialog).getByTestId("orphans-confirm"), "d");
    await user.click(within(dialog).getByTestId("orphans-confirm-delete"));
    await waitFor(() => expect(screen.getAllByTestId("orphan-result")).toHaveLength(2));
    expect(deleted).toHaveBeenCalledWith({ context: "prod-eu", namespace: "db", names: ["data-pg-4", "data-pg-5"], confirm: "confirmed" });
    expect(screen.getAllByTestId("orphan-result").map((r) => [r.dataset.name, r.dataset.ok])).toEqual([
      ["data-pg-4", "true"],
      ["data-pg-5", "false"],
    ]);
    expect(screen.getAllByTestId("orphan-result")[1]).toHaveTextContent("not deleted: the claim is mounted by pod debug");
    await user.click(screen.getByTestId("orphans-close"));
    expect(screen.queryByTestId("orphans-dialog")).not.toBeInTheDocument();
  });

  it("offers no orphan delete on a read-only context", async () => {
    renderDetail(withTemplates(), status("prod-eu", "readOnly"));
    const user = await openStorage(storageView({ orphans: [claim(4, 1)] }));
    await user.click(screen.getByTestId("orphan-select"));
    expect(screen.getByTestId("orphans-delete")).toBeDisabled();
    expect(screen.getByTestId("grow-open")).toBeDisabled();
  });

  it("speaks Chinese", async () => {
    renderDetail(withTemplates(), status("prod-eu"), "zh-CN");
    expect(screen.getByTestId("detail-tab-storage")).toHaveTextContent("存储");
    await openStorage(storageView({ claims: [claim(0, null)], usage: { state: "notReported", reason: "x" } }));
    expect(screen.getByTestId("storage-usage")).toHaveTextContent("未上报");
    expect(screen.getByTestId("storage-orphans")).toHaveTextContent("孤立的存储卷声明");
  });
});

describe("pods tab storage column", () => {
  it("shows each claim's capacity, and its phase when not Bound", async () => {
    const o1 = ordinal(1, true);
    o1.claims = [{ ...o1.claims[0]!, phase: "Pending", capacity: null }];
    renderDetail(withTemplates({ ordinals: [ordinal(0, true), o1] }));
    await userEvent.setup().click(screen.getByTestId("detail-tab-pods"));
    const cells = screen.getAllByTestId("pods-storage");
    expect(cells[0]).toHaveTextContent("10Gi");
    expect(cells[0]).not.toHaveTextContent("Bound");
    expect(cells[1]).toHaveTextContent("Pending");
    expect(cells[1]).not.toHaveTextContent("10Gi");
  });
});

describe("actions menu: grow storage", () => {
  async function menuItem(d: StatefulSetDetail, protection: Protection = "normal") {
    renderDetail(d, status("prod-eu", protection));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("sts-actions"));
    return { user, item: screen.getByTestId("action-grow") };
  }

  it("opens the dialog", async () => {
    const { user, item } = await menuItem(withTemplates());
    expect(item).toHaveTextContent("Grow storage");
    await user.click(item);
    expect(screen.getByTestId("grow-dialog")).toHaveTextContent("Grow storage of pg");
  });

  it("is disabled with a reason without claim templates, and on read-only contexts", async () => {
    const { item } = await menuItem(detail());
    expect(item).toBeDisabled();
    expect(item).toHaveAttribute("title", "This StatefulSet has no volume claim templates");
  });

  it("is disabled on a read-only context", async () => {
    const { item } = await menuItem(withTemplates(), "readOnly");
    expect(item).toBeDisabled();
    expect(item).toHaveAttribute("title", "This context is read-only");
  });

  it("opens from the tab's Grow… on that template", async () => {
    renderDetail(withTemplates());
    const user = await openStorage();
    await user.click(screen.getByTestId("grow-open"));
    expect(screen.getByTestId("grow-template")).toHaveTextContent("data");
  });
});
