import type { AppInfo, ContextList, ContextSummary, Settings } from "../api";
import { defaultSettings } from "../state/settings";
import { backend } from "./fakeTauri";

/** Settings with the given fields, the rest at their defaults. */
export function settingsWith(s: Partial<Settings>): Settings {
  return { ...defaultSettings, ...s };
}

export function ctx(name: string, extra: Partial<ContextSummary> = {}): ContextSummary {
  return {
    name,
    cluster: `${name}-cluster`,
    server: `https://${name}.example.internal:6443`,
    user: `${name}-admin`,
    namespace: null,
    current: false,
    sourceFile: "/home/op/.kube/config",
    authKind: "cert",
    secretLocation: "file",
    exec: null,
    ...extra,
  };
}

export function contextList(contexts: ContextSummary[], extra: Partial<ContextList> = {}): ContextList {
  return {
    contexts,
    currentContext: contexts.find((c) => c.current)?.name ?? null,
    problems: [],
    sources: contexts.length > 0 ? ["/home/op/.kube/config"] : [],
    revision: "r1",
    ...extra,
  };
}

export const info: AppInfo = {
  version: "0.1.0",
  platform: "linux",
  dataDir: "/home/op/.local/share/ordinal",
  logDir: "/home/op/.local/state/ordinal/logs",
};

/**
 * A backend with every command the shell calls. `watch_contexts` resolves with a resource id
 * and sends nothing: tests push events through `backend.channelOf("watch_contexts")`.
 */
export function installBackend(opts: { settings?: Settings; list?: ContextList } = {}) {
  let settings: Settings = opts.settings ?? settingsWith({ language: "en", theme: "light" });
  let nextId = 40;
  backend.reset();
  backend
    .on("app_info", () => info)
    .on("get_settings", () => settings)
    .on("set_settings", (args) => {
      settings = args.settings as Settings;
      return settings;
    })
    .on("list_contexts", () => opts.list ?? contextList([]))
    .on("watch_contexts", () => nextId++)
    .on("unwatch", () => null);
}
