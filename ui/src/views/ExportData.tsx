// "Exportera data" on a customer's page: the customer's data as one ZIP archive for them (the
// tables as CSV and JSON, the users, the workflow, a manifest with every file's SHA-256),
// written by the core into the export folder. The toast says where, how large, its SHA-256, and
// which parts the archive does not hold.
import { useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer } from '../bindings';
import { formatNumber, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { formatBytes } from './Backups';

export function ExportButton({ customer }: { customer: Customer }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [exporting, setExporting] = useState(false);

  async function exportData() {
    setExporting(true);
    try {
      const done = await call('export_customer', { slug: customer.slug });
      const written = t('export.done', {
        path: done.path,
        size: formatBytes(done.record.bytes),
        tables: formatNumber(lang, done.tables),
        rows: formatNumber(lang, done.rows),
        sha: done.record.sha256,
      });
      const parts = done.omitted.map((o) => t(`export.part.${o.part}`)).join(', ');
      toast('success', parts ? `${written} ${t('export.omitted', { parts })}` : written);
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setExporting(false);
    }
  }

  return (
    <button type="button" className="btn" data-testid="export-data-button" disabled={exporting} aria-busy={exporting} onClick={() => void exportData()}>
      {exporting ? t('export.working') : t('export.button')}
    </button>
  );
}
