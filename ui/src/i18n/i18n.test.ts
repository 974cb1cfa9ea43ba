import { describe, expect, it } from "vitest";
import { en } from "./en";
import { catalogues, interpolate, resolveLocale, systemLocale, translate } from ".";
import { zhCN } from "./zh-CN";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)(?:\|[^|{}]*\|[^|{}]*)?\}/g)].map((m) => m[1]).sort();

describe("catalogues", () => {
  it("zh-CN has exactly the keys of en", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.entries(catalogues))("%s has no empty or untrimmed strings", (_locale, catalogue) => {
    for (const [key, value] of Object.entries(catalogue)) {
      expect(value.trim(), key).not.toBe("");
      expect(value, key).toBe(value.trim());
    }
  });

  it("zh-CN uses the same placeholders as en for every key", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("zh-CN is actually translated (most strings differ from English)", () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter((k) => zhCN[k] === en[k]);
    expect(same.length).toBeLessThan(Object.keys(en).length / 10);
  });
});

describe("t", () => {
  it("interpolates named parameters", () => {
    expect(translate("en", "sidebar.version", { version: "0.1.0" })).toBe("v0.1.0");
    expect(translate("zh-CN", "contexts.summary", { count: 3, files: 2 })).toBe("上下文：3 个 · 文件：2 个");
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
  });

  it("picks the English plural form by the number", () => {
    expect(translate("en", "sts.count", { count: 1 })).toBe("1 StatefulSet");
    expect(translate("en", "sts.count", { count: 0 })).toBe("0 StatefulSets");
    expect(translate("en", "cross.count", { count: 12, clusters: 1 })).toBe("12 StatefulSets in 1 cluster");
    expect(translate("en", "delete.title", { count: 1 })).toBe("Delete 1 StatefulSet?");
    expect(translate("zh-CN", "sts.count", { count: 1 })).toBe(zhCN["sts.count"].replace("{count}", "1"));
  });

  it("resolves the system language from the OS locale", () => {
    expect(systemLocale(["zh-CN"])).toBe("zh-CN");
    expect(systemLocale(["zh-Hans-CN", "en"])).toBe("zh-CN");
    expect(systemLocale(["zh-TW"])).toBe("zh-CN");
    expect(systemLocale(["en-GB", "zh-CN"])).toBe("en");
    expect(systemLocale(["de-DE"])).toBe("en");
    expect(systemLocale([])).toBe("en");
    expect(resolveLocale("system", ["zh-CN"])).toBe("zh-CN");
    expect(resolveLocale("en", ["zh-CN"])).toBe("en");
    expect(resolveLocale("zh-CN", ["en-US"])).toBe("zh-CN");
  });
});
