// The real xterm.js terminal in jsdom (no layout: default 80×24): a session opens with the
// terminal's size, output is written, input goes to shell_input, exit is shown, the text is
// readable through window.__ordinalShellText, and unmounting closes the session.
import { act, render, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ShellEvent } from "../../api";
import { I18nProvider } from "../../i18n";
import { backend } from "../../test/fakeTauri";
import { ShellTerminal, type ShellState } from "./ShellTerminal";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const text = () => (window as unknown as { __ordinalShellText: (id?: string) => string }).__ordinalShellText("t9");
const flush = () => new Promise((r) => setTimeout(r, 30));

// jsdom lacks what xterm probes for (device-pixel-ratio media queries, a 2D canvas).
beforeEach(() => {
  window.matchMedia ??= ((q: string) => ({ matches: false, media: q, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as typeof HTMLCanvasElement.prototype.getContext;
  backend.reset();
  backend.on("open_shell", () => 55).on("shell_input", () => null).on("shell_resize", () => null).on("unwatch", () => null);
});

describe("ShellTerminal", () => {
  it("runs a session through xterm", async () => {
    const states: ShellState[] = [];
    const view = render(
      <I18nProvider locale="en">
        <ShellTerminal tabId="t9" context="prod-eu" namespace="db" pod="pg-1" container={null} command={["psql"]} session={0} onState={(s) => states.push(s)} />
      </I18nProvider>,
    );
    await waitFor(() => expect(backend.callsOf("open_shell")).toHaveLength(1));
    expect(backend.callsOf("open_shell")[0]?.args.request).toMatchObject({ context: "prod-eu", namespace: "db", pod: "pg-1", container: null, command: ["psql"], cols: 80, rows: 24 });
    await act(async () => {});
    const send = (e: ShellEvent) => act(() => backend.channelOf<ShellEvent>("open_shell").onmessage(e));
    send({ type: "started", command: ["psql"] });
    send({ type: "output", data: "postgres=# " });
    await act(flush);
    expect(text()).toContain("postgres=#");
    send({ type: "exit", code: 3, message: null });
    await act(flush);
    expect(text()).toContain("Process exited with code 3");
    expect(states.map((s) => s.state)).toEqual(["connecting", "running", "exited"]);
    view.unmount();
    await waitFor(() => expect(backend.callsOf("unwatch")[0]?.args).toEqual({ id: 55 }));
  });
});
