// Inställningar → "Prislista": what each compute size, disk, project share, email and execution
// costs the agency a month, in one currency, typed in major units (kronor, euro) and kept in
// minor units. A row for every key the core declares; one left empty has no price (the estimate
// says so). The window checks what it can say at once; the core has the last word.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../../api';
import { useI18n, type TextKey } from '../../i18n';
import { useToast } from '../../state/toast';
import { minorDigits } from './format';
import { COMPUTE_NAME, PRICE_KEYS, type PriceBook } from '../../bindings';
import './usage.css';

interface Draft {
  currency: string;
  lines: { key: string; text: string }[];
}

/** A problem with one field: its text key and parameters. */
type Problem = { key: TextKey; params?: Record<string, string | number> };

/** Minor units as the owner types major ones: 12345 öre → "123,45" in Swedish. */
export function toMajor(amount: number, currency: string, lang: string): string {
  const digits = minorDigits(currency);
  const text = (amount / 10 ** digits).toFixed(digits);
  return lang === 'sv' ? text.replace('.', ',') : text;
}

/** "123,45" or "123.45" (spaces allowed) → 12345 minor units, `null` for no price, or what is wrong. */
export function parseMajor(text: string, currency: string): number | null | Problem {
  const clean = text.replace(/[\s\u00a0]/g, '');
  if (clean === '') return null;
  if (clean.startsWith('-')) return { key: 'prices.error.negative' };
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(clean);
  if (!m) return { key: 'prices.error.number' };
  const digits = minorDigits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return { key: 'prices.error.decimals', params: { n: digits } };
  const minor = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { key: 'prices.error.number' };
  return minor;
}

const COMPUTE = 'supabase.compute.';
const LABELS: Record<string, TextKey> = {
  'supabase.disk_gb': 'prices.label.disk',
  'vercel.project': 'prices.label.vercel',
  'resend.email_1000': 'prices.label.emails',
  'n8n.execution_1000': 'prices.label.executions',
  'fabrik.instance': 'prices.label.instance',
};

/** What a key prices, in words; a key the window has no words for is shown as it is. */
function priceLabel(t: (k: TextKey, p?: Record<string, string>) => string, key: string): string {
  if (key.startsWith(COMPUTE)) return t('prices.label.compute', { size: COMPUTE_NAME[key.slice(COMPUTE.length)] ?? key.slice(COMPUTE.length) });
  return LABELS[key] ? t(LABELS[key]) : key;
}

export const currencyProblem = (c: string): Problem | null => (/^[a-z]{3}$/i.test(c.trim()) ? null : { key: 'prices.error.currency' });

const isProblem = (p: number | null | Problem): p is Problem => p !== null && typeof p === 'object';

const draftOf = (book: PriceBook, lang: string): Draft => {
  const keys = [...PRICE_KEYS, ...book.lines.map((l) => l.key).filter((k) => !PRICE_KEYS.includes(k))];
  const amount = (key: string) => book.lines.find((l) => l.key === key)?.amount;
  return {
    currency: book.currency,
    lines: keys.map((key) => {
      const a = amount(key);
      return { key, text: a === undefined ? '' : toMajor(a, book.currency, lang) };
    }),
  };
};

export function PriceBookCard() {
  const { t, err, lang } = useI18n();
  const toast = useToast();
  const [book, setBook] = useState<PriceBook | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    let live = true;
    call('price_book', {})
      .then((b) => {
        if (!live) return;
        setBook(b);
        setDraft(draftOf(b, lang));
      })
      .catch((e) => live && setLoadError(e as ApiError));
    return () => {
      live = false;
    };
    // Read once: the draft keeps the language it was opened in; a switch does not retype it.
  }, []);

  const currency = draft?.currency.trim().toLowerCase() ?? '';
  const currencyError = draft ? currencyProblem(draft.currency) : null;
  const parsed = draft?.lines.map((l) => parseMajor(l.text, currencyError ? 'sek' : currency)) ?? [];
  const valid = !!draft && !currencyError && !parsed.some(isProblem);
  const say = (p: Problem) => t(p.key, p.params);

  async function save() {
    setTried(true);
    if (!draft || !valid) return;
    setBusy(true);
    setSaveError(null);
    try {
      const lines = draft.lines.flatMap((l, i) => {
        const amount = parsed[i];
        return typeof amount === 'number' ? [{ key: l.key, amount }] : [];
      });
      const next: PriceBook = { currency, lines };
      const saved = await call('set_price_book', { book: next });
      setBook(saved);
      setDraft(draftOf(saved, lang));
      setTried(false);
      toast('success', t('prices.saved'));
    } catch (e) {
      setSaveError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="prices-title" data-testid="price-book">
      <h2 id="prices-title" className="card-title">
        {t('prices.title')}
      </h2>
      <p className="muted section-intro">{t('prices.intro')}</p>
      {loadError && (
        <p className="field-error" role="alert">
          {t('prices.loadFailed')} {err(loadError)}
        </p>
      )}
      {draft && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          noValidate
        >
          <label className="field-inline">
            <span className="toolbar-label">{t('prices.currency')}</span>
            <input
              className="input price-currency"
              data-testid="price-currency"
              value={draft.currency}
              maxLength={3}
              size={5}
              aria-invalid={tried && !!currencyError}
              onChange={(e) => setDraft({ ...draft, currency: e.target.value })}
            />
          </label>
          {tried && currencyError && (
            <p className="field-error" data-testid="price-error-currency">
              {say(currencyError)}
            </p>
          )}
          {book && currency !== book.currency && !currencyError && <p className="field-hint warn">{t('prices.currencyChanged')}</p>}
          <table className="price-table">
            <thead>
              <tr>
                <th scope="col">{t('prices.key')}</th>
                <th scope="col">{t('prices.amount', { currency: currency.toUpperCase() })}</th>
              </tr>
            </thead>
            <tbody>
              {draft.lines.map((l, i) => {
                const p = parsed[i];
                const problem = tried && isProblem(p) ? p : null;
                return (
                  <tr key={l.key} data-testid="price-line" data-key={l.key}>
                    <th scope="row">
                      <label htmlFor={`price-${i}`}>{priceLabel(t, l.key)}</label>
                    </th>
                    <td>
                      <input
                        id={`price-${i}`}
                        className="input tabular"
                        inputMode="decimal"
                        data-testid={`price-amount-${l.key}`}
                        value={l.text}
                        placeholder={t('prices.none')}
                        aria-invalid={!!problem}
                        onChange={(e) => setDraft({ ...draft, lines: draft.lines.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)) })}
                      />
                      {problem && (
                        <span className="field-error" data-testid={`price-error-${l.key}`}>
                          {' '}
                          {say(problem)}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {saveError && (
            <p className="field-error" role="alert" data-testid="price-save-error">
              {err(saveError)}
            </p>
          )}
          <div className="card-actions">
            <button type="submit" className="btn btn-primary" data-testid="price-save" disabled={busy}>
              {t('prices.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
