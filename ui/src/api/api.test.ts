import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend } from "../test/fakeTauri";
import { appInfo, isIpcError, listContexts, setSettings, subscribe, toIpcError } from ".";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

describe("IpcError normalisation", () => {
  it("recognises the IpcError shape and only it", () => {
    expect(isIpcError({ code: "Forbidden", message: "no" })).toBe(true);
    expect(isIpcError({ code: "Forbidden", message: "no", detail: "reason" })).toBe(true);
    expect(isIpcError({ code: "Teapot", message: "no" })).toBe(false);
    expect(isIpcError({ code: "Forbidden" })).toBe(false);
    expect(isIpcError("Forbidden")).toBe(false);
    expect(isIpcError(null)).toBe(false);
  });

  it("turns strings, Errors and junk into Internal errors", () => {
    expect(toIpcError("boom")).toEqual({ code: "Internal", message: "boom" });
    expect(toIpcError('{"code":"NotFound","message":"gone"}')).toEqual({ code: "NotFound", message: "gone" });
    expect(toIpcError(new TypeError("x is undefined"))).toEqual({ code: "Internal", message: "x is undefined" });
    expect(toIpcError({ message: "odd", code: 7 })).toEqual({ code: "Internal", message: "odd" });
    expect(toIpcError(42).code).toBe("Internal");
    const e = { code: "Unreachable", message: "dial tcp: i/o timeout", detail: "10.0.0.1:6443" };
    expect(toIpcError(e)).toBe(e);
  });

  it("rejects command calls with an IpcError", async () => {
    backend.reset();
    backend.on("list_contexts", () => {
      throw "kubeconfig: permission denied";
    });
    await expect(listContexts()).rejects.toEqual({ code: "Internal", message: "kubeconfig: permission denied" });
  });

  it("says so when there is no Tauri backend at all", async () => {
    backend.reset();
    backend.on("app_info", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'invoke')");
    });
    await expect(appInfo()).rejects.toMatchObject({ code: "Internal", message: expect.stringContaining("no Tauri backend") });
  });

  it("sends set_settings its argument as { settings }", async () => {
    backend.reset();
    backend.on("set_settings", (a) => a.settings);
    const s = { language: "zh-CN", theme: "dark", protection: { prod: "production" }, execOverrides: {}, secureOnImport: true, stopAnnotation: false, shellCommand: null, logBufferLines: 100000 } as const;
    await setSettings(s);
    expect(backend.callsOf("set_settings")[0]?.args).toEqual({ settings: s });
  });
});

describe("subscribe", () => {
  beforeEach(() => {
    backend.reset();
    backend.on("watch_things", () => 7).on("unwatch", () => null);
  });

  it("passes a channel as onEvent, delivers events, and unwatches by id", async () => {
    const seen: number[] = [];
    const unsubscribe = await subscribe<number>("watch_things", { scope: "a" }, (n) => seen.push(n));
    const call = backend.callsOf("watch_things")[0];
    expect(call?.args.scope).toBe("a");
    const channel = backend.channelOf<number>("watch_things");
    channel.onmessage(1);
    channel.onmessage(2);
    expect(seen).toEqual([1, 2]);

    await unsubscribe();
    expect(backend.callsOf("unwatch").map((c) => c.args)).toEqual([{ id: 7 }]);
    channel.onmessage(3);
    expect(seen).toEqual([1, 2]);

    await unsubscribe();
    expect(backend.callsOf("unwatch")).toHaveLength(1);
  });

  it("delivers an event sent before the command resolves", async () => {
    backend.on("watch_things", (args) => {
      (args.onEvent as { onmessage: (n: number) => void }).onmessage(99);
      return 8;
    });
    const seen: number[] = [];
    await subscribe<number>("watch_things", {}, (n) => seen.push(n));
    expect(seen).toEqual([99]);
  });

  it("rejects with the IpcError when the stream cannot start, and stays silent", async () => {
    backend.on("watch_things", () => {
      throw { code: "InvalidKubeconfig", message: "bad yaml" };
    });
    const seen: number[] = [];
    await expect(subscribe<number>("watch_things", {}, (n) => seen.push(n))).rejects.toEqual({
      code: "InvalidKubeconfig",
      message: "bad yaml",
    });
    backend.channelOf<number>("watch_things").onmessage(1);
    expect(seen).toEqual([]);
  });

  it("never rejects from unsubscribe, even if unwatch fails", async () => {
    backend.on("unwatch", () => {
      throw { code: "NotFound", message: "no such stream" };
    });
    const unsubscribe = await subscribe<number>("watch_things", {}, () => {});
    await expect(unsubscribe()).resolves.toBeUndefined();
  });
});
