// Which YAML syntax tags get which colour, from the design tokens. The editor turns this into a
// HighlightStyle; the review's diff (no editor there) into class names styled in statefulsets.css.
import { tags, type Tag } from "@lezer/highlight";

/**
 * The grammar tags every plain scalar alike (`content`); numbers, booleans and null are told
 * apart by their text, as the YAML core schema does, and coloured like anchors and tags.
 */
export const PLAIN_LITERAL = /^(?:true|false|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0x[\da-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export const yamlTokens: { tag: Tag | Tag[]; className: string; color: string; fontStyle?: string }[] = [
  { tag: [tags.definition(tags.propertyName), tags.propertyName], className: "y-key", color: "var(--accent-text)" },
  { tag: [tags.string, tags.special(tags.string)], className: "y-string", color: "var(--ok)" },
  { tag: [tags.labelName, tags.typeName, tags.keyword, tags.attributeValue], className: "y-literal", color: "var(--syntax-literal)" },
  { tag: tags.lineComment, className: "y-comment", color: "var(--text-faint)", fontStyle: "italic" },
  { tag: [tags.meta, tags.separator, tags.punctuation, tags.squareBracket, tags.brace], className: "y-punct", color: "var(--text-muted)" },
];
