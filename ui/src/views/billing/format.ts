// How billing's values read: a Stripe status by its word (one Stripe adds later by its name),
// a moment in Stripe's unix seconds as a date.
import { formatDate } from '../../i18n';
import { SUBSCRIPTION_STATUS_LABEL, type Language } from '../../bindings';

/** A subscription status's one word, from the core's table (crates/fabrik-billing/src/billing/words.rs). */
export function statusWord(lang: Language, status: string): string {
  const known = SUBSCRIPTION_STATUS_LABEL[status];
  if (known) return known[lang];
  return lang === 'sv' ? `Okänd (${status})` : `Unknown (${status})`;
}

export function unixDate(lang: Language, seconds: number | null | undefined): string | null {
  return seconds == null ? null : formatDate(lang, new Date(seconds * 1000).toISOString());
}

/** A subscription that has ended (`billing::drift::ended`): "ends at the period's end" is past. */
export const ended = (status: string | null | undefined): boolean => status === 'canceled' || status === 'incomplete_expired';
