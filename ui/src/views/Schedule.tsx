// Inställningar → Schemalagt arbete (issue #43): `fabrik tick` in this computer's own scheduler
// for the signed-in person (systemd user timer, launchd agent, Task Scheduler task), every N
// minutes or at times of day; what the scheduler says; and the last ticks on the register (who,
// when, what). Aktivitet shows the last tick too (`LastTick`), and a tick refused here before
// the register answered.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import { JOB_LABEL, type JobReport, type ScheduleView, type TickReport, type TickRow } from '../bindings';
import { formatDateTime, useI18n } from '../i18n';
import { useToast } from '../state/toast';

/** The report kept with a tick (JSON in the register). */
function reportOf(t: TickRow): TickReport | null {
  try {
    return JSON.parse(t.report) as TickReport;
  } catch {
    return null;
  }
}

/** What a tick did, in a line: the jobs that did something, or failed, or why it did not begin. */
function TickSummary({ tick }: { tick: TickRow }) {
  const { t, err, lang } = useI18n();
  const report = reportOf(tick);
  if (tick.outcome === 'refused') {
    return <span data-testid="tick-refused">{report?.refused ? err(report.refused) : t('schedule.refused', { code: tick.reason ?? '' })}</span>;
  }
  if (!tick.outcome) return <span className="muted">{t('schedule.running')}</span>;
  const worked = (report?.jobs ?? []).filter((j: JobReport) => j.state === 'done' || j.state === 'failed');
  if (worked.length === 0) return <span className="muted">{t('schedule.nothingDue')}</span>;
  return (
    <span>
      {worked.map((j, i) => (
        <span key={j.job} className={j.state === 'failed' ? 'field-error' : undefined}>
          {i > 0 && ' · '}
          {JOB_LABEL[j.job][lang]}
          {j.did.length > 0 && `: ${j.did.join(', ')}`}
          {j.alerted.length > 0 && ` (${t('schedule.alerted', { names: j.alerted.join(', ') })})`}
          {j.failed.length > 0 && ` — ${j.failed.join('; ')}`}
        </span>
      ))}
    </span>
  );
}

function TickLine({ tick }: { tick: TickRow }) {
  const { t, lang } = useI18n();
  return (
    <li data-testid="tick" data-outcome={tick.outcome ?? 'running'}>
      <span className="tabular">{formatDateTime(lang, tick.started_at)}</span> <span className="muted">{tick.who[lang]}</span>{' '}
      <span className={`run-state run-state-${tick.outcome === 'ok' ? 'succeeded' : 'failed'}`}>{t(`schedule.outcome.${tick.outcome ?? 'running'}`)}</span>{' '}
      <TickSummary tick={tick} />
    </li>
  );
}

/** A tick refused on this seat before the register answered (kept in the seat's folder). */
function RefusedHere({ json }: { json: string | null }) {
  const { t, lang, err } = useI18n();
  if (!json) return null;
  try {
    const r = JSON.parse(json) as TickReport & { at?: string };
    return (
      <p className="field-error" data-testid="tick-refused-here">
        {t('schedule.refusedHere', { at: r.at ? formatDateTime(lang, r.at) : '' })} {r.refused ? err(r.refused) : ''}
      </p>
    );
  } catch {
    return null;
  }
}

/** Aktivitet: the last scheduled tick on the register, and one refused here. */
export function LastTick() {
  const { t } = useI18n();
  const [view, setView] = useState<ScheduleView | null>(null);
  useEffect(() => {
    call('schedule_status', {})
      .then(setView)
      .catch(() => setView(null));
  }, []);
  if (!view || (view.ticks.length === 0 && !view.refused_here)) return null;
  return (
    <section className="card last-tick" data-testid="last-tick" aria-label={t('schedule.lastTick')}>
      <h2 className="card-title">{t('schedule.lastTick')}</h2>
      <RefusedHere json={view.refused_here} />
      {view.ticks[0] && (
        <ul className="tick-list">
          <TickLine tick={view.ticks[0]} />
        </ul>
      )}
    </section>
  );
}

/** Inställningar → Schemalagt arbete. */
export function ScheduleCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [view, setView] = useState<ScheduleView | null>(null);
  const [how, setHow] = useState<'every' | 'at'>('every');
  const [every, setEvery] = useState('15');
  const [at, setAt] = useState('02:30');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    call('schedule_status', {})
      .then((v) => {
        setView(v);
        const plan = v.installed.plan;
        if (plan?.every_minutes) setEvery(String(plan.every_minutes));
        if (plan && plan.at.length > 0) {
          setHow('at');
          setAt(plan.at[0]);
        }
      })
      .catch((e) => setProblem(err(e as ApiError)));
  }, [err]);
  const installed = (view?.installed.files.length ?? 0) > 0;

  async function install(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const plan = how === 'every' ? { every_minutes: Number(every), at: [] } : { every_minutes: null, at: [at] };
      setView(await call('schedule_install', { plan }));
      toast('success', t('schedule.installed'));
    } catch (e) {
      setProblem(err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setProblem(null);
    try {
      setView(await call('schedule_remove', {}));
      toast('success', t('schedule.removed'));
    } catch (e) {
      setProblem(err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="schedule-title" data-testid="schedule">
      <h2 id="schedule-title" className="card-title">
        {t('schedule.title')}
      </h2>
      <p className="muted section-intro">{t('schedule.intro')}</p>
      {view && (
        <p data-testid="schedule-state">
          {installed
            ? t('schedule.isInstalled', {
                scheduler: t(`schedule.scheduler.${view.installed.scheduler}`),
                plan: view.installed.plan?.every_minutes
                  ? t('schedule.everyMinutes', { minutes: String(view.installed.plan.every_minutes) })
                  : t('schedule.atTimes', { times: (view.installed.plan?.at ?? []).join(', ') }),
              })
            : t('schedule.notInstalled', { scheduler: t(`schedule.scheduler.${view.installed.scheduler}`) })}
        </p>
      )}
      {view?.installed.scheduler_says && (
        <details>
          <summary>{t('schedule.schedulerSays')}</summary>
          <pre className="update-notes" data-testid="schedule-says">
            {view.installed.scheduler_says}
          </pre>
        </details>
      )}
      <form className="schedule-form" onSubmit={(e) => void install(e)}>
        <label>
          <input type="radio" name="schedule-how" checked={how === 'every'} onChange={() => setHow('every')} data-testid="schedule-how-every" />{' '}
          {t('schedule.every')}{' '}
          <input
            type="number"
            min={5}
            max={1440}
            value={every}
            disabled={how !== 'every'}
            onChange={(e) => setEvery(e.target.value)}
            data-testid="schedule-every"
            aria-label={t('schedule.minutes')}
            className="input-narrow"
          />{' '}
          {t('schedule.minutes')}
        </label>
        <label>
          <input type="radio" name="schedule-how" checked={how === 'at'} onChange={() => setHow('at')} data-testid="schedule-how-at" /> {t('schedule.at')}{' '}
          <input type="time" value={at} disabled={how !== 'at'} onChange={(e) => setAt(e.target.value)} data-testid="schedule-at" aria-label={t('schedule.at')} />
        </label>
        {problem && (
          <p className="field-error" role="alert" data-testid="schedule-error">
            {problem}
          </p>
        )}
        <div className="card-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="schedule-install">
            {installed ? t('schedule.change') : t('schedule.install')}
          </button>
          {installed && (
            <button type="button" disabled={busy} onClick={() => void remove()} data-testid="schedule-remove">
              {t('schedule.remove')}
            </button>
          )}
        </div>
      </form>
      <RefusedHere json={view?.refused_here ?? null} />
      <h3 className="subhead">{t('schedule.ticks')}</h3>
      {view && view.ticks.length === 0 ? (
        <p className="muted" data-testid="ticks-empty">
          {t('schedule.noTicks')}
        </p>
      ) : (
        <ul className="tick-list" data-testid="ticks">
          {(view?.ticks ?? []).map((tick) => (
            <TickLine key={tick.id} tick={tick} />
          ))}
        </ul>
      )}
    </section>
  );
}
