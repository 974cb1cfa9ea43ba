// A menu button (kebab or labelled): role=menu with role=menuitem entries; arrow keys, Home/End
// move, Enter/Space choose, Escape or a click outside closes and focus returns to the button.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Icon, type IconName } from "./Icon";

export type MenuItem = { id: string; label: string; icon?: IconName; danger?: boolean; disabled?: boolean; title?: string; testId?: string; onSelect: () => void };

export function Menu({ label, items, text, testId, onOpenChange }: { label: string; items: MenuItem[]; text?: ReactNode; testId?: string; onOpenChange?: (open: boolean) => void }) {
  const [open, setOpen] = useState(false);
  // Fixed to the viewport under the button, so a scrolling table does not clip it.
  const [place, setPlace] = useState<{ top: number; right: number } | null>(null);
  const changed = useRef(onOpenChange);
  changed.current = onOpenChange;
  useEffect(() => {
    if (open) changed.current?.(true);
  }, [open]);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  const close = (focus = true) => {
    setOpen(false);
    if (focus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    entries()[0]?.focus();
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    // Escape closes even when focus left the menu (e.g. the focused item went away).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      e.preventDefault();
      close();
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  // Items can change while open (an answer arrives): keep focus inside.
  const itemKey = items.map((i) => i.id).join(",");
  useEffect(() => {
    if (open && menu.current && !menu.current.contains(document.activeElement)) entries()[0]?.focus();
  }, [open, itemKey]);

  return (
    <span className="menu-host">
      <button
        ref={button}
        type="button"
        className={text ? "btn" : "btn btn--icon btn--tiny menu__kebab"}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={label}
        title={label}
        tabIndex={text ? undefined : -1}
        data-testid={testId}
        onClick={(e) => {
          e.stopPropagation();
          const r = e.currentTarget.getBoundingClientRect();
          setPlace({ top: r.bottom + 4, right: Math.max(4, window.innerWidth - r.right) });
          setOpen((o) => !o);
        }}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            const r = e.currentTarget.getBoundingClientRect();
            setPlace({ top: r.bottom + 4, right: Math.max(4, window.innerWidth - r.right) });
            setOpen(true);
          }
        }}
      >
        {text ?? null}
        <Icon name="more" size={text ? 14 : 16} />
      </button>
      {open ? (
        <div
          ref={menu}
          id={id}
          role="menu"
          aria-label={label}
          className="menu"
          style={place ? { top: place.top, right: place.right } : undefined}
          data-testid={testId ? `${testId}-menu` : undefined}
          onMouseDown={(e) => e.stopPropagation()}
          onKeyDown={(e) => {
            const list = entries();
            const i = list.indexOf(document.activeElement as HTMLElement);
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              close();
            } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              e.stopPropagation();
              const n = list.length;
              list[(i + (e.key === "ArrowDown" ? 1 : n - 1) + n) % n]?.focus();
            } else if (e.key === "Home" || e.key === "End") {
              e.preventDefault();
              list[e.key === "Home" ? 0 : list.length - 1]?.focus();
            } else if (e.key === "Tab") {
              close(false);
            } else {
              e.stopPropagation();
            }
          }}
        >
          {items.map((item) => (
            <button
              key={item.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`menu__item${item.danger ? " menu__item--danger" : ""}`}
              disabled={item.disabled}
              title={item.title}
              data-testid={item.testId ?? `menu-${item.id}`}
              onClick={(e) => {
                e.stopPropagation();
                // Focus goes back to the button first, so a dialog the item opens returns it there.
                close();
                item.onSelect();
              }}
            >
              {item.icon ? <Icon name={item.icon} size={14} /> : <span className="menu__gap" aria-hidden="true" />}
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}
