// The guide's settings: typed (saved when the field is left), or chosen from what the account
// offers, and the offer to make a backup repository that does not exist yet.
import { useEffect, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { AccountChoices, ChoiceList, SettingEntry } from '../../bindings';
import { useI18n } from '../../i18n';

/** The settings of a step that an API cannot list: typed, saved when the field is left. */
/** `flush`: where each field leaves a way to save what is typed now (a check that reads the
 * address must not start before it is saved). */
export type Flushers = Map<string, () => Promise<void>>;

export function SettingFields({ keys, settings, onSaved, flush }: { keys: string[]; settings: SettingEntry[]; onSaved: (s: SettingEntry[]) => void; flush?: Flushers }) {
  return (
    <div className="setup-fields">
      {keys.map((k) => {
        const s = settings.find((x) => x.key === k);
        return s ? <SettingField key={k} entry={s} onSaved={onSaved} flush={flush} /> : null;
      })}
    </div>
  );
}

export function SettingField({ entry, onSaved, flush }: { entry: SettingEntry; onSaved: (s: SettingEntry[]) => void; flush?: Flushers }) {
  const { tx, err } = useI18n();
  const [value, setValue] = useState(entry.value);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setValue(entry.value), [entry.value]);
  const id = `setup-field-${entry.key}`;
  function save(): Promise<void> {
    if (value === entry.value) return Promise.resolve();
    return call('set_setting', { key: entry.key, value })
      .then((s) => {
        setError(null);
        onSaved(s);
      })
      .catch((e) => setError(e as ApiError));
  }
  useEffect(() => {
    flush?.set(entry.key, save);
    return () => {
      flush?.delete(entry.key);
    };
  });
  return (
    <div className="field">
      <label htmlFor={id}>{tx(entry.help)}</label>
      <input
        id={id}
        className="input"
        data-testid={`setup-setting-${entry.key}`}
        value={value}
        disabled={entry.fixed_by_sandbox}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setValue(e.currentTarget.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
        }}
      />
      {error && (
        <p className="field-error" role="alert" data-testid={`setup-setting-error-${entry.key}`}>
          {err(error)}
        </p>
      )}
    </div>
  );
}

/** The backup repository the settings name does not exist: Fabrik offers to make it. */
export function CreateOffer({ name, onMade }: { name: string; onMade: (c: AccountChoices) => void }) {
  const { t, err } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div className="setup-create" data-testid="setup-create-offer">
      <p className="muted small">{t('setup.create.missing', { name })}</p>
      <button
        type="button"
        className="btn btn-small"
        data-testid="setup-create-repository"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          call('create_backup_repository', {})
            .then(onMade)
            .catch((e) => setError(e as ApiError))
            .finally(() => setBusy(false));
        }}
      >
        {t('setup.create.button', { name })}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}

/** One setting chosen from what the account offers; an option that cannot be used says why. */
export function ChoiceField({ list, entry, onSaved }: { list: ChoiceList; entry: SettingEntry; onSaved: (s: SettingEntry[]) => void }) {
  const { t, tx, err } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const domainOf = (v: string) => v.split('@')[1] ?? '';
  const [local, setLocal] = useState(list.kind === 'domain' ? entry.value.split('@')[0] ?? '' : '');
  const current = list.kind === 'domain' ? domainOf(entry.value) : entry.value;
  const id = `setup-choice-${entry.key}`;
  const unusable = list.choices.filter((c) => !c.usable);

  async function save(value: string) {
    try {
      const chosen = list.choices.find((c) => c.value === value);
      let next = await call('set_setting', { key: entry.key, value: list.kind === 'domain' ? `${local || 'hej'}@${value}` : value });
      for (const a of chosen?.also ?? []) next = await call('set_setting', { key: a.setting, value: a.value });
      setError(null);
      onSaved(next);
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>{tx(entry.help)}</label>
      <div className="setup-choice-row">
        {list.kind === 'domain' && (
          <>
            <input
              className="input"
              aria-label={t('setup.localPart')}
              data-testid={`setup-local-${entry.key}`}
              value={local}
              onChange={(e) => setLocal(e.currentTarget.value)}
              onBlur={() => current && void save(current)}
            />
            <span aria-hidden="true">@</span>
          </>
        )}
        <select id={id} className="select" data-testid={`setup-choice-${entry.key}`} value={current} onChange={(e) => void save(e.currentTarget.value)}>
          {!list.choices.some((c) => c.value === current) && <option value={current}>{current || t('setup.choose')}</option>}
          {list.choices.map((c) => (
            <option key={c.value} value={c.value} disabled={!c.usable}>
              {c.label}
              {c.note ? ` — ${tx(c.note)}` : ''}
            </option>
          ))}
        </select>
      </div>
      {unusable.length > 0 && (
        <ul className="muted small setup-unusable" data-testid={`setup-unusable-${entry.key}`}>
          {unusable.map((c) => (
            <li key={c.value}>
              {c.label}: {c.note ? tx(c.note) : ''}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {err(error)}
        </p>
      )}
    </div>
  );
}
