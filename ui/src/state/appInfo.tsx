import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { appInfo, type AppInfo, type IpcError } from "../api";

export type AppInfoState =
  | { status: "loading" }
  | { status: "ready"; info: AppInfo }
  | { status: "error"; error: IpcError };

type Value = AppInfoState & { retry: () => void };

const AppInfoContext = createContext<Value | null>(null);

export function AppInfoProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AppInfoState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState({ status: "loading" });
    appInfo().then(
      (info) => !cancelled && setState({ status: "ready", info }),
      (error: IpcError) => !cancelled && setState({ status: "error", error }),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return <AppInfoContext.Provider value={{ ...state, retry }}>{children}</AppInfoContext.Provider>;
}

export function useAppInfo(): Value {
  const v = useContext(AppInfoContext);
  if (!v) throw new Error("useAppInfo outside AppInfoProvider");
  return v;
}
