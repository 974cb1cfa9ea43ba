import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ContextList } from "../api";
import { App } from "../App";
import { backend } from "../test/fakeTauri";
import { contextList, ctx, installBackend, settingsWith } from "../test/fixtures";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

/** Pushes a ContextList down the live watch_contexts channel, as the backend would. */
function emitContexts(list: ContextList) {
  act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(list));
}

function contextNames(): (string | null)[] {
  const list = screen.getByTestId("context-list");
  return within(list)
    .queryAllByTestId("context-item")
    .map((el) => el.getAttribute("data-context"));
}

async function renderApp(strict = false) {
  const utils = render(strict ? <StrictMode><App /></StrictMode> : <App />);
  await waitFor(() => expect(backend.callsOf("watch_contexts").length).toBeGreaterThan(0));
  return utils;
}

beforeEach(() => {
  installBackend();
});

describe("context list stream", () => {
  it("renders the contexts delivered through watch_contexts and follows later events", async () => {
    await renderApp();
    expect(screen.getByTestId("app-shell")).toBeInTheDocument();

    emitContexts(contextList([ctx("prod-eu", { current: true }), ctx("staging", { authKind: "exec" })]));
    expect(contextNames()).toEqual(["prod-eu", "staging"]);
    const prod = screen.getAllByTestId("context-item")[0]!;
    expect(within(prod).getByText("Current context")).toBeInTheDocument();
    expect(within(prod).getByText("cert")).toBeInTheDocument();

    // A kubeconfig file changed: the backend sends the new list.
    emitContexts(contextList([ctx("prod-eu", { current: true }), ctx("staging"), ctx("kafka-us")]));
    expect(contextNames()).toEqual(["prod-eu", "staging", "kafka-us"]);

    // The cluster switcher follows the same list and starts on the current context.
    const switcher = screen.getByTestId<HTMLSelectElement>("cluster-switcher");
    expect(switcher.value).toBe("prod-eu");
    expect([...switcher.options].map((o) => o.value)).toEqual(["prod-eu", "staging", "kafka-us"]);
  });

  it("keeps exactly one live subscription under StrictMode and unwatches the other", async () => {
    await renderApp(true);
    await waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
    const watches = backend.callsOf("watch_contexts");
    expect(watches).toHaveLength(2);

    // The torn-down channel may still deliver a late event: it must not reach the DOM.
    act(() => backend.channelOf<ContextList>("watch_contexts", 0).onmessage(contextList([ctx("stale")])));
    emitContexts(contextList([ctx("live", { current: true })]));
    expect(contextNames()).toEqual(["live"]);
    act(() => backend.channelOf<ContextList>("watch_contexts", 0).onmessage(contextList([ctx("stale")])));
    expect(contextNames()).toEqual(["live"]);
  });

  it("unwatches when the app unmounts", async () => {
    const { unmount } = await renderApp();
    await act(async () => {});
    unmount();
    await waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
    expect(backend.callsOf("unwatch")[0]?.args).toEqual({ id: 40 });
  });

  it("shows the selected context's StatefulSets nav item and an honest empty state", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("prod-eu", { current: true }), ctx("staging")]));
    expect(screen.getByTestId("page-title")).toHaveTextContent("StatefulSets");
    expect(screen.getByText("Connect to a cluster to see its StatefulSets")).toBeInTheDocument();
    expect(within(screen.getAllByTestId("context-item")[0]!).getByTestId("nav-statefulsets")).toBeInTheDocument();

    await user.click(within(screen.getAllByTestId("context-item")[1]!).getByRole("button", { name: /staging/ }));
    expect(within(screen.getAllByTestId("context-item")[1]!).getByTestId("nav-statefulsets")).toBeInTheDocument();
    expect(screen.getByTestId<HTMLSelectElement>("cluster-switcher").value).toBe("staging");
    expect(screen.getByText("staging · all namespaces")).toBeInTheDocument();
  });
});

describe("top bar", () => {
  it("switches cluster and namespace, and the page follows", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("prod-eu", { current: true, namespace: "kafka" }), ctx("staging")]));
    // Like kubectl, the context's own namespace first.
    expect(screen.getByText("prod-eu · namespace kafka")).toBeInTheDocument();
    await user.clear(screen.getByTestId("namespace-select"));
    expect(screen.getByText("prod-eu · all namespaces")).toBeInTheDocument();

    await user.type(screen.getByTestId("namespace-select"), "kafka");
    expect(screen.getByText("prod-eu · namespace kafka")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("cluster-switcher"), "staging");
    expect(screen.getByText("staging · all namespaces")).toBeInTheDocument();
    expect(screen.getByTestId("namespace-select")).toHaveValue("");
    expect(screen.getByTestId("context-list").querySelector('[data-selected="true"]')).toHaveAttribute(
      "data-context",
      "staging",
    );

    // Each context remembers its own namespace filter.
    await user.selectOptions(screen.getByTestId("cluster-switcher"), "prod-eu");
    expect(screen.getByTestId("namespace-select")).toHaveValue("kafka");
  });

  it("keeps the selection when the list changes, and falls back when the context disappears", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("a", { current: true }), ctx("b")]));
    await user.selectOptions(screen.getByTestId("cluster-switcher"), "b");
    emitContexts(contextList([ctx("a", { current: true }), ctx("b"), ctx("c")]));
    expect(screen.getByTestId<HTMLSelectElement>("cluster-switcher").value).toBe("b");
    emitContexts(contextList([ctx("a", { current: true }), ctx("c")]));
    expect(screen.getByTestId<HTMLSelectElement>("cluster-switcher").value).toBe("a");
  });
});

describe("errors", () => {
  it("shows the IpcError from list_contexts when the stream cannot start", async () => {
    backend
      .on("watch_contexts", () => {
        throw { code: "InvalidKubeconfig", message: "watch failed" };
      })
      .on("list_contexts", () => {
        throw {
          code: "InvalidKubeconfig",
          message: "/home/op/.kube/config: mapping values are not allowed here",
          detail: "line 12, column 7",
        };
      });
    render(<App />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("/home/op/.kube/config: mapping values are not allowed here");
    expect(alert).toHaveTextContent("InvalidKubeconfig");
    expect(screen.getByText("Contexts unavailable")).toBeInTheDocument();
  });

  it("shows the IpcError when a manual reload of the context list fails", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("prod-eu", { current: true })]));
    await user.click(screen.getByTestId("nav-contexts"));
    backend.on("list_contexts", () => {
      throw { code: "KeyringUnavailable", message: "the keyring is locked" };
    });
    await user.click(await screen.findByTestId("contexts-reload"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("the keyring is locked");
    expect(alert).toHaveTextContent("KeyringUnavailable");
    // The last good list stays visible under the error.
    expect(screen.getByTestId("contexts-table")).toHaveTextContent("prod-eu");
  });

  it("falls back to list_contexts when live updates are unavailable", async () => {
    backend
      .on("watch_contexts", () => {
        throw { code: "Internal", message: "inotify limit reached" };
      })
      .on("list_contexts", () => contextList([ctx("prod-eu", { current: true })]));
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(contextNames()).toEqual(["prod-eu"]));
    await user.click(screen.getByTestId("nav-contexts"));
    expect(screen.getByTestId("live-unavailable")).toHaveTextContent("inotify limit reached");
  });
});

describe("settings", () => {
  it("switching the language to 简体中文 translates the shell and saves the setting", async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    await waitFor(() => expect(screen.getByTestId("page-title")).toHaveTextContent("Settings"));
    await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>("settings-language").value).toBe("en"));

    await user.selectOptions(screen.getByTestId("settings-language"), "zh-CN");

    expect(screen.getByTestId("page-title")).toHaveTextContent("设置");
    expect(screen.getByTestId("nav-contexts")).toHaveTextContent("上下文");
    expect(screen.getByText("集群", { selector: ".sidebar__heading span" })).toBeInTheDocument();
    expect(screen.getByTestId("namespace-select")).toHaveAttribute("placeholder", "所有命名空间");
    expect(document.documentElement.lang).toBe("zh-CN");
    await waitFor(() =>
      expect(backend.callsOf("set_settings").map((c) => c.args)).toEqual([
        { settings: settingsWith({ language: "zh-CN", theme: "light" }) },
      ]),
    );
  });

  it("applies the theme setting to <html data-theme>", async () => {
    const user = userEvent.setup();
    await renderApp();
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("light"));
    await user.click(screen.getByTestId("nav-settings"));
    await user.selectOptions(screen.getByTestId("settings-theme"), "dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    await waitFor(() => expect(backend.callsOf("set_settings")).toHaveLength(1));
  });

  it("follows the OS language when the setting is system", async () => {
    installBackend({ settings: settingsWith({ language: "system", theme: "system" }) });
    const spy = vi.spyOn(navigator, "languages", "get").mockReturnValue(["zh-CN", "en"]);
    await renderApp();
    await waitFor(() => expect(document.documentElement.lang).toBe("zh-CN"));
    expect(screen.getByTestId("nav-settings")).toHaveTextContent("设置");
    spy.mockRestore();
  });

  it("paints the last known language before get_settings answers, then follows the backend", async () => {
    window.localStorage.setItem("ordinal.settings", JSON.stringify({ language: "zh-CN", theme: "dark" }));
    let answer: (s: unknown) => void = () => {};
    backend.on("get_settings", () => new Promise((resolve) => (answer = resolve)));
    await renderApp();
    expect(screen.getByTestId("nav-settings")).toHaveTextContent("设置");
    expect(document.documentElement.dataset.theme).toBe("dark");
    await act(async () => answer({ language: "en", theme: "light" }));
    expect(screen.getByTestId("nav-settings")).toHaveTextContent("Settings");
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("reverts and shows the error when saving fails", async () => {
    backend.on("set_settings", () => {
      throw { code: "Internal", message: "disk full" };
    });
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>("settings-language").value).toBe("en"));
    await user.selectOptions(screen.getByTestId("settings-language"), "zh-CN");
    expect(await screen.findByRole("alert")).toHaveTextContent("disk full");
    expect(screen.getByTestId<HTMLSelectElement>("settings-language").value).toBe("en");
    expect(screen.getByTestId("page-title")).toHaveTextContent("Settings");
  });

  it("shows the app version from app_info in the sidebar and in Settings", async () => {
    const user = userEvent.setup();
    await renderApp();
    expect(await screen.findByTestId("app-version")).toHaveTextContent("v0.1.0");
    await user.click(screen.getByTestId("nav-settings"));
    const versions = screen.getAllByTestId("app-version");
    expect(versions).toHaveLength(2);
    expect(versions[1]).toHaveTextContent("0.1.0");
    expect(screen.getByText("/home/op/.local/share/ordinal")).toBeInTheDocument();
  });
});

describe("keyboard", () => {
  it("/ focuses the search box", async () => {
    const user = userEvent.setup();
    await renderApp();
    expect(screen.getByTestId("search-input")).not.toHaveFocus();
    await user.keyboard("/");
    expect(screen.getByTestId("search-input")).toHaveFocus();
    expect(screen.getByTestId("search-input")).toHaveValue("");
  });

  it("/ types a slash while in another input instead of jumping to search", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("prod-eu", { current: true })]));
    const ns = screen.getByTestId("namespace-select");
    await user.click(ns);
    await user.keyboard("kafka/");
    expect(ns).toHaveFocus();
    expect(ns).toHaveValue("kafka/");
    expect(screen.getByTestId("search-input")).not.toHaveFocus();
  });

  it("Escape in the search box clears it, then leaves it", async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("/");
    await user.keyboard("kafka");
    expect(screen.getByTestId("search-input")).toHaveValue("kafka");
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("search-input")).toHaveValue("");
    expect(screen.getByTestId("search-input")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("search-input")).not.toHaveFocus();
  });

  it("arrow keys move between clusters in the sidebar and Enter selects one", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([ctx("a", { current: true }), ctx("b"), ctx("c")]));
    const buttonOf = (name: string) =>
      within(screen.getByTestId("context-list").querySelector(`[data-context="${name}"]`) as HTMLElement).getByRole(
        "button",
        { name: new RegExp(`^${name}`) },
      );
    buttonOf("a").focus();
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(buttonOf("c")).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(buttonOf("b")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId<HTMLSelectElement>("cluster-switcher").value).toBe("b");
  });

  it("? opens the shortcuts overlay and Escape closes it", async () => {
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("?");
    const dialog = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(dialog).toHaveTextContent("Focus search");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});

describe("contexts page", () => {
  it("lists every context with its details and the kubeconfig problems with file:line:col", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(
      contextList(
        [
          ctx("prod-eu", { current: true, namespace: "kafka" }),
          ctx("redis-ap", { server: null, authKind: "token", secretLocation: "keyring" }),
        ],
        {
          problems: [
            { file: "/home/op/.kube/extra.yaml", context: "redis-ap", line: 14, column: 3, message: "unknown field \"userz\"" },
            { file: "/home/op/.kube/broken.yaml", context: null, line: null, column: null, message: "not a kubeconfig" },
          ],
          sources: ["/home/op/.kube/config", "/home/op/.kube/extra.yaml"],
        },
      ),
    );
    await user.click(screen.getByTestId("nav-contexts"));
    expect(screen.getByTestId("page-title")).toHaveTextContent("Contexts");
    const rows = screen.getAllByTestId("contexts-row");
    expect(rows.map((r) => r.getAttribute("data-context"))).toEqual(["prod-eu", "redis-ap"]);
    expect(rows[0]).toHaveTextContent("kafka");
    expect(rows[1]).toHaveTextContent("Keyring");
    const problems = screen.getAllByTestId("kubeconfig-problem");
    expect(problems[0]).toHaveTextContent('/home/op/.kube/extra.yaml:14:3unknown field "userz"');
    expect(problems[1]).toHaveTextContent("/home/op/.kube/broken.yaml");
    expect(screen.getByTestId("problems-count")).toHaveTextContent("2");

    // The search box filters the table.
    await user.type(screen.getByTestId("search-input"), "redis");
    expect(screen.getAllByTestId("contexts-row").map((r) => r.getAttribute("data-context"))).toEqual(["redis-ap"]);
  });

  it("explains where kubeconfig comes from when there is none", async () => {
    const user = userEvent.setup();
    await renderApp();
    emitContexts(contextList([]));
    expect(screen.getByText("No contexts found")).toBeInTheDocument();
    await user.click(screen.getByTestId("nav-contexts"));
    expect(screen.getByText("No kubeconfig found")).toBeInTheDocument();
    expect(screen.getByText(/KUBECONFIG/)).toHaveTextContent("~/.kube/config");
  });
});
