// A stand-in for `@tauri-apps/api/core` in tests: an `invoke` that dispatches to per-test
// command handlers, and a `Channel` whose messages the test pushes by hand.
//
// Use in a test file:
//   vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));
//   import { backend } from "../test/fakeTauri";
import { vi } from "vitest";

type Handler = (args: Record<string, unknown>) => unknown;

export class Channel<T = unknown> {
  static nextId = 1;
  id: number;
  onmessage: (message: T) => void;
  constructor(onmessage?: (message: T) => void) {
    this.id = Channel.nextId++;
    this.onmessage = onmessage ?? (() => {});
    backend.channels.push(this as Channel<unknown>);
  }
  toJSON(): string {
    return `__CHANNEL__:${this.id}`;
  }
}

export type Call = { command: string; args: Record<string, unknown> };

export const backend = {
  handlers: new Map<string, Handler>(),
  calls: [] as Call[],
  channels: [] as Channel<unknown>[],
  /** Registers a command; a handler that throws makes `invoke` reject with what it threw. */
  on(command: string, handler: Handler) {
    this.handlers.set(command, handler);
    return this;
  },
  callsOf(command: string): Call[] {
    return this.calls.filter((c) => c.command === command);
  },
  /** The channel passed to the most recent call of `command` (as `onEvent`). */
  channelOf<T>(command: string, nth = -1): Channel<T> {
    const calls = this.callsOf(command);
    const call = calls.at(nth);
    const ch = call?.args.onEvent;
    if (!(ch instanceof Channel)) throw new Error(`no channel passed to ${command}`);
    return ch as Channel<T>;
  },
  reset() {
    this.handlers.clear();
    this.calls = [];
    this.channels = [];
  },
};

export const invoke = vi.fn(async (command: string, args: Record<string, unknown> = {}) => {
  backend.calls.push({ command, args });
  const handler = backend.handlers.get(command);
  if (!handler) throw { code: "Internal", message: `fake backend: no handler for ${command}` };
  return await handler(args);
});
