import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { listKinds } from "./api";
import { App } from "./App";
import { milestone } from "./lib/marks";
import { sanePosixLocale } from "./lib/posixLocale";
import { boot } from "./state/boot";
import { isLocaleLoaded, loadLocale, resolveLocale } from "./i18n";
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
const locale = resolveLocale(initial.language);
document.documentElement.dataset.theme = initial.theme === "system" ? systemTheme() : initial.theme;
// Linux's webview pays for every font family it does not find: it gets shorter stacks (tokens.css).
if (/Linux/.test(navigator.userAgent) && !/Android/.test(navigator.userAgent)) document.documentElement.dataset.platform = "linux";

// Asked now, so the list has its columns the moment a cluster is connected.
void listKinds().catch(() => {});

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");
// The first render waits (at most 200 ms) for the contexts and the connections' statuses, so it
// can show the current cluster's list at once (see state/boot.ts), and, meanwhile, for the
// catalogue of the language it is painted in: only English is in this chunk, so a Chinese
// window fetches its own here (at once for English; a failed fetch leaves the text English).
const catalogue = loadLocale(locale).catch((e: unknown) => console.error(`catalogue ${locale} failed to load`, e));
void Promise.all([boot(200), catalogue]).then(() => {
  document.documentElement.lang = isLocaleLoaded(locale) ? locale : "en";
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
