import { useEffect } from "react";
import { I18nProvider, useLocaleLoaded } from "./i18n";
import { milestone } from "./lib/marks";
import { Shell } from "./shell/Shell";
import { AppInfoProvider } from "./state/appInfo";
import { ClustersProvider } from "./state/clusters";
import { ContextsProvider } from "./state/contexts";
import { useDocumentAttributes, useResolvedLocale, useResolvedTheme } from "./state/environment";
import { SettingsProvider, useSettings } from "./state/settings";

export function App() {
  useEffect(() => milestone("mounted"), []);
  return (
    <SettingsProvider>
      <Localised />
    </SettingsProvider>
  );
}

/** Resolves language and theme from the settings and the OS, and applies them to <html>. */
function Localised() {
  const { settings } = useSettings();
  const locale = useResolvedLocale(settings.language);
  const theme = useResolvedTheme(settings.theme);
  // I18nProvider loads a language's catalogue the first time it is chosen; <html lang> changes
  // when it has arrived (and the text with it).
  useDocumentAttributes(theme, locale, useLocaleLoaded(locale));
  return (
    <I18nProvider locale={locale}>
      <AppInfoProvider>
        <ContextsProvider>
          <ClustersProvider>
            <Shell />
          </ClustersProvider>
        </ContextsProvider>
      </AppInfoProvider>
    </I18nProvider>
  );
}
