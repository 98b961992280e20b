// "Kontrollera alla" (issue #13): the core checks every delivered instance in the background
// and says how far it got with `health-sweep` events; this follows them.

import { useEvent } from './events';
import { useCallback, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Sweep } from '../bindings';

export function useSweep(onFinished: (s: Sweep) => void, onError: (e: ApiError) => void) {
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEvent('health-sweep', (payload) => {
    setSweep(payload);
    if (!payload.running) finished.current(payload);
  });
  const start = useCallback(() => {
    call('check_all_health', {})
      .then(setSweep)
      .catch((e) => onError(e as ApiError));
  }, [onError]);
  return { sweep, start };
}
