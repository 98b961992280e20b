// "Team" on the customer page (issue #44): the customer's team in their own instance. Who is
// in it (role, status, whether Fabrik invited them), how the instance sends its email (as the
// agency, or still with Supabase's built-in mailer: then "Skicka e-post som byrån", a run, comes
// first), inviting one person or a checked list (all or nothing, each person's result as the
// core's `team-progress` events tell it, then a summary), an invitation again, and a person's
// access taken away (an owner or admin only with their address typed). Only people Fabrik
// invited, or the first administrator, are changed from here; the core judges every rule.
import { useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type { Customer, FieldError, Invitee, InviteOutcome, InviteReport, InviteResult, Member, MemberStatus, TeamPreview, TeamRole } from '../bindings';
import { formatDateTime, formatNumber, useI18n, type TextKey } from '../i18n';
import { useEvent } from '../state/events';
import { useLoad, useRefusal } from '../state/load';
import { isActive, useRuns } from '../state/runs';
import { useToast } from '../state/toast';
import { Dialog, TypedConfirmDialog } from './common';
import { Field } from './CustomerForm';

/** The roles a person is invited as (the owner is the first administrator only). */
export const TEAM_ROLES: readonly TeamRole[] = ['admin', 'member', 'viewer'];
const ROLE_WORDS = ['owner', 'admin', 'member', 'viewer'];

/** The label of a role as the instance writes it; an unknown word shows as it is. */
function roleText(t: (key: TextKey) => string, role: string): string {
  return ROLE_WORDS.includes(role) ? t(`team.role.${role}` as TextKey) : role;
}

/** What may be done to a member from here: only Fabrik's people, and only what applies. */
export function memberActions(m: Member) {
  return {
    resend: m.by_fabrik && !m.first_admin && m.status === 'invited',
    // Nothing was made for a failed or unfinished invitation: there is no access to take away.
    revoke: m.by_fabrik && (m.status === 'invited' || m.status === 'active'),
    // A revoked or failed person of Fabrik's is invited again through the invite form.
    reinvite: m.by_fabrik && !m.first_admin && (m.status === 'revoked' || m.status === 'failed'),
  };
}

/** An owner or admin is revoked only with the address typed. */
const needsTyping = (m: Member) => m.role === 'owner' || m.role === 'admin';

export function TeamPanel({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t } = useI18n();
  if (customer.status !== 'active') {
    return (
      <div className="card team-card" data-testid="team-panel">
        <div className="card-head">
          <h2 className="card-title">{t('team.title')}</h2>
        </div>
        <p className="muted" data-testid="team-paused">
          {t('team.paused')}
        </p>
      </div>
    );
  }
  return <TeamBody customer={customer} busy={busy} reload={reload} onStarted={onStarted} />;
}

interface Progress {
  total: number;
  done: number;
  results: InviteResult[];
}

function TeamBody({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err, tx, lang } = useI18n();
  const runs = useRuns();
  const toast = useToast();
  const slug = customer.slug;
  const latestId = runs.latest[slug];
  const latest = latestId !== undefined ? runs.runs[latestId] : undefined;
  const latestState = latest?.run.state;
  const [tick, setTick] = useState(0);
  const { data: team, error: loadError } = useLoad('team', { slug }, [slug, reload, latestId, latestState, tick]);
  const again = () => setTick((n) => n + 1);

  // "Skicka e-post som byrån": a run; a refusal belongs to the moment it happened.
  const [mailRefused, setMailRefused] = useRefusal<ApiError>(latestId);
  const [startingMail, setStartingMail] = useState(false);
  const mailRun = latest && latest.run.kind === 'auth_mail' ? latest : undefined;
  const mailRunning = !!mailRun && isActive(mailRun.run.state);
  const mailFailedStep =
    mailRun && ['failed', 'rolled_back'].includes(mailRun.run.state) ? [...mailRun.events].reverse().find((e) => e.type === 'step_failed') : undefined;
  const mailFailed =
    mailFailedStep && mailFailedStep.type === 'step_failed'
      ? err(mailFailedStep)
      : mailRun && mailRun.run.state === 'failed' && mailRun.run.error
        ? tx(mailRun.run.error)
        : null;

  async function sendAsAgency() {
    setStartingMail(true);
    setMailRefused(null);
    const refusal = await runs.begin(slug, { kind: 'auth_mail' });
    setStartingMail(false);
    if (refusal) setMailRefused(refusal);
    else onStarted();
  }

  const canInvite = !!team?.sends_as_agency;
  const left = team?.per_hour != null ? Math.max(0, team.per_hour - team.sent_last_hour) : null;

  // Per member: "Skicka igen", "Ta bort behörighet"; what came of it.
  const [acting, setActing] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Member | null>(null);

  async function resend(m: Member) {
    setActing(m.email);
    setActionError(null);
    try {
      const r = await call('team_resend', { slug, email: m.email });
      const res = r.results[0];
      if (res && res.outcome === 'failed') setActionError(res.problem ? tx(res.problem) : t('team.resendFailed', { email: m.email }));
      else toast('success', t('team.resent', { email: m.email }));
    } catch (e) {
      setActionError(t('team.actionFailed', { message: err(e as ApiError) }));
    } finally {
      setActing(null);
      again();
    }
  }

  async function revoke(m: Member, confirmation: string | null) {
    setActing(m.email);
    setActionError(null);
    try {
      await call('team_revoke', { slug, email: m.email, confirmation });
      toast('success', t('team.revoked', { email: m.email }));
      setRevoking(null);
      again();
    } catch (e) {
      toast('error', t('team.actionFailed', { message: err(e as ApiError) }));
      throw e;
    } finally {
      setActing(null);
    }
  }

  // Inviting one person.
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  const fieldError = (field: string) => fieldErrors.find((f) => f.field === field);

  async function inviteOne(e: React.FormEvent) {
    e.preventDefault();
    if (!email.trim() || !canInvite) return;
    setSending(true);
    setFieldErrors([]);
    setFormError(null);
    const person: Invitee = { email: email.trim(), full_name: name.trim() || null, role };
    try {
      const r = await call('team_invite', { slug, people: [person] });
      const res = r.results[0];
      if (!res || res.outcome === 'failed') {
        setFormError(res?.problem ? tx(res.problem) : t('team.invite.failed', { email: person.email }));
      } else {
        toast('success', t(`team.invite.done.${res.outcome}` as TextKey, { email: res.email }));
        setEmail('');
        setName('');
        setRole('member');
      }
    } catch (x) {
      const a = x as ApiError;
      const atField = a.code === 'validation' ? a.fields.filter((f) => ['email', 'full_name', 'role'].includes(f.field)) : [];
      const elsewhere = a.code === 'validation' ? a.fields.filter((f) => !atField.includes(f)) : [];
      setFieldErrors(atField);
      if (a.code !== 'validation') setFormError(err(a));
      else if (elsewhere.length > 0) setFormError(elsewhere.map((f) => err(f)).join(' · '));
      else if (atField.length === 0) setFormError(err(a));
    } finally {
      setSending(false);
      again();
    }
  }

  function reinvite(m: Member) {
    setEmail(m.email);
    setName(m.full_name ?? '');
    setRole((TEAM_ROLES as readonly string[]).includes(m.role) ? (m.role as TeamRole) : 'member');
    setFieldErrors([]);
    setFormError(null);
    emailInput.current?.focus();
    emailInput.current?.scrollIntoView?.({ block: 'center' });
  }

  // Inviting a list: read, checked by the core, then invited whole.
  const [listText, setListText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<TeamPreview | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [summary, setSummary] = useState<InviteReport | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const listInviting = useRef(false);

  // The core tells each person's result as it comes (the window's one listener).
  useEvent('team-progress', (p) => {
    if (p.slug !== slug || !listInviting.current) return;
    setProgress((cur) => {
      if (!cur || cur.results.some((r) => r.email === p.result.email)) return cur;
      return { total: p.total, done: Math.max(cur.done, p.done), results: [...cur.results, p.result] };
    });
  });

  function changeList(text: string, file: string | null) {
    setListText(text);
    setFileName(file);
    setPreview(null);
    setPreviewError(null);
    setListError(null);
  }

  async function readFile(e: React.ChangeEvent<HTMLInputElement>) {
    const input = e.target;
    const file = input.files?.[0];
    if (!file) return;
    try {
      changeList(await file.text(), file.name);
    } catch {
      toast('error', t('team.list.fileUnreadable', { name: file.name }));
    } finally {
      // The same file chosen again (after it was edited) is read again.
      input.value = '';
    }
  }

  async function previewList() {
    if (!listText.trim()) return;
    setPreviewing(true);
    setPreview(null);
    setPreviewError(null);
    setListError(null);
    setSummary(null);
    try {
      setPreview(await call('team_preview', { slug, csv: listText }));
    } catch (e) {
      setPreviewError(e as ApiError);
    } finally {
      setPreviewing(false);
    }
  }

  async function inviteList() {
    if (!preview || preview.bad.length > 0 || preview.people.length === 0 || !canInvite) return;
    listInviting.current = true;
    setProgress({ total: preview.people.length, done: 0, results: [] });
    setSummary(null);
    setListError(null);
    try {
      const r = await call('team_invite', { slug, people: preview.people });
      setSummary(r);
      changeList('', null);
    } catch (e) {
      setListError(e as ApiError);
    } finally {
      listInviting.current = false;
      setProgress(null);
      again();
    }
  }

  const problemsOf = (e: ApiError) => (e.code === 'validation' && e.fields.length > 0 ? e.fields.map((f) => err(f)) : [err(e)]);
  const members = team?.members ?? [];
  const notOurs = members.some((m) => !m.by_fabrik);
  const inviting = progress !== null;
  const seconds = (ms: number) => (ms / 1000).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  return (
    <div className="card team-card" data-testid="team-panel">
      <div className="card-head">
        <h2 className="card-title">{t('team.title')}</h2>
        <div className="actions">
          <button type="button" className="btn btn-small" data-testid="team-reload" onClick={again}>
            {t('team.reload')}
          </button>
        </div>
      </div>
      <p className="muted small">{t('team.hint')}</p>

      {team && team.sends_as_agency && (
        <p className="team-mail" data-testid="team-mail" data-agency="true">
          {team.per_hour != null
            ? t('team.mail.agency', { sender: team.sender ?? t('team.mail.theAgency'), per_hour: formatNumber(lang, team.per_hour) })
            : t('team.mail.agencyNoLimit', { sender: team.sender ?? t('team.mail.theAgency') })}
          {team.sent_last_hour > 0 && (
            <span className="muted"> · {t(team.sent_last_hour === 1 ? 'team.mail.sentLastHour.one' : 'team.mail.sentLastHour.other', { n: formatNumber(lang, team.sent_last_hour) })}</span>
          )}
        </p>
      )}
      {team && !team.sends_as_agency && (
        <div className="panel panel-warning team-mail-notice" role="note" data-testid="team-mail-notice" data-agency="false">
          <p>{mailRunning ? t('team.mail.running') : t('team.mail.notAgency')}</p>
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="team-auth-mail"
            disabled={busy || mailRunning || startingMail}
            onClick={() => void sendAsAgency()}
          >
            {t('team.mail.button')}
          </button>
        </div>
      )}
      {mailRefused && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="team-auth-mail-error" data-code={mailRefused.code}>
          <p>{t('team.mail.refused', { message: err(mailRefused) })}</p>
        </div>
      )}
      {!mailRefused && mailFailed && team && !team.sends_as_agency && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="team-auth-mail-failed">
          <p>{t('team.mail.failed', { message: mailFailed })}</p>
        </div>
      )}

      {loadError && (
        <p className="field-error" role="alert" data-testid="team-load-error" data-code={loadError.code}>
          {t('team.loadFailed', { message: err(loadError) })}
        </p>
      )}
      {!team && !loadError && (
        <p className="muted" aria-busy="true" data-testid="team-loading">
          {t('team.loading')}
        </p>
      )}
      {actionError && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="team-action-error">
          <p>{actionError}</p>
        </div>
      )}
      {team && members.length === 0 && <p className="muted">{t('team.none')}</p>}
      {members.length > 0 && (
        <div className="team-table-wrap">
          <table className="team-table" data-testid="team-table">
            <thead>
              <tr>
                <th>{t('team.col.email')}</th>
                <th>{t('team.col.name')}</th>
                <th>{t('team.col.role')}</th>
                <th>{t('team.col.status')}</th>
                <th>{t('team.col.origin')}</th>
                <th>{t('team.col.lastSent')}</th>
                <th aria-label={t('team.col.actions')} />
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const can = memberActions(m);
                const origin = m.first_admin ? 'first_admin' : m.by_fabrik ? 'fabrik' : 'not_ours';
                return (
                  <tr
                    key={m.email}
                    data-testid="team-member"
                    data-email={m.email}
                    data-status={m.status}
                    data-role={m.role}
                    data-origin={origin}
                    className={m.status === 'revoked' ? 'is-revoked' : undefined}
                  >
                    <td className="mono selectable team-email">{m.email}</td>
                    <td>{m.full_name ?? <span className="muted">–</span>}</td>
                    <td data-testid="team-role">{roleText(t, m.role)}</td>
                    <td>
                      <StatusBadge status={m.status} signedIn={m.last_sign_in_at} />
                      {m.problem && (m.status === 'failed' || m.status === 'sending') && (
                        <div className="small field-error team-problem" data-testid="team-problem">
                          {m.problem}
                        </div>
                      )}
                    </td>
                    <td>
                      <span
                        className={origin === 'not_ours' ? 'tag muted' : 'tag'}
                        data-testid="team-origin"
                        title={origin === 'not_ours' ? t('team.origin.notOursTitle') : undefined}
                      >
                        {t(origin === 'first_admin' ? 'team.origin.firstAdmin' : origin === 'fabrik' ? 'team.origin.fabrik' : 'team.origin.notOurs')}
                      </span>
                    </td>
                    <td className="tabular nowrap" title={m.sends > 0 ? t(m.sends === 1 ? 'team.sends.one' : 'team.sends.other', { n: m.sends }) : undefined}>
                      {m.last_sent_at ? formatDateTime(lang, m.last_sent_at) : <span className="muted">–</span>}
                    </td>
                    <td>
                      <div className="team-actions">
                        {can.resend && (
                          <button type="button" className="btn btn-small" data-testid="team-resend" disabled={acting !== null} onClick={() => void resend(m)}>
                            {t('team.resend')}
                          </button>
                        )}
                        {can.revoke && (
                          <button
                            type="button"
                            className="btn btn-small btn-danger-outline"
                            data-testid="team-revoke"
                            disabled={acting !== null}
                            onClick={() => setRevoking(m)}
                          >
                            {t('team.revoke')}
                          </button>
                        )}
                        {can.reinvite && (
                          <button type="button" className="btn btn-small" data-testid="team-reinvite" disabled={!canInvite} onClick={() => reinvite(m)}>
                            {t('team.reinvite')}
                          </button>
                        )}
                        {!m.by_fabrik && (
                          <span className="muted small" data-testid="team-not-ours" title={t('team.origin.notOursTitle')}>
                            {t('team.notOursShort')}
                          </span>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {notOurs && (
        <p className="muted small" data-testid="team-not-ours-note">
          {t('team.notOursNote')}
        </p>
      )}

      {team && (
        <>
          <h3 className="subhead">{t('team.invite.title')}</h3>
          {!canInvite && (
            <p className="field-hint warn muted small" data-testid="team-invite-blocked">
              {t('team.invite.blocked')}
            </p>
          )}
          <form className="team-invite-form" data-testid="team-invite-form" onSubmit={(e) => void inviteOne(e)} noValidate>
            <Field id="team-email" label={t('team.invite.email')} required error={fieldError('email')}>
              <input
                id="f-team-email"
                ref={emailInput}
                className="input"
                type="email"
                data-testid="team-invite-email"
                value={email}
                autoComplete="off"
                spellCheck={false}
                placeholder={t('team.invite.emailPlaceholder')}
                aria-invalid={fieldError('email') ? true : undefined}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
            <Field id="team-name" label={t('team.invite.name')} error={fieldError('full_name')}>
              <input
                id="f-team-name"
                className="input"
                data-testid="team-invite-name"
                value={name}
                autoComplete="off"
                aria-invalid={fieldError('full_name') ? true : undefined}
                onChange={(e) => setName(e.target.value)}
              />
            </Field>
            <Field id="team-role" label={t('team.invite.role')} error={fieldError('role')}>
              <select id="f-team-role" className="select" data-testid="team-invite-role" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
                {TEAM_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`team.role.${r}`)}
                  </option>
                ))}
              </select>
            </Field>
            <div className="team-invite-submit">
              <button type="submit" className="btn btn-primary" data-testid="team-invite-submit" disabled={!canInvite || sending || !email.trim()} aria-busy={sending}>
                {sending ? t('team.invite.sending') : t('team.invite.submit')}
              </button>
            </div>
          </form>
          {formError && (
            <p className="field-error" role="alert" data-testid="team-invite-error">
              {formError}
            </p>
          )}

          <h3 className="subhead">{t('team.list.title')}</h3>
          <p className="muted small">{t('team.list.hint')}</p>
          <div className="team-list-source">
            <label className="btn btn-small team-file">
              {t('team.list.file')}
              <input type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="team-list-file" className="visually-hidden" disabled={inviting} onChange={(e) => void readFile(e)} />
            </label>
            {fileName && (
              <span className="muted small" data-testid="team-list-file-name">
                {t('team.list.fileChosen', { name: fileName })}
              </span>
            )}
          </div>
          <label className="label" htmlFor="team-list-text">
            {t('team.list.text')}
          </label>
          <textarea
            id="team-list-text"
            className="input textarea mono team-list-text"
            data-testid="team-list-text"
            rows={5}
            value={listText}
            spellCheck={false}
            disabled={inviting}
            placeholder={t('team.list.placeholder')}
            onChange={(e) => changeList(e.target.value, null)}
          />
          <div className="card-actions team-list-actions">
            <button type="button" className="btn btn-small" data-testid="team-list-preview" disabled={!listText.trim() || previewing || inviting} onClick={() => void previewList()}>
              {t('team.list.preview')}
            </button>
            {listText && !inviting && (
              <button type="button" className="btn btn-small btn-ghost" data-testid="team-list-clear" onClick={() => changeList('', null)}>
                {t('team.list.clear')}
              </button>
            )}
          </div>
          {previewError && (
            <div className="panel panel-error wf-problem" role="alert" data-testid="team-list-error" data-code={previewError.fields[0]?.code ?? previewError.code}>
              {problemsOf(previewError).map((p, i) => (
                <p key={i}>{p}</p>
              ))}
            </div>
          )}
          {preview && <PreviewView preview={preview} left={left} canInvite={canInvite} inviting={inviting} onInvite={() => void inviteList()} />}
          {listError && (
            <div className="panel panel-error wf-problem team-list-refused" role="alert" data-testid="team-list-refused" data-code={listError.code}>
              <p>{t('team.list.refused')}</p>
              <ul>
                {problemsOf(listError).map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {progress && (
            <div className="team-progress" role="status" data-testid="team-progress" data-done={progress.done} data-total={progress.total}>
              <p>{t('team.progress', { done: progress.done, total: progress.total })}</p>
              <progress className="update-progress" max={progress.total} value={progress.done} />
              <ul className="tick-list">
                {progress.results.map((r) => (
                  <ResultLine key={r.email} result={r} />
                ))}
              </ul>
            </div>
          )}
          {summary && (
            <div className="team-summary" role="status" data-testid="team-summary" data-invited={summary.invited} data-failed={summary.failed}>
              <p>
                <strong>{t(summary.invited === 1 ? 'team.summary.invited.one' : 'team.summary.invited.other', { n: summary.invited })}</strong>
                {summary.failed > 0 && <span className="field-error"> · {t('team.summary.failed', { n: summary.failed })}</span>}
              </p>
              {summary.failed > 0 && (
                <ul className="tick-list">
                  {summary.results
                    .filter((r) => r.outcome === 'failed')
                    .map((r) => (
                      <li key={r.email} className="field-error" data-testid="team-summary-failure" data-email={r.email}>
                        {r.problem ? tx(r.problem) : t('team.invite.failed', { email: r.email })}
                      </li>
                    ))}
                </ul>
              )}
              <p className="muted small" data-testid="team-summary-calls">
                {t('team.summary.calls', { calls: formatNumber(lang, summary.calls), seconds: seconds(summary.elapsed_ms) })}
              </p>
              <button type="button" className="btn btn-small btn-ghost" data-testid="team-summary-close" onClick={() => setSummary(null)}>
                {t('team.summary.close')}
              </button>
            </div>
          )}
        </>
      )}

      {revoking && needsTyping(revoking) && (
        <TypedConfirmDialog
          id="team-revoke"
          title={t('team.revoke.title', { email: revoking.email })}
          label={t('team.revoke.label', { email: revoking.email })}
          expected={revoking.email}
          confirmLabel={t('team.revoke.confirm')}
          cancelLabel={t('form.cancel')}
          onCancel={() => setRevoking(null)}
          onConfirm={(typed) => revoke(revoking, typed)}
        >
          <p>{t('team.revoke.adminBody', { email: revoking.email, role: roleText(t, revoking.role) })}</p>
          <p>{t('team.revoke.body', { email: revoking.email, name: customer.name })}</p>
        </TypedConfirmDialog>
      )}
      {revoking && !needsTyping(revoking) && (
        <Dialog
          title={t('team.revoke.title', { email: revoking.email })}
          labelledBy="team-revoke-title"
          testId="team-revoke-dialog"
          onCancel={() => setRevoking(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setRevoking(null)}>
                {t('form.cancel')}
              </button>
              <button
                type="button"
                className="btn btn-danger"
                data-testid="team-revoke-confirm"
                disabled={acting !== null}
                onClick={() => {
                  revoke(revoking, null).catch(() => {
                    /* Said in a toast; the dialog stays open. */
                  });
                }}
              >
                {t('team.revoke.confirm')}
              </button>
            </>
          }
        >
          <p>{t('team.revoke.body', { email: revoking.email, name: customer.name })}</p>
        </Dialog>
      )}
    </div>
  );
}

function StatusBadge({ status, signedIn }: { status: MemberStatus; signedIn: string | null }) {
  const { t, lang } = useI18n();
  return (
    <span
      className={`badge team-status team-status-${status}`}
      data-testid="team-status"
      data-status={status}
      title={signedIn ? t('team.signedIn', { time: formatDateTime(lang, signedIn) }) : undefined}
    >
      <span className="badge-dot" aria-hidden="true" />
      {t(`team.status.${status}`)}
    </span>
  );
}

const OUTCOME_KEY: Record<InviteOutcome, TextKey> = {
  invited: 'team.outcome.invited',
  again: 'team.outcome.again',
  restored: 'team.outcome.restored',
  failed: 'team.outcome.failed',
};

function ResultLine({ result }: { result: InviteResult }) {
  const { t, tx } = useI18n();
  return (
    <li data-testid="team-progress-result" data-email={result.email} data-outcome={result.outcome}>
      <span className="mono">{result.email}</span>{' '}
      <span className={`run-state run-state-${result.outcome === 'failed' ? 'failed' : 'succeeded'}`}>{t(OUTCOME_KEY[result.outcome])}</span>
      {result.problem && <span className="field-error small"> {tx(result.problem)}</span>}
    </li>
  );
}

/** The list as the core read it: every bad row (nobody invited then), or everyone to invite. */
function PreviewView({
  preview,
  left,
  canInvite,
  inviting,
  onInvite,
}: {
  preview: TeamPreview;
  left: number | null;
  canInvite: boolean;
  inviting: boolean;
  onInvite: () => void;
}) {
  const { t, err } = useI18n();
  const n = preview.people.length;
  const bad = preview.bad.length;
  return (
    <div className="team-preview" data-testid="team-preview" data-people={n} data-bad={bad}>
      {bad > 0 && (
        <div className="panel panel-error team-bad" role="alert" data-testid="team-bad">
          <div>
            <p>
              <strong>{t(bad === 1 ? 'team.preview.bad.one' : 'team.preview.bad.other', { n: bad })}</strong>
            </p>
            <p>{t('team.preview.allOrNothing')}</p>
            <ul className="import-rows">
              {preview.bad.map((row) => (
                <li key={row.line} data-testid="team-bad-row" data-line={row.line}>
                  <strong>{t('team.preview.line', { line: row.line })}</strong>{' '}
                  <span className="mono">{row.email || t('team.preview.noEmail')}</span>
                  <ul>
                    {row.problems.map((p, i) => (
                      <li key={i} data-testid="team-bad-problem" data-code={p.code}>
                        {err(p)}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <p data-testid="team-preview-count">
        {t(n === 1 ? 'team.preview.people.one' : 'team.preview.people.other', { n })}
        {bad > 0 && n > 0 && <span className="muted"> {t('team.preview.notYet')}</span>}
      </p>
      {n > 0 && (
        <table className="team-table" data-testid="team-preview-people">
          <thead>
            <tr>
              <th>{t('team.col.email')}</th>
              <th>{t('team.col.name')}</th>
              <th>{t('team.col.role')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.people.map((p) => (
              <tr key={p.email} data-testid="team-preview-person" data-email={p.email} data-role={p.role}>
                <td className="mono">{p.email}</td>
                <td>{p.full_name ?? <span className="muted">–</span>}</td>
                <td>{t(`team.role.${p.role}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {bad === 0 && n > 0 && left !== null && n > left && (
        <p className="field-hint warn" data-testid="team-over-limit">
          {t('team.preview.overLimit', { left, n })}
        </p>
      )}
      {bad === 0 && n > 0 && (
        <div className="card-actions">
          <button type="button" className="btn btn-primary" data-testid="team-list-invite" disabled={!canInvite || inviting} onClick={onInvite}>
            {t(n === 1 ? 'team.list.invite.one' : 'team.list.invite.other', { n })}
          </button>
          {!canInvite && <span className="muted small">{t('team.invite.blocked')}</span>}
        </div>
      )}
    </div>
  );
}
