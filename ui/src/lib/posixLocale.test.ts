import { describe, expect, it } from "vitest";
import { sanePosixLocale } from "./posixLocale";

describe("the POSIX C locale", () => {
  it("is taken as US English, so Intl and the libraries that use the browser's language work", () => {
    const nav = { language: "C", languages: ["C"] } as unknown as Navigator;
    expect(() => new Intl.NumberFormat(nav.language)).toThrow(RangeError);
    expect(sanePosixLocale(nav)).toBe("en-US");
    expect(nav.language).toBe("en-US");
    expect(() => new Intl.NumberFormat(nav.language).format(1)).not.toThrow();
  });

  it("leaves a real language alone", () => {
    const nav = { language: "zh-CN", languages: ["zh-CN"] } as unknown as Navigator;
    expect(sanePosixLocale(nav)).toBe("zh-CN");
    expect(nav.language).toBe("zh-CN");
  });
});
