// A handover in the window (issue #59): "Lämna över" — the customer's GitHub, Vercel team and
// Supabase organization, then the slug typed at the same guarded gate as a teardown (the core
// checks the owner's right and the slug; its refusal shows in words) — started as a run like
// any other; and the Överlämning card: each part waiting or taken, and "Dra tillbaka" while
// anything waits. No handover, no card; "Lämna över" only when there is none.
import { useCallback, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, Handover } from '../bindings';
import { formatDateTime, useI18n, type TextKey } from '../i18n';
import { useLoad } from '../state/load';
import { useRuns } from '../state/runs';
import { useToast } from '../state/toast';
import { TypedConfirmDialog } from './common';

/** The three parts the customer takes, in the order the run hands them over. */
const PARTS: readonly { key: TextKey; at: (h: Handover) => string | null; id: string }[] = [
  { id: 'supabase', key: 'handover.part.supabase', at: (h) => h.supabase_claimed_at },
  { id: 'vercel', key: 'handover.part.vercel', at: (h) => h.vercel_accepted_at },
  { id: 'github', key: 'handover.part.github', at: (h) => h.github_accepted_at },
];

export function HandoverButton({ onClick }: { onClick: () => void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="btn btn-danger-outline" data-testid="handover-button" onClick={onClick}>
      {t('handover.button')}
    </button>
  );
}

/** The form behind "Lämna över": where each part goes, then the slug typed. */
export function HandoverDialog({ customer, onClose, onStarted }: { customer: Customer; onClose: () => void; onStarted: () => void }) {
  const { t, err } = useI18n();
  const runs = useRuns();
  const [github, setGithub] = useState('');
  const [vercel, setVercel] = useState('');
  const [supabase, setSupabase] = useState('');
  // Another address for the letter (the customer's CTO, say), typed by the owner; empty: the
  // proven first administrator's.
  const [letterTo, setLetterTo] = useState('');
  const [refused, setRefused] = useState<ApiError | null>(null);
  // Where the letter with the codes goes, read from the instance before anyone confirms.
  const recipient = useLoad('handover_recipient', { slug: customer.slug }, [customer.slug]);
  const filled = [github, vercel, supabase].every((v) => v.trim() !== '');
  const typedTo = letterTo.trim();
  const field = (id: string, label: TextKey, value: string, set: (v: string) => void, type = 'text') => (
    <>
      <label className="label" htmlFor={`handover-${id}`}>
        {t(label)}
      </label>
      <input
        id={`handover-${id}`}
        className="input mono"
        type={type}
        data-testid={`handover-${id}`}
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => set(e.target.value)}
      />
    </>
  );
  return (
    <TypedConfirmDialog
      id="handover"
      title={t('handover.title', { name: customer.name })}
      label={t('handover.label')}
      expected={customer.slug}
      confirmLabel={t('handover.confirm')}
      cancelLabel={t('form.cancel')}
      ready={filled && (typedTo !== '' || recipient.data !== null)}
      onCancel={onClose}
      onConfirm={async (typed) => {
        const e = await runs.begin(customer.slug, {
          kind: 'handover',
          to_github: github.trim(),
          to_vercel_team: vercel.trim(),
          to_supabase_org: supabase.trim(),
          ...(typedTo !== '' ? { letter_to: typedTo } : {}),
          confirmation: typed,
        });
        if (e) {
          setRefused(e);
          // Thrown so the dialog stays open with what was typed, the refusal beside it.
          throw e;
        }
        onStarted();
        onClose();
      }}
    >
      <p>{t('handover.body')}</p>
      {field('github', 'handover.github', github, setGithub)}
      {field('vercel', 'handover.vercel', vercel, setVercel)}
      {field('supabase', 'handover.supabase', supabase, setSupabase)}
      {!filled && <p className="field-hint">{t('handover.fieldsMissing')}</p>}
      {field('letter-to', 'handover.letterTo', letterTo, setLetterTo, 'email')}
      <p className={recipient.error && typedTo === '' ? 'field-error' : 'field-hint'} data-testid="handover-recipient">
        {typedTo !== ''
          ? t('handover.recipientTyped', { email: typedTo })
          : recipient.data !== null
          ? t('handover.recipient', { email: recipient.data })
          : recipient.error
            ? t('handover.recipientRefused', { message: err(recipient.error) })
            : t('handover.recipientLoading')}
      </p>
      {refused && (
        <p className="field-error" role="alert" data-testid="handover-refused" data-code={refused.code}>
          {t('handover.refused', { message: err(refused) })}
        </p>
      )}
    </TypedConfirmDialog>
  );
}

/**
 * Where the customer's handover stands, read once for the whole page: the card shows it, and
 * "Lämna över" is offered only once it is known there is none (never asked, or withdrawn).
 * `changed` reads it again (after a withdrawal).
 */
export function useHandover(slug: string, reload: number) {
  const [changes, setChanges] = useState(0);
  const { data, error } = useLoad('handover_status', { slug }, [slug, reload, changes]);
  const changed = useCallback(() => setChanges((n) => n + 1), []);
  // The core's status lines are the CLI's words for what the card shows part by part.
  return { data, error, changed, offered: data !== null && data.handover === null, handedOver: data?.handed_over === true };
}

export type HandoverState = ReturnType<typeof useHandover>;

/** "Överlämning": where the customer's handover stands; nothing when there is none. */
export function HandoverPanel({ customer, status }: { customer: Customer; status: HandoverState }) {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const slug = customer.slug;
  const [withdrawing, setWithdrawing] = useState(false);
  const [refused, setRefused] = useState<ApiError | null>(null);
  const { data, error, changed } = status;

  if (error) {
    return (
      <section className="card handover-card" data-testid="handover-panel">
        <h2 className="card-title">{t('handover.card')}</h2>
        <p className="field-error" role="alert">
          {t('handover.loadFailed')} {err(error)}
        </p>
      </section>
    );
  }
  const h = data?.handover;
  if (!data || !h) return null;
  const when = (at: string) => formatDateTime(lang, at);
  return (
    <section className="card handover-card" aria-labelledby="handover-card-title" data-testid="handover-panel" data-handed-over={data.handed_over}>
      <div className="card-head">
        <h2 id="handover-card-title" className="card-title">
          {t('handover.card')}
        </h2>
        {!data.handed_over && (
          <button type="button" className="btn btn-small btn-danger-outline" data-testid="handover-withdraw" onClick={() => setWithdrawing(true)}>
            {t('handover.withdraw')}
          </button>
        )}
      </div>
      {h.handed_over_at && (
        <p className="panel" role="note" data-testid="handover-done">
          {t('handover.done', { at: when(h.handed_over_at) })}
        </p>
      )}
      <dl className="details">
        <dt>{t('handover.to')}</dt>
        <dd className="mono" data-testid="handover-to">
          GitHub {h.to_github} · Vercel {h.to_vercel_team} · Supabase {h.to_supabase_org}
        </dd>
        <dt>{t('handover.requested')}</dt>
        <dd className="tabular">
          {when(h.requested_at)}
          {h.requested_by && <span className="muted"> · {h.requested_by}</span>}
        </dd>
        {PARTS.map((p) => {
          const at = p.at(h);
          return (
            <div key={p.id} className="details-row" data-testid="handover-part" data-part={p.id} data-taken={at !== null}>
              <dt>{t(p.key)}</dt>
              <dd className="tabular">{at ? t('handover.taken', { at: when(at) }) : <span className="muted">{t('handover.waiting')}</span>}</dd>
            </div>
          );
        })}
      </dl>
      {withdrawing && (
        <TypedConfirmDialog
          id="handover-withdraw"
          title={t('handover.withdrawTitle', { name: customer.name })}
          label={t('handover.label')}
          expected={slug}
          confirmLabel={t('handover.withdraw')}
          cancelLabel={t('form.cancel')}
          onCancel={() => {
            setWithdrawing(false);
            setRefused(null);
          }}
          onConfirm={async (typed) => {
            try {
              await call('handover_withdraw', { slug, confirmation: typed });
            } catch (e) {
              setRefused(e as ApiError);
              throw e;
            }
            toast('success', t('handover.withdrawn'));
            setWithdrawing(false);
            setRefused(null);
            changed();
          }}
        >
          <p>{t('handover.withdrawBody')}</p>
          {refused && (
            <p className="field-error" role="alert" data-testid="handover-withdraw-refused">
              {err(refused)}
            </p>
          )}
        </TypedConfirmDialog>
      )}
    </section>
  );
}
