// "Utrullningar": schema roll-outs over every delivered instance, as one kind of the roll-out
// screen (rollout/Screen.tsx): planned from a folder of migration files or the template
// repository, the instances behind with what they lack, the files, and a plan that shows who is
// in which wave and who is left out, and why. The core plans, drives and halts (crates/fabrik-fleet/src/fleet/).
import { useState } from 'react';
import { call } from '../api';
import type { FileHead, InstanceSchemaView, RolloutSource, RolloutsOverview, RolloutView } from '../bindings';
import { countText, formatNumber, useI18n } from '../i18n';
import { behindFirst, filesLacking, planParts, shortSha, sourceFrom, sourceOf, toMigrate } from '../state/rollouts';
import { StatusBadge } from './common';
import type { OpenRun, RolloutKindView, SourceFields } from './rollout/kind';
import { TextField } from './rollout/PlanForm';
import { RolloutScreen } from './rollout/Screen';

export function Rollouts({ onOpenRun }: { onOpenRun: OpenRun }) {
  return <RolloutScreen kind={SCHEMA} onOpenRun={onOpenRun} />;
}

const SCHEMA: RolloutKindView<RolloutsOverview, RolloutView, RolloutSource> = {
  texts: 'rollouts',
  runKind: 'migrate',
  ids: 'rollout',
  overview: () => call('rollouts_overview', {}),
  read: (id) => call('rollout', { id }),
  plan: (source, waves, halt_share) => call('plan_rollout', { source, waves, halt_share }),
  bare: (v) => v,
  withBare: (_, bare) => bare,
  readAfterControl: false,
  useSource: useSchemaSource,
  Fleet: ({ overview, shown }) => <FleetCard instances={overview.instances} files={shown?.files ?? []} against={shown?.rollout.id ?? null} />,
  meta: (v, { t }) => {
    const source = sourceOf(v.rollout.source);
    return <span className="mono">{t(source.kind === 'ref' ? 'rollouts.meta.ref' : 'rollouts.meta.dir', { place: source.place })}</span>;
  },
  note: (v, { t }) => {
    switch (v.rollout.state) {
      case 'planned':
        return t('rollouts.planned.note');
      case 'paused':
        return t('rollouts.paused.note');
      case 'aborted':
        return t('rollouts.aborted.note');
      case 'done':
        return v.members.every((m) => m.state === 'done') ? t('rollouts.done.note') : t('rollouts.done.notAll');
      default:
        return null;
    }
  },
  Details: ({ shown }) => <FileList files={shown.files} open={shown.rollout.state === 'planned'} />,
  Preview: ({ shown }) => <PlanPreview parts={planParts(shown)} />,
  StartBody,
};

/** The plan's source: a folder of migration files, or the template repository at a ref. */
function useSchemaSource(blocked: boolean): SourceFields<RolloutSource> {
  const { t } = useI18n();
  const [kind, setKind] = useState<'dir' | 'ref'>('dir');
  const [path, setPath] = useState('');
  const [ref, setRef] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fields = (
    <>
      <fieldset className="field rollouts-source" disabled={blocked}>
        <legend className="label">{t('rollouts.plan.source')}</legend>
        <label className="radio">
          <input type="radio" name="rollout-source" value="dir" data-testid="rollout-source-dir" checked={kind === 'dir'} onChange={() => setKind('dir')} />
          {t('rollouts.plan.sourceDir')}
        </label>
        <label className="radio">
          <input type="radio" name="rollout-source" value="ref" data-testid="rollout-source-ref" checked={kind === 'ref'} onChange={() => setKind('ref')} />
          {t('rollouts.plan.sourceRef')}
        </label>
      </fieldset>
      <div className="form-grid">
        {kind === 'dir' ? (
          <TextField
            id="rollout-path"
            wide
            mono
            label={t('rollouts.plan.path')}
            hint={t('rollouts.plan.pathHint')}
            error={problem}
            placeholder="/home/…/mall/supabase/migrations"
            value={path}
            disabled={blocked}
            onChange={(v) => {
              setPath(v);
              setProblem(null);
            }}
          />
        ) : (
          <TextField id="rollout-ref" wide mono label={t('rollouts.plan.ref')} hint={t('rollouts.plan.refHint')} placeholder="main" value={ref} disabled={blocked} onChange={setRef} />
        )}
      </div>
    </>
  );
  return {
    fields,
    take: () => {
      const source = sourceFrom(kind, path, ref);
      setProblem(source ? null : t('rollouts.plan.needPath'));
      return source;
    },
  };
}

function StartBody({ shown }: { shown: RolloutView }) {
  const { t, lang } = useI18n();
  const parts = planParts(shown);
  return (
    <>
      <p>
        {t('rollouts.startBody', {
          instances: countText(lang, 'rollouts.wave.instances', toMigrate(shown)),
          files: countText(lang, 'rollouts.files.count', shown.files.length),
          waves: parts.waves.length,
          percent: formatNumber(lang, Math.round(shown.rollout.halt_share * 1000) / 10),
        })}
      </p>
      {parts.skipped.length > 0 && <p className="hint">{t('rollouts.startSkipped', { n: parts.skipped.length })}</p>}
    </>
  );
}

/** "Vem ligger efter": every delivered instance, its version, what it lacks. */
function FleetCard({ instances, files, against }: { instances: InstanceSchemaView[]; files: FileHead[]; against: number | null }) {
  const { t, lang } = useI18n();
  const rows = behindFirst(instances, files);
  return (
    <div className="card rollouts-fleet" data-testid="rollouts-fleet">
      <h2 className="card-title">{t('rollouts.fleet.title')}</h2>
      <p className="hint">
        {t('rollouts.fleet.intro')} {against !== null && files.length > 0 && t('rollouts.fleet.against', { id: against })}
      </p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="rollouts-fleet-empty">
          {t('rollouts.fleet.empty')}
        </p>
      ) : (
        <table className="rollouts-table">
          <thead>
            <tr>
              <th scope="col">{t('rollouts.fleet.instance')}</th>
              <th scope="col">{t('rollouts.fleet.version')}</th>
              <th scope="col">{t('rollouts.fleet.lacks')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => {
              const lacks = filesLacking(i, files);
              return (
                <tr key={i.slug} data-testid="fleet-row" data-slug={i.slug} data-lacks={lacks ?? ''} data-status={i.status}>
                  <th scope="row" className="fleet-name">
                    <span className="truncate">{i.name}</span>
                    {i.status === 'inactive' ? (
                      <span className="fleet-paused" data-testid="fleet-paused">
                        <StatusBadge status={i.status} /> <span className="hint">{t('rollouts.fleet.pausedNote')}</span>
                      </span>
                    ) : (
                      <span className="hint mono">{i.slug}</span>
                    )}
                  </th>
                  <td className="mono tabular">{i.schema_version ?? <span className="muted">{t('rollouts.fleet.unknown')}</span>}</td>
                  <td className="tabular">
                    {lacks === null ? (
                      <span className="muted">–</span>
                    ) : lacks === 0 ? (
                      <span className="tag tag-ok">{t('rollouts.fleet.current')}</span>
                    ) : (
                      <span className="tag tag-behind">{countText(lang, 'rollouts.fleet.lacks', lacks)}</span>
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

/** The planned files: version, name, the start of their checksum. */
function FileList({ files, open }: { files: FileHead[]; open: boolean }) {
  const { t, lang } = useI18n();
  return (
    <details className="rollout-section rollout-files" open={open} data-testid="rollout-files">
      <summary className="rollout-section-title">
        {t('rollouts.files.title')} <span className="hint">({countText(lang, 'rollouts.files.count', files.length)})</span>
      </summary>
      <table className="rollouts-table">
        <thead>
          <tr>
            <th scope="col">{t('rollouts.files.version')}</th>
            <th scope="col">{t('rollouts.files.name')}</th>
            <th scope="col">{t('rollouts.files.sha')}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.version} data-testid="rollout-file" data-version={f.version}>
              <td className="mono tabular">{f.version}</td>
              <td className="mono">{f.name}</td>
              <td className="mono hint" title={f.sha256}>
                {shortSha(f.sha256)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The plan before anything is applied: the waves with their instances, who is left out and why. */
function PlanPreview({ parts }: { parts: ReturnType<typeof planParts> }) {
  const { t, tx, lang } = useI18n();
  return (
    <>
      <section className="rollout-section" aria-labelledby="rollout-plan-waves-title">
        <h3 className="rollout-section-title" id="rollout-plan-waves-title">
          {t('rollouts.waves.title')}
        </h3>
        {parts.waves.length === 0 ? (
          <p className="muted" data-testid="rollout-nothing">
            {t('rollouts.waves.none')}
          </p>
        ) : (
          <ol className="waves" data-testid="rollout-plan-waves">
            {parts.waves.map((w) => (
              <li key={w.index} className="wave" data-testid="plan-wave" data-index={w.index}>
                <div className="wave-head">
                  <span className="wave-name">{w.index === 0 ? t('rollouts.wave.canary') : t('rollouts.wave.name', { n: w.index + 1 })}</span>
                  <span className="hint">{countText(lang, 'rollouts.wave.instances', w.members.length)}</span>
                </div>
                <ul className="wave-members compact">
                  {w.members.map((m) => (
                    <li key={m.customer_id} data-testid="plan-member" data-slug={m.slug}>
                      <span className="member-name">{m.name}</span> <span className="hint mono">{m.version_before ?? t('rollouts.member.noVersion')}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>
      {parts.skipped.length > 0 && (
        <section className="rollout-section" aria-labelledby="rollout-skipped-title" data-testid="rollout-skipped">
          <h3 className="rollout-section-title" id="rollout-skipped-title">
            {t('rollouts.skipped.title')} <span className="hint">({parts.skipped.length})</span>
          </h3>
          <p className="hint">{t('rollouts.skipped.intro')}</p>
          <ul className="wave-members skipped-list">
            {parts.skipped.map((m) => (
              <li key={m.customer_id} className="member member-skipped" data-testid="skipped-member" data-slug={m.slug}>
                <span className="member-name">{m.name}</span>
                {m.reason && <span className="member-reason">{tx(m.reason)}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {parts.current.length > 0 && (
        <section className="rollout-section" aria-labelledby="rollout-current-title" data-testid="rollout-current">
          <h3 className="rollout-section-title" id="rollout-current-title">
            {t('rollouts.current.title')} <span className="hint">({parts.current.length})</span>
          </h3>
          <p className="hint">{parts.current.map((m) => m.name).join(', ')}</p>
        </section>
      )}
    </>
  );
}
