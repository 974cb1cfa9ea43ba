import { DEMO_CONTEXT } from "../api";
import type { Translate } from "../i18n";

/** A context's display name: the demo cluster gets a translated name. */
export function contextLabel(context: string, t: Translate): string {
  return context === DEMO_CONTEXT ? t("context.demo") : context;
}
