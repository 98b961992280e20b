// How billing's values read: a Stripe status by its word (one Stripe adds later by its name),
// a moment in Stripe's unix seconds as a date.
import { formatDate, type TextKey } from '../../i18n';
import type { Language } from '../../bindings';

const KNOWN = ['active', 'trialing', 'past_due', 'unpaid', 'canceled', 'paused', 'incomplete', 'incomplete_expired'];

export function statusKey(status: string): TextKey {
  return (KNOWN.includes(status) ? `billing.status.${status}` : 'billing.status.other') as TextKey;
}

export function unixDate(lang: Language, seconds: number | null | undefined): string | null {
  return seconds == null ? null : formatDate(lang, new Date(seconds * 1000).toISOString());
}

/** A subscription that has ended (`billing::drift::ended`): "ends at the period's end" is past. */
export const ended = (status: string | null | undefined): boolean => status === 'canceled' || status === 'incomplete_expired';
