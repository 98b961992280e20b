// Day two on the customer page: the instance's operations (pause or resume, redeploy, a new
// admin password) and its custom domains. Each action is a run: it shows in the run panel with
// its steps, and a refusal (the instance in the wrong state, a bad domain) is a toast.
import { useEffect, useState } from 'react';
import { call } from '../api';
import type { Customer } from '../bindings';
import { useI18n } from '../i18n';
import { useLoad } from '../state/load';
import { useRuns } from '../state/runs';
import { Dialog, TypedConfirmDialog } from './common';

/** Pausa/Återuppta, Driftsätt igen, Nytt adminlösenord, the welcome email again. Hidden while a run drives the customer. */
export function OperationsPanel({ customer, busy, onStarted }: { customer: Customer; busy: boolean; onStarted: () => void }) {
  const { t } = useI18n();
  const runs = useRuns();
  const [asking, setAsking] = useState<'pause' | 'reset_password' | null>(null);
  const paused = customer.status === 'inactive';
  const active = customer.status === 'active';

  async function start(kind: 'pause' | 'resume' | 'redeploy' | 'reset_password' | 'resend_welcome') {
    setAsking(null);
    if (await runs.dayTwo(customer.slug, kind)) onStarted();
  }

  return (
    <div className="card" data-testid="operations-panel">
      <div className="card-head">
        <h2 className="card-title">{t('ops.title')}</h2>
        <div className="actions">
          {paused && (
            <button type="button" className="btn btn-small btn-primary" data-testid="resume-button" disabled={busy} onClick={() => void start('resume')}>
              {t('ops.resume')}
            </button>
          )}
          {active && (
            <>
              <button type="button" className="btn btn-small" data-testid="redeploy-button" disabled={busy} onClick={() => void start('redeploy')}>
                {t('ops.redeploy')}
              </button>
              <button type="button" className="btn btn-small" data-testid="reset-password-button" disabled={busy} onClick={() => setAsking('reset_password')}>
                {t('ops.resetPassword')}
              </button>
              <button type="button" className="btn btn-small" data-testid="resend-welcome-button" disabled={busy} onClick={() => void start('resend_welcome')}>
                {t('ops.resendWelcome')}
              </button>
              <button type="button" className="btn btn-small" data-testid="pause-button" disabled={busy} onClick={() => setAsking('pause')}>
                {t('ops.pause')}
              </button>
            </>
          )}
        </div>
      </div>
      <p className="muted">{paused ? t('ops.paused') : t('ops.running')}</p>
      {asking && (
        <Dialog
          title={asking === 'pause' ? t('ops.pause') : t('ops.resetTitle', { name: customer.name })}
          labelledBy="operations-confirm"
          testId="operations-dialog"
          onCancel={() => setAsking(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setAsking(null)}>
                {t('form.cancel')}
              </button>
              <button type="button" className="btn btn-primary" data-testid="confirm-operation" onClick={() => void start(asking)}>
                {asking === 'pause' ? t('ops.pause') : t('ops.resetConfirm')}
              </button>
            </>
          }
        >
          <p>{asking === 'pause' ? t('ops.pauseConfirm', { name: customer.name }) : t('ops.resetBody', { email: customer.admin_email })}</p>
        </Dialog>
      )}
    </div>
  );
}

/** The agency's own domain for one-click subdomains (setting `domains.agency`), if set. */
function useAgencyDomain(): string | null {
  const [domain, setDomain] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call('list_settings', {})
      .then((all) => live && setDomain(all.find((s) => s.key === 'domains.agency')?.value.trim() || null))
      .catch(() => {
        /* Without settings the one-click button is simply not offered. */
      });
    return () => {
      live = false;
    };
  }, []);
  return domain;
}

/** The customer's custom domains, the DNS records still to set, and add/remove (each a run). */
export function DomainsPanel({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err } = useI18n();
  const runs = useRuns();
  const agency = useAgencyDomain();
  const [name, setName] = useState('');
  const slug = customer.slug;
  const started = runs.latest[slug];
  const [tick, setTick] = useState(0);
  const { data: domains, error: loadError } = useLoad('domains', { slug }, [slug, reload, started, tick]);
  // While a domain waits for its DNS, read again now and then: the records the customer still
  // has to set change as they set them.
  const waiting = !!domains?.some((d) => !(d.verified && d.configured));
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => setTick((n) => n + 1), 5000);
    return () => window.clearInterval(timer);
  }, [waiting]);

  const [removing, setRemoving] = useState<string | null>(null);
  async function change(domain: string, confirmation?: string) {
    if (await runs.domain(slug, domain, confirmation)) {
      if (confirmation === undefined) setName('');
      setRemoving(null);
      onStarted();
    }
  }

  const suggested = agency ? `${slug}.${agency}` : null;
  const offerSuggested = suggested && !domains?.some((d) => d.domain === suggested);
  const canChange = customer.status === 'active' && !busy;
  return (
    <div className="card" data-testid="domains-panel">
      <div className="card-head">
        <h2 className="card-title">{t('domains.title')}</h2>
      </div>
      {loadError && <p className="field-error">{t('domains.loadFailed', { message: err(loadError) })}</p>}
      {domains && domains.length === 0 && <p className="muted">{t('domains.none')}</p>}
      {domains && domains.length > 0 && (
        <ul className="domains" data-testid="domain-list">
          {domains.map((d) => (
            <li key={d.domain} className="domain" data-domain={d.domain} data-verified={d.verified && d.configured}>
              <div className="domain-head">
                <span className="mono">{d.domain}</span>
                <span className={d.verified && d.configured ? 'tag tag-ok' : 'tag'}>{d.verified && d.configured ? t('domains.verified') : t('domains.pending')}</span>
                {d.production && <span className="tag">{t('domains.production')}</span>}
                {!d.added_by_fabrik && <span className="tag muted">{t('domains.notOurs')}</span>}
                {d.added_by_fabrik && (
                  <button type="button" className="btn btn-small btn-danger-outline" data-testid="remove-domain" disabled={!canChange} onClick={() => setRemoving(d.domain)}>
                    {t('domains.remove')}
                  </button>
                )}
              </div>
              {d.records.length > 0 && (
                <>
                  <p className="muted">{t('domains.records')}</p>
                  <table className="dns-records" data-testid="dns-records">
                    <thead>
                      <tr>
                        <th>{t('domains.recordType')}</th>
                        <th>{t('domains.recordName')}</th>
                        <th>{t('domains.recordValue')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.records.map((r) => (
                        <tr key={`${r.kind}-${r.name}-${r.value}`}>
                          <td>{r.kind}</td>
                          <td className="mono">{r.name}</td>
                          <td className="mono selectable">{r.value}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="domain-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void change(name.trim());
        }}
      >
        <label htmlFor="domain-input">{t('domains.label')}</label>
        <input
          id="domain-input"
          data-testid="domain-input"
          value={name}
          placeholder={t('domains.placeholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-small" data-testid="add-domain" disabled={!canChange || !name.trim()}>
          {t('domains.add')}
        </button>
        {offerSuggested && (
          <button type="button" className="btn btn-small" data-testid="add-agency-domain" disabled={!canChange} onClick={() => void change(suggested)}>
            {t('domains.addAgency', { domain: suggested })}
          </button>
        )}
      </form>
      {removing && (
        <TypedConfirmDialog
          id="domain-remove"
          title={t('domains.removeTitle', { domain: removing })}
          label={t('domains.removeLabel', { domain: removing })}
          expected={removing}
          confirmLabel={t('domains.remove')}
          cancelLabel={t('form.cancel')}
          onCancel={() => setRemoving(null)}
          onConfirm={(typed) => change(removing, typed)}
        >
          <p>{t('domains.removeBody', { domain: removing, name: customer.name })}</p>
        </TypedConfirmDialog>
      )}
    </div>
  );
}
