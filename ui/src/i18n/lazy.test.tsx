// The Chinese catalogue is a chunk of its own, loaded on demand. The test setup registers it
// eagerly for every other test; these tests take a fresh copy of the module, which has only English.
import { render, renderHook, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useDocumentAttributes } from "../state/environment";

async function freshI18n() {
  vi.resetModules();
  return import("./index");
}

describe("loading a language", () => {
  it("answers in English until the catalogue is loaded, and fetches it once", async () => {
    const i18n = await freshI18n();
    expect(i18n.isLocaleLoaded("en")).toBe(true);
    expect(i18n.isLocaleLoaded("zh-CN")).toBe(false);
    expect(i18n.translate("zh-CN", "nav.settings")).toBe("Settings");

    const first = i18n.loadLocale("zh-CN");
    expect(i18n.loadLocale("zh-CN")).toBe(first);
    await first;
    expect(i18n.isLocaleLoaded("zh-CN")).toBe(true);
    expect(i18n.translate("zh-CN", "nav.settings")).toBe("设置");
    expect(i18n.loadLocale("zh-CN")).toBe(first);
    await expect(i18n.loadLocale("en")).resolves.toBeUndefined();
  });

  it("I18nProvider renders English with the given locale, then the language when it arrives", async () => {
    const i18n = await freshI18n();
    function Probe() {
      const t = i18n.useT();
      const tx = i18n.useTx();
      return (
        <p data-testid="probe" data-locale={i18n.useLocale()}>
          {t("nav.settings")} / {tx("common.retry")}
        </p>
      );
    }
    render(
      <i18n.I18nProvider locale="zh-CN">
        <Probe />
      </i18n.I18nProvider>,
    );
    const probe = screen.getByTestId("probe");
    expect(probe).toHaveTextContent("Settings / Retry");
    expect(probe).toHaveAttribute("data-locale", "zh-CN");
    // The provider asked for the catalogue itself; everything renders again when it arrives.
    expect(await screen.findByText("设置 / 重试")).toHaveAttribute("data-locale", "zh-CN");
    expect(i18n.isLocaleLoaded("zh-CN")).toBe(true);
  });
});

describe("<html lang>", () => {
  it("follows the language only once its catalogue is loaded", () => {
    document.documentElement.lang = "en";
    const { rerender } = renderHook(({ loaded }) => useDocumentAttributes("light", "zh-CN", loaded), {
      initialProps: { loaded: false },
    });
    expect(document.documentElement.lang).toBe("en");
    rerender({ loaded: true });
    expect(document.documentElement.lang).toBe("zh-CN");
  });
});
