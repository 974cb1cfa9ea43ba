/**
 * A webview started with LANG=C (or C.UTF-8, or POSIX) reports "C" as `navigator.language`, which
 * `Intl` rejects: a library that formats with the browser's language (uPlot does when it loads)
 * would throw "RangeError: invalid language tag: C". Such a language is taken as US English,
 * what the C locale means. Returns the language in effect.
 */
export function sanePosixLocale(nav: Navigator = navigator): string {
  try {
    new Intl.NumberFormat(nav.language);
    return nav.language;
  } catch {
    Object.defineProperty(nav, "language", { value: "en-US", configurable: true });
    Object.defineProperty(nav, "languages", { value: ["en-US"], configurable: true });
    return "en-US";
  }
}
