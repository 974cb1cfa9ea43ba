// The dock: tabs outlive page changes, closing a tab ends its stream, minimise/restore; the
// Shell tab's production confirmation and custom command; Run on every ordinal; Forwards.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ForwardView, RunEvent } from "../api";
import { App } from "../App";
import { I18nProvider } from "../i18n";
import { SettingsProvider } from "../state/settings";
import { backend } from "../test/fakeTauri";
import { installBackend } from "../test/fixtures";
import { Dock } from "./Dock";
import { dockState, openForwards, openLogs, openRun, openShell, resetDock } from "./dockState";
import { targets } from "../test/podops";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));
// xterm needs a real layout; the panel around it is what is tested here.
vi.mock("./term/ShellTerminal", () => ({
  default: (p: { pod: string; command: string[] | null; container: string | null }) => (
    <div data-testid="shell-term" data-pod={p.pod} data-command={JSON.stringify(p.command)} />
  ),
}));

const pg = { context: "prod-eu", namespace: "db", statefulset: "pg" };

function renderDock() {
  return render(
    <SettingsProvider>
      <I18nProvider locale="en">
        <Dock />
      </I18nProvider>
    </SettingsProvider>,
  );
}

beforeEach(() => {
  resetDock();
  installBackend();
  backend.on("watch_logs", () => 71).on("pod_targets", () => targets).on("watch_forwards", () => 81).on("run_on_ordinals", () => 91).on("stop_forward", () => null);
});

describe("dock", () => {
  it("keeps its tabs (and their streams) across page changes; closing a tab ends its stream", async () => {
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts").length).toBeGreaterThan(0));
    expect(screen.queryByTestId("dock")).toBeNull();
    act(() => void openLogs(pg, 1, [0, 1, 2]));
    const dock = await screen.findByTestId("dock");
    expect(within(dock).getByTestId("dock-tab-0")).toHaveTextContent("pg-1 · logs");
    await waitFor(() => expect(backend.callsOf("watch_logs")).toHaveLength(1));

    await user.click(screen.getByTestId("nav-settings"));
    await user.click(screen.getByTestId("nav-contexts"));
    await user.click(screen.getByTestId("nav-statefulsets"));
    expect(screen.getByTestId("dock-tab-0")).toHaveTextContent("pg-1 · logs");
    // the stream was never restarted or ended
    expect(backend.callsOf("watch_logs")).toHaveLength(1);
    expect(backend.callsOf("unwatch")).toHaveLength(0);

    await user.click(screen.getByTestId("dock-close-0"));
    await waitFor(() => expect(backend.callsOf("unwatch").map((c) => c.args)).toContainEqual({ id: 71 }));
    expect(screen.queryByTestId("dock")).toBeNull();
  });

  it("keeps hidden tabs mounted, shows one identical Logs tab once, and minimises", async () => {
    const user = userEvent.setup();
    renderDock();
    act(() => {
      openLogs(pg, null, [0, 1]);
      openForwards();
      openLogs(pg, null, [0, 1]);
    });
    expect(dockState().tabs).toHaveLength(2);
    expect(screen.getByTestId("dock-tab-0")).toHaveTextContent("pg · logs (all)");
    expect(screen.getByTestId("dock-tab-1")).toHaveTextContent("Forwards");
    // both panels are in the DOM; only the active one is visible
    const panels = screen.getAllByTestId("dock-panel");
    expect(panels).toHaveLength(2);
    expect(panels.filter((p) => !p.hidden)).toHaveLength(1);
    await user.click(screen.getByTestId("dock-minimise"));
    expect(screen.getByTestId("dock").dataset.minimised).toBe("true");
    await user.click(within(screen.getByTestId("dock-tab-1")).getByRole("tab"));
    expect(screen.getByTestId("dock").dataset.minimised).toBe("false");
    expect(backend.callsOf("unwatch")).toHaveLength(0);
  });
});

describe("shell tab", () => {
  it("asks once per production context, and opens with the typed command split like a shell", async () => {
    const user = userEvent.setup();
    renderDock();
    act(() => void openShell(pg, 1, "production"));
    expect(await screen.findByTestId("shell-confirm")).toHaveTextContent("prod-eu is marked production");
    expect(screen.queryByTestId("shell-term")).toBeNull();
    await user.type(screen.getByTestId("shell-command"), `psql -U postgres -c 'select 1'`);
    await user.click(screen.getByTestId("shell-confirm-open"));
    const term = await screen.findByTestId("shell-term");
    expect(JSON.parse(term.dataset.command!)).toEqual(["psql", "-U", "postgres", "-c", "select 1"]);
    expect(term.dataset.pod).toBe("pg-1");

    // a second shell on the same context does not ask again
    act(() => void openShell(pg, 2, "production"));
    await waitFor(() => expect(screen.getAllByTestId("shell-term")).toHaveLength(2));
    expect(screen.queryByTestId("shell-confirm")).toBeNull();
    expect(screen.getByTestId("dock-tab-1")).toHaveTextContent("pg-2 · shell");
  });

  it("opens at once elsewhere with the default command (null: the setting, bash then sh)", async () => {
    renderDock();
    act(() => void openShell(pg, 0, "normal"));
    const term = await screen.findByTestId("shell-term");
    expect(term.dataset.command).toBe("null");
    expect(screen.getByTestId("shell-command")).toHaveAttribute("placeholder", "Shell: default (bash, then sh)");
    expect(screen.getByTestId("shell-status").dataset.state).toBe("connecting");
  });

  it("refuses a command with an open quote", async () => {
    const user = userEvent.setup();
    renderDock();
    act(() => void openShell(pg, 0, "production"));
    await user.type(await screen.findByTestId("shell-command"), `echo 'oops`);
    await user.click(screen.getByTestId("shell-confirm-open"));
    expect(screen.getByRole("alert")).toHaveTextContent("A quote is not closed");
    expect(screen.queryByTestId("shell-term")).toBeNull();
  });
});

describe("run on every ordinal", () => {
  it("runs on the chosen ordinals and shows a card per ordinal with exit code, output and duration", async () => {
    const user = userEvent.setup();
    renderDock();
    act(() => void openRun(pg, [0, 1, 2]));
    await user.type(await screen.findByTestId("run-command"), "pg_isready -U postgres");
    await user.click(screen.getByTestId("run-ordinal-2"));
    await user.click(screen.getByTestId("run-start"));
    await waitFor(() => expect(backend.callsOf("run_on_ordinals")).toHaveLength(1));
    expect(backend.callsOf("run_on_ordinals")[0]?.args.request).toEqual({ ...pg, ordinals: [0, 1], container: null, command: ["pg_isready", "-U", "postgres"] });
    const send = (e: RunEvent) => act(() => backend.channelOf<RunEvent>("run_on_ordinals").onmessage(e));
    send({ type: "started", ordinal: 0, pod: "pg-0" });
    expect(screen.getByTestId("run-result-0").dataset.state).toBe("running");
    send({ type: "result", ordinal: 0, pod: "pg-0", stdout: "accepting connections\n", stderr: "", exitCode: 0, error: null, durationMs: 120 });
    send({ type: "result", ordinal: 1, pod: "pg-1", stdout: "", stderr: "no response\n", exitCode: 2, error: null, durationMs: 3010 });
    send({ type: "done" });
    expect(screen.getByTestId("run-result-0").dataset.exitCode).toBe("0");
    expect(screen.getByTestId("run-result-0")).toHaveTextContent("exit 0");
    expect(screen.getByTestId("run-result-0")).toHaveTextContent("accepting connections");
    expect(screen.getByTestId("run-result-1").dataset.exitCode).toBe("2");
    expect(within(screen.getByTestId("run-result-1")).getByTestId("run-stderr")).toHaveTextContent("no response");
    expect(screen.getByTestId("run-result-1")).toHaveTextContent("3.01 s");
    expect(screen.queryByTestId("run-result-2")).toBeNull();
    expect(screen.getByTestId("run-start")).not.toBeDisabled();
  });
});

const forward = (extra: Partial<ForwardView>): ForwardView => ({
  id: "f1",
  context: "prod-eu",
  namespace: "db",
  statefulset: "pg",
  ordinal: 1,
  pod: "pg-1",
  remotePort: 5432,
  portName: "pg",
  localAddress: "127.0.0.1:15432",
  state: "active",
  reason: null,
  activeConnections: 1,
  totalConnections: 4,
  bytesIn: 1536,
  bytesOut: 2 * 1024 * 1024,
  startedAt: 1_700_000_000_000,
  reattached: 2,
  hint: "psql -h 127.0.0.1 -p {local} -U postgres",
  ...extra,
});

describe("forwards tab", () => {
  it("lists every forward with its state and why, traffic, hint, and stops one", async () => {
    const user = userEvent.setup();
    renderDock();
    act(() => void openForwards());
    await waitFor(() => expect(backend.callsOf("watch_forwards")).toHaveLength(1));
    await act(async () => {});
    act(() =>
      backend.channelOf<ForwardView[]>("watch_forwards").onmessage([
        forward({}),
        forward({ id: "f2", ordinal: 2, pod: "pg-2", state: "waitingForPod", reason: "pg-2 is being re-created", localAddress: "127.0.0.1:10000", hint: null, portName: null }),
        forward({ id: "f3", ordinal: 0, state: "failed", reason: "port 5432 refused", localAddress: "127.0.0.1:10001" }),
      ]),
    );
    const rows = screen.getAllByTestId("forward-row");
    expect(rows.map((r) => [r.dataset.state, r.dataset.localAddress])).toEqual([
      ["active", "127.0.0.1:15432"],
      ["waitingForPod", "127.0.0.1:10000"],
      ["failed", "127.0.0.1:10001"],
    ]);
    expect(rows[0]).toHaveTextContent("pg-1:5432 (pg)");
    expect(rows[0]).toHaveTextContent("1/4");
    expect(rows[0]).toHaveTextContent("1.5 KiB");
    expect(rows[0]).toHaveTextContent("2.0 MiB");
    expect(within(rows[0]!).getByTestId("forward-hint")).toHaveTextContent("psql -h 127.0.0.1 -p 15432 -U postgres");
    expect(rows[1]).toHaveTextContent("waiting for pod");
    expect(rows[1]).toHaveTextContent("pg-2 is being re-created");
    expect(rows[2]).toHaveTextContent("failed");
    expect(screen.getByTestId("dock-tab-0").dataset.health).toBe("failed");
    await user.click(within(rows[1]!).getByTestId("forward-stop"));
    expect(backend.callsOf("stop_forward")[0]?.args).toEqual({ id: "f2" });
  });

  it("says when there is none", async () => {
    renderDock();
    act(() => void openForwards());
    await waitFor(() => expect(backend.callsOf("watch_forwards")).toHaveLength(1));
    await act(async () => {});
    act(() => backend.channelOf<ForwardView[]>("watch_forwards").onmessage([]));
    expect(screen.getByText("No port-forwards")).toBeInTheDocument();
  });
});
