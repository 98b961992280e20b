// Inställningar → Notiser (issue #68): which of what Översikt lists as new this person is told
// of by a desktop notification, one switch a kind. Kept in this seat's own folder (every person
// has their own desktop); each thing is said once while it lasts, in the window's language.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../api';
import type { AttentionKind, NotificationSetting } from '../bindings';
import { useI18n } from '../i18n';
import { useToast } from '../state/toast';

export function NotificationsCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [settings, setSettings] = useState<NotificationSetting[] | null>(null);
  const [busy, setBusy] = useState<AttentionKind | null>(null);

  useEffect(() => {
    call('notification_settings', {})
      .then(setSettings)
      .catch((e: ApiError) => toast('error', err(e)));
  }, []);

  // The switch moves at once; the core's answer is what stays (a refusal puts it back).
  const turn = (kind: AttentionKind, on: boolean) => {
    const before = settings;
    setSettings((all) => all?.map((s) => (s.kind === kind ? { ...s, on } : s)) ?? all);
    setBusy(kind);
    call('set_notification', { kind, on })
      .then(setSettings)
      .catch((e: ApiError) => {
        setSettings(before);
        toast('error', err(e));
      })
      .finally(() => setBusy(null));
  };

  return (
    <section className="card settings-card" aria-labelledby="notifications-title" data-testid="notifications">
      <h2 id="notifications-title" className="card-title">
        {t('notifications.title')}
      </h2>
      <p className="muted section-intro">{t('notifications.intro')}</p>
      {settings && (
        <ul className="notification-kinds">
          {settings.map((s) => (
            <li key={s.kind}>
              <label>
                <input
                  type="checkbox"
                  data-testid={`notify-${s.kind}`}
                  checked={s.on}
                  disabled={busy === s.kind}
                  onChange={(e) => turn(s.kind, e.target.checked)}
                />{' '}
                {t(`notifications.kind.${s.kind}` as const)}
              </label>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
