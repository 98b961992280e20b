// Where an item of the overview leads (issue #68): a view of the window, or a page outside it.
// Översikt's action buttons and a clicked desktop notification (App.tsx) go the same way.
import type { AttentionItem } from '../bindings';
import type { View } from './navigation';

/** Where an item's one action leads: a view of the window, or a page outside it. */
export type Destination = { view: View } | { url: string };

/** The place the core named, as a view of the window (state/navigation.ts). */
export function destination(item: AttentionItem): Destination {
  const customer = (v: View): Destination => (item.slug ? { view: v } : { view: { kind: 'customers' } });
  switch (item.place) {
    case 'run':
      return customer({ kind: 'customer', slug: item.slug ?? '', run: item.id ?? undefined });
    case 'customer':
    case 'usage':
    case 'backups':
      return customer({ kind: 'customer', slug: item.slug ?? '' });
    case 'billing':
      // A payment no customer is linked to: Stripe's payments are in the inbox.
      return item.slug ? { view: { kind: 'customer', slug: item.slug } } : { view: { kind: 'inbox' } };
    case 'inbox':
      return { view: { kind: 'inbox' } };
    case 'templates':
      return item.url ? { url: item.url } : { view: { kind: 'templates' } };
    case 'credentials':
      return { view: { kind: 'settings' } };
  }
}
