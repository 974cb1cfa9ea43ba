import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import type { Language } from "../api";
import { en } from "./en";
import type { Catalogue, Locale, MessageKey, ParamsFor, Translate } from "./types";

export type { Catalogue, Locale, MessageKey, Translate } from "./types";

/**
 * The catalogues loaded so far. English is bundled with the start-up code (it is the fallback
 * for every missing key); every other language is a chunk of its own, fetched by `loadLocale`
 * when it is first used, so the window parses only the language it shows.
 */
const loaded: Partial<Record<Locale, Catalogue>> = { en };
export const catalogues: Readonly<Partial<Record<Locale, Catalogue>>> = loaded;

// Never import another language statically here (architecture.test.ts checks it): it would land
// in the start-up chunk again.
const loaders: Record<Exclude<Locale, "en">, () => Promise<Catalogue>> = {
  "zh-CN": () => import("./zh-CN").then((m) => m.zhCN),
};

const pending = new Map<Locale, Promise<void>>();
const listeners = new Set<() => void>();

/** Makes `catalogue` the one of `locale` (loadLocale does it; the unit tests' setup does it eagerly). */
export function registerCatalogue(locale: Locale, catalogue: Catalogue): void {
  if (loaded[locale] === catalogue) return;
  loaded[locale] = catalogue;
  for (const listener of [...listeners]) listener();
}

export function isLocaleLoaded(locale: Locale): boolean {
  return loaded[locale] !== undefined;
}

/**
 * Loads the catalogue of `locale` (at once for English and for a language already loaded). The
 * promise is kept, so asking again never fetches twice; one that failed is forgotten, so the next
 * call tries again. Until it resolves, `translate` answers in English.
 */
export function loadLocale(locale: Locale): Promise<void> {
  let promise = pending.get(locale);
  if (promise) return promise;
  if (locale === "en" || isLocaleLoaded(locale)) {
    promise = Promise.resolve();
  } else {
    promise = loaders[locale]().then(
      (catalogue) => registerCatalogue(locale, catalogue),
      (e: unknown) => {
        pending.delete(locale);
        throw e;
      },
    );
  }
  pending.set(locale, promise);
  return promise;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Whether the catalogue of `locale` is loaded, re-rendering when it arrives. */
export function useLocaleLoaded(locale: Locale): boolean {
  return useSyncExternalStore(subscribe, () => isLocaleLoaded(locale));
}

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
  const template = loaded[locale]?.[key] ?? en[key] ?? key;
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

type I18n = { locale: Locale; ready: boolean; t: Translate };

const I18nContext = createContext<I18n>({ locale: "en", ready: true, t: makeT("en") });

/**
 * Provides the translator of `locale`. A language whose catalogue is not loaded yet is loaded
 * here; until it arrives the text is English (`useLocale` still answers `locale`), and everything
 * re-renders in the language when it does.
 */
export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const ready = useLocaleLoaded(locale);
  useEffect(() => {
    if (!ready) loadLocale(locale).catch((e: unknown) => console.error(`catalogue ${locale} failed to load`, e));
  }, [locale, ready]);
  // `ready` is a dependency: the translator of a language that just arrived is a new value, so
  // every component using it renders again.
  const value = useMemo(() => ({ locale, ready, t: makeT(locale) }), [locale, ready]);
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
  const { locale, ready } = useContext(I18nContext);
  return useMemo<TranslateData>(
    () => (key, params) => {
      if (!isMessageKey(key)) return key;
      return interpolate(loaded[locale]?.[key] ?? en[key], params);
    },
    // `ready`: a new translator when the catalogue arrives, so its users render again.
    [locale, ready],
  );
}
