// The core's events, typed by the one event table (`Events` in bindings.ts, generated from
// src/api/events.rs): `useEvent` is the only place the window listens.
import { listen } from '@tauri-apps/api/event';
import { useEffect, useRef } from 'react';
import type { Events } from '../bindings';

/**
 * Calls `handler` with each `event` while the component is mounted (and `enabled`). The newest
 * handler is always the one called, so it may close over current state without re-listening.
 * Outside Tauri (a plain browser) there is no event stream, and nothing happens.
 */
export function useEvent<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void, enabled = true) {
  const current = useRef(handler);
  current.current = handler;
  useEffect(() => {
    if (!enabled) return;
    let unlisten: (() => void) | null = null;
    let gone = false;
    listen<Events[K]>(event, ({ payload }) => current.current(payload))
      .then((u) => (gone ? u() : (unlisten = u)))
      .catch(() => {
        /* No event stream outside Tauri. */
      });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [event, enabled]);
}
