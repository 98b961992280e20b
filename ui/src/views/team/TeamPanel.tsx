// "Team" on the customer page (issue #44): the customer's team in their own instance. Who is
// in it (role, status, whether Fabrik invited them), how the instance sends its email (as the
// agency, or still with Supabase's built-in mailer: then "Skicka e-post som byrån", a run, comes
// first), inviting one person or a checked list (all or nothing, each person's result as the
// core's `team-progress` events tell it, then a summary), an invitation again, and a person's
// access taken away (an owner or admin only with their address typed). Only people Fabrik
// invited, or the first administrator, are changed from here; the core judges every rule.
import { useState } from 'react';
import type { Customer } from '../../bindings';
import { useI18n } from '../../i18n';
import { useLoad } from '../../state/load';
import { useRuns } from '../../state/runs';
import { InviteForm, useInviteForm } from './InviteForm';
import { InviteList } from './InviteList';
import { MailNotice } from './MailNotice';
import { MemberTable, RevokeDialog, useMemberActions } from './Members';

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

function TeamBody({ customer, busy, reload, onStarted }: { customer: Customer; busy: boolean; reload: number; onStarted: () => void }) {
  const { t, err } = useI18n();
  const runs = useRuns();
  const slug = customer.slug;
  const latestId = runs.latest[slug];
  const latestState = latestId !== undefined ? runs.runs[latestId]?.run.state : undefined;
  const [tick, setTick] = useState(0);
  const { data: team, error: loadError } = useLoad('team', { slug }, [slug, reload, latestId, latestState, tick]);
  const again = () => setTick((n) => n + 1);

  const canInvite = !!team?.sends_as_agency;
  const left = team?.per_hour != null ? Math.max(0, team.per_hour - team.sent_last_hour) : null;
  const actions = useMemberActions(slug, again);
  const form = useInviteForm(slug, canInvite, again);
  const members = team?.members ?? [];
  const notOurs = members.some((m) => !m.by_fabrik);

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

      <MailNotice slug={slug} team={team} busy={busy} onStarted={onStarted} />

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
      {actions.actionError && (
        <div className="panel panel-error wf-problem" role="alert" data-testid="team-action-error">
          <p>{actions.actionError}</p>
        </div>
      )}
      {team && members.length === 0 && <p className="muted">{t('team.none')}</p>}
      {members.length > 0 && <MemberTable members={members} actions={actions} canInvite={canInvite} onReinvite={form.reinvite} />}
      {notOurs && (
        <p className="muted small" data-testid="team-not-ours-note">
          {t('team.notOursNote')}
        </p>
      )}

      {team && (
        <>
          <InviteForm form={form} canInvite={canInvite} />

          <InviteList slug={slug} canInvite={canInvite} left={left} again={again} />
        </>
      )}

      <RevokeDialog customer={customer} actions={actions} />
    </div>
  );
}
