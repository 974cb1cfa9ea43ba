// The dock's pure parts: the ANSI parser, the log ring buffer, command splitting, units.
import { describe, expect, it } from "vitest";
import type { LogLine } from "../api";
import { parseAnsi, paletteColor, stripAnsi } from "./ansi";
import { formatBytes, joinCommand, localPort, splitCommand } from "./command";
import { LogBuffer, tsKey } from "./logBuffer";

const E = "\u001b";

describe("parseAnsi", () => {
  it("returns one plain span without escapes", () => {
    expect(parseAnsi("hello")).toEqual([{ text: "hello" }]);
    expect(parseAnsi("")).toEqual([]);
  });

  it("colours 30–37 and 90–97, bold, and resets with 0", () => {
    expect(parseAnsi(`${E}[31merror${E}[0m done`)).toEqual([{ fg: "var(--ansi-1)", text: "error" }, { text: " done" }]);
    expect(parseAnsi(`${E}[1;92mOK${E}[m`)).toEqual([{ bold: true, fg: "var(--ansi-10)", text: "OK" }]);
    expect(parseAnsi(`a${E}[1mb${E}[22mc`)).toEqual([{ text: "a" }, { bold: true, text: "b" }, { text: "c" }]);
    expect(parseAnsi(`${E}[44;37mx${E}[49my`)).toEqual([
      { bg: "var(--ansi-4)", fg: "var(--ansi-7)", text: "x" },
      { fg: "var(--ansi-7)", text: "y" },
    ]);
  });

  it("supports 256 colours and true colour", () => {
    expect(parseAnsi(`${E}[38;5;196mred`)).toEqual([{ fg: "rgb(255, 0, 0)", text: "red" }]);
    expect(parseAnsi(`${E}[38;5;3mx`)[0]?.fg).toBe("var(--ansi-3)");
    expect(parseAnsi(`${E}[48;2;10;20;30mx`)[0]?.bg).toBe("rgb(10, 20, 30)");
    expect(paletteColor(232)).toBe("rgb(8, 8, 8)");
    expect(paletteColor(300)).toBeUndefined();
  });

  it("drops other escape sequences and truncated ones", () => {
    expect(stripAnsi(`${E}[2K${E}[1Gline${E}]0;title\u0007!`)).toBe("line!");
    expect(stripAnsi(`cut ${E}[3`)).toBe("cut ");
    expect(stripAnsi(`a${E}(Bb`)).toBe("ab");
  });
});

const line = (ordinal: number, ts: string | null, text = `${ordinal}@${ts}`): LogLine => ({ ordinal, pod: `pg-${ordinal}`, container: "postgres", ts, text });

describe("LogBuffer", () => {
  it("keeps at most capacity entries, dropping (and counting) the oldest", () => {
    const b = new LogBuffer(3);
    b.addLines([line(0, null, "a"), line(0, null, "b"), line(0, null, "c"), line(0, null, "d"), line(0, null, "e")]);
    expect(b.size).toBe(3);
    expect(b.dropped).toBe(2);
    expect(b.added).toBe(5);
    expect(b.toArray().map((e) => (e.kind === "line" ? e.text : ""))).toEqual(["c", "d", "e"]);
  });

  it("grows past its initial allocation up to the capacity", () => {
    const b = new LogBuffer(10000);
    b.addLines(Array.from({ length: 10005 }, (_, i) => line(0, null, String(i))));
    expect(b.size).toBe(10000);
    expect(b.dropped).toBe(5);
    const first = b.at(0);
    expect(first?.kind === "line" && first.text).toBe("5");
  });

  it("merges ordinals by timestamp (fractions of any length)", () => {
    const b = new LogBuffer(100);
    b.addLines([line(0, "2024-05-01T12:00:01.5Z"), line(0, "2024-05-01T12:00:03Z")]);
    b.addLines([line(1, "2024-05-01T12:00:00.999999999Z"), line(1, "2024-05-01T12:00:02.05Z")]);
    b.addLines([line(2, "2024-05-01T14:00:02.1+02:00")]);
    expect(b.toArray().map((e) => `${e.ordinal}`)).toEqual(["1", "0", "1", "2", "0"]);
  });

  it("keeps boundaries where they arrived and never moves a line before one", () => {
    const b = new LogBuffer(100);
    b.addLines([line(0, "2024-05-01T12:00:05Z")]);
    b.addBoundary({ ordinal: 0, pod: "pg-0", reason: "newPod", startedAt: "2024-05-01T12:00:06Z" });
    b.addLines([line(1, "2024-05-01T12:00:04Z")]);
    expect(b.toArray().map((e) => e.kind)).toEqual(["line", "boundary", "line"]);
  });

  it("sorts RFC3339Nano keys numerically", () => {
    expect(tsKey("2024-05-01T12:00:04.1Z") > tsKey("2024-05-01T12:00:04.05Z")).toBe(true);
    expect(tsKey("2024-05-01T12:00:04Z") < tsKey("2024-05-01T12:00:04.000000001Z")).toBe(true);
    expect(tsKey("not a time")).toBe("");
    expect(tsKey(null)).toBe("");
  });

  it("takes a new capacity, keeping the newest entries", () => {
    const b = new LogBuffer(10);
    b.addLines(Array.from({ length: 8 }, (_, i) => line(0, null, String(i))));
    b.setCapacity(5);
    expect(b.size).toBe(5);
    expect(b.dropped).toBe(3);
    b.addLines([line(0, null, "8")]);
    expect(b.toArray().map((e) => (e.kind === "line" ? e.text : ""))).toEqual(["4", "5", "6", "7", "8"]);
    b.setCapacity(100);
    b.addLines([line(0, null, "9")]);
    expect(b.size).toBe(6);
  });

  it("clears", () => {
    const b = new LogBuffer(2);
    b.addLines([line(0, null), line(0, null), line(0, null)]);
    b.clear();
    expect([b.size, b.dropped, b.added]).toEqual([0, 0, 0]);
  });
});

describe("splitCommand", () => {
  it("splits like a shell for simple quoting", () => {
    expect(splitCommand("psql -U postgres")).toEqual({ ok: true, argv: ["psql", "-U", "postgres"] });
    expect(splitCommand(`psql -c 'select 1;'  -d "my db"`)).toEqual({ ok: true, argv: ["psql", "-c", "select 1;", "-d", "my db"] });
    expect(splitCommand(`sh -c "echo \\"hi\\" \\$HOME"`)).toEqual({ ok: true, argv: ["sh", "-c", `echo "hi" $HOME`] });
    expect(splitCommand(`a\\ b 'c'"d" ''`)).toEqual({ ok: true, argv: ["a b", "cd", ""] });
    expect(splitCommand("   ")).toEqual({ ok: true, argv: [] });
  });

  it("reports unterminated quotes", () => {
    expect(splitCommand(`echo 'oops`)).toEqual({ ok: false, error: "unterminatedQuote" });
    expect(splitCommand(`echo "oops`)).toEqual({ ok: false, error: "unterminatedQuote" });
    expect(splitCommand(`echo \\`)).toEqual({ ok: false, error: "trailingBackslash" });
  });

  it("joins back to something that splits the same", () => {
    const argv = ["psql", "-c", "select 'x';", ""];
    const joined = joinCommand(argv);
    expect(splitCommand(joined)).toEqual({ ok: true, argv });
  });
});

describe("units", () => {
  it("formats bytes", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 * 1024 * 1024)).toBe("5.0 GiB");
    expect(localPort("127.0.0.1:15432")).toBe("15432");
    expect(localPort("[::1]:80")).toBe("80");
  });
});
