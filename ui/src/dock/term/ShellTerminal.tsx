// The terminal of a Shell tab: xterm.js (DOM renderer) fitted to the panel, one exec session at
// a time. Loaded only through React.lazy (ShellPanel), so xterm stays out of the start-up chunk;
// only this folder may import @xterm (architecture.test.ts).
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef } from "react";
import { openShell, shellInput, shellResize, type IpcError, type ShellEvent } from "../../api";
import { useT } from "../../i18n";

export type ShellState =
  | { state: "connecting" }
  | { state: "running"; command: string[] }
  | { state: "exited"; code: number | null; message: string | null }
  | { state: "failed"; error: IpcError };

type Props = {
  tabId: string;
  context: string;
  namespace: string;
  pod: string;
  container: string | null;
  /** null: the user's setting (bash, then sh). */
  command: string[] | null;
  /** Bumped to open a new session (Reconnect). */
  session: number;
  onState: (s: ShellState) => void;
};

type TextReaders = Record<string, () => string>;

/** What the terminal shows, for the WebDriver tests: `window.__ordinalShellText(tabId)`. */
function readers(): TextReaders {
  const w = window as unknown as { __ordinalShellText?: (id?: string) => string; __ordinalShellReaders?: TextReaders };
  if (!w.__ordinalShellReaders) {
    const map: TextReaders = {};
    w.__ordinalShellReaders = map;
    w.__ordinalShellText = (id?: string) => {
      const key = id ?? Object.keys(map).at(-1);
      return key && map[key] ? map[key]() : "";
    };
  }
  return w.__ordinalShellReaders;
}

function themeFromTokens(el: HTMLElement) {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const ansi = Array.from({ length: 16 }, (_, i) => v(`--ansi-${i}`, ""));
  const [black, red, green, yellow, blue, magenta, cyan, white, brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite] = ansi;
  return {
    background: v("--term-bg", "#121417"),
    foreground: v("--term-fg", "#e4e7ec"),
    cursor: v("--accent", "#4c8dff"),
    selectionBackground: v("--term-selection", "rgba(96,150,255,.35)"),
    ...Object.fromEntries(
      Object.entries({ black, red, green, yellow, blue, magenta, cyan, white, brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite }).filter(([, c]) => c),
    ),
  };
}

export function ShellTerminal({ tabId, context, namespace, pod, container, command, session, onState }: Props) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const idRef = useRef<number | null>(null);
  const stateCb = useRef(onState);
  stateCb.current = onState;
  const tRef = useRef(t);
  tRef.current = t;

  // The terminal: created once per tab, kept while the tab lives (hidden tabs too).
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({
      fontFamily: getComputedStyle(el).getPropertyValue("--font-mono").trim() || "monospace",
      fontSize: 13,
      cursorBlink: true,
      scrollback: 10000,
      allowProposedApi: false,
      theme: themeFromTokens(el),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    termRef.current = term;
    fitRef.current = fit;
    const doFit = () => {
      if (el.clientWidth > 0 && el.clientHeight > 0) {
        try {
          fit.fit();
        } catch {
          // not laid out yet
        }
      }
    };
    doFit();

    const copySelection = () => {
      const sel = term.getSelection();
      if (sel) void navigator.clipboard?.writeText(sel).catch(() => {});
    };
    const paste = () => {
      void navigator.clipboard?.readText().then((text) => text && term.paste(text), () => {});
    };
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === "KeyC") {
        copySelection();
        return false;
      }
      if (e.code === "KeyV") {
        paste();
        return false;
      }
      return true;
    });
    const onContext = (e: MouseEvent) => {
      e.preventDefault();
      if (term.hasSelection()) copySelection();
      else paste();
    };
    el.addEventListener("contextmenu", onContext);
    const input = term.onData((data) => {
      if (idRef.current !== null) void shellInput(idRef.current, data).catch(() => {});
    });
    const resize = term.onResize(({ cols, rows }) => {
      if (idRef.current !== null) void shellResize(idRef.current, cols, rows).catch(() => {});
    });
    const ro = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(doFit);
    ro?.observe(el);
    // Light/dark switches restyle the terminal too.
    const themeWatch = new MutationObserver(() => {
      term.options.theme = themeFromTokens(el);
    });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    const map = readers();
    map[tabId] = () => {
      const b = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? "");
      while (lines.length && lines[lines.length - 1] === "") lines.pop();
      return lines.join("\n");
    };
    return () => {
      delete map[tabId];
      ro?.disconnect();
      themeWatch.disconnect();
      el.removeEventListener("contextmenu", onContext);
      input.dispose();
      resize.dispose();
      term.dispose();
      termRef.current = null;
    };
  }, [tabId]);

  // One session: opened on mount and on Reconnect, closed on unmount (the tab closes).
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    let cancelled = false;
    let close: (() => Promise<void>) | null = null;
    stateCb.current({ state: "connecting" });
    if (session > 0) term.write(`\r\n\x1b[2m${tRef.current("shell.reconnecting")}\x1b[0m\r\n`);
    const onEvent = (e: ShellEvent) => {
      if (cancelled) return;
      if (e.type === "output") term.write(e.data);
      else if (e.type === "started") stateCb.current({ state: "running", command: e.command });
      else if (e.type === "exit") {
        idRef.current = null;
        const line = e.code === null ? tRef.current("shell.exitedUnknown") : tRef.current("shell.exited", { code: e.code });
        term.write(`\r\n\x1b[2m${line}${e.message ? ` (${e.message})` : ""}\x1b[0m\r\n`);
        stateCb.current({ state: "exited", code: e.code, message: e.message });
      } else {
        idRef.current = null;
        term.write(`\r\n\x1b[31m${e.error.code}: ${e.error.message}\x1b[0m\r\n`);
        stateCb.current({ state: "failed", error: e.error });
      }
    };
    openShell({ context, namespace, pod, container, command, cols: term.cols, rows: term.rows }, onEvent).then(
      (s) => {
        if (cancelled) {
          void s.unsubscribe();
          return;
        }
        idRef.current = s.id;
        close = s.unsubscribe;
        term.focus();
      },
      (error: IpcError) => {
        if (cancelled) return;
        term.write(`\r\n\x1b[31m${error.code}: ${error.message}\x1b[0m\r\n`);
        stateCb.current({ state: "failed", error });
      },
    );
    return () => {
      cancelled = true;
      idRef.current = null;
      if (close) void close();
    };
    // The command and container are read when a session opens (Reconnect bumps `session`).
  }, [session, context, namespace, pod]);

  return <div ref={host} className="shell__term" data-testid="shell-term" data-tab={tabId} />;
}

export default ShellTerminal;
