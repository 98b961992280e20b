// "Mallen": template updates over every delivered customer's repository, as one kind of the
// roll-out screen (rollout/Screen.tsx): which template version each repository stands on and its
// newest pull request, a plan shown file by file (conflicts and the customer's kept files marked)
// before anything is sent, and each member's pull request in the waves. The core plans, merges,
// opens the pull requests and halts (crates/fabrik-fleet/src/fleet/); this view asks and shows.
import { useState } from 'react';
import { call, type ApiError } from '../api';
import type { MemberRow, RepoPlan, TemplateInstance, TemplatePr, TemplateRolloutView, TemplatesOverview } from '../bindings';
import { countText, formatDateTime, formatNumber, useI18n } from '../i18n';
import { behindFirstTemplates, behindTarget, conflictCount, fileRows, plansInOrder, prOf, shortCommit, type FileRow } from '../state/templates';
import { useToast } from '../state/toast';
import { StatusBadge } from './common';
import type { OpenRun, RolloutKindView, SourceFields } from './rollout/kind';
import { TextField } from './rollout/PlanForm';
import { RolloutScreen } from './rollout/Screen';

export function Templates({ onOpenRun }: { onOpenRun: OpenRun }) {
  return <RolloutScreen kind={TEMPLATE} onOpenRun={onOpenRun} />;
}

/** Where the plan takes the template: a ref of its repository, its default branch when empty. */
type TemplateSource = { at: string | null };

const TEMPLATE: RolloutKindView<TemplatesOverview, TemplateRolloutView, TemplateSource> = {
  texts: 'templates',
  runKind: 'template_sync',
  ids: 'template',
  overview: () => call('templates_overview', {}),
  // "Läs om pull requests": GitHub is asked; a merged one moves the customer's version.
  refresh: { read: () => call('refresh_templates', {}), busy: 'templates.refreshing', done: 'templates.refreshed', failed: 'templates.refreshFailed' },
  read: (id) => call('template_rollout', { id }),
  plan: ({ at }, waves, halt_share) => call('plan_template', { at, waves, halt_share }),
  bare: (tv) => tv.view,
  withBare: (tv, view) => ({ ...tv, view }),
  // A control answers with the bare roll-out: its plans and pull requests are read again.
  readAfterControl: true,
  useSource: useTemplateSource,
  Fleet: ({ overview, shown }) => <VersionsCard instances={overview.instances} against={shown} />,
  meta: (tv, { t }) => <span className="mono">{t('templates.meta.target', { template: tv.template, target: shortCommit(tv.target) })}</span>,
  note: (tv, { t }) => {
    const state = tv.view.rollout.state;
    return state === 'halted' || state === 'running' ? null : t(`templates.${state}.note`);
  },
  Details: ({ shown }) => <RepoPlans plans={shown.plans} open={shown.view.rollout.state === 'planned'} />,
  member: (m) => shortVersions(m),
  MemberExtra: ({ shown, m }) => <MemberPr tv={shown} m={m} />,
  StartBody,
};

function useTemplateSource(blocked: boolean): SourceFields<TemplateSource> {
  const { t } = useI18n();
  const [ref, setRef] = useState('');
  const fields = (
    <div className="form-grid">
      <TextField id="template-ref" wide mono label={t('templates.plan.ref')} hint={t('templates.plan.refHint')} placeholder="main" value={ref} disabled={blocked} onChange={setRef} />
    </div>
  );
  return { fields, take: () => ({ at: ref.trim() || null }) };
}

function StartBody({ shown }: { shown: TemplateRolloutView }) {
  const { t, lang } = useI18n();
  // Only the repositories that will get a pull request.
  const pending = new Set(shown.view.members.filter((m) => m.state === 'pending').map((m) => m.slug));
  const withConflicts = shown.plans.filter((p) => pending.has(p.slug) && conflictCount(p) > 0).length;
  return (
    <>
      <p>{t('templates.startBody', { repos: countText(lang, 'templates.repos', pending.size) })}</p>
      {withConflicts > 0 && <p className="hint">{t('templates.startConflicts', { repos: countText(lang, 'templates.repos', withConflicts) })}</p>}
    </>
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
