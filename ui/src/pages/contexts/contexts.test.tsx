import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ContextList, ImportPreview, Settings } from "../../api";
import { App } from "../../App";
import { backend } from "../../test/fakeTauri";
import { contextList, ctx, installBackend } from "../../test/fixtures";
import { formatEnv, parseEnv } from "./ContextPanel";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const LIST = contextList([ctx("prod-eu", { current: true }), ctx("staging", { authKind: "exec", secretLocation: "none", exec: { command: "aws", resolved: null, interactiveMode: null, ordinal: false } })], { revision: "rev-7" });

function emit(list: ContextList) {
  act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(list));
}

async function openContexts() {
  const user = userEvent.setup();
  render(<App />);
  await waitFor(() => expect(backend.callsOf("watch_contexts").length).toBeGreaterThan(0));
  emit(LIST);
  await user.click(screen.getByTestId("nav-contexts"));
  await screen.findAllByTestId("contexts-row");
  return user;
}

function row(name: string) {
  return screen.getAllByTestId("contexts-row").find((r) => r.getAttribute("data-context") === name)!;
}

beforeEach(() => {
  installBackend({ list: LIST });
  backend.on("watch_clusters", () => 99);
});

describe("context panel", () => {
  it("renames with the revision the user saw, and offers undo", async () => {
    backend.on("edit_context", () => ({ files: ["/home/op/.kube/config"], description: "rename context prod-eu to prod-eu-1" }));
    backend.on("undo_kubeconfig", () => ({ files: ["/home/op/.kube/config"], description: "rename context prod-eu to prod-eu-1" }));
    const user = await openContexts();
    await user.click(row("prod-eu"));
    const panel = screen.getByTestId("context-panel");
    expect(panel).toHaveAttribute("data-context", "prod-eu");
    await user.click(within(panel).getByTestId("ctx-rename"));
    const input = screen.getByTestId("ctx-rename-dialog-input");
    await user.clear(input);
    await user.type(input, "prod-eu-1{Enter}");
    await waitFor(() => expect(backend.callsOf("edit_context")).toHaveLength(1));
    expect(backend.callsOf("edit_context")[0]!.args).toEqual({ revision: "rev-7", edit: { op: "rename", context: "prod-eu", newName: "prod-eu-1" } });
    expect(await screen.findByTestId("contexts-notice")).toHaveTextContent("rename context prod-eu to prod-eu-1");
    await user.click(screen.getByTestId("contexts-notice-undo"));
    await waitFor(() => expect(backend.callsOf("undo_kubeconfig")).toHaveLength(1));
  });

  it("shows a changed-on-disk conflict and does not pretend it worked", async () => {
    backend.on("edit_context", () => {
      throw { code: "Conflict", message: "a kubeconfig file changed on disk since the list was shown; nothing was written" };
    });
    const user = await openContexts();
    await user.click(row("prod-eu"));
    const ns = screen.getByTestId("ctx-namespace");
    await user.type(ns, "db");
    await user.click(screen.getByTestId("ctx-namespace-save"));
    const err = await screen.findByTestId("contexts-edit-error");
    expect(err).toHaveTextContent("changed on disk");
    expect(screen.queryByTestId("contexts-notice")).not.toBeInTheDocument();
    // The list is fetched again at once so the user retries against what is on disk.
    expect(backend.callsOf("list_contexts").length).toBeGreaterThan(0);
  });

  it("deletes only after the confirmation dialog", async () => {
    backend.on("edit_context", () => ({ files: ["/home/op/.kube/config"], description: "delete context staging" }));
    const user = await openContexts();
    await user.click(row("staging"));
    await user.click(screen.getByTestId("ctx-delete"));
    const dialog = screen.getByTestId("ctx-delete-dialog");
    expect(dialog).toHaveTextContent("/home/op/.kube/config");
    await user.keyboard("{Escape}");
    expect(backend.callsOf("edit_context")).toHaveLength(0);
    await user.click(screen.getByTestId("ctx-delete"));
    await user.click(screen.getByTestId("ctx-delete-dialog-submit"));
    await waitFor(() => expect(backend.callsOf("edit_context")[0]!.args.edit).toEqual({ op: "delete", context: "staging" }));
  });

  it("stores protection and the exec PATH override in Ordinal's settings, not the kubeconfig", async () => {
    const user = await openContexts();
    await user.click(row("staging"));
    expect(screen.getByTestId("ctx-exec-resolved")).toHaveTextContent("Not found");
    await user.click(screen.getByTestId("ctx-protection-production"));
    await waitFor(() => expect((backend.callsOf("set_settings").at(-1)!.args.settings as Settings).protection).toEqual({ staging: "production" }));
    await user.type(screen.getByTestId("ctx-exec-path"), "/opt/aws/bin");
    await user.type(screen.getByTestId("ctx-exec-env"), "AWS_PROFILE=ops");
    await user.click(screen.getByTestId("ctx-exec-save"));
    await waitFor(() =>
      expect((backend.callsOf("set_settings").at(-1)!.args.settings as Settings).execOverrides).toEqual({ staging: { path: "/opt/aws/bin", env: { AWS_PROFILE: "ops" } } }),
    );
    expect(backend.callsOf("edit_context")).toHaveLength(0);
  });

  it("shows what Test connection found, plugin stderr included", async () => {
    backend.on("test_connection", () => ({
      plugin: { command: "aws", resolved: "/opt/aws/bin/aws", path: "/opt/aws/bin", exitCode: 255, stderr: "SSO session expired", durationMs: 412, ok: false, message: "the plugin exited with code 255" },
      status: { context: "staging", state: "unauthorized", serverVersion: null, latencyMs: null, message: "exec plugin failed", protection: "normal", features: null },
    }));
    const user = await openContexts();
    await user.click(row("staging"));
    await user.click(screen.getByTestId("ctx-test"));
    const result = await screen.findByTestId("ctx-test-result");
    expect(result).toHaveAttribute("data-plugin-ok", "false");
    expect(screen.getByTestId("ctx-test-stderr")).toHaveTextContent("SSO session expired");
    expect(result).toHaveTextContent("exit code 255");
    expect(result).toHaveTextContent("412");
  });
});

describe("import", () => {
  const preview: ImportPreview = {
    items: [
      { kind: "context", name: "prod-eu", clash: true },
      { kind: "cluster", name: "eks-1", clash: false },
      { kind: "user", name: "eks-admin", clash: false },
    ],
    problems: [],
  };

  it("previews, renames clashes and secures by default", async () => {
    backend.on("import_preview", () => preview);
    backend.on("import_contexts", () => ({ outcome: { files: ["/x"], description: "import" }, contexts: ["prod-eu-2"], secured: ["prod-eu-2"], notSecured: [] }));
    const user = await openContexts();
    await user.click(screen.getByTestId("contexts-import"));
    await user.type(screen.getByTestId("import-path"), "/tmp/eks.yaml");
    await user.click(screen.getByTestId("import-preview"));
    const clash = await screen.findByTestId("import-rename");
    expect(clash).toHaveValue("prod-eu-2");
    expect(screen.getByTestId("import-secure")).toBeChecked();
    await user.clear(clash);
    expect(screen.getByTestId("import-apply")).toBeDisabled();
    await user.type(clash, "prod-eu-eks");
    await user.click(screen.getByTestId("import-apply"));
    await waitFor(() => expect(backend.callsOf("import_contexts")).toHaveLength(1));
    expect(backend.callsOf("import_contexts")[0]!.args).toEqual({
      request: { source: { from: "file", path: "/tmp/eks.yaml" }, renames: { clusters: {}, users: {}, contexts: { "prod-eu": "prod-eu-eks" } }, secure: true },
    });
    expect(await screen.findByTestId("contexts-notice")).toHaveTextContent("prod-eu-2");
    expect(screen.queryByTestId("import-dialog")).not.toBeInTheDocument();
  });

  it("with the keyring unavailable, says so and lets the user import without securing", async () => {
    backend.on("import_preview", () => ({ ...preview, items: preview.items.slice(1) }));
    let calls = 0;
    backend.on("import_contexts", (a) => {
      calls++;
      if ((a.request as { secure: boolean }).secure) throw { code: "KeyringUnavailable", message: "the OS keyring is unavailable: no Secret Service. Nothing was imported" };
      return { outcome: { files: ["/x"], description: "import" }, contexts: ["eks"], secured: [], notSecured: [] };
    });
    const user = await openContexts();
    await user.click(screen.getByTestId("contexts-import"));
    await user.click(screen.getByTestId("import-mode-text"));
    await user.type(screen.getByTestId("import-text"), "apiVersion: v1");
    await user.click(screen.getByTestId("import-preview"));
    await user.click(await screen.findByTestId("import-apply"));
    expect(await screen.findByTestId("import-error")).toHaveTextContent("Nothing was imported");
    await user.click(screen.getByTestId("import-without-keyring"));
    await waitFor(() => expect(calls).toBe(2));
    expect((backend.callsOf("import_contexts")[1]!.args.request as { secure: boolean }).secure).toBe(false);
  });
});

describe("env lines", () => {
  it("round-trips KEY=value lines and ignores junk", () => {
    expect(parseEnv("A=1\n\nnot a pair\nB = x=y \n=nokey")).toEqual({ A: "1", B: " x=y " });
    expect(formatEnv({ A: "1", B: "2" })).toBe("A=1\nB=2");
  });
});
