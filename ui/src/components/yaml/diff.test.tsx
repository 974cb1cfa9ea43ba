import { render, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Diff } from "../EditOutcome";
import { highlightLines } from "./highlightDiff";

describe("diff highlighting", () => {
  it("classes keys, quoted strings and comments, line by line", () => {
    const lines = highlightLines(['  name: "pg" # the db', "  replicas: 5"]);
    expect(lines).toHaveLength(2);
    const cls = (i: number, c: string) => lines[i]!.filter((s) => s.className === c).map((s) => s.text);
    expect(cls(0, "y-key")).toEqual(["name"]);
    expect(cls(0, "y-string")).toEqual(['"pg"']);
    expect(cls(0, "y-comment")).toEqual(["# the db"]);
    expect(cls(1, "y-key")).toEqual(["replicas"]);
    expect(cls(1, "y-literal")).toEqual(["5"]);
    expect(highlightLines(["a: true", "b: 1.5e3", "c: 5Gi", "d: null"]).map((l) => l.filter((s) => s.className === "y-literal").map((s) => s.text))).toEqual([["true"], ["1.5e3"], [], ["null"]]);
    expect(lines.map((l) => l.map((s) => s.text).join(""))).toEqual(['  name: "pg" # the db', "  replicas: 5"]);
  });

  it("shows the plain lines at once and highlights them when the chunk is there", async () => {
    const { getByTestId } = render(
      <Diff lines={[{ kind: "context", text: "spec:" }, { kind: "gap", text: "" }, { kind: "remove", text: "  replicas: 3" }, { kind: "add", text: "  replicas: 5" }]} />,
    );
    const diff = getByTestId("yaml-diff");
    expect(diff).toHaveTextContent("replicas: 5");
    await waitFor(() => expect(diff).toHaveAttribute("data-highlighted", "true"));
    expect([...diff.querySelectorAll(".y-key")].map((e) => e.textContent)).toEqual(["spec", "replicas", "replicas"]);
    expect(diff.querySelector('[data-kind="add"]')).toHaveTextContent("+ replicas: 5");
  });
});
