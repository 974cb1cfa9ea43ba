// The server's schema for a kind, fetched once per cluster and kind while the app runs (opening
// the YAML tab again, or another object of the same kind, costs nothing). A failed fetch is
// forgotten, so the next opening tries again.
import { useEffect, useState } from "react";
import { objectSchema, type IpcError, type ObjectSchema } from "../api";

export type SchemaState = { status: "loading" } | { status: "loaded"; schema: ObjectSchema } | { status: "unavailable"; error: IpcError };

const cache = new Map<string, Promise<ObjectSchema>>();

export function loadSchema(context: string, kind: string): Promise<ObjectSchema> {
  const key = `${context}\u0000${kind}`;
  let p = cache.get(key);
  if (!p) {
    p = objectSchema(context, kind);
    cache.set(key, p);
    p.catch(() => {
      if (cache.get(key) === p) cache.delete(key);
    });
  }
  return p;
}

/** Tests start from an empty cache. */
export function forgetSchemas() {
  cache.clear();
}

export function useObjectSchema(context: string, kind: string): SchemaState {
  const [state, setState] = useState<SchemaState>({ status: "loading" });
  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    loadSchema(context, kind).then(
      (schema) => live && setState({ status: "loaded", schema }),
      (e: unknown) => live && setState({ status: "unavailable", error: toIpcError(e) }),
    );
    return () => {
      live = false;
    };
  }, [context, kind]);
  return state;
}

function toIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "message" in e) return e as IpcError;
  return { code: "Internal", message: String(e) };
}
