// Navigation state shared by the shell (App.tsx) and the views: which view is open, and the
// register's search, filter and order. Types only, so views never import the shell.
import type { SortKey, Status } from '../bindings';

/** Simple state-based navigation; each view is one value of this type. */
export type View =
  | { kind: 'customers' }
  | { kind: 'new-customer' }
  /** `run`: the run to show first (a link from Aktivitet); else the newest. */
  | { kind: 'customer'; slug: string; run?: number }
  | { kind: 'edit-customer'; slug: string }
  | { kind: 'settings' }
  /** Installationsguiden (views/Setup.tsx). */
  | { kind: 'setup' }
  | { kind: 'activity' }
  | { kind: 'rollouts' }
  | { kind: 'templates' }
  /** Inkorg: the portal's requests and Stripe's payments (views/Inbox.tsx). */
  | { kind: 'inbox' };

/** The register's search, filter and order survive a visit to a customer. */
export interface ListState {
  search: string;
  status: Status | '';
  sort: SortKey;
}
