import type { en } from "./en";

/** Every message key. */
export type MessageKey = keyof typeof en;

/** A catalogue: exactly the keys of `en`, each a string (a missing or extra key is a type error). */
export type Catalogue = { readonly [K in MessageKey]: string };

/** A placeholder's name (`count` in `{count|# item|# items}`). */
type NameOf<P extends string> = P extends `${infer N}|${string}` ? N : P;

/** The `{name}` placeholders in a message, as a union of names. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? NameOf<P> | Placeholders<Rest>
  : never;

/** The parameters a key needs: none, or an object with exactly its placeholders. */
export type ParamsFor<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? []
  : [params: Record<Placeholders<(typeof en)[K]>, string | number>];

/** A translator: `t("sidebar.version", { version: "0.1.0" })`. */
export type Translate = <K extends MessageKey>(key: K, ...params: ParamsFor<K>) => string;

/** The languages with a catalogue (the resolved language, never "system"). */
export type Locale = "en" | "zh-CN";
