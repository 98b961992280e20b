// Om Fabrik (Inställningar): the one version number of the app, the core, the CLI and the UI
// (`fabrik --version` says the same), the register it works on, and Fabrik's own updates:
// "Sök efter uppdatering" reads the feed (the same as `fabrik update check`), shows the
// version and its notes, and installs it with progress; the core waits while a run goes on.

import { useI18n, formatDateTime } from '../i18n';
import { useLoad } from '../state/load';
import { checkForUpdate, installUpdate, useUpdate } from '../state/update';
import type { UpdateProgress } from '../bindings';

export function AboutCard() {
  const { t, err } = useI18n();
  const { data: info, error } = useLoad('app_info', {}, []);
  return (
    <section className="card settings-card" aria-labelledby="about-title" data-testid="about">
      <h2 id="about-title" className="card-title">
        {t('about.title')}
      </h2>
      {error && <p className="field-error">{err(error)}</p>}
      {info && (
        <dl className="details">
          <dt>{t('about.version')}</dt>
          <dd className="mono" data-testid="app-version">
            {info.version}
          </dd>
          <dt>{t('about.schema')}</dt>
          <dd className="mono">{info.schema_version}</dd>
          <dt>{t('about.register')}</dt>
          <dd className="mono break">{info.database_path}</dd>
        </dl>
      )}
      <UpdateSection />
    </section>
  );
}

function UpdateSection() {
  const { t, err, lang } = useI18n();
  const u = useUpdate();
  const installing = u.progress !== null && u.progress.phase !== 'failed';
  const offer = u.check?.offer;
  return (
    <div className="update" data-testid="update">
      <div className="card-actions">
        <button type="button" data-testid="update-check" disabled={u.checking || installing} onClick={() => void checkForUpdate(true)}>
          {u.checking ? t('update.checking') : t('update.check')}
        </button>
      </div>
      <div role="status" aria-live="polite" aria-busy={u.checking} data-testid="update-status" data-answered={u.answered} data-start-check={u.startCheck}>
        {u.error && (u.asked || u.error.code !== 'update_no_feed') && <p className="field-error">{err(u.error)}</p>}
        {offer?.kind === 'up_to_date' && <p>{t('update.upToDate', { version: offer.version })}</p>}
        {offer?.kind === 'older' && <p>{t('update.older', { version: offer.version, current: u.check!.current })}</p>}
        {offer?.kind === 'not_for_this_system' && <p>{t('update.otherSystems', { version: offer.version, platform: offer.platform })}</p>}
        {offer?.kind === 'newer' && (
          <div className="update-offer" data-testid="update-offer">
            <p>
              <strong>{t('update.available', { version: offer.version, current: u.check!.current })}</strong>
              {offer.date && <span className="muted"> · {formatDateTime(lang, offer.date)}</span>}
            </p>
            {offer.notes && (
              <pre className="update-notes" data-testid="update-notes">
                {offer.notes}
              </pre>
            )}
            {!installing && (
              <div className="card-actions">
                <button type="button" className="primary" data-testid="update-install" onClick={() => void installUpdate()}>
                  {t('update.install')}
                </button>
              </div>
            )}
          </div>
        )}
        {u.progress && <Progress p={u.progress} />}
        {u.progress?.phase === 'failed' && <p className="field-error" data-testid="update-failed">{err(u.progress.error)}</p>}
      </div>
    </div>
  );
}

function Progress({ p }: { p: UpdateProgress }) {
  const { t } = useI18n();
  switch (p.phase) {
    case 'waiting':
      return <p data-testid="update-waiting">{t('update.waiting', { runs: p.runs.map((r) => `#${r}`).join(', ') })}</p>;
    case 'downloading': {
      const mb = (n: number) => (n / 1_048_576).toFixed(1);
      const share = p.total ? Math.min(100, Math.round((p.received / p.total) * 100)) : null;
      return (
        <div data-testid="update-downloading">
          <p>{p.total ? t('update.downloading', { version: p.version, got: mb(p.received), total: mb(p.total) }) : t('update.downloadingUnknown', { version: p.version, got: mb(p.received) })}</p>
          {share !== null && (
            <progress className="update-progress" max={100} value={share} aria-label={t('update.progressLabel')}>
              {share}%
            </progress>
          )}
        </div>
      );
    }
    case 'installing':
      return <p data-testid="update-installing">{t('update.installing', { version: p.version })}</p>;
    case 'restarting':
      return <p data-testid="update-restarting">{t('update.restarting', { version: p.version })}</p>;
    case 'failed':
      return null;
  }
}
