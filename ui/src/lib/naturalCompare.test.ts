import { describe, expect, it } from "vitest";
import { naturalCompare } from "./naturalCompare";

const sorted = (xs: string[]) => [...xs].sort(naturalCompare);

describe("naturalCompare", () => {
  it("orders ordinals by value, as a user counts them", () => {
    expect(sorted(["web-10", "web-2", "web-1", "web-0"])).toEqual(["web-0", "web-1", "web-2", "web-10"]);
    expect(sorted(["app-00100", "app-00020", "app-3"])).toEqual(["app-3", "app-00020", "app-00100"]);
  });

  it("ignores case and puts a prefix first", () => {
    expect(naturalCompare("Web", "web")).toBe(0);
    expect(sorted(["kafka-b", "Kafka-a", "kafka"])).toEqual(["kafka", "Kafka-a", "kafka-b"]);
  });

  it("agrees with the platform's natural collation on Kubernetes names", () => {
    const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
    const names = ["redis-0", "redis-11", "redis-2", "db.prod-1", "db-prod-10", "a1b2", "a1b10", "zk", "kafka-9", "kafka-10", "pg-01", "pg-1a"];
    const sign = (n: number) => Math.sign(n);
    for (const a of names) for (const b of names) expect([a, b, sign(naturalCompare(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
  });
});
