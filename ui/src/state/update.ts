// Fabrik's own update (crates/fabrik-update/src/update and crates/fabrik-update/src/update/window.rs in the core): one state for the whole
// window, so the notice in the header and Om Fabrik show the same check and the same install.
// The window checks once after start (when the list is painted and the clouds had their turn)
// and again whenever Om Fabrik asks.

import { useSyncExternalStore } from 'react';
import { call } from '../api';
import type { ApiError, UpdateCheck, UpdateProgress } from '../bindings';
import { afterListPainted } from './startup';

export type UpdateState = {
  checking: boolean;
  check: UpdateCheck | null;
  /** Why the last check could not say (the feed unreachable, none built in …). */
  error: ApiError | null;
  /** Where an install stands, from `update_install` and then the `update` event. */
  progress: UpdateProgress | null;
  /** Set by a check the user asked for; the start's own check stays quiet about errors. */
  asked: boolean;
  /** Checks answered so far: what is shown belongs to the newest (a window test reads it to
   * know the answer on screen is the one to its own check, not the one before). */
  answered: number;
  /** The start's own check: still to come, done, or left out (a test waits for its turn). */
  startCheck: 'waiting' | 'done' | 'skipped';
};

let state: UpdateState = { checking: false, check: null, error: null, progress: null, asked: false, answered: 0, startCheck: 'waiting' };
const listeners = new Set<() => void>();

function set(patch: Partial<UpdateState>) {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

export function useUpdate(): UpdateState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

export async function checkForUpdate(asked: boolean): Promise<void> {
  if (state.checking) return;
  // A failed install belongs to the offer it was for; a new check starts from a clean slate.
  const progress = state.progress?.phase === 'failed' ? null : state.progress;
  set({ checking: true, asked: asked || state.asked, progress });
  try {
    set({ check: await call('update_check', {}), error: null });
  } catch (e) {
    set({ error: e as ApiError, check: null });
  } finally {
    set({ checking: false, answered: state.answered + 1 });
  }
}

/** `update` events seen: the install's own answer is older than any event after it was asked. */
let moves = 0;

export async function installUpdate(): Promise<void> {
  // The last attempt's failure goes as this one starts, so what is shown is this attempt's.
  set({ progress: null });
  const asked = moves;
  try {
    const answer = await call('update_install', {});
    // The core starts the download before it answers, so its events can come first; the
    // answer then says less than they did and is dropped.
    if (moves === asked) set({ progress: answer });
  } catch (e) {
    set({ progress: { phase: 'failed', error: e as ApiError } });
  }
}

/** From the `update` event. */
export function updateMoved(p: UpdateProgress) {
  moves += 1;
  set({ progress: p });
}

/** The check at start: after the first paint and the clouds' start, never in their way. */
export function checkAfterStart(delayMs = 4000) {
  void afterListPainted.then(() =>
    setTimeout(() => {
      // The owner checked already (Om Fabrik), or an install is under way or failed: the start's
      // check would only repeat theirs, and clear a failure they have not read yet.
      if (state.asked || state.checking || state.progress) {
        set({ startCheck: 'skipped' });
        return;
      }
      set({ startCheck: 'done' });
      void checkForUpdate(false);
    }, delayMs),
  );
}
