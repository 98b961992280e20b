// The register as a file: export it as CSV or JSON, import customers from a file with a
// preview of what is added and what is skipped and why. The rules are the core's
// (src/register); this view only picks the file and shows the answers.
import { useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import { MAX_IMPORT_BYTES, type ExportFormat, type ImportPreview, type ImportRow } from '../bindings';
import { formatNumber, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { Dialog } from './common';

/** "Exportera CSV" and "Exportera JSON": the file lands in the export folder, named in a toast. */
export function ExportButtons() {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  async function run(format: ExportFormat) {
    setBusy(format);
    try {
      const done = await call('export_register', { format });
      toast('success', t('register.exported', { n: formatNumber(lang, done.count), path: done.path }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(null);
    }
  }
  return (
    <>
      {(['csv', 'json'] as const).map((f) => (
        <button key={f} type="button" className="btn" data-testid={`export-${f}`} disabled={busy !== null} onClick={() => void run(f)}>
          {busy === f ? t('register.exporting') : t(f === 'csv' ? 'register.exportCsv' : 'register.exportJson')}
        </button>
      ))}
    </>
  );
}

/** "Importera från fil…": pick a file, see the preview, then add exactly what it called good. */
export function ImportButton({ onImported, primary }: { onImported: () => void; primary?: boolean }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; contents: string; preview: ImportPreview } | null>(null);
  const [busy, setBusy] = useState(false);

  async function picked(f: File | undefined) {
    if (input.current) input.current.value = '';
    if (!f) return;
    if (f.size > MAX_IMPORT_BYTES) {
      toast('error', t('register.tooLarge', { name: f.name, mb: String(Math.floor(MAX_IMPORT_BYTES / 1_048_576)) }));
      return;
    }
    setBusy(true);
    try {
      const contents = await f.text();
      const preview = await call('preview_import', { contents });
      setFile({ name: f.name, contents, preview });
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!file) return;
    setBusy(true);
    try {
      const report = await call('import_customers', { contents: file.contents });
      toast('success', t('register.imported', { added: String(report.added), skipped: String(report.skipped.length) }));
      setFile(null);
      onImported();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className={primary ? 'btn btn-primary' : 'btn'} data-testid="import-file" disabled={busy} onClick={() => input.current?.click()}>
        {busy && !file ? t('register.reading') : t('register.import')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept=".csv,.json,.txt,text/csv,application/json"
        data-testid="import-input"
        onChange={(e) => void picked(e.target.files?.[0])}
      />
      {file && <ImportDialog name={file.name} preview={file.preview} busy={busy} onCancel={() => setFile(null)} onImport={() => void apply()} />}
    </>
  );
}

function ImportDialog({ name, preview, busy, onCancel, onImport }: { name: string; preview: ImportPreview; busy: boolean; onCancel: () => void; onImport: () => void }) {
  const { t, lang } = useI18n();
  const env = preview.environment === 'sandbox' ? t('env.sandbox') : t('env.production');
  const more = preview.to_add - preview.sample.length;
  return (
    <Dialog
      title={t('register.previewTitle', { name })}
      labelledBy="import-title"
      testId="import-dialog"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            {t('form.cancel')}
          </button>
          <button type="button" className="btn btn-primary" data-testid="import-confirm" disabled={busy || preview.to_add === 0} onClick={onImport}>
            {busy ? t('register.importing') : t('register.importConfirm', { n: formatNumber(lang, preview.to_add) })}
          </button>
        </>
      }
    >
      <p data-testid="import-summary">{t('register.previewSummary', { add: formatNumber(lang, preview.to_add), skip: formatNumber(lang, preview.skipped.length), env })}</p>
      {preview.sample.length > 0 && (
        <>
          <h3 className="dialog-subtitle">{t('register.toAdd')}</h3>
          <ul className="import-rows" data-testid="import-add">
            {preview.sample.map((r) => (
              <li key={r.line}>
                <span className="muted">{t('register.line', { n: String(r.line) })}</span> <strong>{r.name}</strong> <code>{r.slug}</code>
              </li>
            ))}
            {more > 0 && <li className="muted">{t('register.more', { n: formatNumber(lang, more) })}</li>}
          </ul>
        </>
      )}
      {preview.skipped.length > 0 && (
        <>
          <h3 className="dialog-subtitle">{t('register.skipped')}</h3>
          <ul className="import-rows" data-testid="import-skipped">
            {preview.skipped.map((r) => (
              <SkippedRow key={r.line} row={r} />
            ))}
          </ul>
        </>
      )}
      {preview.ignored_columns.length > 0 && (
        <p className="hint" data-testid="import-ignored">
          {t('register.ignored', { columns: preview.ignored_columns.join(', ') })}
        </p>
      )}
    </Dialog>
  );
}

function SkippedRow({ row }: { row: ImportRow }) {
  const { t, err } = useI18n();
  return (
    <li data-testid={`import-skipped-${row.line}`}>
      <span className="muted">{t('register.line', { n: String(row.line) })}</span> <strong>{row.name || row.slug || '—'}</strong>
      <ul>
        {row.problems.map((p, i) => (
          <li key={i} className="field-error">
            {err(p)}
          </li>
        ))}
      </ul>
    </li>
  );
}
