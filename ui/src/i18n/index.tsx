import { createContext, useContext, useMemo, type ReactNode } from "react";
import type { Language } from "../api";
import { en } from "./en";
import type { Catalogue, Locale, MessageKey, ParamsFor, Translate } from "./types";
import { zhCN } from "./zh-CN";

export type { Catalogue, Locale, MessageKey, Translate } from "./types";

export const catalogues: Record<Locale, Catalogue> = { en, "zh-CN": zhCN };

/**
 * Replaces `{name}` with `params.name`; an unknown placeholder is left as written. English plurals:
 * `{count|# StatefulSet|# StatefulSets}` picks the first form for 1 and the second otherwise,
 * with `#` standing for the number (Chinese has no plural forms and writes `{count}`).
 */
export function interpolate(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (whole, name: string, one?: string, other?: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const value = String(params[name]);
    if (one === undefined || other === undefined) return value;
    return (Number(value) === 1 ? one : other).replace(/#/g, value);
  });
}

export function translate<K extends MessageKey>(locale: Locale, key: K, ...params: ParamsFor<K>): string {
  const template = catalogues[locale][key] ?? en[key] ?? key;
  return interpolate(template, params[0] as Record<string, string | number> | undefined);
}

export function makeT(locale: Locale): Translate {
  return (key, ...params) => translate(locale, key, ...params);
}

/** The OS/browser locale: anything starting with "zh" is Simplified Chinese, the rest English. */
export function systemLocale(languages: readonly string[] | undefined = navigatorLanguages()): Locale {
  const first = languages?.find((l) => typeof l === "string" && l.length > 0);
  return first && first.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

function navigatorLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  if (navigator.languages && navigator.languages.length > 0) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

export function resolveLocale(setting: Language, languages?: readonly string[]): Locale {
  return setting === "system" ? systemLocale(languages) : setting;
}

type I18n = { locale: Locale; t: Translate };

const I18nContext = createContext<I18n>({ locale: "en", t: makeT("en") });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: makeT(locale) }), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The translator for the current language. */
export function useT(): Translate {
  return useContext(I18nContext).t;
}

export function useLocale(): Locale {
  return useContext(I18nContext).locale;
}

/** True when `key` is in the catalogue. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * A translator for keys that arrive as data from the backend (status keys, doctor findings).
 * An unknown key is shown as written, so nothing is silently hidden.
 */
export type TranslateData = (key: string, params?: Record<string, string | number>) => string;

export function useTx(): TranslateData {
  const locale = useLocale();
  return useMemo<TranslateData>(
    () => (key, params) => {
      if (!isMessageKey(key)) return key;
      return interpolate(catalogues[locale][key] ?? en[key], params);
    },
    [locale],
  );
}
