"use client";

import { usePathname } from "next/navigation";
import { useId, useRef, useState, type ReactNode } from "react";

/**
 * Navigation that folds behind one button on a narrow screen, so a page's own content starts on the
 * phone's first screen. On a wide screen the CSS hides the button and always shows the panel
 * (`.disclosure-nav` in app/globals.css). The panel closes on navigation and on Escape.
 */
export function DisclosureNav({
  label,
  className,
  children,
}: {
  /** The button's text, e.g. "Admin menu". */
  label: string;
  className: string;
  children: ReactNode;
}) {
  const path = usePathname();
  // Open on the page where it was opened: a navigation closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const setOpen = (value: boolean) => setOpenOn(value ? path : null);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div
      className={`disclosure-nav ${className}${open ? " open" : ""}`}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className="disclosure-toggle secondary"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        {label}
        <span aria-hidden="true" className="chevron">
          ▾
        </span>
      </button>
      <div id={id} className="disclosure-panel">
        {children}
      </div>
    </div>
  );
}
