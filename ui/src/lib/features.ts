import type { ServerFeatures } from "../api";

export type LimitKey = "conn.limit.untested" | "conn.limit.pdbBeta" | "conn.limit.noPdb" | "conn.limit.noRetention" | "conn.limit.noMinReady";

/** What an older server does not offer, in the UI's words (empty for a current server). */
export function limitations(f: ServerFeatures | null | undefined): LimitKey[] {
  if (!f) return [];
  const out: LimitKey[] = [];
  if (f.minor !== null && f.minor < 20) out.push("conn.limit.untested");
  if (f.pdbApi === "policy/v1beta1") out.push("conn.limit.pdbBeta");
  else if (f.pdbApi === null) out.push("conn.limit.noPdb");
  if (!f.stsRetentionPolicy) out.push("conn.limit.noRetention");
  if (!f.stsMinReadySeconds) out.push("conn.limit.noMinReady");
  return out;
}
