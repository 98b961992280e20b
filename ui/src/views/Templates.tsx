// "Mallen": template updates over every delivered customer's repository. Which template version
// each repository stands on and its newest pull request, a plan shown file by file (conflicts and
// the customer's kept files marked) before anything is sent, then the roll-out wave by wave, live,
// with each repository's pull request. The core plans, merges, opens the pull requests and halts
// (src/fleet/); this view asks and shows. Built like "Utrullningar" (Rollouts.tsx).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useFollowLive } from '../state/live';
import { call, type ApiError } from '../api';
import { DEFAULT_HALT_SHARE, DEFAULT_WAVES } from '../bindings';
import type { MemberRow, RepoPlan, RolloutRow, RolloutView, TemplateInstance, TemplatePr, TemplateRolloutView, TemplatesOverview } from '../bindings';
import { countText, formatDateTime, formatNumber, rolloutStateKey, useI18n } from '../i18n';
import { actionsFor, haltShareFrom, isLive, isUnfinished, waveMembers, type RolloutAction } from '../state/rollouts';
import { behindFirstTemplates, behindTarget, conflictCount, fileRows, plansInOrder, prOf, shortCommit, type FileRow } from '../state/templates';
import { useToast } from '../state/toast';
import { Dialog, StatusBadge } from './common';
import { TextField, WaveBlock } from './Rollouts';

export function Templates({ onOpenRun }: { onOpenRun: (slug: string, run: number) => void }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [overview, setOverview] = useState<TemplatesOverview | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [view, setView] = useState<TemplateRolloutView | null>(null);
  const [driving, setDriving] = useState<number[]>([]);
  const [refreshing, setRefreshing] = useState(false);

  const take = useCallback((o: TemplatesOverview) => {
    setOverview(o);
    setDriving(o.driving);
    setLoadError(null);
    if (o.open) setView((v) => (v === null || v.view.rollout.id === o.open!.view.rollout.id ? o.open : v));
  }, []);
  const load = useCallback(() => {
    call('templates_overview', {})
      .then(take)
      .catch((e: ApiError) => setLoadError(e));
  }, [take]);
  useEffect(load, [load]);

  // "Läs om pull requests": GitHub is asked; a merged one moves the customer's version.
  async function refreshPrs() {
    setRefreshing(true);
    try {
      take(await call('refresh_templates', {}));
      toast('success', t('templates.refreshed'));
    } catch (e) {
      toast('error', t('templates.refreshFailed', { message: err(e as ApiError) }));
    } finally {
      setRefreshing(false);
    }
  }

  // The roll-out shown: the open one, else the newest.
  const shownId = overview?.open?.view.rollout.id ?? overview?.rollouts[0]?.id ?? null;
  useEffect(() => {
    if (shownId === null || view?.view.rollout.id === shownId) return;
    let live = true;
    call('template_rollout', { id: shownId })
      .then((v) => live && setView(v))
      .catch((e: ApiError) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [shownId, view?.view.rollout.id]);

  const shown = view && view.view.rollout.id === shownId ? view : null;
  const drivenHere = shown ? driving.includes(shown.view.rollout.id) : false;
  const live = !!shown && isLive(shown.view, drivenHere);

  // Live, as in "Utrullningar": read again every second while it runs, at once on a run event;
  // once it stops, the versions and pull requests are read again too.
  const refresh = useRef<() => void>(() => {});
  refresh.current = () => {
    if (!shown) return;
    const id = shown.view.rollout.id;
    call('template_rollout', { id })
      .then((v) => setView((cur) => (cur === null || cur.view.rollout.id === id ? v : cur)))
      .catch(() => {
        /* The next tick asks again. */
      });
    if (drivenHere)
      call('templates_overview', {})
        .then((o) => setDriving(o.driving))
        .catch(() => {
          /* As above. */
        });
  };
  useFollowLive(live, refresh, load);

  // A control answered with the bare roll-out: its plans and pull requests are read again.
  const onChanged = useCallback(
    (v: RolloutView, driven?: boolean) => {
      const id = v.rollout.id;
      setView((cur) => (cur && cur.view.rollout.id === id ? { ...cur, view: v } : cur));
      if (driven !== undefined) setDriving((d) => (driven ? [...new Set([...d, id])] : d.filter((x) => x !== id)));
      call('template_rollout', { id })
        .then((tv) => setView((cur) => (cur === null || cur.view.rollout.id === id ? tv : cur)))
        .catch(() => {
          /* The overview below still follows. */
        });
      load();
    },
    [load],
  );

  const open = overview?.open?.view.rollout ?? null;
  return (
    <section className="page page-rollouts page-templates" aria-labelledby="templates-title" data-testid="templates-page">
      <div className="page-head">
        <h1 id="templates-title" className="page-title">
          {t('templates.title')}
        </h1>
        <button
          type="button"
          className={`btn btn-small${refreshing ? ' btn-busy' : ''}`}
          data-testid="templates-refresh"
          disabled={refreshing}
          aria-busy={refreshing || undefined}
          onClick={() => void refreshPrs()}
        >
          {refreshing ? t('templates.refreshing') : t('templates.refresh')}
        </button>
      </div>
      <p className="muted section-intro">{t('templates.intro')}</p>
      {loadError && (
        <div className="form-message panel-error" role="alert" data-testid="templates-error" data-code={loadError.code}>
          <span>{t('templates.loadFailed', { message: err(loadError) })}</span>{' '}
          <button type="button" className="btn btn-small" onClick={load}>
            {t('templates.retry')}
          </button>
        </div>
      )}
      {!overview && !loadError && (
        <p className="muted" aria-busy="true">
          {t('templates.loading')}
        </p>
      )}
      {overview && (
        <div className="rollouts-layout">
          <div className="rollouts-main">
            {shown && <TemplateRolloutCard tv={shown} drivenHere={drivenHere} live={live} onChanged={onChanged} onOpenRun={onOpenRun} />}
            <TemplatePlanForm
              open={open}
              onPlanned={(tv) => {
                setView(tv);
                load();
              }}
            />
          </div>
          <div className="rollouts-side">
            <VersionsCard instances={overview.instances} against={shown} />
          </div>
        </div>
      )}
    </section>
  );
}

/** A pull request's number as a link, opened in the browser the way the app opens every link. */
function PrLink({ pr, name }: { pr: TemplatePr; name: string }) {
  const { t, err } = useI18n();
  const toast = useToast();
  return (
    <button
      type="button"
      className="btn btn-small btn-link mono"
      data-testid="pr-link"
      data-url={pr.url}
      title={pr.url}
      aria-label={t('templates.pr.linkLabel', { number: pr.number, name })}
      onClick={() => call('open_external', { url: pr.url }).catch((x) => toast('error', err(x as ApiError)))}
    >
      {t('templates.pr.link', { number: pr.number })}
    </button>
  );
}

/** A pull request's state, and its conflicts while they are left to resolve. */
function PrState({ pr }: { pr: TemplatePr }) {
  const { t, lang } = useI18n();
  return (
    <>
      <span className={`tag pr-state pr-state-${pr.state}`} data-testid="pr-state" data-state={pr.state}>
        {t(`templates.pr.${pr.state}`)}
      </span>
      {pr.conflicts > 0 && pr.state !== 'merged' && pr.state !== 'closed' && (
        <span className="tag tag-conflict" data-testid="pr-conflicts">
          {t('templates.pr.conflicts', { conflicts: countText(lang, 'templates.conflicts', pr.conflicts) })}
        </span>
      )}
    </>
  );
}

/** Every delivered customer: its template version, how far behind the plan's target, its newest pull request. */
function VersionsCard({ instances, against }: { instances: TemplateInstance[]; against: TemplateRolloutView | null }) {
  const { t, lang } = useI18n();
  const rows = behindFirstTemplates(instances, against);
  return (
    <div className="card rollouts-fleet templates-fleet" data-testid="templates-fleet">
      <h2 className="card-title">{t('templates.fleet.title')}</h2>
      <p className="hint">
        {t('templates.fleet.intro')} {against && t('templates.fleet.against', { target: shortCommit(against.target), id: against.view.rollout.id })}
      </p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="templates-fleet-empty">
          {t('templates.fleet.empty')}
        </p>
      ) : (
        <table className="rollouts-table">
          <thead>
            <tr>
              <th scope="col">{t('templates.fleet.customer')}</th>
              <th scope="col">{t('templates.fleet.version')}</th>
              <th scope="col">{t('templates.fleet.behind')}</th>
              <th scope="col">{t('templates.fleet.pr')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => {
              const behind = behindTarget(i, against);
              return (
                <tr key={i.slug} data-testid="template-row" data-slug={i.slug} data-base={i.base?.sha ?? ''} data-behind={behind ?? ''}>
                  <th scope="row" className="fleet-name">
                    <span className="truncate">{i.name}</span>
                    {i.status === 'inactive' ? (
                      <span className="fleet-paused">
                        <StatusBadge status={i.status} /> <span className="hint">{t('templates.fleet.pausedNote')}</span>
                      </span>
                    ) : (
                      <span className="hint mono">{i.slug}</span>
                    )}
                  </th>
                  <td data-testid="template-version">
                    {i.base ? (
                      <span title={t('templates.how.title', { how: t(`templates.how.${i.base.how}`), time: formatDateTime(lang, i.base.at) })}>
                        <span className="mono">{shortCommit(i.base.sha)}</span> <span className="hint">{t(`templates.how.${i.base.how}`)}</span>
                      </span>
                    ) : (
                      <span className="muted" title={t('templates.fleet.unknownBaseHint')}>
                        {t('templates.fleet.unknownBase')}
                      </span>
                    )}
                  </td>
                  <td className="tabular">
                    {behind === null ? (
                      <span className="muted">{t('templates.fleet.noPlan')}</span>
                    ) : behind === 0 ? (
                      <span className="tag tag-ok">{t('templates.fleet.current')}</span>
                    ) : (
                      <span className="tag tag-behind">{countText(lang, 'templates.behind', behind)}</span>
                    )}
                  </td>
                  <td>
                    {i.pr ? (
                      <span className="template-pr">
                        <PrLink pr={i.pr} name={i.name} /> <PrState pr={i.pr} />
                      </span>
                    ) : (
                      <span className="muted">{t('templates.fleet.noPr')}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** "Planera": the template's ref, waves and halt share; the answer is a planned roll-out, shown above. */
function TemplatePlanForm({ open, onPlanned }: { open: RolloutRow | null; onPlanned: (v: TemplateRolloutView) => void }) {
  const { t, err } = useI18n();
  const [ref, setRef] = useState('');
  const [waves, setWaves] = useState(DEFAULT_WAVES);
  const [halt, setHalt] = useState(formatNumber('sv', DEFAULT_HALT_SHARE * 100));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [haltProblem, setHaltProblem] = useState<string | null>(null);

  async function plan(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const share = haltShareFrom(halt);
    if (share === null) return setHaltProblem(t('templates.plan.badHalt'));
    setHaltProblem(null);
    setBusy(true);
    try {
      onPlanned(await call('plan_template', { at: ref.trim() || null, waves: waves.trim(), halt_share: share }));
    } catch (x) {
      setError(t('templates.plan.failed', { message: err(x as ApiError) }));
    } finally {
      setBusy(false);
    }
  }

  const blocked = open !== null;
  return (
    <form className="card rollouts-plan" data-testid="template-plan-form" onSubmit={plan} aria-labelledby="template-plan-title" noValidate>
      <h2 className="card-title" id="template-plan-title">
        {t('templates.plan.title')}
      </h2>
      <p className="hint section-intro">{t('templates.plan.intro')}</p>
      {blocked && (
        <p className="notice" data-testid="template-plan-blocked">
          {t('templates.plan.blocked', { id: open.id })}
        </p>
      )}
      <div className="form-grid">
        <TextField id="template-ref" wide mono label={t('templates.plan.ref')} hint={t('templates.plan.refHint')} placeholder="main" value={ref} disabled={blocked} onChange={setRef} />
        <TextField id="template-waves" mono label={t('templates.plan.waves')} hint={t('templates.plan.wavesHint')} value={waves} disabled={blocked} onChange={setWaves} />
        <TextField
          id="template-halt"
          label={t('templates.plan.halt')}
          hint={t('templates.plan.haltHint')}
          error={haltProblem}
          inputMode="decimal"
          value={halt}
          disabled={blocked}
          onChange={(v) => {
            setHalt(v);
            setHaltProblem(null);
          }}
        />
      </div>
      {error && (
        <p className="field-error rollouts-plan-error" role="alert" data-testid="template-plan-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className={`btn btn-primary${busy ? ' btn-busy' : ''}`} data-testid="template-plan-submit" disabled={blocked || busy} aria-busy={busy || undefined}>
          {busy ? t('templates.plan.planning') : t('templates.plan.submit')}
        </button>
      </div>
    </form>
  );
}

/** One template roll-out: where it stands, why it stopped, its buttons, its plans and waves. */
function TemplateRolloutCard({
  tv,
  drivenHere,
  live,
  onChanged,
  onOpenRun,
}: {
  tv: TemplateRolloutView;
  drivenHere: boolean;
  live: boolean;
  onChanged: (v: RolloutView, driven?: boolean) => void;
  onOpenRun: (slug: string, run: number) => void;
}) {
  const { t, tx, lang } = useI18n();
  const view = tv.view;
  const r = view.rollout;
  const [confirming, setConfirming] = useState<'start' | 'abort' | null>(null);
  const { busy, act } = useRolloutActions(r.id, onChanged, () => setConfirming(null));
  const actions = actionsFor(r.state, drivenHere);
  const percent = formatNumber(lang, Math.round(r.halt_share * 1000) / 10);
  const note = r.state === 'halted' || r.state === 'running' ? null : t(`templates.${r.state}.note`);

  return (
    <article className="card rollout-card template-card" data-testid="template-card" data-id={r.id} data-state={r.state} aria-labelledby="template-heading">
      <div className="card-head rollout-head">
        <div className="title-block">
          <h2 className="card-title" id="template-heading">
            {t('templates.heading', { id: r.id })}{' '}
            <span className={`rollout-state rollout-state-${r.state}`} data-testid="template-state" data-state={r.state}>
              {live && <span className="run-spinner" aria-hidden="true" />}
              {t(rolloutStateKey(r.state))}
            </span>
          </h2>
          <p className="hint rollout-meta" data-testid="template-meta">
            <span className="mono">{t('templates.meta.target', { template: tv.template, target: shortCommit(tv.target) })}</span>
            {' · '}
            {t('templates.meta.created', { time: formatDateTime(lang, r.created_at) })}
            {' · '}
            {t('templates.meta.halt', { percent })}
            {live && (
              <>
                {' · '}
                <span role="status">{t('templates.meta.live')}</span>
              </>
            )}
          </p>
        </div>
        {actions.length > 0 && (
          <div className="actions" role="group" aria-label={t('templates.heading', { id: r.id })}>
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn${a === 'start' || a === 'resume' ? ' btn-primary' : a === 'abort' ? ' btn-danger-outline' : ''}${busy === a ? ' btn-busy' : ''}`}
                data-testid={`template-${a}`}
                disabled={busy !== null}
                aria-busy={busy === a || undefined}
                onClick={() => (a === 'start' || a === 'abort' ? setConfirming(a) : void act(a))}
              >
                {t(a === 'abort' && r.state === 'planned' ? 'rollouts.action.discard' : `rollouts.action.${a}`)}
              </button>
            ))}
          </div>
        )}
      </div>

      {r.state === 'halted' && (
        <div className="rollout-halt" role="alert" data-testid="template-halt-reason">
          <strong>{t('templates.halted.title')}</strong>
          {r.halt_reason && <p>{tx(r.halt_reason)}</p>}
          <p className="rollout-halt-hint">{t('templates.halted.hint')}</p>
        </div>
      )}
      {note && (
        <p className={`rollout-note rollout-note-${r.state}`} data-testid="template-note">
          {note}
        </p>
      )}

      <RepoPlans plans={tv.plans} open={r.state === 'planned'} />

      {r.state !== 'planned' && (
        <section className="rollout-section" aria-labelledby="template-waves-title">
          <h3 className="rollout-section-title" id="template-waves-title">
            {t('templates.waves.title')}
          </h3>
          <ol className="waves" data-testid="template-waves">
            {view.waves.map((w) => (
              <WaveBlock key={w.index} rollout={r} wave={w} members={waveMembers(view, w.index).map(shortVersions)} onOpenRun={onOpenRun} extra={(m) => <MemberPr tv={tv} m={m} />} />
            ))}
          </ol>
        </section>
      )}

      {confirming === 'start' && (
        <StartDialog tv={tv} busy={busy !== null} onCancel={() => setConfirming(null)} onConfirm={() => void act('start')} />
      )}
      {confirming === 'abort' && <AbortDialog id={r.id} planned={r.state === 'planned'} busy={busy !== null} onCancel={() => setConfirming(null)} onConfirm={() => void act('abort')} />}
    </article>
  );
}

/** The shared roll-out controls; each answers with the roll-out, which the card reads again. */
function useRolloutActions(id: number, onChanged: (v: RolloutView, driven?: boolean) => void, done: () => void) {
  const { t, err } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState<RolloutAction | null>(null);
  async function act(action: RolloutAction) {
    setBusy(action);
    try {
      if (action === 'start' || action === 'resume') {
        const v = await call(action === 'start' ? 'start_rollout' : 'resume_rollout', { id });
        toast('success', t(action === 'start' ? 'templates.started' : 'templates.resumed', { id }));
        onChanged(v, isUnfinished(v.rollout.state));
      } else if (action === 'pause') {
        onChanged(await call('pause_rollout', { id }));
        toast('success', t('templates.pausedToast', { id }));
      } else {
        onChanged(await call('abort_rollout', { id }));
        toast('success', t('templates.abortedToast', { id }));
      }
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(null);
      done();
    }
  }
  return { busy, act };
}

/** A member's template versions are commits: shown short, as everywhere in the view. */
const shortVersions = (m: MemberRow): MemberRow => ({
  ...m,
  version_before: m.version_before && shortCommit(m.version_before),
  version_after: m.version_after && shortCommit(m.version_after),
});

/** A member's pull request in a wave: its link and state. */
function MemberPr({ tv, m }: { tv: TemplateRolloutView; m: MemberRow }) {
  const pr = prOf(tv, m.slug);
  if (!pr) return null;
  return (
    <span className="member-pr" data-testid="member-pr">
      <PrLink pr={pr} name={m.name} /> <PrState pr={pr} />
    </span>
  );
}

function StartDialog({ tv, busy, onCancel, onConfirm }: { tv: TemplateRolloutView; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t, lang } = useI18n();
  const r = tv.view.rollout;
  const pending = tv.view.members.filter((m) => m.state === 'pending').length;
  // Only the repositories that will get a pull request.
  const pendingSlugs = new Set(tv.view.members.filter((m) => m.state === 'pending').map((m) => m.slug));
  const withConflicts = tv.plans.filter((p) => pendingSlugs.has(p.slug) && conflictCount(p) > 0).length;
  return (
    <Dialog
      title={t('templates.startTitle', { id: r.id })}
      labelledBy="template-start-title"
      testId="template-start-dialog"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t('rollouts.keep')}
          </button>
          <button type="button" className="btn btn-primary" data-testid="template-start-confirm" data-autofocus disabled={busy} onClick={onConfirm}>
            {t('templates.startConfirm')}
          </button>
        </>
      }
    >
      <p>{t('templates.startBody', { repos: countText(lang, 'templates.repos', pending) })}</p>
      {withConflicts > 0 && <p className="hint">{t('templates.startConflicts', { repos: countText(lang, 'templates.repos', withConflicts) })}</p>}
    </Dialog>
  );
}

function AbortDialog({ id, planned, busy, onCancel, onConfirm }: { id: number; planned: boolean; busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog
      title={t(planned ? 'templates.discardTitle' : 'templates.abortTitle', { id })}
      labelledBy="template-abort-title"
      testId="template-abort-dialog"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="btn" data-autofocus onClick={onCancel}>
            {t('rollouts.keep')}
          </button>
          <button type="button" className="btn btn-danger" data-testid="template-abort-confirm" disabled={busy} onClick={onConfirm}>
            {t(planned ? 'rollouts.action.discard' : 'templates.abortConfirm')}
          </button>
        </>
      }
    >
      <p>{t(planned ? 'templates.discardBody' : 'templates.abortBody')}</p>
    </Dialog>
  );
}

/** The plan per customer: open while it is only a plan, folded away once it runs. */
function RepoPlans({ plans, open }: { plans: RepoPlan[]; open: boolean }) {
  const { t } = useI18n();
  return (
    <details className="rollout-section template-plans" open={open} data-testid="template-plans">
      <summary className="rollout-section-title">
        {t('templates.repos.title')} <span className="hint">({plans.length})</span>
      </summary>
      {plans.length === 0 ? (
        <p className="muted">{t('templates.repos.none')}</p>
      ) : (
        <ul className="repo-plans">
          {plansInOrder(plans).map((p) => (
            <RepoPlanBlock key={p.slug} plan={p} />
          ))}
        </ul>
      )}
    </details>
  );
}

/** One customer's plan: its base, how far behind, a summary, its problem, its files. */
function RepoPlanBlock({ plan }: { plan: RepoPlan }) {
  const { t, tx, lang } = useI18n();
  const conflicts = conflictCount(plan);
  const rows = fileRows(plan);
  const s = plan.summary;
  return (
    <li className={`repo-plan${plan.problem ? ' has-problem' : ''}`} data-testid="repo-plan" data-slug={plan.slug} data-conflicts={conflicts}>
      <div className="repo-plan-head">
        <span className="member-name">{plan.name}</span>
        {plan.repo && <span className="hint mono">{plan.repo}</span>}
        {conflicts > 0 && (
          <span className="tag tag-conflict" data-testid="repo-conflicts">
            <span aria-hidden="true">⚠ </span>
            {countText(lang, 'templates.conflicts', conflicts)}
          </span>
        )}
      </div>
      <p className="hint repo-plan-meta">
        {plan.base ? t('templates.repo.base', { sha: shortCommit(plan.base), how: plan.base_how ? t(`templates.how.${plan.base_how}`) : '' }) : t('templates.repo.noBase')}
        {plan.behind !== null && plan.behind > 0 && <> · {t('templates.repo.behind', { behind: countText(lang, 'templates.behind', plan.behind) })}</>}
      </p>
      {plan.problem && (
        <p className="member-reason is-error repo-problem" role="note" data-testid="repo-problem">
          {t('templates.repo.problem', { problem: tx(plan.problem) })}
        </p>
      )}
      {!plan.problem && s.template_changed > 0 && (
        <p className="repo-plan-summary" data-testid="repo-summary">
          {t('templates.repo.summary', { changed: countText(lang, 'templates.files', s.template_changed), both: formatNumber(lang, s.customer_changed_too) })}
          {s.own > 0 && <span className="hint"> · {t('templates.repo.own', { n: formatNumber(lang, s.own) })}</span>}
          {s.ignored > 0 && <span className="hint"> · {t('templates.repo.ignored', { n: formatNumber(lang, s.ignored) })}</span>}
        </p>
      )}
      {rows.length === 0 ? !plan.problem && <p className="muted">{t('templates.repo.noChanges')}</p> : <FileTable rows={rows} />}
    </li>
  );
}

/** A plan's files: what the template and the customer did, and what it becomes. */
function FileTable({ rows }: { rows: FileRow[] }) {
  const { t } = useI18n();
  return (
    <table className="rollouts-table template-files">
      <thead>
        <tr>
          <th scope="col">{t('templates.file.path')}</th>
          <th scope="col">{t('templates.file.template')}</th>
          <th scope="col">{t('templates.file.customer')}</th>
          <th scope="col">{t('templates.file.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <FileLine key={row.change.path} row={row} />
        ))}
      </tbody>
    </table>
  );
}

function FileLine({ row }: { row: FileRow }) {
  const { t, lang } = useI18n();
  const c = row.change;
  return (
    <tr className={`template-file file-${row.kind}`} data-testid="template-file" data-path={c.path} data-kind={row.kind} data-conflicts={row.conflicts}>
      <td className="mono">
        {row.kind === 'conflict' && (
          <span className="file-mark" role="img" aria-label={t('templates.file.conflictMark')} title={t('templates.file.conflictMark')}>
            ⚠{' '}
          </span>
        )}
        {c.path}
        {row.kind === 'conflict' && (
          <span className="file-note is-error" data-testid="file-conflicts">
            {t('templates.file.conflicts', { conflicts: countText(lang, 'templates.conflicts', row.conflicts) })}
          </span>
        )}
        {row.kind === 'kept' && (
          <span className="file-note is-warning" data-testid="file-kept">
            {row.attention ? t(`templates.file.why.${row.attention.why}`) : t('templates.file.kept')}
          </span>
        )}
      </td>
      <td>{t(`templates.change.${c.template}`)}</td>
      <td className={c.customer === 'unchanged' || c.customer === 'absent' ? 'hint' : 'file-customer-changed'}>{t(`templates.customer.${c.customer}`)}</td>
      <td>{t(`templates.action.${c.action}`)}</td>
    </tr>
  );
}
