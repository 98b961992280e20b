// Start-up order (issue #12): the customer list is painted from the register first; anything
// that needs the clouds (the simulator, the keyring, the network) is asked for afterwards, so
// it neither delays the first paint nor competes with it for the CPU.

import { call } from '../api';
import type { CustomerListing, CustomerQuery, Environment, Preferences } from '../bindings';

let painted: () => void = () => {};
const listPainted = new Promise<void>((resolve) => {
  painted = resolve;
});

/** Cloud work waits for this: the list painted, or at most 1.5 s (a window opened elsewhere). */
export const afterListPainted: Promise<void> = Promise.race([listPainted, new Promise<void>((r) => setTimeout(r, 1500))]);

/** Called by the list once its first page (or its empty state, or its error) is on screen. */
export function markListPainted() {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (!performance.getEntriesByName('fabrik:list-painted').length) performance.mark('fabrik:list-painted');
      painted();
    }),
  );
}

/** The list's first request and the preferences, as the window opens: both sent at once. */
const FIRST_QUERY: CustomerQuery = { sort: 'name_asc', offset: 0, limit: 100 };
performance.mark('fabrik:list-asked'); // start-up trace (scripts/measure-window.mjs)
let firstPage: Promise<CustomerListing> | null = call('list_customers', { query: FIRST_QUERY });
/** The first page once it has answered: the shell's first frame shows it, not a frame later. */
let firstPageNow: CustomerListing | null = null;
const firstPageSettled = firstPage.then(
  (page) => {
    performance.mark('fabrik:list-answered');
    firstPageNow = page;
  },
  () => {
    /* Whoever takes it sees the error. */
  },
);

/** The saved preferences, asked beside the first page; `null` when they cannot be read. */
const preferences: Promise<Preferences | null> = call('get_preferences', {}).catch(() => null);

/**
 * The environment the window works in (the stored choice, read from the register, not the
 * clouds): asked beside the first page so that the sandbox banner is in the first frame.
 * Asked later, it came after the first paint and pushed the whole page down under the pointer.
 */
const environment: Promise<Environment | null> = call('environment', {}).catch(() => null);

/** What the window opens with. */
export type Opening = { preferences: Preferences | null; environment: Environment | null };

/**
 * What the shell waits for before its first render: the preferences (the language every word
 * is in), the environment and the first page's answer, whichever comes last, so the first
 * frame has the list and nothing moves after it.
 */
export const opening: Promise<Opening> = Promise.all([preferences, environment, firstPageSettled]).then(([p, e]) => {
  performance.mark('fabrik:preferences'); // start-up trace (scripts/measure-window.mjs)
  return { preferences: p, environment: e };
});

function isFirst(query: CustomerQuery) {
  return query.search === undefined && query.status === undefined && query.sort === FIRST_QUERY.sort && query.offset === 0 && query.limit === FIRST_QUERY.limit;
}

/** The first page, if it has answered, `query` is the opening one, and nobody has taken it. */
export function takeFirstPageNow(query: CustomerQuery): CustomerListing | null {
  const page = isFirst(query) ? firstPageNow : null;
  if (page) {
    firstPage = null;
    firstPageNow = null;
  }
  return page;
}

/** The page already asked for, if `query` is the opening one and nobody has taken it yet. */
export function takeFirstPage(query: CustomerQuery): Promise<CustomerListing> | null {
  const page = isFirst(query) ? firstPage : null;
  firstPage = null;
  firstPageNow = null;
  return page;
}
