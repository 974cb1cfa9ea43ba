// One list as the core keeps it (watch_list, issue #20): the core holds every row in the order the
// user asked for and sends the rows of the window the table draws, so the webview holds a
// screenful of rows, not 10,000. The table says which rows it shows (`setWindow`), the toolbar
// which order (`setOrder`); "select all" and dialogs ask for keys and rows (`keys`, `rowsOf`).
import { useLayoutEffect, useMemo, useState } from "react";
import { milestone } from "../lib/marks";
import {
  listKeys,
  listRows,
  setListOrder,
  setListWindow,
  watchList,
  type Cell,
  type IpcError,
  type ListEvent,
  type ListKeys,
  type ListOrder,
  type ListWindow,
  type Row,
  type Scope,
  type Subscription,
  type WatchState,
} from "../api";

/** The order a list opens with: by name. */
export const DEFAULT_ORDER: ListOrder = { sort: { column: "name", dir: "asc" }, query: "", selector: [] };
/** The window a list opens with: more rows than any screen shows. */
export const FIRST_WINDOW: ListWindow = { offset: 0, len: 100 };

export type DoctorHealth = {
  /** The Doctor's column has answered for the whole list. */
  loaded: boolean;
  /** False while its watches reconnect (its findings are kept but may be stale). */
  live: boolean;
  /** Why the Doctor cannot judge this scope (e.g. RBAC), if it cannot. */
  unavailable: IpcError | null;
};

export type ListState = {
  /** The window's rows, from `offset` in the order. */
  rows: Row[];
  /** The Doctor's cell of each row in `rows` (null until it answered). */
  joined: (Cell | null)[];
  offset: number;
  /** Rows matching the filters. */
  total: number;
  /** Rows in the watch. */
  count: number;
  /** False until the first rows (a preview or the complete list). */
  loaded: boolean;
  /** True once the complete list has arrived. */
  synced: boolean;
  watch: WatchState | null;
  error: IpcError | null;
  doctor: DoctorHealth;
  /** Every row's namespace (the picker's suggestions), once known. */
  namespaces: string[] | null;
  /** The order of the rows shown (the latest the core applied). */
  order: ListOrder | null;
};

const EMPTY: ListState = {
  rows: [],
  joined: [],
  offset: 0,
  total: 0,
  count: 0,
  loaded: false,
  synced: false,
  watch: null,
  error: null,
  doctor: { loaded: false, live: false, unavailable: null },
  namespaces: null,
  order: null,
};

/** The state after `event` (the same object when it changes nothing). */
export function nextListState(state: ListState, event: ListEvent): ListState {
  switch (event.type) {
    case "page": {
      if (!state.loaded) milestone("rows-received");
      const doctorLoaded = event.joinedLoaded;
      return {
        ...state,
        rows: event.rows,
        joined: event.joined,
        offset: event.offset,
        total: event.total,
        count: event.count,
        loaded: true,
        synced: state.synced || event.complete,
        error: null,
        namespaces: event.namespaces ?? state.namespaces,
        order: event.order,
        doctor: doctorLoaded === state.doctor.loaded ? state.doctor : { ...state.doctor, loaded: doctorLoaded },
      };
    }
    case "state":
      return { ...state, watch: event.state };
    case "joinedState": {
      const live = event.state.state === "live";
      const unavailable = !state.doctor.loaded && event.state.state === "reconnecting" ? event.state.error : state.doctor.unavailable;
      return { ...state, doctor: { ...state.doctor, live, unavailable: live ? null : unavailable } };
    }
    case "joinedUnavailable":
      return { ...state, doctor: { loaded: false, live: false, unavailable: event.error } };
  }
}

/**
 * One `watch_list` stream: its latest state, where that state goes (the list showing it), and
 * its id once the backend gave it (the window and order asked for before that go with it then).
 */
type Stream = {
  key: string;
  state: ListState;
  onState: ((state: ListState) => void) | null;
  sub: Subscription | null;
  closed: boolean;
  window: ListWindow;
  order: ListOrder;
  /** Resolves once the first rows (or an error) are in. */
  ready: Promise<void>;
};

/** The stream waiting for a list to take it: the start-up's, or one just released. */
let early: Stream | null = null;

const streamKey = (context: string, kind: string, namespaces: string[]) => `${context}\u0000${kind}\u0000${namespaces.join(",")}`;

function open(context: string, kind: string, namespaces: string[]): Stream {
  let ready = () => {};
  const s: Stream = {
    key: streamKey(context, kind, namespaces),
    state: EMPTY,
    onState: null,
    sub: null,
    closed: false,
    window: FIRST_WINDOW,
    order: DEFAULT_ORDER,
    ready: new Promise<void>((resolve) => (ready = resolve)),
  };
  const update = (state: ListState) => {
    s.state = state;
    if (state.loaded || state.error) ready();
    s.onState?.(state);
  };
  const asked = { window: s.window, order: s.order };
  watchList(context, kind, { namespaces }, s.order, s.window, (event) => {
    if (!s.closed) update(nextListState(s.state, event));
  }).then(
    (sub) => {
      if (s.closed) return void sub.unsubscribe();
      s.sub = sub;
      // what the list asked for while the stream was opening
      if (s.window !== asked.window) void setListWindow(sub.id, s.window).catch(() => {});
      if (s.order !== asked.order) void setListOrder(sub.id, s.order).catch(() => {});
    },
    (err: IpcError) => {
      if (!s.closed) update({ ...s.state, error: err });
      ready();
    },
  );
  return s;
}

function close(s: Stream) {
  s.closed = true;
  if (s.sub) void s.sub.unsubscribe();
  if (early === s) early = null;
}

/**
 * Opens the list of (context, kind, namespaces) now; resolves once its first rows (or an error)
 * are in. A list asking for the same stream within `adoptWithinMs` takes it over; otherwise it is
 * closed.
 */
export function watchListEarly(context: string, kind: string, namespaces: string[], adoptWithinMs = 5000): Promise<void> {
  if (early) close(early);
  const s = open(context, kind, namespaces);
  early = s;
  setTimeout(() => {
    if (early === s) close(s);
  }, adoptWithinMs);
  return s.ready;
}

/**
 * A list lets go of its stream: it closes after this task unless the same list takes it back
 * (React's StrictMode, in development, runs an effect, its cleanup and the effect again).
 */
function release(s: Stream) {
  s.onState = null;
  if (early && early !== s) return close(s);
  early = s;
  setTimeout(() => {
    if (early === s) close(s);
  }, 0);
}

function peekEarly(key: string): ListState | null {
  return early && early.key === key && !early.closed ? early.state : null;
}

function takeEarly(key: string): Stream | null {
  const s = peekEarly(key) ? early : null;
  if (s) early = null;
  return s;
}

/** Rows beyond the table's range the list keeps at hand, each way (scrolling a little asks for nothing). */
const WINDOW_MARGIN = 40;

export type ListControls = {
  /** The rows the table draws (`first` inclusive, `last` exclusive): a window around them is asked
   * for when the one the list has does not cover them. */
  setRange: (first: number, last: number) => void;
  setOrder: (order: ListOrder) => void;
  /** Every matching key, in order, with the order the core took them in; null when that cannot
   * be known (the stream is not open yet, or gone). */
  keys: () => Promise<ListKeys | null>;
  /** The rows of these keys (those still in the watch). */
  rowsOf: (keys: string[]) => Promise<Row[]>;
  retry: () => void;
};

const sameWindow = (a: ListWindow, b: ListWindow) => a.offset === b.offset && a.len === b.len;

export function useList(context: string | null, kind: string, scope: Scope, enabled: boolean): ListState & ListControls {
  const scopeKey = scope.namespaces.join(",");
  const [state, setState] = useState<ListState>(() => (context && enabled ? peekEarly(streamKey(context, kind, scope.namespaces)) : null) ?? EMPTY);
  const [attempt, setAttempt] = useState(0);
  const [stream, setStream] = useState<Stream | null>(null);

  // A layout effect: the request leaves before the browser paints this render, not after.
  useLayoutEffect(() => {
    if (!context || !enabled) {
      setState(EMPTY);
      setStream(null);
      return;
    }
    const namespaces = scopeKey ? scopeKey.split(",") : [];
    // a retry always asks again
    const s = (attempt === 0 ? takeEarly(streamKey(context, kind, namespaces)) : null) ?? open(context, kind, namespaces);
    s.onState = setState;
    setState(s.state);
    setStream(s);
    return () => release(s);
  }, [context, kind, scopeKey, enabled, attempt]);

  // The same functions while the stream is the same (effects depend on them).
  const controls = useMemo<ListControls>(
    () => ({
      setRange: (first, last) => {
        if (!stream) return;
        const w = stream.window;
        if (first >= w.offset && last <= w.offset + w.len) return;
        const offset = Math.max(0, first - WINDOW_MARGIN);
        const window = { offset, len: Math.max(1, last + WINDOW_MARGIN - offset) };
        if (sameWindow(w, window)) return;
        stream.window = window;
        if (stream.sub) void setListWindow(stream.sub.id, window).catch(() => {});
      },
      setOrder: (order) => {
        if (!stream || JSON.stringify(stream.order) === JSON.stringify(order)) return;
        stream.order = order;
        if (stream.sub) void setListOrder(stream.sub.id, order).catch(() => {});
      },
      keys: async () => (stream?.sub ? await listKeys(stream.sub.id).catch(() => null) : null),
      rowsOf: async (keys) => (stream?.sub && keys.length ? ((await listRows(stream.sub.id, keys).catch(() => null)) ?? []) : []),
      retry: () => setAttempt((n) => n + 1),
    }),
    [stream],
  );
  return { ...state, ...controls };
}
