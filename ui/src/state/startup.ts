// Start-up order (issue #12): the first view is painted from the register first; anything
// that needs the clouds (the simulator, the keyring, the network) is asked for afterwards, so
// it neither delays the first paint nor competes with it for the CPU. The window opens on
// Översikt (issue #68); the customer list is one click away, so its first page is still asked
// for here, beside the overview, and the list shows it at once when it opens.

import { call } from '../api';
import type { CustomerListing, CustomerQuery, Environment, Overview, Preferences } from '../bindings';

let painted: () => void = () => {};
const firstPainted = new Promise<void>((resolve) => {
  painted = resolve;
});

/**
 * Cloud work waits for this: the first view painted (Översikt, or the list when it comes
 * first), or at most 1.5 s (a window opened elsewhere). Named for the list it once waited for.
 */
export const afterListPainted: Promise<void> = Promise.race([firstPainted, new Promise<void>((r) => setTimeout(r, 1500))]);

/** Two frames on: what was rendered is on screen. */
const afterPaint = (then: () => void) => requestAnimationFrame(() => requestAnimationFrame(then));

/**
 * Called by the view the window opens on (Översikt) once its first content (or its error) is
 * on screen: marks `fabrik:first-painted` and lets the cloud work start.
 */
export function markFirstPainted() {
  afterPaint(firstPaintSeen);
}

function firstPaintSeen() {
  if (!performance.getEntriesByName('fabrik:first-painted').length) performance.mark('fabrik:first-painted');
  painted();
}

/**
 * Called by the list once its first page (or its empty state, or its error) is on screen:
 * marks `fabrik:list-painted` (start-up trace, scripts/measure-window.mjs) and, should the list
 * be the first view painted, counts as the first paint too.
 */
export function markListPainted() {
  afterPaint(() => {
    if (!performance.getEntriesByName('fabrik:list-painted').length) performance.mark('fabrik:list-painted');
    firstPaintSeen();
  });
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

/**
 * Översikt, the view the window opens on (a read of the register alone, no provider asked):
 * asked beside the list's first page, so the first frame has it.
 */
let firstOverviewNow: Overview | null = null;
const firstOverviewSettled = call('overview', {}).then(
  (o) => {
    firstOverviewNow = o;
  },
  () => {
    /* The view asks again and shows the error. */
  },
);

/** The opening overview, if it answered and nobody has taken it; `peek` leaves it for the view. */
export function takeFirstOverview(peek = false): Overview | null {
  const o = firstOverviewNow;
  if (!peek) firstOverviewNow = null;
  return o;
}

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
 * is in), the environment, the overview's and the list's first page's answers, whichever comes
 * last, so the first frame has the overview (and a click on Kunder the list) and nothing moves
 * after it.
 */
export const opening: Promise<Opening> = Promise.all([preferences, environment, firstPageSettled, firstOverviewSettled]).then(([p, e]) => {
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
