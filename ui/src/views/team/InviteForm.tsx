// Inviting one person from the Team tab: the address, a name and a role, judged by the core
// (each field's problem shown at the field), the result told at once. A revoked or failed person
// of Fabrik's is put back into the form to be invited again.
import { useRef, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { FieldError, Invitee, Member, TeamRole } from '../../bindings';
import { useI18n, type TextKey } from '../../i18n';
import { useToast } from '../../state/toast';
import { Field } from '../CustomerForm';
import { TEAM_ROLES } from './Members';

/** The form's state, held by the panel (the table's "Bjud in igen" fills it). */
export function useInviteForm(slug: string, canInvite: boolean, again: () => void) {
  const { t, err, tx } = useI18n();
  const toast = useToast();
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

  return { email, setEmail, name, setName, role, setRole, sending, formError, fieldError, emailInput, inviteOne, reinvite };
}

export type InviteFormState = ReturnType<typeof useInviteForm>;

export function InviteForm({ form, canInvite }: { form: InviteFormState; canInvite: boolean }) {
  const { t } = useI18n();
  const { email, setEmail, name, setName, role, setRole, sending, formError, fieldError, emailInput, inviteOne } = form;
  return (
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
    </>
  );
}
