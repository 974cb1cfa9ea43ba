import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Milestone } from "../api";
import { backend } from "../test/fakeTauri";
import { milestone } from "./marks";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

describe("start-up milestones", () => {
  beforeEach(() => {
    backend.reset();
    backend.on("report_startup", () => null);
    performance.clearMarks();
  });

  it("records each milestone once and reports them all to the log with the first rows", async () => {
    milestone("mounted");
    milestone("mounted");
    milestone("connect");
    expect(performance.getEntriesByName("ordinal:mounted", "mark")).toHaveLength(1);
    expect(backend.callsOf("report_startup")).toHaveLength(0);

    milestone("first-rows");
    milestone("first-rows");
    await Promise.resolve();
    const calls = backend.callsOf("report_startup");
    expect(calls).toHaveLength(1);
    const marks = (calls[0]!.args as { marks: Milestone[] }).marks;
    const names = marks.map((m) => m.name);
    expect(names[0]).toBe("navigation");
    expect(names).toEqual(expect.arrayContaining(["mounted", "connect", "first-rows"]));
    const at = Object.fromEntries(marks.map((m) => [m.name, m.atMs]));
    // epoch milliseconds, in the order they happened
    expect(at["first-rows"]!).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(at["mounted"]!).toBeLessThanOrEqual(at["connect"]!);
    expect(at["connect"]!).toBeLessThanOrEqual(at["first-rows"]!);
    expect(Math.abs(at["first-rows"]! - Date.now())).toBeLessThan(5000);
  });
});
