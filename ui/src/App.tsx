import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call } from './api';
import { useEvent } from './state/events';
import type { Environment, Language, ModuleManifest } from './bindings';
import { formatDateTime, I18nContext, LANGUAGES, makeI18n, translate, useI18n } from './i18n';
import { ToastProvider, useToast } from './state/toast';
import { CustomerList } from './views/CustomerList';
import { RunsProvider, useRuns } from './state/runs';
import type { ListState, UsageState, View } from './state/navigation';
import { destination } from './state/places';
import { Activity } from './views/Activity';
import { PlanDialog } from './views/Provision';
import { ActiveRunsIndicator, ResumeBanner } from './views/Runs';
import { afterListPainted, opening, takeFirstOverview, type Opening } from './state/startup';
import { checkAfterStart, updateMoved, useUpdate } from './state/update';
import { StatusBar } from './views/AccountsLeft';

// Views other than the list are separate scripts: none but Översikt, the view the window opens
// on, is read before the first view paints. Each is fetched once that view is on screen, so the
// first click on it does not wait for its script.
// Each script is asked for once (the prefetch and the click share the promise) and the prefetch
// asks one after another: WebKitGTK (the real window) can hand a module fetched by two imports at
// once to the second before its body has run (WebKit bug 242740), and the customer's page and
// the usage view share the chunk holding uPlot, so drawing a chart then met
// "Cannot access uninitialized variable" and blanked the window.
const once = <T,>(load: () => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
};
const views = {
  overview: once(() => import('./views/Overview')),
  form: once(() => import('./views/CustomerForm')),
  page: once(() => import('./views/CustomerPage')),
  settings: once(() => import('./views/Settings')),
  rollouts: once(() => import('./views/Rollouts')),
  templates: once(() => import('./views/Templates')),
  setup: once(() => import('./views/Setup')),
  inbox: once(() => import('./views/Inbox')),
  usage: once(() => import('./views/usage/Fleet')),
};
// Översikt, the view the window opens on: its script is asked for at once and awaited with the
// opening (App below), so the first frame shows the overview itself, not a lazy view's fallback.
let overviewScript: typeof import('./views/Overview') | null = null;
const overviewLoaded = views.overview().then(
  (m) => {
    overviewScript = m;
  },
  () => {
    /* The lazy view below asks again. */
  },
);
const LazyOverview = lazy(() => views.overview().then((m) => ({ default: m.Overview })));
const CustomerForm = lazy(() => views.form().then((m) => ({ default: m.CustomerForm })));
const CustomerPage = lazy(() => views.page().then((m) => ({ default: m.CustomerPage })));
const Settings = lazy(() => views.settings().then((m) => ({ default: m.Settings })));
const Rollouts = lazy(() => views.rollouts().then((m) => ({ default: m.Rollouts })));
const Templates = lazy(() => views.templates().then((m) => ({ default: m.Templates })));
const Setup = lazy(() => views.setup().then((m) => ({ default: m.Setup })));
const Inbox = lazy(() => views.inbox().then((m) => ({ default: m.Inbox })));
const Fleet = lazy(() => views.usage().then((m) => ({ default: m.Fleet })));
void afterListPainted.then(async () => {
  for (const load of Object.values(views)) await load().catch(() => {});
});

export function App() {
  const [lang, setLang] = useState<Language>('sv');
  const [opened, setOpened] = useState<Opening | null>(null);

  useEffect(() => {
    let live = true;
    // Asked as the script starts (state/startup.ts), beside the list's first page.
    void Promise.all([opening, overviewLoaded]).then(([o]) => {
      if (!live) return;
      // Swedish is the default when the preference cannot be read.
      if (o.preferences) setLang(o.preferences.language);
      setOpened(o);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.name');
  }, [lang]);

  const setLanguage = useCallback((next: Language) => {
    setLang(next);
    call('set_language', { language: next })
      .then((p) => setLang(p.language))
      .catch(() => {
        /* The switch still applies to this session. */
      });
  }, []);

  const i18n = useMemo(() => makeI18n(lang, setLanguage), [lang, setLanguage]);

  return (
    <I18nContext.Provider value={i18n}>
      <ToastProvider>
        {opened ? (
          <RunsProvider renderPlan={(p, close, start) => <PlanDialog slugs={p.slugs} names={p.names} onCancel={close} onStart={start} />}>
            <Shell environment={opened.environment} />
          </RunsProvider>
        ) : (
          <div className="app-loading" aria-busy="true" />
        )}
      </ToastProvider>
    </I18nContext.Provider>
  );
}

/** `environment` is null when it could not be read (the register did not open): no banner; the views explain. */
function Shell({ environment }: { environment: Environment | null }) {
  const toast = useToast();
  // The window opens on Översikt (issue #68); the customer list is one click away.
  const [view, setView] = useState<View>({ kind: 'overview' });
  const [list, setList] = useState<ListState>({ search: '', status: '', sort: 'name_asc' });
  const [usage, setUsage] = useState<UsageState>({ search: '', status: '', plan: '', sort: 'margin', days: 90 });
  const [manifest, setManifest] = useState<ModuleManifest | null>(null);
  const { err } = useI18n();
  const [pending, setPending] = usePendingRequests(view.kind === 'inbox');
  const [attention, setAttention] = useAttentionCount(view.kind === 'overview');
  const Overview = overviewScript?.Overview ?? LazyOverview;

  useEffect(() => {
    call('module_manifest', {})
      .then(setManifest)
      .catch((e) => toast('error', err(e)));
    // The manifest is loaded once per window; so is the check for a newer Fabrik.
    checkAfterStart();
    // The setup guide opens by itself on this seat's first start, and in production until it
    // is finished (every step done or skipped). It reads the clouds: after the list, like all
    // cloud work (state/startup.ts).
    void afterListPainted
      .then(() => call('setup_guide', {}))
      .then((g) => {
        if (!g.started || (g.environment === 'production' && g.at !== 'done')) setView({ kind: 'setup' });
      })
      .catch(() => {
        /* Inställningar still opens it. */
      });
  }, []);
  useEvent('update', updateMoved);
  // A desktop notification clicked: its item, as Översikt's action would open it; many at once
  // (no item) open Översikt.
  useEvent('open-notice', (n) => {
    const to = n.item ? destination(n.item) : { view: { kind: 'overview' } as View };
    if ('view' in to) setView(to.view);
    else call('open_external', { url: to.url }).catch((e) => toast('error', err(e)));
  });

  const section =
    view.kind === 'overview' ? 'overview' : view.kind === 'settings' || view.kind === 'setup' ? 'settings' : view.kind === 'activity' ? 'activity' : view.kind === 'rollouts' ? 'rollouts' : view.kind === 'templates' ? 'templates' : view.kind === 'inbox' ? 'inbox' : view.kind === 'usage' ? 'usage' : view.kind === 'customers' || view.kind.endsWith('customer') ? 'customers' : '';

  return (
    <div className="app">
      <div className="banner-slot">{environment === 'sandbox' && <SandboxBanner />}</div>
      <Header current={section} environment={environment} pending={pending} attention={attention} onNavigate={(v) => setView(v)} />
      <ResumeBanner />
      <LiveBanner />
      <UpdateBanner onShow={() => setView({ kind: 'settings' })} />
      <main className="main" id="main">
        <Suspense fallback={<div className="page" aria-busy="true" />}>
        {view.kind === 'overview' && <Overview onOpen={(v) => setView(v)} onCount={setAttention} />}
        {view.kind === 'activity' && <Activity onOpenRun={(slug, run) => setView({ kind: 'customer', slug, run })} />}
        {view.kind === 'customers' && (
          <CustomerList state={list} onStateChange={setList} onOpen={(slug) => setView({ kind: 'customer', slug })} onAdd={() => setView({ kind: 'new-customer' })} />
        )}
        {view.kind === 'new-customer' && (
          <CustomerForm
            mode={{ kind: 'new' }}
            manifest={manifest}
            onCancel={() => setView({ kind: 'customers' })}
            onSaved={(c) => setView({ kind: 'customer', slug: c.slug })}
          />
        )}
        {view.kind === 'edit-customer' && (
          <CustomerForm
            mode={{ kind: 'edit', slug: view.slug }}
            manifest={manifest}
            onCancel={() => setView({ kind: 'customer', slug: view.slug })}
            onSaved={(c) => setView({ kind: 'customer', slug: c.slug })}
          />
        )}
        {view.kind === 'settings' && <Settings environment={environment} onGuide={() => setView({ kind: 'setup' })} />}
        {view.kind === 'setup' && <Setup onClose={() => setView({ kind: 'customers' })} />}
        {view.kind === 'rollouts' && <Rollouts onOpenRun={(slug, run) => setView({ kind: 'customer', slug, run })} />}
        {view.kind === 'templates' && <Templates onOpenRun={(slug, run) => setView({ kind: 'customer', slug, run })} />}
        {view.kind === 'usage' && <Fleet state={usage} onStateChange={setUsage} onOpen={(slug) => setView({ kind: 'customer', slug })} />}
        {view.kind === 'inbox' && <Inbox onOpenCustomer={(slug, run) => setView({ kind: 'customer', slug, run })} onPending={setPending} />}
        {view.kind === 'customer' && (
          <CustomerPage
            key={`${view.slug}#${view.run ?? ''}`}
            slug={view.slug}
            run={view.run}
            manifest={manifest}
            onBack={() => setView({ kind: 'customers' })}
            onEdit={() => setView({ kind: 'edit-customer', slug: view.slug })}
            onDeleted={() => setView({ kind: 'customers' })}
            onSettings={() => setView({ kind: 'settings' })}
          />
        )}
        </Suspense>
      </main>
      <StatusBar onOpen={() => setView({ kind: 'settings' })} />
    </div>
  );
}

/** While the shared register's live updates are cut: since when, so nobody trusts a stale list. */
function LiveBanner() {
  const { t, lang } = useI18n();
  const [since, setSince] = useState<string | null>(null);
  useEvent('live-updates', (s) => setSince(s.state === 'stopped' ? s.since : null));
  if (!since) return null;
  return (
    <div className="live-banner" role="status" data-testid="live-banner">
      {t('live.stopped', { time: formatDateTime(lang, since) })}
    </div>
  );
}

/** A newer Fabrik exists (the check at start, or Om Fabrik's): said once, under the header. */
function UpdateBanner({ onShow }: { onShow: () => void }) {
  const { t } = useI18n();
  const { check, progress } = useUpdate();
  const [closed, setClosed] = useState(false);
  if (closed || check?.offer.kind !== 'newer' || progress) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>{t('update.banner', { version: check.offer.version })}</span>
      <button type="button" className="link" data-testid="update-banner-show" onClick={onShow}>
        {t('update.bannerShow')}
      </button>
      <button type="button" className="link" onClick={() => setClosed(true)} aria-label={t('update.bannerClose')}>
        ×
      </button>
    </div>
  );
}

/** Unmistakable on every screen: nothing done in the sandbox touches a real account. */
function SandboxBanner() {
  const { t } = useI18n();
  return (
    <div className="sandbox-banner" role="note" data-testid="sandbox-banner">
      <span className="sandbox-banner-mark" aria-hidden="true" />
      {t('env.sandboxBanner')}
    </div>
  );
}

function Header({ current, environment, pending, attention, onNavigate }: { current: string; environment: Environment | null; pending: number; attention: number; onNavigate: (v: View) => void }) {
  const { t, lang, setLanguage } = useI18n();
  return (
    <header className="header">
      <div className="brand" aria-label={t('app.name')}>
        <span className="brand-mark" aria-hidden="true">
          F
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <nav className="nav" aria-label={t('nav.main')}>
        <button
          type="button"
          className={`nav-item${current === 'overview' ? ' is-current' : ''}`}
          aria-current={current === 'overview' ? 'page' : undefined}
          data-testid="nav-overview"
          onClick={() => onNavigate({ kind: 'overview' })}
        >
          {t('nav.overview')}
          {attention > 0 && (
            <span className="nav-count" data-testid="nav-overview-count" aria-label={t('nav.overviewCount', { n: attention })}>
              {attention}
            </span>
          )}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'customers' ? ' is-current' : ''}`}
          aria-current={current === 'customers' ? 'page' : undefined}
          data-testid="nav-customers"
          onClick={() => onNavigate({ kind: 'customers' })}
        >
          {t('nav.customers')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'usage' ? ' is-current' : ''}`}
          aria-current={current === 'usage' ? 'page' : undefined}
          data-testid="nav-usage"
          onClick={() => onNavigate({ kind: 'usage' })}
        >
          {t('nav.usage')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'settings' ? ' is-current' : ''}`}
          aria-current={current === 'settings' ? 'page' : undefined}
          data-testid="nav-settings"
          onClick={() => onNavigate({ kind: 'settings' })}
        >
          {t('nav.settings')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'activity' ? ' is-current' : ''}`}
          aria-current={current === 'activity' ? 'page' : undefined}
          data-testid="nav-activity"
          onClick={() => onNavigate({ kind: 'activity' })}
        >
          {t('nav.activity')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'rollouts' ? ' is-current' : ''}`}
          aria-current={current === 'rollouts' ? 'page' : undefined}
          data-testid="nav-rollouts"
          onClick={() => onNavigate({ kind: 'rollouts' })}
        >
          {t('nav.rollouts')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'templates' ? ' is-current' : ''}`}
          aria-current={current === 'templates' ? 'page' : undefined}
          data-testid="nav-templates"
          onClick={() => onNavigate({ kind: 'templates' })}
        >
          {t('nav.templates')}
        </button>
        <button
          type="button"
          className={`nav-item${current === 'inbox' ? ' is-current' : ''}`}
          aria-current={current === 'inbox' ? 'page' : undefined}
          data-testid="nav-inbox"
          onClick={() => onNavigate({ kind: 'inbox' })}
        >
          {t('nav.inbox')}
          {pending > 0 && (
            <span className="nav-count" data-testid="nav-inbox-count" aria-label={t('nav.inboxPending', { n: pending })}>
              {pending}
            </span>
          )}
        </button>
      </nav>
      <div className="header-end">
        <ActiveRunsIndicator onOpen={() => onNavigate({ kind: 'activity' })} />
        {environment === 'production' && (
          <span className="env-tag" data-testid="environment-tag">
            {t('env.production')}
          </span>
        )}
        <label className="lang-switch">
          <span className="visually-hidden">{t('lang.label')}</span>
          <select data-testid="language-switch" value={lang} onChange={(e) => setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(l === 'sv' ? 'lang.sv' : 'lang.en')}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}

/** How often the window reads the inbox's sources (Stripe's events, the portal's requests) while it is open. */
const SOURCES_EVERY_MS = 5 * 60_000;

/** How often the header reads the inbox's count while the inbox itself is not open (a register read). */
const INBOX_COUNT_EVERY_MS = 60_000;

/**
 * The inbox's pending requests for the header's badge: read after the list is painted and then
 * now and then; the open inbox reports its own reads (every few seconds) through the setter.
 */
const pendingOf = (inbox: { items: { state: string }[] }) => inbox.items.filter((x) => x.state === 'pending').length;

function usePendingRequests(inboxOpen: boolean) {
  const [pending, setPending] = useState(0);
  useEffect(() => {
    if (inboxOpen) return;
    let live = true;
    const read = () =>
      call('intake_list', {})
        .then((i) => live && setPending(pendingOf(i)))
        .catch(() => {
          /* No badge: the inbox itself says why. */
        });
    void afterListPainted.then(() => live && read());
    const timer = window.setInterval(read, INBOX_COUNT_EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [inboxOpen]);
  // The sources themselves (the portal, Stripe's events) are read once the list is painted and
  // then every few minutes while the window is open; a read with nothing new costs one request
  // to each. Only when a source is set up on this seat.
  useEffect(() => {
    let live = true;
    const poll = () =>
      call('intake_list', {})
        .then((i) => (live && i.sources.some((src) => src.configured) ? call('intake_poll', {}).then(() => call('intake_list', {})) : null))
        .then((i) => i && live && setPending(pendingOf(i)))
        .catch(() => {
          /* The inbox shows each source's last problem. */
        });
    void afterListPainted.then(() => live && poll());
    const timer = window.setInterval(poll, SOURCES_EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);
  return [pending, setPending] as const;
}

/** How often the header reads how many things need a person while Översikt itself is not open. */
const ATTENTION_EVERY_MS = 60_000;

/**
 * How many things need a person, for Översikt's badge: the opening overview's count at first,
 * then read now and then, and when a run ends or a health sweep finishes, while the view is not
 * open; the open view reports its own reads through the setter.
 */
function useAttentionCount(overviewOpen: boolean) {
  const [count, setCount] = useState(() => takeFirstOverview(true)?.items.length ?? 0);
  const open = useRef(overviewOpen);
  open.current = overviewOpen;
  const read = useCallback(
    () =>
      call('overview', {})
        .then((o) => !open.current && setCount(o.items.length))
        .catch(() => {
          /* The badge keeps its count: Översikt itself says why. */
        }),
    [],
  );
  useEffect(() => {
    if (overviewOpen) return;
    const timer = window.setInterval(read, ATTENTION_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [overviewOpen, read]);
  const { finished } = useRuns();
  const finishedTotal = Object.values(finished).reduce((a, b) => a + b, 0);
  const [swept, setSwept] = useState(0);
  useEvent('health-sweep', (s) => !s.running && setSwept((n) => n + 1));
  useEffect(() => {
    if (finishedTotal + swept > 0 && !open.current) void read();
  }, [finishedTotal, swept, read]);
  return [count, setCount] as const;
}
