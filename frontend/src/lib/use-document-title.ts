import { useLayoutEffect } from 'react';

/**
 * Sets the tab title for the page on screen. A layout effect, so the title changes in the same
 * commit as the page itself: screen readers, history entries and tests never see the old one.
 */
export function useDocumentTitle(title: string): void {
  useLayoutEffect(() => {
    document.title = title ? `${title} · Friender` : 'Friender';
  }, [title]);
}
