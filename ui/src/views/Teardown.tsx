// "Avveckla" on a customer's page: every target as it reads now (deleted only if it carries
// Fabrik's marker), the customer's data offered as an export first (into the export folder,
// kept for the owner's `export.keep_days`), then the slug typed. The export is taken behind the
// teardown's own gate and the teardown starts only once the archive is written.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, Keeping, TeardownTarget } from '../bindings';
import { STEP_LABEL } from '../bindings';
import { formatDateTime, targetVerdictKey, useI18n } from '../i18n';
import { useRuns } from '../state/runs';
import { useToast } from '../state/toast';
import { TypedConfirmDialog } from './common';
import { formatBytes } from './Backups';

interface Props {
  customer: Customer;
  /** Whether the instance can be exported now (delivered and active). */
  exportable: boolean;
  onClose: () => void;
  onStarted: () => void;
}

export function TeardownDialog({ customer, exportable, onClose, onStarted }: Props) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const { teardown } = useRuns();
  const [targets, setTargets] = useState<TeardownTarget[] | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const [keeping, setKeeping] = useState<Keeping | null>(null);
  const [exportFirst, setExportFirst] = useState(exportable);
  const [exporting, setExporting] = useState(false);
  useEffect(() => {
    let live = true;
    call('teardown_preview', { slug: customer.slug })
      .then((list) => live && setTargets(list))
      .catch((e) => live && setPreviewError(e as ApiError));
    // What the offer says (how long the archive is kept); the dialog works without it.
    call('export_keeping', { slug: customer.slug })
      .then((k) => live && setKeeping(k))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [customer.slug]);

  async function confirm(typed: string) {
    if (exportFirst) {
      setExporting(true);
      try {
        const done = await call('export_before_teardown', { slug: customer.slug, confirmation: typed });
        toast('success', t('teardown.exported', { path: done.path, size: formatBytes(done.record.bytes) }));
      } catch (e) {
        // No archive, no teardown: the person decides (untick the export to go on without it).
        toast('error', t('teardown.exportFailed', { message: err(e as ApiError) }));
        throw e;
      } finally {
        setExporting(false);
      }
    }
    try {
      await teardown(customer.slug, typed);
    } catch (e) {
      toast('error', err(e as ApiError));
      throw e;
    }
    onStarted();
    onClose();
  }

  return (
    <TypedConfirmDialog
      id="teardown"
      title={t('teardown.title', { name: customer.name })}
      label={t('teardown.label')}
      expected={customer.slug}
      confirmLabel={exportFirst ? t('teardown.confirmExport') : t('teardown.confirm')}
      cancelLabel={t('form.cancel')}
      ready={targets !== null}
      onCancel={onClose}
      onConfirm={confirm}
    >
      <p>{t('teardown.body', { slug: customer.slug })}</p>
      {previewError && (
        <p className="field-error" role="alert">
          {err(previewError)}
        </p>
      )}
      {!targets && !previewError && (
        <p className="muted" aria-busy="true">
          {t('teardown.reading')}
        </p>
      )}
      {targets && (
        <ul className="teardown-targets" data-testid="teardown-targets">
          {targets.length === 0 && <li className="muted">{t('teardown.nothing')}</li>}
          {targets.map((x) => (
            <li key={x.step} data-testid="teardown-target" data-verdict={x.verdict} data-id={x.id}>
              <span>{STEP_LABEL[x.step][lang]}</span> <span className="mono">{x.id}</span>{' '}
              <strong className={x.verdict === 'delete' ? 'danger' : undefined}>{t(targetVerdictKey(x.verdict))}</strong>
              {x.reason && <div className="muted small">{x.reason[lang]}</div>}
            </li>
          ))}
        </ul>
      )}
      <div className="teardown-export" data-testid="teardown-export">
        <label className="check">
          <input
            type="checkbox"
            data-testid="teardown-export-first"
            checked={exportFirst}
            disabled={!exportable || exporting}
            onChange={(e) => setExportFirst(e.target.checked)}
          />{' '}
          {t('teardown.exportFirst')}
        </label>
        <p className="muted small" data-testid="teardown-export-note">
          {!exportable
            ? t('teardown.exportNotPossible')
            : keeping && (keeping.days == null ? t('teardown.exportKeptAlways', { folder: keeping.folder }) : t('teardown.exportKept', { folder: keeping.folder, days: keeping.days }))}
          {keeping?.latest && ` ${t('teardown.exportLatest', { at: formatDateTime(lang, keeping.latest.taken_at), file: keeping.latest.file })}`}
        </p>
        {exporting && (
          <p className="muted" aria-busy="true" data-testid="teardown-exporting">
            {t('teardown.exporting')}
          </p>
        )}
      </div>
    </TypedConfirmDialog>
  );
}
