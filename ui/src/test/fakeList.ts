// A stand-in for the core's windowed list (ordinal-core hub/list.rs) in UI tests: `watch_list`
// keeps every row as the core does, in the order asked for (the webview's own sort and filter,
// lib/rows.ts, which the cross-cluster view still uses), and sends the window's page. Its input
// is what the core's is: the watch's rows and, once the list is complete, the Doctor's; each
// arrives on a channel recorded as a `watch_rows` (and `watch_doctor`) call, so a test pushes
// events exactly where it pushed them when the webview watched rows itself.
import type { Cell, ListEvent, ListKeys, ListOrder, ListRequest, ListWindow, Row, RowsEvent, Scope } from "../api";
import { filterRows, sortRows } from "../lib/rows";
import { applyDoctor, doctorColumn, type Findings } from "../state/doctor";
import { RowStore } from "../state/rows";
import { backend, Channel } from "./fakeTauri";

class FakeList {
  private store = new RowStore();
  private findings: Findings | null = null;
  private complete = false;
  private loaded = false;
  private doctorOpened = false;
  private namespaces = "";
  closed = false;

  constructor(
    private context: string,
    private kind: string,
    private scope: Scope,
    private order: ListOrder,
    private window: ListWindow,
    private out: Channel<ListEvent>,
  ) {}

  private send(event: ListEvent) {
    if (!this.closed) this.out.onmessage(event);
  }

  applyRows(event: RowsEvent) {
    if (event.type === "state") return this.send({ type: "state", state: event.state });
    this.store.apply(event);
    this.loaded = true;
    if (event.type === "reset") this.complete = true;
    if (this.complete && !this.doctorOpened && this.kind === "statefulsets") {
      this.doctorOpened = true;
      const channel = new Channel<RowsEvent>((e) => this.applyJoined(e));
      backend.calls.push({ command: "watch_doctor", args: { context: this.context, scope: this.scope, onEvent: channel } });
    }
    this.page();
  }

  private applyJoined(event: RowsEvent) {
    if (event.type === "state") return this.send({ type: "joinedState", state: event.state });
    // a complete answer is a live one
    if (event.type === "reset") this.send({ type: "joinedState", state: { state: "live" } });
    this.findings = applyDoctor(this.findings, event);
    this.page();
  }

  setWindow(window: ListWindow) {
    this.window = window;
    this.page();
    return !this.closed;
  }

  setOrder(order: ListOrder) {
    this.order = order;
    this.page();
    return !this.closed;
  }

  private shown(): Row[] {
    const sorted = sortRows(this.store.list(), this.order.sort, doctorColumn(this.findings));
    return filterRows(sorted, this.order.query, this.order.selector);
  }

  keys(): ListKeys {
    return { keys: this.shown().map((r) => r.key), order: this.order, complete: this.complete };
  }

  rowsOf(keys: string[]): Row[] {
    return keys.map((k) => this.store.get(k)).filter((r): r is Row => r !== undefined);
  }

  page() {
    if (!this.loaded) return;
    const shown = this.shown();
    const offset = Math.min(this.window.offset, Math.max(0, shown.length - this.window.len));
    const rows = shown.slice(offset, offset + this.window.len);
    const all = this.store.list();
    const namespaces = [...new Set(all.map((r) => r.namespace).filter((n): n is string => n !== null))].sort();
    const nsKey = namespaces.join(",");
    const joined: (Cell | null)[] = rows.map((r) => {
      const f = this.findings?.get(r.key);
      return f ? { t: "findings", v: f } : null;
    });
    this.send({
      type: "page",
      total: shown.length,
      count: all.length,
      offset,
      rows,
      joined,
      joinedLoaded: this.findings !== null,
      complete: this.complete,
      order: this.order,
      namespaces: nsKey !== this.namespaces ? namespaces : null,
    });
    this.namespaces = nsKey;
  }
}

const lists = new Map<number, FakeList>();

/** Registers watch_list and its commands on the fake backend; `nextId` gives resource ids. */
export function installFakeList(nextId: () => number) {
  lists.clear();
  backend
    .on("watch_list", (args) => {
      const id = nextId();
      const r = args.request as ListRequest;
      const list = new FakeList(r.context, r.kind, r.scope, r.order, r.window, args.onEvent as Channel<ListEvent>);
      lists.set(id, list);
      const rows = new Channel<RowsEvent>((e) => list.applyRows(e));
      backend.calls.push({ command: "watch_rows", args: { context: r.context, kind: r.kind, scope: r.scope, onEvent: rows } });
      return id;
    })
    .on("set_list_window", (args) => lists.get(args.id as number)?.setWindow(args.window as ListWindow) ?? false)
    .on("set_list_order", (args) => lists.get(args.id as number)?.setOrder(args.order as ListOrder) ?? false)
    .on("list_keys", (args) => lists.get(args.id as number)?.keys() ?? null)
    .on("list_rows", (args) => lists.get(args.id as number)?.rowsOf(args.keys as string[]) ?? null)
    .on("unwatch", (args) => {
      // the list behind the id stops, as the core's does
      const list = lists.get(args.id as number);
      if (list) list.closed = true;
      lists.delete(args.id as number);
      return null;
    });
}
