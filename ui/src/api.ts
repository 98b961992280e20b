// The typed IPC wrapper: one function over every command of `Commands` (generated from Rust).
import { invoke } from '@tauri-apps/api/core';
import { ERROR_TEXT, type ApiError, type Commands, type ErrorCode, type FieldError } from './bindings';

export type { ApiError, FieldError };

const isCode = (v: unknown): v is ErrorCode => typeof v === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TEXT, v);

const stringParams = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};

function isFieldError(v: unknown): v is FieldError {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.field === 'string' && isCode(o.code) && typeof o.message === 'string';
}

/** A failure that did not come from the core (a missing bridge, a bug): `internal`. */
function internal(detail: string): ApiError {
  return { code: 'internal', message: `Internt fel: ${detail}`, params: { detail }, fields: [] };
}

/** Turns whatever a failed command rejected with into an `ApiError`. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if (isCode(o.code) && typeof o.message === 'string') {
      const fields = (Array.isArray(o.fields) ? o.fields.filter(isFieldError) : []).map((f) => ({
        ...f,
        text: isCode(f.text) ? f.text : f.code,
        params: stringParams(f.params),
      }));
      return { code: o.code, message: o.message, params: stringParams(o.params), fields };
    }
    if (typeof o.message === 'string') return internal(o.message);
    if (e instanceof Error) return internal(e.message);
  }
  return internal(typeof e === 'string' ? e : String(e));
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
