// Provisioning runs in the window: the state of every run this window knows (from `run_detail`
// and `list_runs`, with the `run-event` stream applied on top), and the one place that starts
// runs (so two buttons, or a double click, cannot start two). No provisioning logic lives here.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useEvent } from './events';
import { call, type ApiError } from '../api';
import { ACTIVE_RUN_STATES, STEP_KEYS, STEP_LABEL, UNFINISHED_STEP_STATES } from '../bindings';
import type { Environment, LogLine, Readiness, RunDetail, RunEvent, RunRequest, RunRow, RunState, StartOutcome, StepKey, StepOutcome, StepRow, Text } from '../bindings';

/** The shared register's tables whose change names a run (`RegisterChange.id` is the run's). */
const RUN_TABLES = ['runs', 'run_steps', 'run_log'];
import { errorText, runKindKey, runStateKey, useI18n } from '../i18n';
import { useToast } from './toast';
import { afterListPainted } from './startup';

/** Every run starts through the core's one command, `start_run`, with a typed request. */
const startRun = (slug: string, request: RunRequest) => call('start_run', { slug, request });

/** The day-two kinds that need nothing but the customer. */
export type InputlessDayTwo = Extract<RunRequest, { kind: 'repair' | 'pause' | 'resume' | 'redeploy' | 'reset_password' | 'resend_welcome' | 'backup' }>['kind'];

/** What the stored rows do not carry but the events do (what a step waits for, with detail). */
export interface StepLive {
  waiting?: { what: Text; detail: string | null; elapsed_ms: number };
  retry?: { attempt: number; delay_ms: number; reason: Text };
  outcome?: StepOutcome;
  duration_ms?: number;
  manual?: Text;
}

/** A failed step's reason in both languages, from its code (the event carries the Swedish). */
const failureText = (e: Extract<RunEvent, { type: 'step_failed' }>): Text => ({ sv: e.message, en: errorText('en', e) });

/** `what (detail)` in both languages. */
const withDetail = (what: Text, detail: string | null): Text =>
  detail ? { sv: `${what.sv} (${detail})`, en: `${what.en} (${detail})` } : what;

export interface RunView {
  run: RunRow;
  steps: StepRow[];
  log: LogLine[];
  live: Record<string, StepLive>;
  /** Every event of this run seen by this window, to replay over a `run_detail` answer. */
  events: RunEvent[];
}

/** A driver holds the run (the core's list). */
export const isActive = (state: RunState) => ACTIVE_RUN_STATES.includes(state);

/** The steps in the core's order (each after the steps it needs). */
export const STEP_ORDER: readonly StepKey[] = STEP_KEYS;

export type Group = 'supabase' | 'github' | 'vercel' | 'n8n' | 'email' | 'modules' | 'finalize';
export const GROUPS: Group[] = ['supabase', 'github', 'vercel', 'n8n', 'email', 'modules', 'finalize'];
export const groupOf = (key: string): Group => {
  const g = key.split('.')[0];
  return (GROUPS as string[]).includes(g) ? (g as Group) : 'finalize';
};

/** A step's label from the core's step table, in the user's language. */
export function stepLabel(tx: (text: Text) => string, key: StepKey): string {
  return tx(STEP_LABEL[key]);
}

/** "0:42", "12:05", "1:02:03". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function setStep(v: RunView, key: StepKey, patch: Partial<StepRow>, live?: Partial<StepLive> | null): RunView {
  let found = false;
  const steps = v.steps.map((s) => {
    if (s.key !== key) return s;
    found = true;
    return { ...s, ...patch };
  });
  if (!found) {
    steps.push({
      key,
      state: 'pending',
      attempts: 0,
      intent: null,
      external_id: null,
      created: false,
      output: null,
      error: null,
      waiting_for: null,
      started_at: null,
      finished_at: null,
      seq: null,
      ...patch,
    });
  }
  const nextLive = live === undefined ? v.live : { ...v.live, [key]: live === null ? {} : { ...(v.live[key] ?? {}), ...live } };
  return { ...v, steps, live: nextLive };
}

/** One event applied to a run's state, as the engine wrote it to the ledger before emitting it. */
export function applyEvent(v: RunView, e: RunEvent): RunView {
  const now = new Date().toISOString();
  switch (e.type) {
    case 'run_started':
      return { ...v, run: { ...v.run, state: 'running', error: null, failed_step: e.resumed ? v.run.failed_step : null, finished_at: null } };
    case 'step_started':
      return setStep(v, e.step, { state: 'running', attempts: e.attempt, error: null, waiting_for: null, started_at: v.steps.find((s) => s.key === e.step)?.started_at ?? now, finished_at: null }, { waiting: undefined, retry: undefined });
    case 'step_waiting':
      return setStep(
        v,
        e.step,
        { state: 'waiting', waiting_for: withDetail(e.waiting_for, e.detail) },
        { waiting: { what: e.waiting_for, detail: e.detail, elapsed_ms: e.elapsed_ms } },
      );
    case 'step_retrying':
      return setStep(v, e.step, { state: 'retrying', attempts: e.attempt, error: e.reason }, { retry: { attempt: e.attempt, delay_ms: e.delay_ms, reason: e.reason } });
    case 'step_done':
      return setStep(
        v,
        e.step,
        { state: 'succeeded', error: null, waiting_for: null, finished_at: now, ...(e.external_id ? { external_id: e.external_id } : {}) },
        { outcome: e.outcome, duration_ms: e.duration_ms, waiting: undefined, retry: undefined },
      );
    case 'step_failed': {
      const error = failureText(e);
      const next = setStep(v, e.step, { state: 'failed', error, waiting_for: null, finished_at: now }, { waiting: undefined, retry: undefined });
      return { ...next, run: { ...next.run, failed_step: e.step, error } };
    }
    case 'compensation_started':
      return { ...setStep(v, e.step, { state: 'compensating' }), run: { ...v.run, state: 'rolling_back' } };
    case 'compensation_done':
      return setStep(v, e.step, { state: 'compensated', error: null });
    case 'compensation_failed':
      return setStep(v, e.step, { state: 'compensation_failed', error: e.message }, { manual: e.manual });
    case 'run_finished': {
      // Steps still running were stopped at a safe point (pending again in the ledger).
      if (e.state !== 'succeeded')
        v = { ...v, steps: v.steps.map((s) => (UNFINISHED_STEP_STATES.includes(s.state) ? { ...s, state: 'pending', waiting_for: null } : s)) };
      return { ...v, run: { ...v.run, state: e.state, error: e.error ?? (e.state === 'failed' ? v.run.error : null), finished_at: now } };
    }
  }
}

function fromDetail(d: RunDetail, events: RunEvent[], live: Record<string, StepLive> = {}): RunView {
  return { run: d.run, steps: d.steps, log: d.log, live, events };
}

interface Planning {
  slugs: string[];
  names: Record<string, string>;
}

interface RunsContextValue {
  runs: Record<number, RunView>;
  /** The newest run per customer slug. */
  latest: Record<string, number>;
  /** Slugs whose "Provisionera" was pressed and has not yet become a run (dialog or start). */
  pending: Record<string, true>;
  readiness: Readiness | null;
  refreshReadiness: () => void;
  activeCount: number;
  /** Bumps when a run of this slug finished (the customer page reloads the customer). */
  finished: Record<string, number>;
  /** Opens the plan dialog for one or more customers; a second press while open does nothing. */
  provision: (targets: { slug: string; name: string }[]) => void;
  track: (runId: number) => Promise<RunView | null>;
  trackRows: (rows: RunRow[]) => void;
  refresh: (runId: number) => void;
  resume: (runId: number) => Promise<void>;
  rollback: (runId: number) => Promise<void>;
  cancel: (runId: number, rollback: boolean) => Promise<void>;
  teardown: (slug: string, confirmation: string) => Promise<void>;
  /** "Uppdatera moduler": the saved plan and modules into the delivered instance. */
  updateModules: (slug: string) => Promise<void>;
  /** Starts a day-two run (repair, pause, resume, redeploy, a new admin password) and follows it. */
  dayTwo: (slug: string, kind: InputlessDayTwo) => Promise<boolean>;
  /** Adds or removes a custom domain (a run) and follows it. */
  /** A domain added, or removed with the domain typed again (`confirmation`): the guarded gate. */
  domain: (slug: string, domain: string, confirmation?: string) => Promise<boolean>;
  /** Puts the customer's database back to a backup (a run; `confirmation` is the slug typed). */
  restore: (slug: string, backup: number, confirmation: string) => Promise<boolean>;
  /** Starts a run and follows it; a refusal comes back (the caller shows it where it belongs). */
  begin: (slug: string, request: RunRequest) => Promise<ApiError | null>;
}

const RunsContext = createContext<RunsContextValue | null>(null);

export function useRuns(): RunsContextValue {
  const v = useContext(RunsContext);
  if (!v) throw new Error('useRuns outside RunsProvider');
  return v;
}

export function RunsProvider({ children, renderPlan }: { children: ReactNode; renderPlan: (p: Planning, close: () => void, start: () => void) => ReactNode }) {
  const { t, err, tx } = useI18n();
  const toast = useToast();
  const [runs, setRuns] = useState<Record<number, RunView>>({});
  const runsRef = useRef(runs);
  runsRef.current = runs;
  const [pending, setPending] = useState<Record<string, true>>({});
  const pendingRef = useRef<Record<string, true>>({});
  const [planning, setPlanning] = useState<Planning | null>(null);
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [finished, setFinished] = useState<Record<string, number>>({});
  const refreshTimers = useRef<Record<number, number>>({});
  const loading = useRef<Record<number, Promise<RunView | null>>>({});
  const again = useRef<Record<number, boolean>>({});
  const trackRef = useRef<(runId: number) => Promise<RunView | null>>(() => Promise.resolve(null));
  /** Events received per run, counted synchronously (the state catches up a render later). */
  const counts = useRef<Record<number, number>>({});
  const tRef = useRef({ t, err, tx, toast });
  tRef.current = { t, err, tx, toast };

  const setPendingSlugs = useCallback((slugs: string[], on: boolean) => {
    const next = { ...pendingRef.current };
    for (const s of slugs) {
      if (on) next[s] = true;
      else delete next[s];
    }
    pendingRef.current = next;
    setPending(next);
  }, []);

  /** Loads the run's detail and replays the events that arrived while the answer travelled. */
  const track = useCallback((runId: number): Promise<RunView | null> => {
    const already = loading.current[runId];
    if (already) {
      // Asked again while an answer travels: fetch once more when it is in.
      again.current[runId] = true;
      return already;
    }
    const seen = counts.current[runId] ?? 0;
    const p = call('run_detail', { run: runId })
      .then((d) => {
        let out: RunView | null = null;
        setRuns((cur) => {
          const prev = cur[runId];
          const events = prev?.events ?? [];
          let v = fromDetail(d, events, prev?.live ?? {});
          for (const e of events.slice(seen)) v = applyEvent(v, e);
          out = v;
          return { ...cur, [runId]: v };
        });
        return out;
      })
      .catch(() => null)
      .finally(() => {
        delete loading.current[runId];
        if (again.current[runId]) {
          delete again.current[runId];
          void trackRef.current(runId);
        }
      });
    loading.current[runId] = p;
    return p;
  }, []);

  trackRef.current = track;

  const refresh = useCallback(
    (runId: number) => {
      // At most one refresh in flight per run and per 150 ms, however fast the events come.
      if (refreshTimers.current[runId]) return;
      refreshTimers.current[runId] = window.setTimeout(() => {
        delete refreshTimers.current[runId];
        void track(runId);
      }, 150);
    },
    [track],
  );

  const trackRows = useCallback((rows: RunRow[]) => {
    setRuns((cur) => {
      let next = cur;
      for (const r of rows) {
        const prev = next[r.id];
        // A row from a listing only fills in what the window does not know better.
        if (!prev) next = { ...next, [r.id]: { run: r, steps: [], log: [], live: {}, events: [] } };
        else if (prev.events.length === 0 && prev.run.state !== r.state) next = { ...next, [r.id]: { ...prev, run: r } };
      }
      return next;
    });
  }, []);

  const refreshReadiness = useCallback(() => {
    afterListPainted
      .then(() => call('readiness', {}))
      .then(setReadiness)
      .catch((e: ApiError) => setReadiness({ ready: false, missing: [], reason: { sv: errorText('sv', e), en: errorText('en', e) } }));
  }, []);

  // Runs the window did not start (another window, the CLI, a restart) are known from the list.
  useEffect(() => {
    refreshReadiness();
    afterListPainted
      .then(() => call('list_runs', { slug: null }))
      .then((rows) => {
        trackRows(rows);
        for (const r of rows) if (isActive(r.state)) void track(r.id);
      })
      .catch(() => {
        /* The views show their own errors. */
      });
  }, [refreshReadiness, trackRows, track]);

  // Another seat moved a run on the shared register: the run this window shows is read again.
  useEvent('register-changed', (c) => {
    if (RUN_TABLES.includes(c.table) && runsRef.current[c.id]) refresh(c.id);
  });

  // Live updates are back after a gap that announced nothing: every run shown is read again.
  useEvent('live-updates', (s) => {
    if (s.state === 'live' && s.resumed) for (const id of Object.keys(runsRef.current)) refresh(Number(id));
  });

  // The event stream: applied at once, then the run's detail (with its log) is refreshed.
  useEvent('run-event', (e) => {
    counts.current[e.run_id] = (counts.current[e.run_id] ?? 0) + 1;
    const known = runsRef.current[e.run_id];
    if (!known) {
      setRuns((cur) => {
        if (cur[e.run_id]) return { ...cur, [e.run_id]: { ...applyEvent(cur[e.run_id], e), events: [...cur[e.run_id].events, e] } };
        // Not yet loaded: keep the event; `track` replays it over the detail.
        const placeholder: RunView = {
          run: {
            id: e.run_id,
            customer_id: 0,
            slug: e.type === 'run_started' ? e.slug : '',
            customer_name: e.type === 'run_started' ? e.slug : '',
            kind: 'provision',
            state: 'running',
            // Not known until run_detail answers (the events do not carry it); nothing shows it before.
            environment: '' as Environment,
            error: null,
            failed_step: null,
            started_at: new Date().toISOString(),
            finished_at: null,
            owner_pid: null,
            heartbeat_at: null,
            input: null,
            started_by: null,
            seat: null,
            person: null,
          },
          steps: [],
          log: [],
          live: {},
          events: [],
        };
        return { ...cur, [e.run_id]: { ...applyEvent(placeholder, e), events: [e] } };
      });
      void track(e.run_id);
    } else {
      setRuns((cur) => {
        const v = cur[e.run_id];
        if (!v) return cur;
        return { ...cur, [e.run_id]: { ...applyEvent(v, e), events: [...v.events, e] } };
      });
      refresh(e.run_id);
    }
    if (e.type === 'run_finished') {
      const { t: tr, toast: show } = tRef.current;
      const v = runsRef.current[e.run_id];
      const slug = v?.run.slug ?? '';
      const name = v?.run.customer_name || slug;
      if (slug) setFinished((f) => ({ ...f, [slug]: (f[slug] ?? 0) + 1 }));
      if (v?.run.kind === 'teardown' && e.state === 'succeeded') show('success', tr('run.teardownDone', { name }));
      else if (v?.run.kind === 'update_modules' && e.state === 'succeeded') show('success', tr('modules.done', { name }));
      // A backup, a restore, a repair: named by its kind, not called a provisioning.
      else if (v && v.run.kind !== 'provision' && v.run.slug && e.state === 'succeeded') show('success', tr('run.kindDone', { kind: tr(runKindKey(v.run.kind)), name }));
      else if (v && v.run.kind !== 'provision' && v.run.slug && e.state !== 'rolled_back') show('error', tr('run.kindStopped', { kind: tr(runKindKey(v.run.kind)), name, state: tr(runStateKey(e.state)) }));
      else if (e.state === 'succeeded') show('success', tr('run.done', { name }));
      else if (e.state === 'rolled_back') show('success', tr('run.stopped', { name, state: tr(runStateKey('rolled_back')) }));
      else if (!v) show('error', e.error ? tRef.current.tx(e.error) : tr('err.unknown'));
      else show('error', tr('run.stopped', { name, state: tr(runStateKey(e.state)) }));
      // The final detail (log lines, the outcome of the last step). A run that ended before its
      // detail first came (a fast run) is counted once the detail names its customer, so the
      // customer's page reads what the run changed.
      void track(e.run_id).then((d) => {
        const of = d?.run.slug;
        if (!slug && of) setFinished((f) => ({ ...f, [of]: (f[of] ?? 0) + 1 }));
      });
    }
  });

  const latest = useMemo(() => {
    const out: Record<string, number> = {};
    for (const v of Object.values(runs)) {
      const s = v.run.slug;
      if (s && (out[s] === undefined || v.run.id > out[s])) out[s] = v.run.id;
    }
    return out;
  }, [runs]);

  const activeCount = useMemo(() => Object.values(runs).filter((v) => isActive(v.run.state)).length, [runs]);

  const provision = useCallback(
    (targets: { slug: string; name: string }[]) => {
      const fresh = targets.filter((x) => !pendingRef.current[x.slug]);
      if (fresh.length === 0 || planning) return;
      setPendingSlugs(
        fresh.map((x) => x.slug),
        true,
      );
      setPlanning({ slugs: fresh.map((x) => x.slug), names: Object.fromEntries(fresh.map((x) => [x.slug, x.name])) });
    },
    [planning, setPendingSlugs],
  );

  const closePlan = useCallback(() => {
    if (planning) setPendingSlugs(planning.slugs, false);
    setPlanning(null);
  }, [planning, setPendingSlugs]);

  const startPlanned = useCallback(() => {
    const p = planning;
    if (!p) return;
    setPlanning(null);
    for (const slug of p.slugs) {
      startRun(slug, { kind: 'provision' })
        .then(async (o) => {
          // Another seat (or this one) already drives the customer's run: say whose, then follow it.
          if (o.already_running && o.driven_by) tRef.current.toast('error', tRef.current.t('run.drivenBy', { seat: o.driven_by }));
          await track(o.run_id);
        })
        .catch((e: ApiError) => tRef.current.toast('error', tRef.current.t('run.startFailed', { message: tRef.current.err(e) })))
        .finally(() => setPendingSlugs([slug], false));
    }
  }, [planning, track, setPendingSlugs]);

  const act = useCallback(async (fn: () => Promise<unknown>, runId: number) => {
    try {
      await fn();
    } catch (e) {
      tRef.current.toast('error', tRef.current.err(e as ApiError));
    }
    refresh(runId);
  }, [refresh]);

  /** Starts a run through `start` and follows it; a refusal (an instance in the wrong state, a bad domain) is a toast. */
  const follow = useCallback(async (start: () => Promise<StartOutcome>) => {
    try {
      const o = await start();
      await track(o.run_id);
      return true;
    } catch (e) {
      tRef.current.toast('error', tRef.current.t('ops.startFailed', { message: tRef.current.err(e as ApiError) }));
      return false;
    }
  }, [track]);

  const value: RunsContextValue = {
    runs,
    latest,
    pending,
    readiness,
    refreshReadiness,
    activeCount,
    finished,
    provision,
    track,
    trackRows,
    refresh,
    resume: (run) => act(() => call('resume_run', { run }), run),
    rollback: (run) => act(() => call('rollback_run', { run }), run),
    cancel: (run, rollback) =>
      act(async () => {
        await call('cancel_run', { run, rollback });
        setRuns((cur) => (cur[run] && isActive(cur[run].run.state) ? { ...cur, [run]: { ...cur[run], run: { ...cur[run].run, state: 'cancelling' } } } : cur));
      }, run),
    teardown: async (slug, confirmation) => {
      // The run exists before the call returns: follow it by its id from the first event on.
      const o = await startRun(slug, { kind: 'teardown', confirmation });
      void track(o.run_id);
    },
    dayTwo: (slug, kind) => follow(() => startRun(slug, { kind })),
    domain: (slug, domain, confirmation) =>
      follow(() => startRun(slug, confirmation === undefined ? { kind: 'domain_add', domain } : { kind: 'domain_remove', domain, confirmation })),
    restore: (slug, backup, confirmation) => follow(() => startRun(slug, { kind: 'restore', backup, confirmation })),
    begin: async (slug, request) => {
      try {
        const o = await startRun(slug, request);
        await track(o.run_id);
        return null;
      } catch (e) {
        return e as ApiError;
      }
    },
    updateModules: async (slug) => {
      try {
        const o = await startRun(slug, { kind: 'update_modules' });
        await track(o.run_id);
      } catch (e) {
        tRef.current.toast('error', tRef.current.t('modules.startFailed', { message: tRef.current.err(e as ApiError) }));
      }
    },
  };

  return (
    <RunsContext.Provider value={value}>
      {children}
      {planning && renderPlan(planning, closePlan, startPlanned)}
    </RunsContext.Provider>
  );
}
