// One shared clock for every relative time on screen: a single interval, started while
// something listens, so thousands of Age cells never own a timer each.
import { useSyncExternalStore } from "react";

const TICK_MS = 5_000;
let now = Math.floor(Date.now() / 1000);
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Math.floor(Date.now() / 1000);
    timer = setInterval(() => {
      now = Math.floor(Date.now() / 1000);
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time in Unix seconds, updated every few seconds. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
