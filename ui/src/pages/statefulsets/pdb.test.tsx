import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApplyOutcome } from "../../api";
import { backend } from "../../test/fakeTauri";
import { detail, status } from "../../test/sts";
import { PdbEditor, pdbValueOk } from "./PdbEditor";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const plan: ApplyOutcome = { outcome: "changes", diff: [{ kind: "add", text: "  minAvailable: 2" }], added: 1, removed: 0, resourceVersion: null };

beforeEach(() => {
  backend.reset();
});

describe("disruption budget editor", () => {
  it("adds <sts>-pdb through a dry run with its diff, then applies", async () => {
    backend.on("plan_pdb", () => plan);
    backend.on("apply_pdb", () => ({ ...plan, resourceVersion: "9" }));
    const user = userEvent.setup();
    render(<PdbEditor detail={detail({ pdb: null })} status={status("prod-eu")} />);
    await user.click(screen.getByTestId("pdb-edit"));
    await user.selectOptions(screen.getByTestId("pdb-field"), "minAvailable");
    await user.clear(screen.getByTestId("pdb-value"));
    await user.type(screen.getByTestId("pdb-value"), "2");
    await user.click(screen.getByTestId("pdb-review"));
    expect(await screen.findByTestId("yaml-diff")).toHaveTextContent("minAvailable: 2");
    expect(backend.callsOf("plan_pdb")[0]!.args.request).toEqual({ context: "prod-eu", namespace: "db", statefulset: "pg", existing: null, field: "minAvailable", value: "2" });
    expect(backend.callsOf("apply_pdb")).toHaveLength(0);
    await user.click(screen.getByTestId("yaml-apply"));
    expect(await screen.findByTestId("pdb-done")).toBeInTheDocument();
    expect(backend.callsOf("apply_pdb")[0]!.args.request).toMatchObject({ existing: null, field: "minAvailable", value: "2" });
  });

  it("edits the existing budget and refuses bad values before asking the backend", async () => {
    backend.on("plan_pdb", () => plan);
    const user = userEvent.setup();
    render(<PdbEditor detail={detail()} status={status("prod-eu")} />);
    await user.click(screen.getByTestId("pdb-edit"));
    expect(screen.getByTestId("pdb-field")).toHaveValue("maxUnavailable");
    expect(screen.getByTestId("pdb-value")).toHaveValue("1");
    await user.clear(screen.getByTestId("pdb-value"));
    await user.type(screen.getByTestId("pdb-value"), "120%");
    expect(screen.getByTestId("pdb-value-error")).toBeInTheDocument();
    expect(screen.getByTestId("pdb-review")).toBeDisabled();
    await user.clear(screen.getByTestId("pdb-value"));
    await user.type(screen.getByTestId("pdb-value"), "50%");
    await user.click(screen.getByTestId("pdb-review"));
    await waitFor(() => expect(backend.callsOf("plan_pdb")[0]!.args.request).toMatchObject({ existing: "pg-pdb", field: "maxUnavailable", value: "50%" }));
  });

  it("deletes only after the confirmation", async () => {
    backend.on("delete_pdb", () => null);
    const user = userEvent.setup();
    render(<PdbEditor detail={detail()} status={status("prod-eu")} />);
    await user.click(screen.getByTestId("pdb-delete"));
    expect(screen.getByTestId("pdb-delete-dialog")).toHaveTextContent("pg-pdb");
    expect(backend.callsOf("delete_pdb")).toHaveLength(0);
    await user.click(screen.getByTestId("pdb-delete-confirm"));
    await waitFor(() => expect(backend.callsOf("delete_pdb")[0]!.args).toEqual({ context: "prod-eu", namespace: "db", name: "pg-pdb" }));
    expect(await screen.findByTestId("pdb-done")).toHaveTextContent("deleted");
  });

  it("offers nothing to change on a read-only context", () => {
    render(<PdbEditor detail={detail()} status={status("prod-eu", "readOnly")} />);
    expect(screen.getByTestId("pdb-edit")).toBeDisabled();
    expect(screen.getByTestId("pdb-delete")).toBeDisabled();
  });

  it("accepts counts and percentages only", () => {
    for (const ok of ["0", "3", "50%", "100%"]) expect(pdbValueOk(ok)).toBe(true);
    for (const bad of ["", "-1", "101%", "1.5", "x", "%"]) expect(pdbValueOk(bad)).toBe(false);
  });
});
