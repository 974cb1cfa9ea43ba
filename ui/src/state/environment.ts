// Follows the OS: colour scheme and preferred languages, re-rendering when either changes.
import { useEffect, useState } from "react";
import type { Language, Theme } from "../api";
import { resolveLocale, type Locale } from "../i18n";

export type ResolvedTheme = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function darkQuery(): MediaQueryList | null {
  return typeof window !== "undefined" && typeof window.matchMedia === "function"
    ? window.matchMedia(DARK_QUERY)
    : null;
}

export function systemTheme(): ResolvedTheme {
  return darkQuery()?.matches ? "dark" : "light";
}

export function useSystemTheme(): ResolvedTheme {
  const [theme, setTheme] = useState<ResolvedTheme>(systemTheme);
  useEffect(() => {
    const mq = darkQuery();
    if (!mq) return;
    const onChange = () => setTheme(mq.matches ? "dark" : "light");
    onChange();
    mq.addEventListener?.("change", onChange);
    return () => mq.removeEventListener?.("change", onChange);
  }, []);
  return theme;
}

export function useResolvedTheme(setting: Theme): ResolvedTheme {
  const system = useSystemTheme();
  return setting === "system" ? system : setting;
}

/** The language setting resolved against the OS locale, updated on `languagechange`. */
export function useResolvedLocale(setting: Language): Locale {
  const [, bump] = useState(0);
  useEffect(() => {
    const onChange = () => bump((n) => n + 1);
    window.addEventListener("languagechange", onChange);
    return () => window.removeEventListener("languagechange", onChange);
  }, []);
  return resolveLocale(setting);
}

/**
 * Mirrors the resolved theme and language onto <html> (data-theme, lang, color-scheme). `lang`
 * follows only once the language's catalogue is loaded (`localeLoaded`): until then the text is
 * still the previous language, and whoever waits for `lang` (the E2E tests) reads the new one.
 */
export function useDocumentAttributes(theme: ResolvedTheme, locale: Locale, localeLoaded = true) {
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  }, [theme]);
  useEffect(() => {
    if (localeLoaded) document.documentElement.lang = locale;
  }, [locale, localeLoaded]);
}
