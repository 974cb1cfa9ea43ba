// The namespace multi-select next to the namespace field: "All namespaces" and a checkbox per
// known namespace (the context's own, those chosen, those seen in rows), plus a field for another.
import { useEffect, useRef, useState } from "react";
import { Icon } from "../components/Icon";
import { useT } from "../i18n";
import { parseNamespaces, toggleNamespace } from "../lib/namespaces";

export function NamespacePicker({ value, known, onChange }: { value: string; known: string[]; onChange: (text: string) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [extra, setExtra] = useState("");
  const host = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const chosen = parseNamespaces(value);
  const options = [...new Set([...known, ...chosen])].sort();

  useEffect(() => {
    if (!open) return;
    host.current?.querySelector<HTMLElement>("input")?.focus();
    const onDown = (e: MouseEvent) => {
      if (!host.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <span className="ns-picker" ref={host}>
      <button
        ref={button}
        type="button"
        className="btn btn--icon"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={t("topbar.namespacePicker")}
        title={t("topbar.namespacePicker")}
        onClick={() => setOpen((o) => !o)}
        data-testid="namespace-picker"
      >
        <Icon name="chevron" size={12} className="ns-picker__chevron" />
      </button>
      {open ? (
        <div
          className="ns-picker__panel"
          role="dialog"
          aria-label={t("topbar.namespacePicker")}
          data-testid="namespace-picker-panel"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        >
          <label className="radio">
            <input type="checkbox" checked={chosen.length === 0} onChange={() => onChange("")} data-testid="ns-all" />
            <span>{t("topbar.allNamespaces")}</span>
          </label>
          {options.map((ns) => (
            <label key={ns} className="radio mono">
              <input type="checkbox" checked={chosen.includes(ns)} onChange={() => onChange(toggleNamespace(value, ns))} data-testid={`ns-option-${ns}`} />
              <span>{ns}</span>
            </label>
          ))}
          <input
            className="control mono"
            value={extra}
            placeholder={t("topbar.namespaceAdd")}
            aria-label={t("topbar.namespaceAdd")}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setExtra(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && extra.trim() !== "") {
                e.preventDefault();
                if (!chosen.includes(extra.trim())) onChange(toggleNamespace(value, extra.trim()));
                setExtra("");
              }
            }}
            data-testid="ns-add"
          />
          <p className="faint ns-picker__hint">{t("topbar.namespaceHint")}</p>
        </div>
      ) : null}
    </span>
  );
}
