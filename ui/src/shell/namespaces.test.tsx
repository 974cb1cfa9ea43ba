import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RowsEvent } from "../api";
import { backend } from "../test/fakeTauri";
import { settingsWith } from "../test/fixtures";
import { installStsBackend, openList, row } from "../test/sts";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

beforeEach(() => installStsBackend(settingsWith({ language: "en", theme: "light" })));

describe("namespace multi-select", () => {
  it("watches one, several or all namespaces (several as one scope), picked or typed", async () => {
    const user = userEvent.setup();
    await openList({ rows: [row("pg"), row("kafka", { namespace: "stream" }), row("redis", { namespace: "cache" })] });

    await user.click(screen.getByTestId("namespace-picker"));
    expect(screen.getByTestId("ns-all")).toBeChecked();
    await user.click(screen.getByTestId("ns-option-db"));
    await user.click(screen.getByTestId("ns-option-stream"));
    await waitFor(() => expect(backend.callsOf("watch_rows").at(-1)?.args.scope).toEqual({ namespaces: ["db", "stream"] }));
    expect(screen.getByTestId("namespace-select")).toHaveValue("db, stream");
    expect(screen.getByText("prod-eu · namespaces db, stream")).toBeInTheDocument();
    act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "reset", rows: [row("pg"), row("kafka", { namespace: "stream" })] }));
    // several namespaces: the namespace column is shown
    expect(screen.getByTestId("sort-namespace")).toBeInTheDocument();

    // another namespace typed into the picker
    await user.type(screen.getByTestId("ns-add"), "logs{Enter}");
    await waitFor(() => expect(backend.callsOf("watch_rows").at(-1)?.args.scope).toEqual({ namespaces: ["db", "stream", "logs"] }));

    await user.click(screen.getByTestId("ns-all"));
    await waitFor(() => expect(backend.callsOf("watch_rows").at(-1)?.args.scope).toEqual({ namespaces: [] }));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("namespace-picker-panel")).not.toBeInTheDocument();

    // typed with commas
    await user.type(screen.getByTestId("namespace-select"), "cache,db");
    await waitFor(() => expect(backend.callsOf("watch_rows").at(-1)?.args.scope).toEqual({ namespaces: ["cache", "db"] }));
  });
});
