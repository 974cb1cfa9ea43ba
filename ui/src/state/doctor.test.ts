import { describe, expect, it } from "vitest";
import type { Finding } from "../api";
import { sortRows } from "../lib/rows";
import { doctorRow, row } from "../test/sts";
import { applyDoctor, doctorColumn, doctorRank } from "./doctor";

const error: Finding = { severity: "error", key: "doctor.serviceMissing", params: { service: "redis" } };
const warning: Finding = { severity: "warning", key: "doctor.partitionBlocks", params: { partition: "3", replicas: "3" } };
const info: Finding = { severity: "info", key: "doctor.orphanedClaims", params: { count: "2" } };

describe("the doctor's column", () => {
  it("is none until the doctor has answered", () => {
    expect(doctorColumn(null)).toBeNull();
    expect(applyDoctor(null, { type: "state", state: { state: "live" } })).toBeNull();
  });

  it("gives each row its findings by key (none for a row the doctor did not name), and the rank it sorts by", () => {
    const findings = applyDoctor(null, { type: "reset", rows: [doctorRow("db/redis", [error, info]), doctorRow("db/pg", []), doctorRow("stream/kafka", [warning])] });
    const column = doctorColumn(findings)!;
    expect(column.id).toBe("doctor");
    expect(column.cell("db/redis")).toEqual({ t: "findings", v: [error, info] });
    expect(column.cell("db/pg")).toEqual({ t: "findings", v: [] });
    expect(column.cell("db/unknown")).toEqual({ t: "findings", v: [] });
    expect(column.sort("db/redis")).toBe(doctorRank([error, info]));
    expect(column.sort("db/redis")).toBe(-10001);
    expect(column.sort("db/unknown")).toBe(-0);
  });

  it("keeps a row's cell while its findings are the same, and gives a new one when they change", () => {
    const first = applyDoctor(null, { type: "reset", rows: [doctorRow("db/redis", [error]), doctorRow("db/pg", []), doctorRow("stream/kafka", [warning])] });
    const a = doctorColumn(first)!;
    const redis = a.cell("db/redis");
    const pg = a.cell("db/pg");
    expect(a.cell("db/redis")).toBe(redis);
    // kafka's findings change; redis's are untouched; pg is judged again with none
    const second = applyDoctor(first, { type: "delta", upserts: [doctorRow("stream/kafka", [info]), doctorRow("db/pg", [])], deletes: [] });
    expect(second).not.toBe(first);
    const b = doctorColumn(second)!;
    expect(b.cell("db/redis")).toBe(redis);
    expect(b.cell("db/pg")).toBe(pg);
    expect(b.cell("stream/kafka")).toEqual({ t: "findings", v: [info] });
    // a deleted row has none
    const third = doctorColumn(applyDoctor(second, { type: "delta", upserts: [], deletes: ["db/redis"] }))!;
    expect(third.cell("db/redis")).toEqual({ t: "findings", v: [] });
  });

  it("sorts rows worst first, then by key, without touching the rows", () => {
    const rows = [row("pg"), row("kafka", { namespace: "stream" }), row("redis"), row("etcd")];
    const before = JSON.stringify(rows);
    const column = doctorColumn(applyDoctor(null, { type: "reset", rows: [doctorRow("db/redis", [info]), doctorRow("stream/kafka", [error]), doctorRow("db/etcd", [warning, info])] }));
    expect(sortRows(rows, { column: "doctor", dir: "asc" }, column).map((r) => r.key)).toEqual(["stream/kafka", "db/etcd", "db/redis", "db/pg"]);
    expect(sortRows(rows, { column: "doctor", dir: "desc" }, column).map((r) => r.key)).toEqual(["db/pg", "db/redis", "db/etcd", "stream/kafka"]);
    // other columns sort as without it; before the doctor answers, the column sorts by key
    expect(sortRows(rows, { column: "name", dir: "asc" }, column).map((r) => r.key)).toEqual(sortRows(rows, { column: "name", dir: "asc" }).map((r) => r.key));
    expect(sortRows(rows, { column: "doctor", dir: "asc" }, null).map((r) => r.key)).toEqual(["db/etcd", "db/pg", "db/redis", "stream/kafka"]);
    expect(JSON.stringify(rows)).toBe(before);
    expect(rows.every((r) => r.cells.doctor === undefined && r.sort.doctor === undefined)).toBe(true);
  });
});
