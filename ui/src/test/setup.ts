import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { registerCatalogue } from "../i18n";
import { zhCN } from "../i18n/zh-CN";

// The app loads the Chinese catalogue on demand (loadLocale, a chunk of its own); the tests
// register it up front, so rendering in Chinese is synchronous as it always was.
registerCatalogue("zh-CN", zhCN);

// jsdom does no layout; CodeMirror measures text ranges when it draws the selection.
const emptyRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getClientRects ??= emptyRects;
Range.prototype.getBoundingClientRect ??= () => new DOMRect(0, 0, 0, 0);

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  document.documentElement.removeAttribute("data-theme");
  document.documentElement.removeAttribute("lang");
});
