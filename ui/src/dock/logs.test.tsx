// The Logs tab: lines and boundaries from watch_logs, the merged view with ordinal badges and
// filter chips, the bounded buffer's dropped marker, search next/previous, the "N new lines"
// pill when scrolled up, long lines cut with an expander, and the stream's health.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LogEvent, LogLine } from "../api";
import { I18nProvider } from "../i18n";
import { SettingsProvider } from "../state/settings";
import { backend } from "../test/fakeTauri";
import { installBackend, settingsWith } from "../test/fixtures";
import { targets } from "../test/podops";
import type { LogsTab } from "./dockState";
import { LogsPanel } from "./LogsPanel";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

const tab = (ordinal: number | null): LogsTab => ({ id: "t1", kind: "logs", target: { context: "prod-eu", namespace: "db", statefulset: "pg" }, ordinal, ordinals: [0, 1, 2] });

const line = (ordinal: number, ts: string | null, text: string): LogLine => ({ ordinal, pod: `pg-${ordinal}`, container: "postgres", ts, text });

function renderLogs(ordinal: number | null = null) {
  return render(
    <SettingsProvider>
      <I18nProvider locale="en">
        <LogsPanel tab={tab(ordinal)} />
      </I18nProvider>
    </SettingsProvider>,
  );
}

async function started() {
  await waitFor(() => expect(backend.callsOf("watch_logs")).toHaveLength(1));
  // let the subscription resolve
  await act(async () => {});
}

const send = (e: LogEvent) => act(() => backend.channelOf<LogEvent>("watch_logs").onmessage(e));
const texts = () => screen.queryAllByTestId("log-line").map((l) => l.querySelector(".log__text")?.textContent);

beforeEach(() => {
  installBackend();
  backend.on("watch_logs", () => 71).on("pod_targets", () => targets);
});

describe("logs tab", () => {
  it("asks for the set's merged log and shows lines in time order with ordinal badges", async () => {
    renderLogs(null);
    await started();
    expect(backend.callsOf("watch_logs")[0]?.args.request).toEqual({
      context: "prod-eu",
      namespace: "db",
      statefulset: "pg",
      ordinal: null,
      container: null,
      tailLines: 1000,
      sinceSeconds: null,
      previous: false,
      follow: true,
    });
    send({ type: "lines", lines: [line(0, "2024-05-01T12:00:01Z", "zero-a"), line(0, "2024-05-01T12:00:03Z", "zero-b")] });
    send({ type: "lines", lines: [line(1, "2024-05-01T12:00:02.5Z", "one-a")] });
    expect(texts()).toEqual(["zero-a", "one-a", "zero-b"]);
    expect(screen.getAllByTestId("log-line").map((l) => l.dataset.ordinal)).toEqual(["0", "1", "0"]);
    expect(screen.getAllByTestId("log-line")[1]!.querySelector(".log__badge")).toHaveTextContent("1");
  });

  it("marks init containers in the container selector", async () => {
    renderLogs(1);
    await started();
    const select = screen.getByTestId<HTMLSelectElement>("log-container");
    await waitFor(() => expect([...select.options].map((o) => o.textContent)).toEqual(["Main container", "postgres", "init-perms (init)"]));
  });

  it("hides an ordinal with its chip", async () => {
    const user = userEvent.setup();
    renderLogs(null);
    await started();
    send({ type: "lines", lines: [line(0, "2024-05-01T12:00:01Z", "zero"), line(2, "2024-05-01T12:00:02Z", "two")] });
    const chip = screen.getAllByTestId("log-ordinal-chip").find((c) => c.dataset.ordinal === "0")!;
    await user.click(chip);
    expect(texts()).toEqual(["two"]);
    expect(chip).toHaveAttribute("aria-pressed", "false");
  });

  it("renders boundaries as separators", async () => {
    renderLogs(1);
    await started();
    send({ type: "lines", lines: [line(1, "2024-05-01T12:00:01Z", "before")] });
    send({ type: "boundary", ordinal: 1, pod: "pg-1", reason: "newPod", startedAt: null });
    send({ type: "boundary", ordinal: 1, pod: "pg-1", reason: "containerRestart", startedAt: null });
    const b = screen.getAllByTestId("log-boundary");
    expect(b[0]).toHaveTextContent("pg-1 restarted: new pod");
    expect(b[0]!.dataset.reason).toBe("newPod");
    expect(b[1]).toHaveTextContent("pg-1 restarted: container restarted");
  });

  it("shows every state of the stream's health, never silently", async () => {
    renderLogs(null);
    await started();
    const health = () => screen.getByTestId("log-health");
    expect(health().dataset.state).toBe("connecting");
    send({ type: "health", ordinal: 0, health: { state: "live" } });
    send({ type: "health", ordinal: 1, health: { state: "live" } });
    expect(health().dataset.state).toBe("live");
    send({ type: "health", ordinal: 1, health: { state: "reconnecting", attempt: 2, reason: "connection reset" } });
    expect(health()).toHaveTextContent("Reconnecting (attempt 2): connection reset");
    send({ type: "health", ordinal: 1, health: { state: "waiting", reason: "pod pg-1 not there" } });
    expect(health()).toHaveTextContent("Waiting: pod pg-1 not there");
    send({ type: "health", ordinal: null, health: { state: "ended", reason: "Forbidden: cannot get pods/log" } });
    expect(health().dataset.state).toBe("ended");
    expect(screen.getByTestId("log-restart")).toBeInTheDocument();
  });

  it("reports a stream that could not start", async () => {
    backend.on("watch_logs", () => {
      throw { code: "Forbidden", message: "cannot get pods/log in namespace db" };
    });
    renderLogs(0);
    await waitFor(() => expect(screen.getByTestId("log-health").dataset.state).toBe("failed"));
    expect(screen.getByTestId("log-health")).toHaveTextContent("Forbidden: cannot get pods/log in namespace db");
  });

  it("keeps at most the buffer's lines (the setting) and says how many older ones were dropped", async () => {
    installBackend({ settings: { ...settingsWith({ language: "en", theme: "light" }), logBufferLines: 1000 } });
    backend.on("watch_logs", () => 71).on("pod_targets", () => targets);
    renderLogs(0);
    await started();
    await waitFor(() => expect(backend.callsOf("get_settings")).toHaveLength(1));
    await act(async () => {});
    send({ type: "lines", lines: Array.from({ length: 1005 }, (_, i) => line(0, null, `l${i}`)) });
    expect(screen.getByTestId("log-dropped")).toHaveTextContent("5 older lines dropped");
    expect(screen.getByTestId("log-dropped").dataset.dropped).toBe("5");
    // virtualised: far fewer rows in the DOM than lines
    expect(screen.getAllByTestId("log-line").length).toBeLessThan(200);
  });

  it("searches with next/previous and counts the matches", async () => {
    const user = userEvent.setup();
    renderLogs(0);
    await started();
    send({ type: "lines", lines: [line(0, null, "ERROR one"), line(0, null, "fine"), line(0, null, "\u001b[31merror\u001b[0m two"), line(0, null, "Error three")] });
    await user.type(screen.getByTestId("log-search"), "error");
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("1/3");
    expect(document.querySelectorAll(".log__mark")).toHaveLength(3);
    await user.click(screen.getByTestId("log-search-next"));
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("2/3");
    expect(document.querySelector(".log__line.is-current .log__text")).toHaveTextContent("error two");
    await user.click(screen.getByTestId("log-search-prev"));
    await user.click(screen.getByTestId("log-search-prev"));
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("3/3");
    await user.type(screen.getByTestId("log-search"), "{Enter}");
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("1/3");
  });

  it("pauses following when scrolled up and counts the new lines in a pill", async () => {
    const user = userEvent.setup();
    renderLogs(0);
    await started();
    send({ type: "lines", lines: Array.from({ length: 50 }, (_, i) => line(0, null, `l${i}`)) });
    const view = screen.getByTestId("log-view");
    Object.defineProperty(view, "scrollHeight", { configurable: true, value: 900 });
    Object.defineProperty(view, "clientHeight", { configurable: true, value: 300 });
    view.scrollTop = 100;
    fireEvent.scroll(view);
    expect(view.dataset.atBottom).toBe("false");
    send({ type: "lines", lines: [line(0, null, "new1"), line(0, null, "new2")] });
    expect(screen.getByTestId("log-new-lines")).toHaveTextContent("2 new lines");
    await user.click(screen.getByTestId("log-new-lines"));
    expect(screen.queryByTestId("log-new-lines")).toBeNull();
    expect(view.dataset.atBottom).toBe("true");
  });

  it("cuts very long lines and expands them on request", async () => {
    const user = userEvent.setup();
    renderLogs(0);
    await started();
    send({ type: "lines", lines: [line(0, null, "x".repeat(10000))] });
    const row = screen.getByTestId("log-line");
    expect(row.querySelector(".log__text")!.textContent).toHaveLength(2000);
    await user.click(within(row).getByRole("button", { name: "… show 8,000 more characters" }));
    expect(screen.getByTestId("log-line").querySelector(".log__text")!.textContent).toHaveLength(10000);
  });

  it("restarts the stream when the options change and stops it (keeping the lines) when follow is off", async () => {
    const user = userEvent.setup();
    renderLogs(0);
    await started();
    send({ type: "lines", lines: [line(0, null, "kept")] });
    await user.click(screen.getByTestId("log-follow"));
    await waitFor(() => expect(backend.callsOf("unwatch")[0]?.args).toEqual({ id: 71 }));
    expect(texts()).toEqual(["kept"]);
    expect(screen.getByTestId("log-health").dataset.state).toBe("paused");
    await user.click(screen.getByTestId("log-previous"));
    await waitFor(() => expect(backend.callsOf("watch_logs")).toHaveLength(2));
    expect(backend.callsOf("watch_logs")[1]?.args.request).toMatchObject({ previous: true, follow: false });
  });
});
