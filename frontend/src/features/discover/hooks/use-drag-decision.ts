import { useRef, useState, type CSSProperties, type DragEvent, type PointerEvent } from 'react';

/** How far (px) a card must be dragged sideways before letting go counts as a decision. */
export const DECIDE_DISTANCE = 96;

// Presses that start on these stay theirs: the card's own buttons, links and menus.
const INTERACTIVE = 'button, a, input, textarea, select, [role="menu"], [role="menuitem"]';

type DragStart = { x: number; pointerId: number };

/**
 * Drag the discover card right for Yes or left for No, with a finger or a mouse. The Yes / No
 * buttons and the arrow keys remain the accessible way; this is the gesture people expect from
 * a swiping app. Vertical movement is left to the page (the card sets `touch-action: pan-y`).
 */
export function useDragDecision(onDecide: (liked: boolean) => void, disabled: boolean) {
  const start = useRef<DragStart | null>(null);
  const [offset, setOffset] = useState(0);

  const reset = () => {
    start.current = null;
    setOffset(0);
  };

  const handlers = {
    onPointerDown(event: PointerEvent<HTMLElement>) {
      if (disabled || event.button !== 0 || (event.target as Element).closest(INTERACTIVE)) return;
      start.current = { x: event.clientX, pointerId: event.pointerId };
      event.currentTarget.setPointerCapture?.(event.pointerId);
    },
    onPointerMove(event: PointerEvent<HTMLElement>) {
      if (start.current?.pointerId !== event.pointerId) return;
      setOffset(event.clientX - start.current.x);
    },
    onPointerUp(event: PointerEvent<HTMLElement>) {
      if (start.current?.pointerId !== event.pointerId) return;
      const distance = event.clientX - start.current.x;
      reset();
      if (Math.abs(distance) >= DECIDE_DISTANCE) onDecide(distance > 0);
    },
    onPointerCancel: reset,
    // A photo would otherwise start the browser's own drag-and-drop and cancel the gesture.
    onDragStart(event: DragEvent<HTMLElement>) {
      event.preventDefault();
    },
  };

  const style: CSSProperties | undefined = offset
    ? { transform: `translateX(${offset}px) rotate(${offset / 24}deg)` }
    : undefined;
  const intent: 'yes' | 'no' | null =
    offset >= DECIDE_DISTANCE ? 'yes' : offset <= -DECIDE_DISTANCE ? 'no' : null;

  return { handlers, style, intent, dragging: offset !== 0 };
}
