// Settings of the pod operations: the shell command (split like a shell; empty = bash, then sh)
// and the log buffer's size.
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Settings } from "../api";
import { I18nProvider } from "../i18n";
import { AppInfoProvider } from "../state/appInfo";
import { SettingsProvider } from "../state/settings";
import { backend } from "../test/fakeTauri";
import { installBackend, settingsWith } from "../test/fixtures";
import { SettingsPage } from "./SettingsPage";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

function renderSettings() {
  return render(
    <SettingsProvider>
      <I18nProvider locale="en">
        <AppInfoProvider>
          <SettingsPage />
        </AppInfoProvider>
      </I18nProvider>
    </SettingsProvider>,
  );
}

const saved = () => backend.callsOf("set_settings").map((c) => c.args.settings as Settings);

beforeEach(() => installBackend({ settings: settingsWith({ language: "en", theme: "light", shellCommand: ["zsh", "-l"], logBufferLines: 100000 }) }));

describe("pod operation settings", () => {
  it("shows and saves the shell command as argv, empty meaning the default", async () => {
    const user = userEvent.setup();
    renderSettings();
    const field = screen.getByTestId<HTMLInputElement>("settings-shell-command");
    await waitFor(() => expect(field.value).toBe("zsh -l"));
    await user.clear(field);
    await user.type(field, `psql -U postgres -c 'select 1'{Enter}`);
    await waitFor(() => expect(saved().at(-1)?.shellCommand).toEqual(["psql", "-U", "postgres", "-c", "select 1"]));
    await user.clear(field);
    await user.tab();
    await waitFor(() => expect(saved().at(-1)?.shellCommand).toBeNull());
    expect(field).toHaveAttribute("placeholder", "empty: bash, then sh");
  });

  it("saves the log buffer size within its bounds", async () => {
    const user = userEvent.setup();
    renderSettings();
    const field = screen.getByTestId<HTMLInputElement>("settings-log-buffer");
    await waitFor(() => expect(field.value).toBe("100000"));
    await user.clear(field);
    await user.type(field, "50{Enter}");
    expect(screen.getByRole("alert")).toHaveTextContent("A number from 1,000 to 1,000,000");
    expect(saved()).toHaveLength(0);
    await user.clear(field);
    await user.type(field, "5000{Enter}");
    await waitFor(() => expect(saved().at(-1)?.logBufferLines).toBe(5000));
  });
});
