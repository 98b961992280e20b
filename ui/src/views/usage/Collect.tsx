// "Läs av nu": what the tick's usage job does, on demand: every delivered instance not read today
// is read at its providers and kept as today's; the window then reads its figures again.
import { useState } from 'react';
import { call, type ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { useToast } from '../../state/toast';

export function CollectButton({ onDone, small }: { onDone: () => void; small?: boolean }) {
  const { t, err, tx } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  async function collect() {
    setBusy(true);
    try {
      const c = await call('collect_usage', {});
      const said = t('usage.collected', { read: c.read, skipped: c.skipped });
      const problems = c.problems.map(tx).join('; ');
      toast(c.failed + c.partial > 0 ? 'error' : 'success', problems ? `${said} ${problems}` : said);
      onDone();
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" className={small ? 'btn btn-small' : 'btn'} data-testid="usage-collect" disabled={busy} aria-busy={busy} onClick={() => void collect()}>
      {busy ? t('usage.collecting') : t('usage.collect')}
    </button>
  );
}
