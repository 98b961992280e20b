// "Kontrollera alla" (issue #13): the core checks every delivered instance in the background
// and says how far it got with `health-sweep` events; this follows them.

import { listen } from '@tauri-apps/api/event';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Sweep } from '../bindings';

export function useSweep(onFinished: (s: Sweep) => void, onError: (e: ApiError) => void) {
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    listen<Sweep>('health-sweep', ({ payload }) => {
      setSweep(payload);
      if (!payload.running) finished.current(payload);
    }).then((fn) => {
      if (live) unlisten = fn;
      else fn();
    });
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);
  const start = useCallback(() => {
    call('check_all_health', {})
      .then(setSweep)
      .catch((e) => onError(e as ApiError));
  }, [onError]);
  return { sweep, start };
}
