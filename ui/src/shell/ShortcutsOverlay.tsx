import { useEffect, useRef } from "react";
import { Icon } from "../components/Icon";
import { useT } from "../i18n";

const SHORTCUTS = [
  { keys: ["/"], label: "shortcuts.search" },
  { keys: ["?"], label: "shortcuts.help" },
  { keys: ["Esc"], label: "shortcuts.escape" },
  { keys: ["↑", "↓", "j", "k"], label: "shortcuts.move" },
  { keys: ["Space"], label: "shortcuts.select" },
  { keys: ["Enter"], label: "shortcuts.open" },
  { keys: ["Esc"], label: "shortcuts.back" },
  { keys: ["S", "R", "X", "Del"], label: "shortcuts.batch" },
] as const;

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  const t = useT();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => previous?.focus();
  }, []);

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-overlay"
        onKeyDown={(e) => {
          // The close button is the only control: keep focus inside the dialog.
          if (e.key === "Tab") {
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <div className="dialog__head">
          <h2 id="shortcuts-title" className="dialog__title">
            <Icon name="keyboard" />
            {t("shortcuts.title")}
          </h2>
          <button ref={closeRef} type="button" className="btn btn--icon" onClick={onClose} aria-label={t("common.close")}>
            <Icon name="close" />
          </button>
        </div>
        <dl className="shortcuts">
          {SHORTCUTS.map((s) => (
            <div className="shortcuts__row" key={s.label}>
              <dt>
                {s.keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dt>
              <dd>{t(s.label)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
