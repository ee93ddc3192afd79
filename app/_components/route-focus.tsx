"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

const WAIT_MS = 10_000;

/**
 * After a client navigation, focus moves to the new page's main heading (or `<main>`), so keyboard
 * and screen-reader users start at the new content, not on the link they left. Not on first load,
 * nor when only the query string changes (filters keep their focus). A streamed page shows its
 * heading after the navigation commits, so the heading is awaited for a while.
 */
export function RouteFocus() {
  const path = usePathname();
  const previous = useRef(path);
  useEffect(() => {
    if (previous.current === path) return;
    previous.current = path;
    const focusHeading = () => {
      const heading = document.querySelector<HTMLElement>("main#main h1");
      if (!heading) return false;
      if (!heading.hasAttribute("tabindex")) heading.tabIndex = -1;
      heading.focus();
      return true;
    };
    if (focusHeading()) return;
    const observer = new MutationObserver(() => {
      if (focusHeading()) stop();
    });
    const timer = setTimeout(() => {
      stop();
      document.getElementById("main")?.focus();
    }, WAIT_MS);
    const stop = () => {
      observer.disconnect();
      clearTimeout(timer);
    };
    observer.observe(document.body, { childList: true, subtree: true });
    return stop;
  }, [path]);
  return null;
}
