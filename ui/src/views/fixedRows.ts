import { useLayoutEffect, useState, type RefObject } from 'react';

/** One row of a fixed-height list that is on screen (or just off it). */
export interface FixedRow {
  index: number;
  /** Pixels from the top of the list. */
  start: number;
}

/**
 * Which rows of a list of `count` rows, each `height` pixels, the scroll element shows. Work and
 * memory follow the rows on screen, not `count`: a list of 100,000 costs what one of 100 does
 * (a general virtualizer keeps a measurement per row, which at that size is most of the paint).
 */
export function useFixedRows(count: number, height: number, scroller: RefObject<HTMLElement | null>, overscan = 8) {
  const [view, setView] = useState({ top: 0, height: 0 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      resize.disconnect();
    };
  }, [scroller]);

  const first = Math.max(0, Math.floor(view.top / height) - overscan);
  const last = Math.min(count - 1, Math.ceil((view.top + view.height) / height) + overscan);
  const items: FixedRow[] = [];
  for (let i = first; i <= last; i++) items.push({ index: i, start: i * height });

  /** Brings row `index` into view, scrolling as little as possible. */
  function scrollToIndex(index: number) {
    const el = scroller.current;
    if (!el) return;
    const top = index * height;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + height > el.scrollTop + el.clientHeight) el.scrollTop = top + height - el.clientHeight;
  }

  return { items, totalSize: count * height, scrollToIndex };
}
