// The register as a file: export it as CSV or JSON, import customers from a file with a
// preview of what is added and what is skipped and why. The rules are the core's
// (crates/fabrik-register/src/register); this view only picks the file and shows the answers.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { call, type ApiError } from '../api';
import { MAX_IMPORT_BYTES, PORTAL_TABLE, type ExportFormat, type ImportPreview, type ImportRow, type PortalSource, type SharedRegister } from '../bindings';
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
  const [portal, setPortal] = useState(false);

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

  async function portalRead(source: PortalSource) {
    setBusy(true);
    try {
      const rows = await call('read_portal', { source });
      const preview = await call('preview_import', { contents: rows.contents });
      setPortal(false);
      setFile({ name: rows.source, contents: rows.contents, preview });
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
      <button type="button" className="btn" data-testid="import-portal" disabled={busy} onClick={() => setPortal(true)}>
        {t('portal.open')}
      </button>
      {portal && <PortalDialog busy={busy} onCancel={() => setPortal(false)} onRead={(source) => void portalRead(source)} />}
      {file && <ImportDialog name={file.name} preview={file.preview} busy={busy} onCancel={() => setFile(null)} onImport={() => void apply()} />}
    </>
  );
}

/**
 * "Från portalen …": the portal's organizations table read straight from its database,
 * read-only. The password is used for this one read and kept nowhere.
 */
function PortalDialog({ busy, onCancel, onRead }: { busy: boolean; onCancel: () => void; onRead: (source: PortalSource) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const url = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLInputElement>(null);
  function read() {
    const u = url.current?.value.trim() ?? '';
    if (!u) {
      toast('error', t('shared.urlMissing'));
      return;
    }
    onRead({ url: u, password: password.current?.value || undefined, table: table.current?.value.trim() || undefined });
  }
  return (
    <Dialog
      title={t('portal.title')}
      labelledBy="portal-title"
      testId="portal-dialog"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            {t('form.cancel')}
          </button>
          <button type="button" className="btn btn-primary" data-testid="portal-read" disabled={busy} onClick={read}>
            {busy ? t('portal.reading') : t('portal.read')}
          </button>
        </>
      }
    >
      <p className="muted">{t('portal.intro')}</p>
      <form className="shared-form" onSubmit={(e) => { e.preventDefault(); read(); }} noValidate>
        <DatabaseFields url={url} password={password} testId="portal" placeholder="postgres://postgres@db.portal.supabase.co:5432/postgres" />
        <label className="field">
          <span className="label">{t('portal.table')}</span>
          <input ref={table} className="input mono" data-testid="portal-table" defaultValue={PORTAL_TABLE} autoComplete="off" spellCheck={false} />
        </label>
      </form>
    </Dialog>
  );
}

/** A PostgreSQL database's address and password (never shown again, never kept by the page). */
function DatabaseFields({ url, password, testId, placeholder }: { url: RefObject<HTMLInputElement | null>; password: RefObject<HTMLInputElement | null>; testId: string; placeholder: string }) {
  const { t } = useI18n();
  return (
    <>
      <label className="field">
        <span className="label">{t('shared.url')}</span>
        <input ref={url} className="input mono" data-testid={`${testId}-url`} placeholder={placeholder} autoComplete="off" spellCheck={false} />
      </label>
      <label className="field">
        <span className="label">{t('shared.password')}</span>
        <input ref={password} className="input mono" type="password" data-testid={`${testId}-password`} autoComplete="off" spellCheck={false} />
      </label>
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

/**
 * "Delat register": this seat's register is its own file or the agency's shared PostgreSQL one.
 * Using one (optionally moving this computer's register into it first) or going back restarts
 * the app. The password is kept in the keyring by the core and never shown again.
 */
export function SharedRegisterCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [info, setInfo] = useState<SharedRegister | null>(null);
  const [busy, setBusy] = useState(false);
  const url = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  useEffect(() => {
    call('shared_register', {})
      .then(setInfo)
      .catch((e: ApiError) => toast('error', err(e)));
  }, [toast, err]);

  async function use(moveFile: boolean) {
    const u = url.current?.value.trim() ?? '';
    if (!u) {
      toast('error', t('shared.urlMissing'));
      return;
    }
    setBusy(true);
    try {
      const report = await call('use_shared_register', { url: u, password: password.current?.value ?? '', move_file: moveFile });
      const customers = report?.tables.find((x) => x.table === 'customers')?.rows ?? 0;
      toast('success', report ? t('shared.moved', { n: String(customers), ms: String(report.millis) }) : t('shared.using'));
      // The app restarts into the shared register.
    } catch (e) {
      toast('error', err(e as ApiError));
      setBusy(false);
    }
  }

  async function stop() {
    setBusy(true);
    try {
      await call('stop_shared_register', {});
    } catch (e) {
      toast('error', err(e as ApiError));
      setBusy(false);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="shared-title" data-testid="shared-register">
      <h2 id="shared-title" className="card-title">
        {t('shared.title')}
      </h2>
      <p className="muted section-intro">{t('shared.intro')}</p>
      {info && (
        <p data-testid="shared-status">{info.shared ? t('shared.now', { where: info.shared }) : t('shared.file', { file: info.file })}</p>
      )}
      {info?.from_env ? (
        <p className="hint">{t('shared.fromEnv')}</p>
      ) : info?.shared ? (
        <div className="card-actions">
          <button type="button" className="btn" data-testid="shared-stop" disabled={busy} onClick={() => void stop()}>
            {t('shared.stop')}
          </button>
        </div>
      ) : (
        info && (
          <>
          <JoinForm />
          <h3 className="card-subtitle">{t('shared.ownTitle')}</h3>
          <form className="shared-form" onSubmit={(e) => e.preventDefault()} noValidate>
            <DatabaseFields url={url} password={password} testId="shared" placeholder="postgres://fabrik_app@db.example.supabase.co:5432/postgres" />
            <div className="card-actions">
              <button type="button" className="btn btn-primary" data-testid="shared-move" disabled={busy} onClick={() => void use(true)}>
                {busy ? t('shared.working') : t('shared.move')}
              </button>
              <button type="button" className="btn" data-testid="shared-use" disabled={busy} onClick={() => void use(false)}>
                {t('shared.use')}
              </button>
            </div>
          </form>
          </>
        )
      )}
    </section>
  );
}

/** "Gå med": the one-time invitation an owner made, pasted; the app restarts into the register. */
function JoinForm() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  async function join(e: React.FormEvent) {
    e.preventDefault();
    const invitation = field.current?.value.trim() ?? '';
    if (!invitation) {
      toast('error', t('shared.joinMissing'));
      return;
    }
    setBusy(true);
    try {
      const person = await call('join_shared_register', { invitation });
      toast('success', t('shared.joined', { person }));
      // The app restarts into the shared register.
    } catch (e) {
      toast('error', err(e as ApiError));
      setBusy(false);
    }
  }
  return (
    <form className="shared-join" onSubmit={(e) => void join(e)} noValidate data-testid="shared-join">
      <h3 className="card-subtitle">{t('shared.joinTitle')}</h3>
      <p className="muted">{t('shared.joinIntro')}</p>
      <label className="field">
        <span>{t('shared.invitation')}</span>
        <textarea ref={field} rows={3} spellCheck={false} autoComplete="off" placeholder="fabrik-inbjudan:…" data-testid="shared-invitation" />
      </label>
      <div className="card-actions">
        <button type="submit" className="btn btn-primary" data-testid="shared-join-submit" disabled={busy}>
          {busy ? t('shared.joining') : t('shared.join')}
        </button>
      </div>
    </form>
  );
}
