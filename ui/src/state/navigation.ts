// Navigation state shared by the shell (App.tsx) and the views: which view is open, and the
// register's search, filter and order. Types only, so views never import the shell.
import type { FleetSort, Plan, SortKey, Status } from '../bindings';

/** Simple state-based navigation; each view is one value of this type. */
export type View =
  /** Översikt: what needs a person now, and the business at a glance (views/Overview.tsx); the start page. */
  | { kind: 'overview' }
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
  | { kind: 'inbox' }
  /** Användning: the fleet's usage, cost and margin (views/usage/Fleet.tsx). */
  | { kind: 'usage' };

/** The register's search, filter and order survive a visit to a customer. */
export interface ListState {
  search: string;
  status: Status | '';
  sort: SortKey;
}

/** How the fleet's usage is ordered: lowest margin, nearest limit, or fastest growth first. */
/** The fleet's orders are the core's (crates/fabrik-usage/src/usage/order.rs). */
export type UsageSort = FleetSort;

/** The fleet view's filters (the register's, and a plan), order and days survive a visit too. */
export interface UsageState {
  search: string;
  status: Status | '';
  plan: Plan | '';
  sort: UsageSort;
  days: 30 | 90;
}
