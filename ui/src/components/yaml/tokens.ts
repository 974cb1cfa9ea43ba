// Which YAML syntax tags get which colour, from the design tokens. The editor turns this into a
// HighlightStyle; the review's diff (no editor there) into class names styled in statefulsets.css.
import { tags, type Tag } from "@lezer/highlight";

export const yamlTokens: { tag: Tag | Tag[]; className: string; color: string; fontStyle?: string }[] = [
  { tag: [tags.definition(tags.propertyName), tags.propertyName], className: "y-key", color: "var(--accent-text)" },
  { tag: [tags.string, tags.special(tags.string)], className: "y-string", color: "var(--ok)" },
  { tag: [tags.labelName, tags.typeName, tags.keyword, tags.attributeValue], className: "y-literal", color: "var(--syntax-literal)" },
  { tag: tags.lineComment, className: "y-comment", color: "var(--text-faint)", fontStyle: "italic" },
  { tag: [tags.meta, tags.separator, tags.punctuation, tags.squareBracket, tags.brace], className: "y-punct", color: "var(--text-muted)" },
];
