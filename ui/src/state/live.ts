// How a roll-out screen follows a roll-out while it is live: read again every second and, at
// most every 150 ms, when a run moves; once it stops being live, read whole once more. The
// schema and the template screens follow theirs the same way.
import { useEffect, useRef, type MutableRefObject } from 'react';
import { useEvent } from './events';

const POLL_MS = 1000;
const RUN_MOVED_MS = 150;

export function useFollowLive(live: boolean, refresh: MutableRefObject<() => void>, load: () => void) {
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(() => refresh.current(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [live, refresh]);
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) load();
    wasLive.current = live;
  }, [live, load]);
  // The poll runs outside Tauri too, where no event comes.
  const queued = useRef<number | null>(null);
  useEvent(
    'run-event',
    () => {
      if (queued.current === null) queued.current = window.setTimeout(() => ((queued.current = null), refresh.current()), RUN_MOVED_MS);
    },
    live,
  );
  useEffect(() => () => void (queued.current !== null && window.clearTimeout(queued.current)), []);
}
