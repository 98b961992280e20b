// The customer's team as a table: each person's role, status, who invited them and the last
// invitation, with what may be done to Fabrik's people from here (an invitation again, their
// access taken away, invited again through the form). An owner or admin is revoked only with
// their address typed; the core judges every rule again.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import type { Customer, Member, MemberStatus, TeamRole } from '../../bindings';
import { formatDateTime, useI18n, type TextKey } from '../../i18n';
import { useToast } from '../../state/toast';
import { Dialog, TypedConfirmDialog } from '../common';

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

/** Per member: "Skicka igen", "Ta bort behörighet"; what came of it. `again` reads the team anew. */
export function useMemberActions(slug: string, again: () => void) {
  const { t, err, tx } = useI18n();
  const toast = useToast();
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

  return { acting, actionError, revoking, setRevoking, resend, revoke };
}

export type MemberActions = ReturnType<typeof useMemberActions>;

/** The team's table; `onReinvite` fills the invite form with a revoked or failed person. */
export function MemberTable({
  members,
  actions,
  canInvite,
  onReinvite,
}: {
  members: Member[];
  actions: MemberActions;
  canInvite: boolean;
  onReinvite: (m: Member) => void;
}) {
  const { t, lang } = useI18n();
  const { acting, resend, setRevoking } = actions;
  return (
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
                      <button type="button" className="btn btn-small" data-testid="team-reinvite" disabled={!canInvite} onClick={() => onReinvite(m)}>
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
  );
}

/** The revoke asked: an owner or admin with the address typed, anyone else with a click. */
export function RevokeDialog({ customer, actions }: { customer: Customer; actions: MemberActions }) {
  const { t } = useI18n();
  const { acting, revoking, setRevoking, revoke } = actions;
  if (!revoking) return null;
  if (needsTyping(revoking)) {
    return (
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
    );
  }
  return (
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
