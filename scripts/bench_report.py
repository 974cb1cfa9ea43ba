#!/usr/bin/env python3
"""Joins the benchmark's parts (target/bench/*.json) into target/bench/report.json, prints the
table, and writes issue #20's growth table, chart and memory figures into docs/performance.md
(between the `<!-- bench:issue20 -->` markers) with the run's date and machine. Run by
scripts/bench after every part has run."""
import datetime
import json
import os
import platform
import re

B = "target/bench"
PARTS = ["core.json", "cold.json", "app.json", "ui.json", "grow.json", "pods.json",
         "logbuffer.json", "logs.json", "rows.json"]
GROWTH_BUDGET = 4.4   # the 200k figure at most 4.4 x the 50k figure (no worse than linear)
FIRST_ROWS_BUDGET = 1000.0


def load(name):
    p = os.path.join(B, name)
    return json.load(open(p)) if os.path.exists(p) else None


def machine():
    cpu = "unknown CPU"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
    }


def bound(f):
    """A budget is a ceiling unless the figure says it is a floor (`at_least`, e.g. throughput)."""
    return "≥" if f.get("at_least") else "≤"


def verdict(f, fail="**FAIL**"):
    return "—" if f.get("pass") is None else ("pass" if f["pass"] else fail)


def fig(id, figure, value, unit, budget, notes=""):
    value = round(value, 2) if value is not None else None
    ok = None if budget is None or value is None else value <= budget
    return {"id": id, "figure": figure, "value": value, "unit": unit, "budget": budget, "pass": ok, "notes": notes}


def by_id(figs):
    return {f.get("id"): f for f in figs if f.get("id")}


def growth(figs):
    """The growth table: one row per size, from the core's growth points and the window's."""
    ids = by_id(figs)
    window = {p["pods"]: p for p in (load("growth-window.json") or [])}
    if "first_rows" in ids and "share_after_sync_rss" in ids:
        window[50000] = {
            "pods": 50000, "sets": 10000,
            "first_rows_ms": ids["first_rows"]["value"],
            "full_list_ms": ids.get("full_list", {}).get("value"),
            "share_rss_mb": ids["share_after_sync_rss"]["value"],
            "share_pss_mb": ids.get("share_after_sync_pss", {}).get("value"),
        }
    rows = []
    for pods in (10000, 50000, 100000, 200000):
        core = load(f"core-growth-{pods}.json") or {}
        w = window.get(pods, {})
        if not core and not w:
            continue
        rows.append({
            "pods": pods, "sets": pods // 5,
            "sync_ms": core.get("sync_ms"), "floor_ms": core.get("floor_ms"),
            "core_first_rows_ms": core.get("core_first_rows_ms"),
            "core_rss_mb": core.get("core_rss_mb"), "core_heap_mb": core.get("core_heap_mb"),
            "first_rows_ms": w.get("first_rows_ms"), "full_list_ms": w.get("full_list_ms"),
            "share_rss_mb": w.get("share_rss_mb"), "share_pss_mb": w.get("share_pss_mb"),
        })
    return rows


def growth_figures(rows):
    out = []
    at = {r["pods"]: r for r in rows}
    a, b = at.get(50000), at.get(200000)
    for key, what in (("sync_ms", "initial sync (core)"), ("core_rss_mb", "core RSS after sync"),
                      ("share_rss_mb", "Ordinal's share of the window's memory")):
        if a and b and a.get(key) and b.get(key) is not None:
            out.append(fig(f"growth.{key}", f"growth 50k → 200k pods: {what}, 200k / 50k",
                           b[key] / a[key], "x", GROWTH_BUDGET,
                           f"{a[key]:,.0f} → {b[key]:,.0f}; linear would be 4.0"))
    firsts = [(r["pods"], r["first_rows_ms"]) for r in rows if r.get("first_rows_ms") is not None]
    if firsts:
        worst = max(firsts, key=lambda p: p[1])
        out.append(fig("growth.first_rows", "first rows painted, worst of every size", worst[1], "ms",
                       FIRST_ROWS_BUDGET, ", ".join(f"{p // 1000}k pods {v:.0f} ms" for p, v in firsts)))
    return out


def cell(v, unit=""):
    return "—" if v is None else (f"{v:,.0f}{unit}" if isinstance(v, (int, float)) else str(v))


def docs_block(m, when, figs, rows):
    ids = by_id(figs)
    quick = " in quick mode (`ORDINAL_BENCH_QUICK=1`: 1-minute quiet and churn periods instead of 10)" if os.environ.get("ORDINAL_BENCH_QUICK") else ""
    lines = [f"Measured {when} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GiB, {m['os']}, "
             f"by `scripts/bench`{quick} (release builds; `target/bench/report.json`).", ""]
    keys = ["floor_rss", "floor_pss", "floor_plain_rss", "rss_demo", "share_demo_rss",
            "share_after_sync_rss", "share_after_sync_pss", "share_quiet_rss", "share_growth_quiet",
            "share_churn_rss", "share_growth_churn", "mem.rss_sync", "sync.hub", "sync.floor",
            "sync.floor_ratio", "sync.first_rows"]
    have = [ids[k] for k in keys if k in ids]
    if have:
        lines += ["| figure | value | budget | result |", "|---|---|---|---|"]
        for f in have:
            b = f"{bound(f)} {f['budget']} {f['unit']}" if f.get("budget") is not None else ""
            lines.append(f"| {f['figure']} | {f['value']:,.1f} {f['unit']} | {b} | {verdict(f)} |")
        lines.append("")
    if rows:
        lines += ["Growth (StatefulSets at one per five pods, 100 namespaces; the sync and core RSS from "
                  "`cargo bench --bench scale` in growth mode, medians of 3; first rows and the share from "
                  "the window under WebDriver):", "",
                  "| pods | StatefulSets | sync (core) | sync floor | hub / floor | first rows (window) "
                  "| complete list (window) | core RSS after sync | Ordinal's share (RSS) | share (PSS) |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            ratio = (f"{r['sync_ms'] / r['floor_ms']:.2f}×" if r.get("sync_ms") and r.get("floor_ms") else "—")
            lines.append(f"| {r['pods']:,} | {r['sets']:,} | {cell(r['sync_ms'], ' ms')} | {cell(r['floor_ms'], ' ms')} "
                         f"| {ratio} | {cell(r['first_rows_ms'], ' ms')} | {cell(r['full_list_ms'], ' ms')} "
                         f"| {cell(r['core_rss_mb'], ' MB')} | {cell(r['share_rss_mb'], ' MB')} | {cell(r['share_pss_mb'], ' MB')} |")
        lines.append("")
        for f in growth_figures(rows):
            lines.append(f"- {f['figure']}: {f['value']:,.2f} {f['unit']} (budget {bound(f)} {f['budget']}; {f['notes']}): {verdict(f)}")
        lines.append("")
        xs = ", ".join(f'"{r["pods"] // 1000}k"' for r in rows)
        series = lambda k: ", ".join(str(r.get(k) or 0) for r in rows)
        lines += ["```mermaid", "xychart-beta", '    title "Initial sync (ms) by pods: the hub (first series), the transfer + parse floor (second)"',
                  f"    x-axis [{xs}]", '    y-axis "ms"', f"    line [{series('sync_ms')}]", f"    line [{series('floor_ms')}]", "```", "",
                  "```mermaid", "xychart-beta", '    title "Memory (MB) by pods: core RSS after sync (first series), Ordinal\'s share of the window (second)"',
                  f"    x-axis [{xs}]", '    y-axis "MB"', f"    line [{series('core_rss_mb')}]", f"    line [{series('share_rss_mb')}]", "```", ""]
    return "\n".join(lines)


def main():
    figs = []
    for name in PARTS:
        figs += load(name) or []
    rows = growth(figs)
    figs += growth_figures(rows)
    m = machine()
    # when the run ended: the newest of its parts (regenerating later keeps the run's date)
    stamps = [os.path.getmtime(os.path.join(B, n)) for n in os.listdir(B) if n.endswith(".json") and n != "report.json"]
    end = datetime.datetime.fromtimestamp(max(stamps) if stamps else datetime.datetime.now().timestamp(), datetime.timezone.utc)
    when = end.strftime("%Y-%m-%d %H:%M UTC")
    json.dump({"date": when, "machine": m, "figures": figs, "growth": rows},
              open(os.path.join(B, "report.json"), "w"), indent=2)
    print(f"\nmachine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GiB; {when}")
    print(f"{'figure':72} {'value':>14} {'budget':>10}  result")
    for f in figs:
        b = f.get("budget")
        print(f"{str(f['figure'])[:72]:72} {str(f['value']) + ' ' + f['unit']:>14} {(bound(f) + ' ' + str(b)) if b is not None else '':>10}  {verdict(f, 'FAIL')}")
    doc = "docs/performance.md"
    text = open(doc, encoding="utf-8").read()
    block = docs_block(m, when, figs, rows)
    new = re.sub(r"(<!-- bench:issue20 -->\n).*?(<!-- /bench:issue20 -->)",
                 lambda mo: mo.group(1) + block + "\n" + mo.group(2), text, flags=re.S)
    if new != text:
        open(doc, "w", encoding="utf-8").write(new)
        print(f"updated: {doc} (issue #20's tables)")
    print("written: target/bench/report.json")


if __name__ == "__main__":
    main()
