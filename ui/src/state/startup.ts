// Start-up order (issue #12): the customer list is painted from the register first; anything
// that needs the clouds (the simulator, the keyring, the network) is asked for afterwards, so
// it neither delays the first paint nor competes with it for the CPU.

import { call } from '../api';
import type { CustomerListing, CustomerQuery } from '../bindings';

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

/** The list's first request, as the window opens: sent at once, beside the preferences. */
const FIRST_QUERY: CustomerQuery = { sort: 'name_asc', offset: 0, limit: 100 };
performance.mark('fabrik:list-asked'); // start-up trace (scripts/measure-window.mjs)
let firstPage: Promise<CustomerListing> | null = call('list_customers', { query: FIRST_QUERY });
firstPage.then(
  () => performance.mark('fabrik:list-answered'),
  () => {
    /* Whoever takes it sees the error. */
  },
);

/** The page already asked for, if `query` is the opening one and nobody has taken it yet. */
export function takeFirstPage(query: CustomerQuery): Promise<CustomerListing> | null {
  const same = query.search === undefined && query.status === undefined && query.sort === FIRST_QUERY.sort && query.offset === 0 && query.limit === FIRST_QUERY.limit;
  const page = same ? firstPage : null;
  firstPage = null;
  return page;
}
