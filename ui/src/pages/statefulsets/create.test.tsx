import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CreatePlan, CreateSpec, Protection } from "../../api";
import { backend } from "../../test/fakeTauri";
import { settingsWith } from "../../test/fixtures";
import { installStsBackend, openList, status } from "../../test/sts";
import { CreateDialog, emptyForm, toSpec } from "./CreateDialog";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const okPlan: CreatePlan = {
  serviceYaml: "apiVersion: v1\nkind: Service\nspec:\n  clusterIP: None\n",
  statefulsetYaml: "apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  serviceName: web\n",
  problems: [],
};

beforeEach(() => {
  backend.reset();
});

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByTestId("create-name"), "web");
  await user.type(screen.getByTestId("create-image"), "nginx:1.27");
  await user.clear(screen.getByTestId("create-replicas"));
  await user.type(screen.getByTestId("create-replicas"), "3");
  await user.type(screen.getByTestId("create-port-name-0"), "http");
  await user.type(screen.getByTestId("create-port-0"), "80");
}

describe("create statefulset dialog", () => {
  it("shows the backend's problems at their fields and stays on the form", async () => {
    backend.on("plan_create", () => ({ ...okPlan, problems: [{ field: "ports[0].port", line: null, column: null, message: "must be between 1 and 65535" }, { field: "StatefulSet.spec.x", line: null, column: null, message: "server says no" }, { field: "existingService", line: null, column: null, message: "Service: services \"web\" already exists" }] }));
    const user = userEvent.setup();
    render(<CreateDialog context="prod-eu" namespace="db" onClose={() => {}} onCreated={() => {}} />);
    await fill(user);
    await user.click(screen.getByTestId("create-review"));
    expect(await screen.findByTestId("create-port-0-error")).toHaveTextContent("between 1 and 65535");
    expect(screen.getByTestId("create-problems")).toHaveTextContent("server says no");
    // "create a Service" is chosen: a clash with an existing one is listed, not lost
    expect(screen.getByTestId("create-problems")).toHaveTextContent('services "web" already exists');
    expect(screen.queryByTestId("create-preview")).toBeNull();
    expect(backend.callsOf("create_statefulset")).toHaveLength(0);
  });

  it("previews both objects after the dry run, then creates and opens the new set", async () => {
    backend.on("plan_create", () => okPlan);
    backend.on("create_statefulset", () => ({ namespace: "db", name: "web", service: "web", serviceCreated: true }));
    const onCreated = vi.fn();
    const user = userEvent.setup();
    render(<CreateDialog context="prod-eu" namespace="db" onClose={() => {}} onCreated={onCreated} />);
    await fill(user);
    await user.click(screen.getByTestId("create-storage"));
    await user.click(screen.getByTestId("create-review"));
    expect(await screen.findByTestId("create-service-yaml")).toHaveTextContent("clusterIP: None");
    expect(screen.getByTestId("create-sts-yaml")).toHaveTextContent("serviceName: web");
    const spec = backend.callsOf("plan_create")[0]!.args.spec as CreateSpec;
    expect(spec).toMatchObject({ context: "prod-eu", namespace: "db", name: "web", image: "nginx:1.27", replicas: 3, ports: [{ name: "http", port: 80, protocol: "TCP" }], existingService: null });
    expect(spec.storage).toEqual({ claimName: "data", storageClass: "", accessMode: "ReadWriteOnce", size: "1Gi", mountPath: "/data" });
    await user.click(screen.getByTestId("create-submit"));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ namespace: "db", name: "web", service: "web", serviceCreated: true }));
    expect(backend.callsOf("create_statefulset")[0]!.args.spec).toEqual(spec);
  });

  it("shows a refused create (the Service was rolled back by the backend) as an error", async () => {
    backend.on("plan_create", () => okPlan);
    backend.on("create_statefulset", () => {
      throw { code: "Conflict", message: "creating the statefulset: already exists" };
    });
    const user = userEvent.setup();
    render(<CreateDialog context="prod-eu" namespace="db" onClose={() => {}} onCreated={() => {}} />);
    await fill(user);
    await user.click(screen.getByTestId("create-review"));
    await user.click(await screen.findByTestId("create-submit"));
    expect(await screen.findByRole("alert")).toHaveTextContent("creating the statefulset");
  });

  it("turns the form into the backend's spec", () => {
    const f = { ...emptyForm(""), name: " web ", image: "nginx", replicas: "x", probe: "tcp" as const, probePort: "8080", useExisting: true, existingService: "shared", ports: [{ name: "", port: "", protocol: "TCP" }] };
    const s = toSpec("c", f);
    expect(s.namespace).toBe("default");
    expect(s.name).toBe("web");
    expect(s.replicas).toBe(-1);
    expect(s.ports).toEqual([]);
    expect(s.readiness).toEqual({ type: "tcp", port: 8080 });
    expect(s.existingService).toBe("shared");
    expect(s.storage).toBeNull();
  });
});

async function connected(protection: Protection) {
  installStsBackend(settingsWith({ language: "en", theme: "light" }));
  await openList({ status: status("prod-eu", protection), rows: [] });
}

describe("create button on the list", () => {
  it("opens the dialog", async () => {
    await connected("normal");
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("create-sts"));
    expect(await screen.findByTestId("create-dialog")).toBeInTheDocument();
  });
  it("is disabled on a read-only context", async () => {
    await connected("readOnly");
    expect(await screen.findByTestId("create-sts")).toBeDisabled();
  });
});
