// The typed IPC wrapper: one function over every command of `Commands` (generated from Rust).
import { invoke } from '@tauri-apps/api/core';
import type { ApiError, Commands, FieldError } from './bindings';

export type { ApiError, FieldError };

/** Code given to failures that did not come from the Rust side (a missing bridge, a bug). */
export const UNKNOWN_CODE = 'unknown';

function isFieldError(v: unknown): v is FieldError {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.field === 'string' && typeof o.code === 'string' && typeof o.message === 'string';
}

/** Turns whatever a failed command rejected with into an `ApiError`. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (typeof o.code === 'string' && typeof o.message === 'string') {
      const fields = Array.isArray(o.fields) ? o.fields.filter(isFieldError) : [];
      return { code: o.code, message: o.message, fields };
    }
    if (e instanceof Error) return { code: UNKNOWN_CODE, message: e.message, fields: [] };
  }
  if (typeof e === 'string') return { code: UNKNOWN_CODE, message: e, fields: [] };
  return { code: UNKNOWN_CODE, message: String(e), fields: [] };
}

export function isApiError(e: unknown): e is ApiError {
  return !!e && typeof e === 'object' && typeof (e as ApiError).code === 'string' && Array.isArray((e as ApiError).fields);
}

/** Calls one IPC command; rejects with an `ApiError`, never with anything else. */
export async function call<K extends keyof Commands>(
  cmd: K,
  args: Commands[K]['args'],
): Promise<Commands[K]['result']> {
  try {
    return await invoke<Commands[K]['result']>(cmd, args as Record<string, unknown>);
  } catch (e) {
    throw toApiError(e);
  }
}
