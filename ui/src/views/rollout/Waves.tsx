// A roll-out's waves as every kind shows them: each wave's counts and bar, its instances with
// their state, version, reason and run.
import type { ReactNode } from 'react';
import type { MemberRow, RolloutRow, WaveView } from '../../bindings';
import { countText, memberStateKey, useI18n } from '../../i18n';
import { currentWave, waveProgress, waveStatus } from '../../state/rollouts';
import type { OpenRun } from './kind';

/**
 * One wave: its counts and bar, marked when it is the current one, its instances below.
 * `extra`: what a member shows beside its run (the template roll-out's pull request).
 */
export function WaveBlock({
  rollout,
  wave,
  members,
  onOpenRun,
  extra,
}: {
  rollout: RolloutRow;
  wave: WaveView;
  members: MemberRow[];
  onOpenRun: OpenRun;
  extra?: (m: MemberRow) => ReactNode;
}) {
  const { t, lang } = useI18n();
  const status = waveStatus(rollout, wave);
  const progress = waveProgress(wave);
  const current = currentWave(rollout) === wave.index;
  const name = wave.index === 0 ? t('rollouts.wave.canary') : t('rollouts.wave.name', { n: wave.index + 1 });
  const counts = (['done', 'failed', 'skipped', 'running', 'pending'] as const).filter((k) => wave[k] > 0);
  return (
    <li className={`wave wave-${status}${current ? ' is-current' : ''}`} data-testid="wave" data-index={wave.index} data-status={status} aria-current={current ? 'step' : undefined}>
      <div className="wave-head">
        <span className="wave-name">{name}</span>
        {current && <span className="tag tag-current">{t('rollouts.wave.current')}</span>}
        <span className={`wave-status wave-status-${status}`}>{t(`rollouts.wave.status.${status}`)}</span>
        <span className="hint wave-total">{countText(lang, 'rollouts.wave.instances', wave.total)}</span>
      </div>
      <div
        className="wave-bar"
        role="progressbar"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.finished}
        aria-valuetext={t('rollouts.wave.progress', { finished: progress.finished, total: progress.total })}
      >
        {(['done', 'failed', 'skipped', 'running'] as const).map((k) =>
          wave[k] > 0 ? <span key={k} className={`wave-bar-${k}`} style={{ width: `${(wave[k] / Math.max(1, wave.total)) * 100}%` }} /> : null,
        )}
      </div>
      <p className="wave-counts" data-testid="wave-counts">
        <span className="tabular">{t('rollouts.wave.progress', { finished: progress.finished, total: progress.total })}</span>
        {counts.map((k) => (
          <span key={k} className={`wave-count wave-count-${k}`} data-count={k} data-n={wave[k]}>
            {t(`rollouts.count.${k}`, { n: wave[k] })}
          </span>
        ))}
      </p>
      <ul className="wave-members">
        {members.map((m) => (
          <Member key={m.customer_id} m={m} onOpenRun={onOpenRun} extra={extra?.(m)} />
        ))}
      </ul>
    </li>
  );
}

/** An instance of a wave: its state, version, reason (the database's own error, the drift). */
function Member({ m, onOpenRun, extra }: { m: MemberRow; onOpenRun: OpenRun; extra?: ReactNode }) {
  const { t, tx } = useI18n();
  const none = t('rollouts.member.noVersion');
  const version =
    m.version_after && m.version_after !== m.version_before
      ? t('rollouts.member.version', { from: m.version_before ?? none, to: m.version_after })
      : m.version_before || m.version_after
        ? t('rollouts.member.versionAt', { version: (m.version_after ?? m.version_before)! })
        : null;
  return (
    <li className={`member member-${m.state}`} data-testid="member" data-slug={m.slug} data-state={m.state}>
      <span className={`member-state member-state-${m.state}`}>
        {m.state === 'running' && <span className="run-spinner" aria-hidden="true" />}
        {t(memberStateKey(m.state))}
      </span>
      <span className="member-main">
        <span className="member-name">{m.name}</span>
        {version && <span className="hint mono member-version">{version}</span>}
        {m.reason && (
          <span className={`member-reason${m.state === 'failed' ? ' is-error' : ''}`} data-testid="member-reason">
            {tx(m.reason)}
          </span>
        )}
        {extra}
      </span>
      {m.run_id !== null && (
        <button
          type="button"
          className="btn btn-small btn-link"
          data-testid="member-run"
          aria-label={t('rollouts.member.openRunLabel', { id: m.run_id, name: m.name })}
          onClick={() => onOpenRun(m.slug, m.run_id!)}
        >
          {t('rollouts.member.openRun')}
        </button>
      )}
    </li>
  );
}
