// The Grow storage dialog (size validation, preflight checks, production confirmation, progress
// per step and ordinal, the outcome) and interrupted grows (resume, dismiss).
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClaimTemplateView, ClusterStatus, GrowEvent, GrowPlan, GrowRecord, Protection } from "../../api";
import { I18nProvider } from "../../i18n";
import { backend } from "../../test/fakeTauri";
import { check, plan } from "../../test/storage";
import { settingsWith } from "../../test/fixtures";
import { installStsBackend, openList, row, status } from "../../test/sts";
import { GrowDialog } from "./GrowDialog";
import { InterruptedGrows } from "./InterruptedGrows";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const TEMPLATES: ClaimTemplateView[] = [
  { name: "data", size: "10Gi", storageClass: "fast", accessModes: ["ReadWriteOnce"] },
  { name: "wal", size: "2Gi", storageClass: "local-hdd", accessModes: ["ReadWriteOnce"] },
];

function open(protection: Protection = "normal", templates = TEMPLATES, onClose = vi.fn(), locale: "en" | "zh-CN" = "en") {
  render(
    <I18nProvider locale={locale}>
      <GrowDialog status={status("prod-eu", protection)} namespace="db" name="postgres" templates={templates} onClose={onClose} />
    </I18nProvider>,
  );
  return { user: userEvent.setup(), onClose };
}

async function checked(user: ReturnType<typeof userEvent.setup>, size = "20Gi") {
  await user.clear(screen.getByTestId("grow-size"));
  await user.type(screen.getByTestId("grow-size"), size);
  await user.click(screen.getByTestId("grow-check-run"));
  await screen.findByTestId("grow-checks");
}

const send = (e: GrowEvent, command = "grow_storage") => act(() => backend.channelOf<GrowEvent>(command).onmessage(e));
const stepStates = () => screen.getAllByTestId("grow-step").map((s) => `${s.dataset.step}:${s.dataset.state}`);
const claimStates = () => screen.getAllByTestId("grow-claim").map((c) => `${c.dataset.ordinal}:${c.dataset.state}:${c.dataset.capacity}`);

let nextPlan: GrowPlan = plan();
beforeEach(() => {
  backend.reset();
  nextPlan = plan();
  backend
    .on("plan_grow", () => nextPlan)
    .on("grow_storage", () => 71)
    .on("resume_grow", () => 72)
    .on("dismiss_grow", () => null)
    .on("unwatch", () => true);
});

describe("grow dialog: the form", () => {
  it("refuses a size that is not a quantity, or not larger than the template's", async () => {
    const { user } = open();
    await user.type(screen.getByTestId("grow-size"), "20 GB");
    expect(screen.getByTestId("grow-size-error").dataset.reason).toBe("invalid");
    expect(screen.getByTestId("grow-check-run")).toBeDisabled();
    await user.clear(screen.getByTestId("grow-size"));
    await user.type(screen.getByTestId("grow-size"), "10Gi");
    expect(screen.getByTestId("grow-size-error")).toHaveTextContent("10Gi is not larger than the current size 10Gi");
    expect(screen.getByTestId("grow-check-run")).toBeDisabled();
    await user.clear(screen.getByTestId("grow-size"));
    await user.type(screen.getByTestId("grow-size"), "9.5Gi");
    expect(screen.getByTestId("grow-size-error").dataset.reason).toBe("notLarger");
    await user.clear(screen.getByTestId("grow-size"));
    await user.type(screen.getByTestId("grow-size"), "10.5Gi");
    expect(screen.queryByTestId("grow-size-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("grow-check-run")).toBeEnabled();
    expect(backend.callsOf("plan_grow")).toHaveLength(0);
  });

  it("lists every check with ✓/✗, names a class that refuses expansion, and keeps Grow disabled", async () => {
    nextPlan = plan({
      checks: [
        check("grow.check.size", true, { size: "4Gi" }),
        check("grow.check.larger", true, { size: "4Gi", current: "2Gi" }),
        check("grow.check.class", false, { class: "local-hdd" }),
        check("grow.check.bound", true),
        check("grow.check.rbac", false, { verb: "delete", resource: "statefulsets" }),
      ],
    });
    const { user } = open();
    await user.selectOptions(screen.getByTestId("grow-template"), "wal");
    expect(screen.getByTestId("grow-current")).toHaveTextContent("Current size: 2Gi");
    expect(screen.getByTestId("grow-start")).toBeDisabled();
    await checked(user, "4Gi");
    expect(backend.callsOf("plan_grow")[0]?.args).toEqual({ request: { context: "prod-eu", namespace: "db", name: "postgres", template: "wal", size: "4Gi" } });
    const checks = screen.getAllByTestId("grow-check");
    expect(checks.map((c) => `${c.dataset.key}:${c.dataset.ok}`)).toEqual([
      "grow.check.size:true",
      "grow.check.larger:true",
      "grow.check.class:false",
      "grow.check.bound:true",
      "grow.check.rbac:false",
    ]);
    const cls = checks[2]!;
    expect(cls).toHaveTextContent("✗");
    expect(cls).toHaveTextContent("Storage class local-hdd does not allow volume expansion");
    expect(checks[0]).toHaveTextContent("✓");
    expect(checks[1]).toHaveTextContent("4Gi is larger than the current 2Gi");
    expect(checks[4]).toHaveTextContent("Forbidden: you may not delete statefulsets");
    expect(screen.getByTestId("grow-start")).toBeDisabled();
    expect(screen.getByTestId("grow-checks")).toHaveTextContent("Grow stays disabled until every check passes");
  });

  it("enables Grow only for a ready plan of the size shown", async () => {
    const { user } = open();
    await checked(user);
    expect(screen.getByTestId("grow-checks").dataset.ready).toBe("true");
    expect(screen.getAllByTestId("grow-check").every((c) => c.dataset.ok === "true")).toBe(true);
    expect(screen.getByTestId("grow-start")).toBeEnabled();
    await user.type(screen.getByTestId("grow-size"), "0");
    expect(screen.queryByTestId("grow-checks")).not.toBeInTheDocument();
    expect(screen.getByTestId("grow-start")).toBeDisabled();
  });

  it("says which path it takes, and whether the server offers in-place claim updates", async () => {
    const { user } = open();
    await checked(user);
    expect(screen.getByTestId("grow-path").dataset.offered).toBe("false");
    expect(screen.getByTestId("grow-path")).toHaveTextContent("this server has no in-place volumeClaimUpdatePolicy");
    nextPlan = plan({ updatePolicyOffered: null });
    await checked(user, "30Gi");
    expect(screen.getByTestId("grow-path")).toHaveTextContent("could not be read");
  });

  it("shows a refused preflight", async () => {
    backend.on("plan_grow", () => {
      throw { code: "Forbidden", message: "prod-eu is read-only" };
    });
    const { user } = open();
    await user.type(screen.getByTestId("grow-size"), "20Gi");
    await user.click(screen.getByTestId("grow-check-run"));
    expect(await screen.findByRole("alert")).toHaveTextContent("prod-eu is read-only");
    expect(screen.getByTestId("grow-start")).toBeDisabled();
  });

  it("on a production context needs '<name> <size>' typed, and sends it", async () => {
    const { user } = open("production");
    await checked(user);
    expect(screen.getByTestId("grow-dialog")).toHaveTextContent("type postgres 20Gi to confirm");
    expect(screen.getByTestId("grow-start")).toBeDisabled();
    await user.type(screen.getByTestId("grow-confirm"), "postgres 20G");
    expect(screen.getByTestId("grow-start")).toBeDisabled();
    await user.type(screen.getByTestId("grow-confirm"), "i");
    await user.click(screen.getByTestId("grow-start"));
    await waitFor(() => expect(backend.callsOf("grow_storage")).toHaveLength(1));
    expect(backend.callsOf("grow_storage")[0]?.args).toMatchObject({ request: { name: "postgres", template: "data", size: "20Gi" }, confirm: "postgres 20Gi" });
  });

  it("sends no confirmation on other contexts, and has no typed input", async () => {
    const { user } = open();
    await checked(user);
    expect(screen.queryByTestId("grow-confirm")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("grow-start"));
    await waitFor(() => expect(backend.callsOf("grow_storage")[0]?.args).toMatchObject({ confirm: null }));
  });
});

describe("grow dialog: progress", () => {
  it("follows the steps and each ordinal's claim, stays open while the set is re-created, and sums up", async () => {
    const { user, onClose } = open();
    await checked(user);
    await user.click(screen.getByTestId("grow-start"));
    await waitFor(() => expect(backend.callsOf("grow_storage")).toHaveLength(1));
    expect(stepStates()).toEqual(["patchClaims:pending", "waitResize:pending", "deleteOrphan:pending", "recreate:pending", "verify:pending"]);
    expect(claimStates()).toEqual(["0:pending:10Gi", "1:pending:10Gi", "2:pending:10Gi"]);
    send({ type: "step", step: "patchClaims", done: false });
    send({ type: "claim", name: "data-pg-0", ordinal: 0, state: "patched", capacity: "10Gi" });
    expect(stepStates()[0]).toBe("patchClaims:running");
    send({ type: "step", step: "patchClaims", done: true });
    send({ type: "step", step: "waitResize", done: false });
    send({ type: "claim", name: "data-pg-1", ordinal: 1, state: "resizing", capacity: "10Gi" });
    send({ type: "claim", name: "data-pg-0", ordinal: 0, state: "done", capacity: "20Gi" });
    send({ type: "claim", name: "data-pg-2", ordinal: 2, state: "fileSystemResizePending", capacity: "20Gi" });
    expect(claimStates()).toEqual(["0:done:20Gi", "1:resizing:10Gi", "2:fileSystemResizePending:20Gi"]);
    expect(screen.getAllByTestId("grow-claim")[2]).toHaveTextContent("finishes when the pod restarts");
    expect(stepStates().slice(0, 2)).toEqual(["patchClaims:done", "waitResize:running"]);
    // Escape never closes a running grow.
    await user.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId("grow-close")).toBeEnabled();
    send({ type: "claim", name: "data-pg-1", ordinal: 1, state: "done", capacity: "20Gi" });
    send({ type: "step", step: "waitResize", done: true });
    send({ type: "step", step: "deleteOrphan", done: false });
    expect(screen.getByTestId("grow-close")).toBeDisabled();
    expect(screen.getByTestId("grow-keep-open")).toBeInTheDocument();
    send({ type: "step", step: "deleteOrphan", done: true });
    send({ type: "step", step: "recreate", done: false });
    expect(screen.getByTestId("grow-close")).toBeDisabled();
    send({ type: "step", step: "recreate", done: true });
    expect(screen.getByTestId("grow-close")).toBeEnabled();
    send({ type: "step", step: "verify", done: false });
    send({ type: "step", step: "verify", done: true });
    send({ type: "finished", id: "g1", error: null, fileSystemPending: 1 });
    expect(stepStates()).toEqual(["patchClaims:done", "waitResize:done", "deleteOrphan:done", "recreate:done", "verify:done"]);
    const fin = screen.getByTestId("grow-finished");
    expect(fin.dataset.ok).toBe("true");
    expect(fin).toHaveTextContent("Storage of postgres grew to 20Gi.");
    expect(fin).toHaveTextContent("1 claim finishes its file-system resize when the pod next restarts.");
    await user.click(screen.getByTestId("grow-close"));
    expect(onClose).toHaveBeenCalled();
  });

  it("shows the error and the step that failed", async () => {
    const { user } = open();
    await checked(user);
    await user.click(screen.getByTestId("grow-start"));
    await waitFor(() => expect(backend.callsOf("grow_storage")).toHaveLength(1));
    send({ type: "step", step: "patchClaims", done: true });
    send({ type: "step", step: "waitResize", done: true });
    send({ type: "step", step: "deleteOrphan", done: false });
    send({ type: "finished", id: "g1", error: { code: "Conflict", message: "postgres was changed while its storage grew (generation 3, now 4)" }, fileSystemPending: 0 });
    expect(stepStates()).toEqual(["patchClaims:done", "waitResize:done", "deleteOrphan:failed", "recreate:pending", "verify:pending"]);
    const fin = screen.getByTestId("grow-finished");
    expect(fin.dataset.ok).toBe("false");
    expect(fin).toHaveTextContent("Growing storage of postgres failed");
    expect(fin).toHaveTextContent("postgres was changed while its storage grew");
    expect(screen.getByTestId("grow-close")).toBeEnabled();
  });

  it("shows a grow the backend refuses to start", async () => {
    backend.on("grow_storage", () => {
      throw { code: "Forbidden", message: "prod-eu is a production context: type \"postgres 20Gi\" to confirm" };
    });
    const { user } = open();
    await checked(user);
    await user.click(screen.getByTestId("grow-start"));
    expect((await screen.findByTestId("grow-finished")).dataset.ok).toBe("false");
    expect(screen.getByTestId("grow-finished")).toHaveTextContent("type \"postgres 20Gi\" to confirm");
  });

  it("speaks Chinese", async () => {
    open("normal", TEMPLATES, vi.fn(), "zh-CN");
    expect(screen.getByTestId("grow-dialog")).toHaveTextContent("扩容 postgres 的存储");
  });
});

describe("interrupted grows", () => {
  const record: GrowRecord = {
    id: "grow-1",
    request: { context: "prod-eu", namespace: "db", name: "postgres", template: "data", size: "20Gi" },
    step: "recreate",
    oldUid: "uid-1",
    generation: 3,
  };

  function list(st: ClusterStatus = status("prod-eu")) {
    backend.on("interrupted_grows", () => [record]);
    render(<InterruptedGrows status={st} />);
    return userEvent.setup();
  }

  it("offers to resume one, streaming its progress from the journaled step", async () => {
    const user = list();
    const notice = await screen.findByTestId("interrupted-grow");
    expect(backend.callsOf("interrupted_grows")[0]?.args).toEqual({ context: "prod-eu" });
    expect(notice).toHaveTextContent("Growing storage of db/postgres to 20Gi was interrupted at step Re-create the StatefulSet with the new size.");
    await user.click(within(notice).getByTestId("interrupted-grow-resume"));
    await waitFor(() => expect(backend.callsOf("resume_grow")[0]?.args).toMatchObject({ context: "prod-eu", id: "grow-1" }));
    expect(screen.queryByTestId("interrupted-grow")).not.toBeInTheDocument();
    send({ type: "step", step: "recreate", done: false }, "resume_grow");
    expect(stepStates()).toEqual(["patchClaims:done", "waitResize:done", "deleteOrphan:done", "recreate:running", "verify:pending"]);
    expect(screen.getByTestId("grow-close")).toBeDisabled();
    send({ type: "step", step: "recreate", done: true }, "resume_grow");
    send({ type: "claim", name: "data-postgres-0", ordinal: 0, state: "done", capacity: "20Gi" }, "resume_grow");
    send({ type: "finished", id: "grow-1", error: null, fileSystemPending: 0 }, "resume_grow");
    expect(claimStates()).toEqual(["0:done:20Gi"]);
    expect(screen.getByTestId("grow-finished").dataset.ok).toBe("true");
    expect(screen.getByTestId("grow-finished")).not.toHaveTextContent("restart");
    await user.click(screen.getByTestId("grow-close"));
    expect(screen.queryByTestId("grow-dialog")).not.toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("unwatch")[0]?.args).toEqual({ id: 72 }));
  });

  it("dismisses one", async () => {
    const user = list();
    await user.click(await screen.findByTestId("interrupted-grow-dismiss"));
    expect(backend.callsOf("dismiss_grow")[0]?.args).toEqual({ context: "prod-eu", id: "grow-1" });
    expect(screen.queryByTestId("interrupted-grow")).not.toBeInTheDocument();
    expect(backend.callsOf("resume_grow")).toHaveLength(0);
  });

  it("cannot resume on a read-only context", async () => {
    list(status("prod-eu", "readOnly"));
    expect(await screen.findByTestId("interrupted-grow-resume")).toBeDisabled();
  });

  it("are asked for on connect and shown on the StatefulSets page", async () => {
    installStsBackend(settingsWith({ language: "en", theme: "light" }));
    backend.on("interrupted_grows", () => [record]).on("interrupted_batches", () => []);
    await openList({ rows: [row("postgres")] });
    expect(await screen.findByTestId("interrupted-grow")).toHaveTextContent("db/postgres to 20Gi");
    expect(backend.callsOf("interrupted_grows")[0]?.args).toEqual({ context: "prod-eu" });
  });
});
