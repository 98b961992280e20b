// The guide in the sandbox: its simulator has its own tokens, so the guide offers production.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import { useI18n } from '../../i18n';

export function SandboxStep({ onStay }: { onStay: () => void }) {
  const { t, err } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="card setup-card" data-testid="setup-sandbox">
      <h2 className="card-title">{t('setup.sandbox.title')}</h2>
      <p>{t('setup.sandbox.body')}</p>
      <p className="muted">{t('setup.sandbox.restart')}</p>
      <div className="card-actions">
        <button type="button" className="btn" data-testid="setup-stay" onClick={onStay}>
          {t('setup.sandbox.stay')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="setup-production"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            // The window starts again in production, and the guide with it.
            call('set_environment', { environment: 'production' }).catch((e) => {
              setError(e as ApiError);
              setBusy(false);
            });
          }}
        >
          {t('setup.sandbox.production')}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}
