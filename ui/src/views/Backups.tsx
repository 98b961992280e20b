// The customer's database backups on the customer page: when each was taken and why, the schema
// version it holds, where its file is, "Säkerhetskopiera nu", and a restore behind the slug typed.
// Both are runs: they show in the run panel with their steps.
import { useState } from 'react';
import type { BackupView, Customer, Language } from '../bindings';
import { useI18n } from '../i18n';
import { useLoad } from '../state/load';
import { useRuns } from '../state/runs';
import { useToast } from '../state/toast';
import { TypedConfirmDialog } from './common';

/** Where a backup's file is, for the table's last column. */
export function backupPlace(b: BackupView, lang: Language): { key: 'backups.removed' | 'backups.here' | 'backups.elsewhere'; seat: string } {
  if (b.removed_at) return { key: 'backups.removed', seat: '' };
  if (b.here) return { key: 'backups.here', seat: '' };
  // The seat by its person and computer, as the core says it; never its installation id.
  return { key: 'backups.elsewhere', seat: b.seat_shown?.[lang] ?? '?' };
}

/** A size in bytes as people read it (1 decimal above a kilobyte). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function BackupsPanel({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err, lang } = useI18n();
  const runs = useRuns();
  const toast = useToast();
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const slug = customer.slug;
  const started = runs.latest[slug];
  const { data: list, error: loadError } = useLoad('backups', { slug }, [slug, reload, started]);
  const active = customer.status === 'active';

  async function backupNow() {
    if (await runs.dayTwo(slug, 'backup')) onStarted();
  }

  return (
    <div className="card" data-testid="backups-panel">
      <div className="card-head">
        <h2 className="card-title">{t('backups.title')}</h2>
        <div className="actions">
          {active && (
            <button type="button" className="btn btn-small" data-testid="backup-now" disabled={busy} onClick={() => void backupNow()}>
              {t('backups.now')}
            </button>
          )}
        </div>
      </div>
      <p className="muted small">{t('backups.hint')}</p>
      {loadError && (
        <p className="field-error" role="alert">
          {t('backups.loadFailed', { message: err(loadError) })}
        </p>
      )}
      {list && list.length === 0 && <p className="muted">{t('backups.none')}</p>}
      {list && list.length > 0 && (
        <table className="table" data-testid="backups-table">
          <thead>
            <tr>
              <th>{t('backups.when')}</th>
              <th>{t('backups.reason')}</th>
              <th>{t('backups.version')}</th>
              <th>{t('backups.size')}</th>
              <th>{t('backups.where')}</th>
              <th aria-label={t('backups.restore')} />
            </tr>
          </thead>
          <tbody>
            {list.map((b) => {
              const place = backupPlace(b, lang);
              return (
                <tr key={b.id} data-testid="backup-row" data-reason={b.reason}>
                  <td className="mono">{b.created_at.replace('T', ' ').slice(0, 19)}</td>
                  <td>{t(`backups.reason.${b.reason}`)}</td>
                  <td className="mono">{b.schema_version ?? '–'}</td>
                  <td>{formatBytes(b.bytes)}</td>
                  <td>{t(place.key, { seat: place.seat })}</td>
                  <td>
                    {active && b.here && !b.removed_at && (
                      <button type="button" className="btn btn-small" data-testid="restore-backup" disabled={busy} onClick={() => setRestoring(b)}>
                        {t('backups.restore')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {restoring && (
        <TypedConfirmDialog
          id="restore"
          title={t('restore.title', { name: customer.name })}
          label={t('restore.label')}
          expected={slug}
          confirmLabel={t('restore.confirm')}
          cancelLabel={t('form.cancel')}
          onCancel={() => setRestoring(null)}
          onConfirm={async (typed) => {
            const ok = await runs.restore(slug, restoring.id, typed);
            if (!ok) {
              toast('error', t('restore.failed'));
              throw new Error('restore refused');
            }
            setRestoring(null);
            onStarted();
          }}
        >
          <p>{t('restore.body', { when: restoring.created_at.replace('T', ' ').slice(0, 16), version: restoring.schema_version ?? '–' })}</p>
        </TypedConfirmDialog>
      )}
    </div>
  );
}
