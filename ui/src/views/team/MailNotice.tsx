// How the customer's instance sends its email, on the Team tab: as the agency (from its sender,
// within its hourly limit), or still with Supabase's built-in mailer. Then "Skicka e-post som
// byrån", a run, comes first, and what came of it is told here.
import { useState } from 'react';
import type { ApiError } from '../../api';
import type { TeamView } from '../../bindings';
import { formatNumber, useI18n } from '../../i18n';
import { useRefusal } from '../../state/load';
import { isActive, useRuns } from '../../state/runs';

export function MailNotice({ slug, team, busy, onStarted }: { slug: string; team: TeamView | null; busy: boolean; onStarted: () => void }) {
  const { t, err, tx, lang } = useI18n();
  const runs = useRuns();
  const latestId = runs.latest[slug];
  const latest = latestId !== undefined ? runs.runs[latestId] : undefined;

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

  return (
    <>
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
    </>
  );
}
