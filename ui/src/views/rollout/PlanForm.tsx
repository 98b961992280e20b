// A roll-out's plan form: the kind's own source fields, then the waves and the halt share, the
// same for every kind.
import { useState } from 'react';
import type { ApiError } from '../../api';
import { DEFAULT_HALT_SHARE, DEFAULT_WAVES, type RolloutRow } from '../../bindings';
import { formatNumber, useI18n } from '../../i18n';
import { haltShareFrom } from '../../state/rollouts';
import type { KindOverview, RolloutKindView } from './kind';

/** "Planera": the kind's source, the waves and the halt share; the answer is shown above. */
export function PlanForm<O extends KindOverview<V>, V, S>({ kind, open, onPlanned }: { kind: RolloutKindView<O, V, S>; open: RolloutRow | null; onPlanned: (v: V) => void }) {
  const { t, err } = useI18n();
  const P = kind.texts;
  const id = kind.ids;
  const blocked = open !== null;
  const source = kind.useSource(blocked);
  const [waves, setWaves] = useState(DEFAULT_WAVES);
  const [halt, setHalt] = useState(formatNumber('sv', DEFAULT_HALT_SHARE * 100));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [haltProblem, setHaltProblem] = useState<string | null>(null);

  async function plan(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const from = source.take();
    if (from === null) return;
    const share = haltShareFrom(halt);
    if (share === null) return setHaltProblem(t(`${P}.plan.badHalt`));
    setHaltProblem(null);
    setBusy(true);
    try {
      onPlanned(await kind.plan(from, waves.trim(), share));
    } catch (x) {
      setError(t(`${P}.plan.failed`, { message: err(x as ApiError) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card rollouts-plan" data-testid={`${id}-plan-form`} onSubmit={plan} aria-labelledby={`${id}-plan-title`} noValidate>
      <h2 className="card-title" id={`${id}-plan-title`}>
        {t(`${P}.plan.title`)}
      </h2>
      <p className="hint section-intro">{t(`${P}.plan.intro`)}</p>
      {open && (
        <p className="notice" data-testid={`${id}-plan-blocked`}>
          {t(`${P}.plan.blocked`, { id: open.id })}
        </p>
      )}
      {source.fields}
      <div className="form-grid">
        <TextField id={`${id}-waves`} mono label={t(`${P}.plan.waves`)} hint={t(`${P}.plan.wavesHint`)} value={waves} disabled={blocked} onChange={setWaves} />
        <TextField
          id={`${id}-halt`}
          label={t(`${P}.plan.halt`)}
          hint={t(`${P}.plan.haltHint`)}
          error={haltProblem}
          inputMode="decimal"
          value={halt}
          disabled={blocked}
          onChange={(v) => {
            setHalt(v);
            setHaltProblem(null);
          }}
        />
      </div>
      {error && (
        <p className="field-error rollouts-plan-error" role="alert" data-testid={`${id}-plan-error`}>
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className={`btn btn-primary${busy ? ' btn-busy' : ''}`} data-testid={`${id}-plan-submit`} disabled={blocked || busy} aria-busy={busy || undefined}>
          {busy ? t(`${P}.plan.planning`) : t(`${P}.plan.submit`)}
        </button>
      </div>
    </form>
  );
}

/** A labelled text input of a plan form with its hint, or its problem in place of the hint. */
export function TextField({
  id,
  label,
  hint,
  error = null,
  wide,
  mono,
  placeholder,
  inputMode,
  value,
  disabled,
  onChange,
}: {
  /** The input's id and test id; its message is `${id}-msg`. */
  id: string;
  label: string;
  hint: string;
  error?: string | null;
  wide?: boolean;
  mono?: boolean;
  placeholder?: string;
  inputMode?: 'decimal';
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' has-error' : ''}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={`input ${mono ? 'mono' : 'tabular'}`}
        data-testid={id}
        value={value}
        disabled={disabled}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        inputMode={inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="field-msg" id={`${id}-msg`}>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="hint">{hint}</p>
        )}
      </div>
    </div>
  );
}
