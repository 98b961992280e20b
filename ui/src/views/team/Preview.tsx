// The list as the core read it: every bad row (nobody invited then), or everyone to invite, and
// whether they fit in what the instance may still send this hour.
import type { TeamPreview } from '../../bindings';
import { useI18n } from '../../i18n';

/** The list as the core read it: every bad row (nobody invited then), or everyone to invite. */
export function PreviewView({
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
