// What the customer page's panels share: a command's answer read when what it depends on
// changes (the customer, a reload, the newest run), its failure kept apart, and a refusal to
// start a run that belongs to the moment it happened.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Commands } from '../bindings';

/**
 * Reads `cmd` with `args` now and whenever a value of `deps` changes; an answer that arrives
 * after the panel moved on is dropped. `shape` turns the answer into what the panel keeps.
 */
export function useLoad<K extends keyof Commands, T = Commands[K]['result']>(
  cmd: K,
  args: Commands[K]['args'],
  deps: readonly unknown[],
  shape: (r: Commands[K]['result']) => T = (r) => r as unknown as T,
) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    call(cmd, args)
      .then((r) => {
        if (!live) return;
        setData(shape(r));
        setError(null);
      })
      .catch((e) => live && setError(e as ApiError));
    return () => {
      live = false;
    };
    // `deps` names what the read depends on; `args` and `shape` follow from them.
  }, [cmd, ...deps]);
  return { data, error, setData };
}

/** Why starting a run was refused: forgotten as soon as any newer run of the customer exists. */
export function useRefusal<T>(latestRun: number | undefined) {
  const [refused, setRefused] = useState<T | null>(null);
  useEffect(() => setRefused(null), [latestRun]);
  return [refused, setRefused] as const;
}
