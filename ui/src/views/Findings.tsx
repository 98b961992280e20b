// What the checks found on a customer's instance: its health (with Reparera for what a run can
// mend) and the resources that carry its name but are not Fabrik's (adopt or leave alone).
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Adoption, Health } from '../bindings';
import { STEP_LABEL } from '../bindings';
import { useRuns } from '../state/runs';
import { adoptionStateKey, formatDateTime, useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { AdoptDialog } from './Adopt';

/**
 * Resources Fabrik met by the customer's names but did not create: left alone, with the way to
 * adopt one on purpose (typed confirmation; the next run writes Fabrik's marker on it).
 */
export function ForeignPanel({ slug, reload }: { slug: string; reload: number }) {
  const { t, lang } = useI18n();
  const [rows, setRows] = useState<Adoption[]>([]);
  const [adopting, setAdopting] = useState<Adoption | null>(null);
  const [bump, setBump] = useState(0);
  useEffect(() => {
    let live = true;
    call('adoptions', { slug })
      .then((r) => {
        if (live) setRows(r);
      })
      .catch(() => {
        /* Secondary to the page; the run's own error still says what was refused. */
      });
    return () => {
      live = false;
    };
  }, [slug, reload, bump]);
  if (rows.length === 0) return null;
  return (
    <div className="card" data-testid="foreign-panel">
      <h2 className="card-title">{t('foreign.title')}</h2>
      <ul className="foreign-list">
        {rows.map((a) => (
          <li key={a.id} data-testid="foreign-row" data-resource={a.resource} data-state={a.state}>
            <span className="mono">{a.resource}</span> {a.step && <span className="muted">({STEP_LABEL[a.step][lang]})</span>}{' '}
            <span>{t(adoptionStateKey(a.state))}</span>
            {a.state === 'adopted' && a.adopted_at && <span className="muted tabular"> {formatDateTime(lang, a.adopted_at)}</span>}
            {a.state === 'refused' && (
              <button type="button" className="btn btn-small" data-testid="adopt-button" onClick={() => setAdopting(a)}>
                {t('foreign.adopt')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="muted">{t('foreign.help')}</p>
      {adopting && (
        <AdoptDialog
          slug={slug}
          name={adopting.resource}
          onClose={() => setAdopting(null)}
          onDone={() => {
            setAdopting(null);
            setBump((b) => b + 1);
          }}
        />
      )}
    </div>
  );
}

/** The instance's last health check, its findings and what to do about each; "Kontrollera nu",
 * and "Reparera" when a finding is one a provisioning step mends. */
export function HealthPanel({ slug, reload, canRepair, onStarted }: { slug: string; reload: number; canRepair: boolean; onStarted: () => void }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const runs = useRuns();
  // undefined while the last check is read, so "never checked" is not flashed before it arrives.
  const [health, setHealth] = useState<Health | null | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let live = true;
    call('instance_health', { slug })
      .then((h) => live && setHealth(h))
      .catch(() => {
        /* Nothing kept to show: the panel offers a check. */
        if (live) setHealth(null);
      });
    return () => {
      live = false;
    };
  }, [slug, reload]);

  async function check() {
    setChecking(true);
    try {
      setHealth(await call('check_health', { slug }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setChecking(false);
    }
  }

  async function repair() {
    if (await runs.dayTwo(slug, 'repair')) onStarted();
  }

  const state = health === undefined ? 'loading' : !health ? 'unchecked' : health.healthy ? 'healthy' : 'unhealthy';
  const repairable = !!health && health.findings.some((f) => f.repair !== null);
  return (
    <div className="card" data-testid="health-panel" data-health={state}>
      <div className="card-head">
        <h2 className="card-title">{t('health.title')}</h2>
        <div className="actions">
          {repairable && (
            <button type="button" className="btn btn-small btn-primary" data-testid="repair-button" disabled={!canRepair} title={t('health.repairHint')} onClick={() => void repair()}>
              {t('health.repair')}
            </button>
          )}
          <button type="button" className="btn btn-small" data-testid="check-health" disabled={checking} onClick={check}>
            {checking ? t('health.checking') : t('health.check')}
          </button>
        </div>
      </div>
      {health === undefined ? null : !health ? (
        <p className="muted">{t('health.never')}</p>
      ) : (
        <>
          <p className={`health health-${state}`} data-testid="health-summary">
            <span className="health-dot" aria-hidden="true" />
            {health.healthy ? t('health.healthy') : t('health.unhealthy', { n: health.findings.length })}
            <span className="muted">
              {' · '}
              {t('health.checkedAt', { at: formatDateTime(lang, health.checked_at) })}
              {health.site &&
                ` · ${health.site.status !== null ? t('health.site', { status: health.site.status, ms: health.site.ms }) : t('health.siteDown', { ms: health.site.ms })}`}
            </span>
          </p>
          {health.findings.length > 0 && (
            <ul className="findings" data-testid="health-findings">
              {health.findings.map((f, i) => (
                <li key={i} className={`finding finding-${f.kind}`} data-kind={f.kind} data-part={f.part}>
                  <span className="finding-kind">{t(`health.kind.${f.kind}`)}</span>
                  <span className="finding-text">
                    <span>{f.message[lang]}</span>
                    <span className="muted">{f.action[lang]}</span>
                  </span>
                  {f.repair && (
                    <span className="finding-repair" title={t('health.repairable')} aria-label={t('health.repairable')}>
                      ⟲
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {health.usage.length > 0 && (
            // Beside the findings, not among them: a limit days away does not make the
            // instance unhealthy, but the owner should see it where they look.
            <ul className="findings findings-usage" data-testid="health-usage" aria-label={t('health.usage')}>
              {health.usage.map((w, i) => (
                <li key={i} className="finding finding-usage">
                  <span className="finding-kind">{t('nav.usage')}</span>
                  <span className="finding-text">{w[lang]}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
