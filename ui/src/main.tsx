import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { listKinds } from "./api";
import { App } from "./App";
import { milestone } from "./lib/marks";
import { sanePosixLocale } from "./lib/posixLocale";
import { boot } from "./state/boot";
import { resolveLocale } from "./i18n";
import { systemTheme } from "./state/environment";
import { cachedSettings } from "./state/settings";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/components.css";
import "./styles/statefulsets.css";
import "./styles/contexts.css";
import "./styles/forms.css";

milestone("script");
sanePosixLocale();

// Paint the first frame in the last known theme and language (or the OS's); the settings the
// backend returns confirm or correct both a moment later.
const initial = cachedSettings();
document.documentElement.dataset.theme = initial.theme === "system" ? systemTheme() : initial.theme;
document.documentElement.lang = resolveLocale(initial.language);
// Linux's webview pays for every font family it does not find: it gets shorter stacks (tokens.css).
if (/Linux/.test(navigator.userAgent) && !/Android/.test(navigator.userAgent)) document.documentElement.dataset.platform = "linux";

// Asked now, so the list has its columns the moment a cluster is connected.
void listKinds().catch(() => {});

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");
// The first render waits (at most 200 ms) for the contexts and the connections' statuses, so it
// can show the current cluster's list at once (see state/boot.ts).
void boot(200).then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
