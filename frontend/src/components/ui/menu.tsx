import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export type MenuItem = {
  label: string;
  onSelect: () => void;
  /** Destructive actions (Block, Unmatch) are shown in the danger colour. */
  danger?: boolean;
};

/**
 * A menu button (WAI-ARIA APG "menu button"): the button has aria-haspopup and aria-expanded;
 * Enter, Space or ↓ open the menu on its first item, ↑ on its last; ↑ ↓ Home End move between
 * items; Enter or Space choose; Escape or Tab close; focus returns to the button.
 */
export function MenuButton({
  label,
  icon,
  items,
  className,
}: {
  /** The button's visible text and accessible name. */
  label: string;
  icon?: ReactNode;
  items: MenuItem[];
  className?: string;
}) {
  const buttonId = useId();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointerDown);
    return () => document.removeEventListener('mousedown', onPointerDown);
  }, [open]);

  const openAt = (index: number) => {
    setActive(index);
    setOpen(true);
  };

  const close = (returnFocus = true) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };

  const choose = (item: MenuItem) => {
    close();
    item.onSelect();
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openAt(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      openAt(items.length - 1);
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = items.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: active >= last ? 0 : active + 1,
      ArrowUp: active <= 0 ? last : active - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves) {
      event.preventDefault();
      setActive(moves[event.key]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      close(false);
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      // Owned by the menu while it is open (the discover deck would otherwise swipe).
      event.preventDefault();
    }
  };

  return (
    <div className={['menu', className].filter(Boolean).join(' ')} ref={root}>
      <button
        ref={button}
        id={buttonId}
        type="button"
        className="btn btn-secondary btn-small menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close() : openAt(0))}
        onKeyDown={onButtonKeyDown}
      >
        {icon}
        {label}
      </button>
      {open && (
        <div id={menuId} className="menu-list" role="menu" aria-labelledby={buttonId} onKeyDown={onMenuKeyDown}>
          {items.map((item, index) => (
            <button
              key={item.label}
              ref={(element) => {
                itemRefs.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={index === active ? 0 : -1}
              className={`menu-item${item.danger ? ' menu-item-danger' : ''}`}
              onClick={() => choose(item)}
              onMouseEnter={() => setActive(index)}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
