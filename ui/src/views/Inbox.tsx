// "Inkorg" (issue #42): the portal's requests and Stripe's paid checkouts, to approve (one
// provisioning run) or reject (with a reason), and each source's card: set up or not, its last
// poll, and the owner's choices (provision on its own and how many a day, the portal's address,
// Stripe's prices and which of them a free checkout counts for). A request that waits for a
// person says why; one whose Stripe price has no plan is approved only with a plan chosen.
// The list is read again every few seconds while the view is open, so approved runs move on.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { call, type ApiError } from '../api';
import type { Inbox as InboxData, IntakeChoices, IntakeItem, IntakeSource, Plan, PollReport, SourceView } from '../bindings';
import { formatDateTime, PLANS, planKey, runStateKey, useI18n } from '../i18n';
import { stepLabel, useRuns } from '../state/runs';
import { useToast } from '../state/toast';

/** How often the open view reads the inbox again (runs' progress, other seats' decisions). */
export const INBOX_EVERY_MS = 5_000;

export const pendingCount = (inbox: InboxData) => inbox.items.filter((i) => i.state === 'pending').length;

const newestFirst = (a: IntakeItem, b: IntakeItem) => (a.received_at < b.received_at ? 1 : a.received_at > b.received_at ? -1 : b.id - a.id);

/** An error with the fields it names (a validation error says which field of the request). */
function useErrorText() {
  const { err } = useI18n();
  return (e: ApiError) => [err(e), ...(e.fields ?? []).map((f) => `${f.field}: ${err(f)}`)].filter((x, i, all) => all.indexOf(x) === i).join(' · ');
}

export function Inbox({ onOpenCustomer, onPending }: { onOpenCustomer: (slug: string, run?: number) => void; onPending: (n: number) => void }) {
  const { t, tx } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const [inbox, setInbox] = useState<InboxData | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [polling, setPolling] = useState(false);
  const onPendingRef = useRef(onPending);
  onPendingRef.current = onPending;

  const show = useCallback((next: InboxData) => {
    setInbox(next);
    setLoadError(null);
    onPendingRef.current(pendingCount(next));
  }, []);

  const load = useCallback(() => {
    return call('intake_list', {})
      .then(show)
      .catch((e: ApiError) => setLoadError(e));
  }, [show]);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), INBOX_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const replaceItem = useCallback(
    (item: IntakeItem) =>
      setInbox((cur) => {
        if (!cur) return cur;
        const next = { ...cur, items: cur.items.map((i) => (i.id === item.id ? item : i)) };
        onPendingRef.current(pendingCount(next));
        return next;
      }),
    [],
  );

  const pollNow = async () => {
    setPolling(true);
    try {
      const r: PollReport = await call('intake_poll', {});
      const summary = t('inbox.polled', { new: r.new_requests, cancelled: r.cancelled, problems: r.problems.length });
      toast(r.problems.length ? 'error' : 'success', [summary, ...r.problems.map(tx)].join(' — '));
      await load();
    } catch (e) {
      toast('error', errorText(e as ApiError));
    } finally {
      setPolling(false);
    }
  };
  const items = inbox ? [...inbox.items].sort(newestFirst) : [];
  return (
    <section className="page page-inbox" aria-labelledby="inbox-title" data-testid="inbox">
      <div className="page-head">
        <h1 id="inbox-title" className="page-title">
          {t('inbox.title')}
        </h1>
        <div className="actions">
          <button type="button" className={`btn btn-primary${polling ? ' btn-busy' : ''}`} data-testid="inbox-poll" disabled={polling} onClick={() => void pollNow()}>
            {t(polling ? 'inbox.polling' : 'inbox.pollNow')}
          </button>
        </div>
      </div>
      <p className="muted">{t('inbox.intro')}</p>
      {loadError && !inbox && (
        <p className="form-message has-error" role="alert" data-testid="inbox-load-error">
          {t('inbox.loadFailed', { message: errorText(loadError) })}
        </p>
      )}
      {!inbox && !loadError && <div className="settings-loading" aria-busy="true" />}
      {inbox && (
        <>
          <h2 className="rollout-section-title">{t('inbox.requests')}</h2>
          {items.length === 0 ? (
            <p className="muted" data-testid="inbox-empty">
              {t('inbox.empty')}
            </p>
          ) : (
            <ul className="inbox-items" data-testid="inbox-items">
              {items.map((item) => (
                <InboxRow key={item.id} item={item} onChanged={replaceItem} onOpenCustomer={onOpenCustomer} />
              ))}
            </ul>
          )}
          <h2 className="rollout-section-title">{t('inbox.sources')}</h2>
          <div className="inbox-sources">
            {inbox.sources.map((s) => (
              <SourceCard key={s.state.source} view={s} onInbox={show} onSource={(state) => setInbox((cur) => cur && { ...cur, sources: cur.sources.map((x) => (x.state.source === state.source ? { ...x, state } : x)) })} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/** Every plan as a select's options, in the user's language. */
function PlanOptions() {
  const { t } = useI18n();
  return (
    <>
      {PLANS.map((p) => (
        <option key={p} value={p}>
          {t(planKey(p))}
        </option>
      ))}
    </>
  );
}

function sourceName(t: ReturnType<typeof useI18n>['t'], s: IntakeSource) {
  return t(s === 'portal' ? 'inbox.source.portal' : 'inbox.source.stripe');
}

function InboxRow({ item, onChanged, onOpenCustomer }: { item: IntakeItem; onChanged: (i: IntakeItem) => void; onOpenCustomer: (slug: string, run?: number) => void }) {
  const { t, tx, lang } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const { provision, pending } = useRuns();
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(false);
  // A Stripe price nobody mapped is no plan: the person approving chooses one.
  const needsPlan = item.state === 'pending' && item.source === 'stripe' && !item.plan;
  const [plan, setPlan] = useState<Plan | ''>('');

  const act = async (fn: () => Promise<IntakeItem>, done: (i: IntakeItem) => string) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const next = await fn();
      onChanged(next);
      toast('success', done(next));
      return true;
    } catch (e) {
      setProblem(errorText(e as ApiError));
      return false;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const approve = () => void act(() => call('intake_approve', { id: item.id, plan: plan || null }), (i) => t('inbox.approved', { name: i.name }));

  const reject = async (e: FormEvent) => {
    e.preventDefault();
    const why = reason.trim();
    if (!why) {
      setReasonError(true);
      return;
    }
    if (await act(() => call('intake_reject', { id: item.id, reason: why }), (i) => t('inbox.rejected', { name: i.name }))) {
      setRejecting(false);
      setReason('');
    }
  };

  const customerLink = item.slug && (
    <button type="button" className="btn-link mono" data-testid="inbox-customer" onClick={() => onOpenCustomer(item.slug!, item.run_id ?? undefined)}>
      {item.slug}
    </button>
  );

  return (
    <li className={`inbox-item inbox-${item.state}`} data-testid="inbox-item" data-id={item.id} data-name={item.name} data-state={item.state} data-run={item.run_state ?? ''}>
      <div className="inbox-main">
        <div className="inbox-who">
          <strong data-testid="inbox-name">{item.name}</strong>
          <span className="muted">{item.admin_email}</span>
        </div>
        <dl className="inbox-facts">
          <div>
            <dt>{t('inbox.col.source')}</dt>
            <dd data-testid="inbox-source">{sourceName(t, item.source)}</dd>
          </div>
          <div>
            <dt>{t('inbox.col.plan')}</dt>
            <dd>{item.plan ? t(planKey(item.plan)) : <span className="muted">{t('inbox.noPlan')}</span>}</dd>
          </div>
          <div>
            <dt>{t('inbox.col.received')}</dt>
            <dd className="nowrap">{formatDateTime(lang, item.received_at)}</dd>
          </div>
          <div>
            <dt>{t('inbox.col.state')}</dt>
            <dd>
              <span className={`tag inbox-state-${item.state}`} data-testid="inbox-state">
                {t(`inbox.state.${item.state}`)}
              </span>
            </dd>
          </div>
        </dl>
        <div className="inbox-actions">
          {item.state === 'pending' && !rejecting && (
            <>
              {needsPlan && (
                <select className="select" aria-label={t('inbox.choosePlan')} data-testid="inbox-approve-plan" value={plan} onChange={(e) => setPlan(e.target.value as Plan | '')}>
                  <option value="">{t('inbox.choosePlan')}</option>
                  <PlanOptions />
                </select>
              )}
              <button type="button" className={`btn btn-small btn-primary${busy ? ' btn-busy' : ''}`} data-testid="inbox-approve" disabled={busy || (needsPlan && !plan)} onClick={approve}>
                {t(busy ? 'inbox.approving' : 'inbox.approve')}
              </button>
              <button type="button" className="btn btn-small btn-danger-outline" data-testid="inbox-reject" disabled={busy} onClick={() => setRejecting(true)}>
                {t('inbox.reject')}
              </button>
            </>
          )}
          {item.state === 'approved' && item.slug && item.run_id === null && (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="inbox-start"
              disabled={!!pending[item.slug]}
              onClick={() => provision([{ slug: item.slug!, name: item.name }])}
            >
              {t('inbox.start')}
            </button>
          )}
        </div>
      </div>

      {item.state === 'approved' && (
        <p className="inbox-line" data-testid="inbox-run">
          {customerLink}{' '}
          {item.run_state ? (
            <span className={`run-state run-state-${item.run_state === 'succeeded' ? 'succeeded' : item.run_state === 'running' ? 'running' : 'failed'}`}>{t(runStateKey(item.run_state))}</span>
          ) : (
            <span className="muted">{t('inbox.noRun')}</span>
          )}
          {item.run_step && <span className="muted"> · {t('inbox.runStep', { step: stepLabel(tx, item.run_step) })}</span>}
          {item.run_error && <span className="field-error"> · {item.run_error}</span>}
        </p>
      )}
      {item.state === 'pending' && item.waiting && (
        <p className="inbox-line inbox-warning" role="note" data-testid="inbox-waiting">
          {tx(item.waiting)}
        </p>
      )}
      {item.state === 'rejected' && item.reason && <p className="inbox-line muted">{t('inbox.reason', { reason: item.reason })}</p>}
      {item.decided_by && item.decided_at && (
        <p className="inbox-line muted small" data-testid="inbox-decided">
          {t(item.automatic ? 'inbox.decidedAutomatic' : 'inbox.decided', { who: item.decided_by, time: formatDateTime(lang, item.decided_at) })}
        </p>
      )}
      {item.portal_error && (
        <p className="inbox-line inbox-warning" role="note" data-testid="inbox-portal-error">
          {t('inbox.portalError', { error: item.portal_error })}
        </p>
      )}
      {item.cancelled_at && (
        <div className="inbox-line inbox-warning" role="note" data-testid="inbox-cancelled">
          <strong>{t('inbox.cancelledAt', { time: formatDateTime(lang, item.cancelled_at) })}</strong> {t('inbox.cancelledNote')}{' '}
          {item.slug && (
            <button type="button" className="btn-link" data-testid="inbox-cancelled-open" onClick={() => onOpenCustomer(item.slug!)}>
              {t('inbox.openCustomer')}
            </button>
          )}
        </div>
      )}
      {rejecting && item.state === 'pending' && (
        <form className="inbox-reject" data-testid="inbox-reject-form" onSubmit={(e) => void reject(e)} noValidate>
          <label className="field field-wide" htmlFor={`inbox-reason-${item.id}`}>
            <span className="label">{t('inbox.rejectReason')}</span>
            <input
              id={`inbox-reason-${item.id}`}
              className="input"
              data-testid="inbox-reason"
              value={reason}
              autoFocus
              aria-invalid={reasonError || undefined}
              onChange={(e) => {
                setReason(e.target.value);
                if (e.target.value.trim()) setReasonError(false);
              }}
            />
            {reasonError && (
              <span className="field-error" role="alert" data-testid="inbox-reason-error">
                {t('inbox.reasonRequired')}
              </span>
            )}
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-small btn-danger" data-testid="inbox-reject-confirm" disabled={busy}>
              {t('inbox.rejectConfirm')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              data-testid="inbox-reject-cancel"
              disabled={busy}
              onClick={() => {
                setRejecting(false);
                setReasonError(false);
              }}
            >
              {t('inbox.rejectCancel')}
            </button>
          </div>
        </form>
      )}
      {problem && (
        <p className="inbox-line field-error" role="alert" data-testid="inbox-problem">
          {problem}
        </p>
      )}
    </li>
  );
}

function SourceCard({ view, onInbox, onSource }: { view: SourceView; onInbox: (i: InboxData) => void; onSource: (s: SourceView['state']) => void }) {
  const { t, tx, lang } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const { state } = view;
  const [saving, setSaving] = useState(false);
  // The box follows the click at once (a checkbox that waits for the register looks broken),
  // and goes back if the register refuses; a change another seat made comes in with the list.
  const [auto, setAuto] = useState(state.auto);
  useEffect(() => setAuto(state.auto), [state.auto]);
  const name = sourceName(t, state.source);

  const savedPlans = Object.fromEntries(Object.entries(state.plans).filter((e): e is [string, Plan] => !!e[1]));
  const saved: IntakeChoices = { auto: state.auto, plans: savedPlans, trials: state.trials, daily_limit: state.daily_limit };
  const [limit, setLimit] = useState(String(state.daily_limit));
  useEffect(() => setLimit(String(state.daily_limit)), [state.daily_limit]);

  const setSource = async (change: Partial<IntakeChoices>) => {
    const choices = { ...saved, auto, ...change };
    setSaving(true);
    setAuto(choices.auto);
    try {
      const next = await call('intake_set_source', { source: state.source, choices });
      onSource(next);
      toast('success', t('inbox.sourceSaved', { source: name }));
      return true;
    } catch (e) {
      setAuto(state.auto);
      toast('error', errorText(e as ApiError));
      return false;
    } finally {
      setSaving(false);
    }
  };
  const limitValue = Number(limit);
  const limitValid = limit.trim() !== '' && Number.isInteger(limitValue) && limitValue >= 0;

  return (
    <section className="card inbox-source" data-testid={`inbox-source-${state.source}`} data-configured={view.configured}>
      <div className="card-head">
        <h3 className="card-title">{name}</h3>
        <span className={`tag ${view.configured ? 'tag-ok' : 'tag-behind'}`} data-testid="inbox-source-configured">
          {t(view.configured ? 'inbox.configured' : 'inbox.notConfigured')}
        </span>
      </div>
      {view.place && <p className="muted small mono">{t('inbox.place', { place: view.place })}</p>}
      <p className="muted small" data-testid="inbox-source-polled">
        {state.polled_at ? t('inbox.lastPoll', { time: formatDateTime(lang, state.polled_at), who: state.polled_by ?? '–' }) : t('inbox.neverPolled')}
      </p>
      {state.problem && (
        <p className="inbox-warning" role="note" data-testid="inbox-source-problem">
          {t('inbox.problem', { problem: state.problem })}
        </p>
      )}
      {view.notes.length > 0 && (
        <ul className="notes">
          {view.notes.map((n, i) => (
            <li key={i} className="muted small">
              {tx(n)}
            </li>
          ))}
        </ul>
      )}
      <label className="inbox-auto">
        <input type="checkbox" data-testid="inbox-auto" checked={auto} disabled={saving} onChange={(e) => void setSource({ auto: e.target.checked })} />{' '}
        {t('inbox.auto')}
        <span className="muted small"> — {t('inbox.autoHint')}</span>
      </label>
      <form
        className="inbox-limit"
        data-testid="inbox-limit"
        onSubmit={(e) => {
          e.preventDefault();
          if (limitValid) void setSource({ daily_limit: limitValue });
        }}
      >
        <label className="field">
          <span className="label">{t('inbox.dailyLimit')}</span>
          <input className="input" type="number" min={0} step={1} data-testid="inbox-daily-limit" value={limit} aria-invalid={!limitValid || undefined} onChange={(e) => setLimit(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-small" data-testid="inbox-daily-limit-save" disabled={saving || !limitValid || limitValue === state.daily_limit}>
          {t('inbox.dailyLimitSave')}
        </button>
        <p className="muted small" data-testid="inbox-automatic-today">
          {t('inbox.automaticToday', { count: state.automatic_today, limit: state.daily_limit })}
        </p>
      </form>
      {state.source === 'portal' && <PortalForm onInbox={onInbox} />}
      {state.source === 'stripe' && (
        <PlansEditor key={JSON.stringify([savedPlans, state.trials])} saved={savedPlans} trials={state.trials} saving={saving} onSave={(plans, trials) => setSource({ plans, trials })} />
      )}
    </section>
  );
}

function PortalForm({ onInbox }: { onInbox: (i: InboxData) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setProblem(null);
    try {
      onInbox(await call('intake_set_portal', { url: url.trim(), password }));
      setPassword('');
      toast('success', t('inbox.portal.saved'));
    } catch (err) {
      setProblem(errorText(err as ApiError));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="inbox-portal" data-testid="inbox-portal-form" onSubmit={(e) => void save(e)}>
      <label className="field">
        <span className="label">{t('inbox.portal.url')}</span>
        <input className="input mono" data-testid="inbox-portal-url" value={url} autoComplete="off" spellCheck={false} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label className="field">
        <span className="label">{t('inbox.portal.password')}</span>
        <input className="input" type="password" data-testid="inbox-portal-password" value={password} autoComplete="new-password" onChange={(e) => setPassword(e.target.value)} />
      </label>
      {problem && (
        <p className="field-error" role="alert" data-testid="inbox-portal-error-msg">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-small" data-testid="inbox-portal-save" disabled={saving || !url.trim()}>
          {t('inbox.portal.save')}
        </button>
      </div>
    </form>
  );
}

type PlanRow = { id: string; plan: Plan; trial: boolean };

function PlansEditor({
  saved,
  trials,
  saving,
  onSave,
}: {
  saved: Record<string, Plan>;
  trials: string[];
  saving: boolean;
  onSave: (plans: Record<string, Plan>, trials: string[]) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [rows, setRows] = useState<PlanRow[]>(() => Object.entries(saved).map(([id, plan]) => ({ id, plan, trial: trials.includes(id) })));
  const set = (i: number, patch: Partial<PlanRow>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = (e: FormEvent) => {
    e.preventDefault();
    const kept = rows.filter((r) => r.id.trim());
    void onSave(
      Object.fromEntries(kept.map((r) => [r.id.trim(), r.plan])),
      kept.filter((r) => r.trial).map((r) => r.id.trim()),
    );
  };
  return (
    <form className="inbox-plans" data-testid="inbox-plans" onSubmit={save}>
      <h4 className="settings-group-title">{t('inbox.plans.title')}</h4>
      <p className="muted small">{t('inbox.plans.hint')}</p>
      {rows.length === 0 && <p className="muted small">{t('inbox.plans.empty')}</p>}
      {rows.map((r, i) => (
        <div className="inbox-plan-row" key={i} data-testid="inbox-plan-row">
          <input className="input mono" aria-label={t('inbox.plans.id')} placeholder={t('inbox.plans.id')} data-testid="inbox-plan-id" value={r.id} spellCheck={false} onChange={(e) => set(i, { id: e.target.value })} />
          <select className="select" aria-label={t('inbox.plans.plan')} data-testid="inbox-plan-plan" value={r.plan} onChange={(e) => set(i, { plan: e.target.value as Plan })}>
            <PlanOptions />
          </select>
          <label className="inbox-plan-trial" title={t('inbox.plans.trialHint')}>
            <input type="checkbox" data-testid="inbox-plan-trial" checked={r.trial} onChange={(e) => set(i, { trial: e.target.checked })} /> {t('inbox.plans.trial')}
          </label>
          <button type="button" className="btn btn-small btn-ghost" data-testid="inbox-plan-remove" onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
            {t('inbox.plans.remove')}
          </button>
        </div>
      ))}
      <div className="form-actions">
        <button type="button" className="btn btn-small btn-ghost" data-testid="inbox-plan-add" onClick={() => setRows((all) => [...all, { id: '', plan: 'starter', trial: false }])}>
          {t('inbox.plans.add')}
        </button>
        <button type="submit" className="btn btn-small" data-testid="inbox-plans-save" disabled={saving}>
          {t('inbox.plans.save')}
        </button>
      </div>
    </form>
  );
}
