import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { getSettings, setSettings, type IpcError, type Settings } from "../api";
import { loadLocale, resolveLocale } from "../i18n";

export const defaultSettings: Settings = {
  language: "system",
  theme: "system",
  protection: {},
  execOverrides: {},
  secureOnImport: true,
  stopAnnotation: true,
  shellCommand: null,
  logBufferLines: 100000,
};

// The last settings the backend returned, kept only so the first frame of the next start is
// painted in the right theme and language. The backend's copy is the source of truth.
const CACHE_KEY = "ordinal.settings";

export function cachedSettings(): Settings {
  try {
    const raw = window.localStorage.getItem(CACHE_KEY);
    if (!raw) return defaultSettings;
    const v = JSON.parse(raw) as Partial<Settings>;
    const language = v.language === "en" || v.language === "zh-CN" ? v.language : "system";
    const theme = v.theme === "light" || v.theme === "dark" ? v.theme : "system";
    return { ...defaultSettings, language, theme };
  } catch {
    return defaultSettings;
  }
}

function cache(s: Settings) {
  try {
    window.localStorage.setItem(CACHE_KEY, JSON.stringify(s));
  } catch {
    // storage unavailable: only the first frame is affected
  }
}

export type SettingsState = {
  /** What the UI shows and applies: the saved settings, or a change being saved. */
  settings: Settings;
  loading: boolean;
  loadError: IpcError | null;
  saving: boolean;
  saveError: IpcError | null;
  update: (patch: Partial<Settings>) => Promise<void>;
};

const SettingsContext = createContext<SettingsState | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setLocal] = useState<Settings>(cachedSettings);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<IpcError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<IpcError | null>(null);
  // The last settings the backend confirmed; a failed save reverts to these.
  const confirmed = useRef<Settings>(settings);
  const current = useRef<Settings>(settings);
  // Bumped by every change, so a slow load or an older save never overwrites a newer choice.
  const generation = useRef(0);

  const apply = (s: Settings) => {
    current.current = s;
    // A language chosen for the first time has its catalogue fetched now, not a render later
    // (I18nProvider loads it too, and shows it when it arrives; failures are its to report).
    loadLocale(resolveLocale(s.language)).catch(() => {});
    setLocal(s);
  };

  useEffect(() => {
    let cancelled = false;
    const startedAt = generation.current;
    getSettings()
      .then((s) => {
        if (cancelled) return;
        confirmed.current = s;
        cache(s);
        if (generation.current === startedAt) apply(s);
        setLoadError(null);
      })
      .catch((e: IpcError) => {
        if (!cancelled) setLoadError(e);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const update = useCallback(async (patch: Partial<Settings>) => {
    const next = { ...current.current, ...patch };
    const mine = ++generation.current;
    apply(next);
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await setSettings(next);
      confirmed.current = saved;
      cache(saved);
      if (generation.current === mine) apply(saved);
    } catch (e) {
      if (generation.current === mine) {
        apply(confirmed.current);
        setSaveError(e as IpcError);
      }
    } finally {
      if (generation.current === mine) setSaving(false);
    }
  }, []);

  const value = useMemo(
    () => ({ settings, loading, loadError, saving, saveError, update }),
    [settings, loading, loadError, saving, saveError, update],
  );
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsState {
  const s = useContext(SettingsContext);
  if (!s) throw new Error("useSettings outside SettingsProvider");
  return s;
}
