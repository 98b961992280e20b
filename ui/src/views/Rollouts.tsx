// "Utrullningar": schema roll-outs over every delivered instance. Who is behind, a plan shown
// whole before anything is applied, then the roll-out wave by wave, live, with its halt reason,
// each instance's reason and a link to its run. The core plans, drives and halts
// (src/fleet/); this view asks and shows.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useFollowLive } from '../state/live';
import { call, type ApiError } from '../api';
import { DEFAULT_HALT_SHARE, DEFAULT_WAVES } from '../bindings';
import type { FileHead, InstanceSchemaView, MemberRow, RolloutRow, RolloutsOverview, RolloutView, WaveView } from '../bindings';
import { countText, formatDateTime, formatNumber, memberStateKey, rolloutStateKey, useI18n } from '../i18n';
import {
  actionsFor,
  behindFirst,
  currentWave,
  filesLacking,
  haltShareFrom,
  isLive,
  isUnfinished,
  planParts,
  shortSha,
  sourceFrom,
  sourceOf,
  toMigrate,
  waveMembers,
  waveProgress,
  waveStatus,
  type RolloutAction,
} from '../state/rollouts';
import { useToast } from '../state/toast';
import { Dialog, StatusBadge } from './common';

export function Rollouts({ onOpenRun }: { onOpenRun: (slug: string, run: number) => void }) {
  const { t, err } = useI18n();
  const [overview, setOverview] = useState<RolloutsOverview | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  // The roll-out shown: the one chosen from the list, else the open one, else the newest.
  const [chosen, setChosen] = useState<number | null>(null);
  const [view, setView] = useState<RolloutView | null>(null);
  const [driving, setDriving] = useState<number[]>([]);

  const load = useCallback(() => {
    call('rollouts_overview', {})
      .then((o) => {
        setOverview(o);
        setDriving(o.driving);
        setLoadError(null);
        if (o.open) setView((v) => (v === null || v.rollout.id === o.open!.rollout.id ? o.open : v));
      })
      .catch((e: ApiError) => setLoadError(e));
  }, []);
  useEffect(load, [load]);

  const shownId = chosen ?? overview?.open?.rollout.id ?? overview?.rollouts[0]?.id ?? null;
  // A roll-out other than the open one is read when chosen.
  useEffect(() => {
    if (shownId === null || view?.rollout.id === shownId) return;
    let live = true;
    call('rollout', { id: shownId })
      .then((v) => live && setView(v))
      .catch((e: ApiError) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [shownId, view?.rollout.id]);

  const shown = view && view.rollout.id === shownId ? view : null;
  const drivenHere = shown ? driving.includes(shown.rollout.id) : false;
  const live = !!shown && isLive(shown, drivenHere);

  // Live: read the roll-out again every second while it runs; once it stops, read the fleet
  // again too (versions moved). A run event of one of its instances reads it at once.
  const refresh = useRef<() => void>(() => {});
  refresh.current = () => {
    if (!shown) return;
    const id = shown.rollout.id;
    call('rollout', { id })
      .then((v) => setView((cur) => (cur === null || cur.rollout.id === id ? v : cur)))
      .catch(() => {
        /* The next tick asks again; a lasting failure shows when the page is reloaded. */
      });
    // Whether this window's driver still holds it (it lets go once paused runs finish).
    if (drivenHere)
      call('rollouts_overview', {})
        .then((o) => setDriving(o.driving))
        .catch(() => {
          /* As above. */
        });
  };
  useFollowLive(live, refresh, load);

  const onChanged = useCallback(
    (v: RolloutView, driven?: boolean) => {
      setView(v);
      setChosen(v.rollout.id);
      if (driven !== undefined) setDriving((d) => (driven ? [...new Set([...d, v.rollout.id])] : d.filter((x) => x !== v.rollout.id)));
      // The list and the open roll-out follow.
      load();
    },
    [load],
  );

  const open = overview?.open?.rollout ?? null;
  return (
    <section className="page page-rollouts" aria-labelledby="rollouts-title" data-testid="rollouts-page">
      <div className="page-head">
        <h1 id="rollouts-title" className="page-title">
          {t('rollouts.title')}
        </h1>
        <button type="button" className="btn btn-small" data-testid="rollouts-refresh" onClick={load}>
          {t('rollouts.refresh')}
        </button>
      </div>
      <p className="muted section-intro">{t('rollouts.intro')}</p>
      {loadError && (
        <div className="form-message panel-error" role="alert" data-testid="rollouts-error" data-code={loadError.code}>
          <span>{t('rollouts.loadFailed', { message: err(loadError) })}</span>{' '}
          <button type="button" className="btn btn-small" onClick={load}>
            {t('rollouts.retry')}
          </button>
        </div>
      )}
      {!overview && !loadError && (
        <p className="muted" aria-busy="true">
          {t('rollouts.loading')}
        </p>
      )}
      {overview && (
        <div className="rollouts-layout">
          <div className="rollouts-main">
            {shown && <RolloutCard view={shown} drivenHere={drivenHere} live={live} onChanged={onChanged} onOpenRun={onOpenRun} />}
            <PlanForm open={open} onPlanned={(v) => onChanged(v, false)} />
          </div>
          <div className="rollouts-side">
            <FleetCard instances={overview.instances} files={shown?.files ?? []} against={shown?.rollout.id ?? null} />
            <HistoryCard rows={overview.rollouts} selected={shownId} onSelect={setChosen} />
          </div>
        </div>
      )}
    </section>
  );
}

/** "Vem ligger efter": every delivered instance, its version, what it lacks. */
function FleetCard({ instances, files, against }: { instances: InstanceSchemaView[]; files: FileHead[]; against: number | null }) {
  const { t, lang } = useI18n();
  const rows = behindFirst(instances, files);
  return (
    <div className="card rollouts-fleet" data-testid="rollouts-fleet">
      <h2 className="card-title">{t('rollouts.fleet.title')}</h2>
      <p className="hint">
        {t('rollouts.fleet.intro')} {against !== null && files.length > 0 && t('rollouts.fleet.against', { id: against })}
      </p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="rollouts-fleet-empty">
          {t('rollouts.fleet.empty')}
        </p>
      ) : (
        <table className="rollouts-table">
          <thead>
            <tr>
              <th scope="col">{t('rollouts.fleet.instance')}</th>
              <th scope="col">{t('rollouts.fleet.version')}</th>
              <th scope="col">{t('rollouts.fleet.lacks')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => {
              const lacks = filesLacking(i, files);
              return (
                <tr key={i.slug} data-testid="fleet-row" data-slug={i.slug} data-lacks={lacks ?? ''} data-status={i.status}>
                  <th scope="row" className="fleet-name">
                    <span className="truncate">{i.name}</span>
                    {i.status === 'inactive' ? (
                      <span className="fleet-paused" data-testid="fleet-paused">
                        <StatusBadge status={i.status} /> <span className="hint">{t('rollouts.fleet.pausedNote')}</span>
                      </span>
                    ) : (
                      <span className="hint mono">{i.slug}</span>
                    )}
                  </th>
                  <td className="mono tabular">{i.schema_version ?? <span className="muted">{t('rollouts.fleet.unknown')}</span>}</td>
                  <td className="tabular">
                    {lacks === null ? (
                      <span className="muted">–</span>
                    ) : lacks === 0 ? (
                      <span className="tag tag-ok">{t('rollouts.fleet.current')}</span>
                    ) : (
                      <span className="tag tag-behind">{countText(lang, 'rollouts.fleet.lacks', lacks)}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** "Planera": source, waves and halt share; the answer is a planned roll-out, shown above. */
function PlanForm({ open, onPlanned }: { open: RolloutRow | null; onPlanned: (v: RolloutView) => void }) {
  const { t, err } = useI18n();
  const [kind, setKind] = useState<'dir' | 'ref'>('dir');
  const [path, setPath] = useState('');
  const [ref, setRef] = useState('');
  const [waves, setWaves] = useState(DEFAULT_WAVES);
  const [halt, setHalt] = useState(formatNumber('sv', DEFAULT_HALT_SHARE * 100));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ field: 'path' | 'halt'; text: string } | null>(null);

  async function plan(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const source = sourceFrom(kind, path, ref);
    if (!source) return setProblem({ field: 'path', text: t('rollouts.plan.needPath') });
    const share = haltShareFrom(halt);
    if (share === null) return setProblem({ field: 'halt', text: t('rollouts.plan.badHalt') });
    setProblem(null);
    setBusy(true);
    try {
      onPlanned(await call('plan_rollout', { source, waves: waves.trim(), halt_share: share }));
    } catch (x) {
      setError(t('rollouts.plan.failed', { message: err(x as ApiError) }));
    } finally {
      setBusy(false);
    }
  }

  const blocked = open !== null;
  return (
    <form className="card rollouts-plan" data-testid="rollout-plan-form" onSubmit={plan} aria-labelledby="rollout-plan-title" noValidate>
      <h2 className="card-title" id="rollout-plan-title">
        {t('rollouts.plan.title')}
      </h2>
      <p className="hint section-intro">{t('rollouts.plan.intro')}</p>
      {blocked && (
        <p className="notice" data-testid="rollout-plan-blocked">
          {t('rollouts.plan.blocked', { id: open.id })}
        </p>
      )}
      <fieldset className="field rollouts-source" disabled={blocked}>
        <legend className="label">{t('rollouts.plan.source')}</legend>
        <label className="radio">
          <input type="radio" name="rollout-source" value="dir" data-testid="rollout-source-dir" checked={kind === 'dir'} onChange={() => setKind('dir')} />
          {t('rollouts.plan.sourceDir')}
        </label>
        <label className="radio">
          <input type="radio" name="rollout-source" value="ref" data-testid="rollout-source-ref" checked={kind === 'ref'} onChange={() => setKind('ref')} />
          {t('rollouts.plan.sourceRef')}
        </label>
      </fieldset>
      <div className="form-grid">
        {kind === 'dir' ? (
          <TextField
            id="rollout-path"
            wide
            mono
            label={t('rollouts.plan.path')}
            hint={t('rollouts.plan.pathHint')}
            error={problem?.field === 'path' ? problem.text : null}
            placeholder="/home/…/mall/supabase/migrations"
            value={path}
            disabled={blocked}
            onChange={(v) => {
              setPath(v);
              if (problem?.field === 'path') setProblem(null);
            }}
          />
        ) : (
          <TextField id="rollout-ref" wide mono label={t('rollouts.plan.ref')} hint={t('rollouts.plan.refHint')} placeholder="main" value={ref} disabled={blocked} onChange={setRef} />
        )}
        <TextField id="rollout-waves" mono label={t('rollouts.plan.waves')} hint={t('rollouts.plan.wavesHint')} value={waves} disabled={blocked} onChange={setWaves} />
        <TextField
          id="rollout-halt"
          label={t('rollouts.plan.halt')}
          hint={t('rollouts.plan.haltHint')}
          error={problem?.field === 'halt' ? problem.text : null}
          inputMode="decimal"
          value={halt}
          disabled={blocked}
          onChange={(v) => {
            setHalt(v);
            if (problem?.field === 'halt') setProblem(null);
          }}
        />
      </div>
      {error && (
        <p className="field-error rollouts-plan-error" role="alert" data-testid="rollout-plan-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className={`btn btn-primary${busy ? ' btn-busy' : ''}`} data-testid="rollout-plan-submit" disabled={blocked || busy} aria-busy={busy || undefined}>
          {busy ? t('rollouts.plan.planning') : t('rollouts.plan.submit')}
        </button>
      </div>
    </form>
  );
}

/** A labelled text input of the plan form with its hint, or its problem in place of the hint. */
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

/** One roll-out: where it stands, why it stopped, its buttons, its files and waves. */
function RolloutCard({
  view,
  drivenHere,
  live,
  onChanged,
  onOpenRun,
}: {
  view: RolloutView;
  drivenHere: boolean;
  live: boolean;
  onChanged: (v: RolloutView, driven?: boolean) => void;
  onOpenRun: (slug: string, run: number) => void;
}) {
  const { t, tx, err, lang } = useI18n();
  const toast = useToast();
  const r = view.rollout;
  const [busy, setBusy] = useState<RolloutAction | null>(null);
  const [confirming, setConfirming] = useState<'start' | 'abort' | null>(null);
  const actions = actionsFor(r.state, drivenHere);
  const source = sourceOf(r.source);
  const parts = planParts(view);
  const percent = formatNumber(lang, Math.round(r.halt_share * 1000) / 10);

  async function act(action: RolloutAction) {
    setBusy(action);
    try {
      const id = r.id;
      if (action === 'start' || action === 'resume') {
        const v = await call(action === 'start' ? 'start_rollout' : 'resume_rollout', { id });
        toast('success', t(action === 'start' ? 'rollouts.started' : 'rollouts.resumed', { id }));
        onChanged(v, isUnfinished(v.rollout.state));
      } else if (action === 'pause') {
        onChanged(await call('pause_rollout', { id }));
        toast('success', t('rollouts.pausedToast', { id }));
      } else {
        onChanged(await call('abort_rollout', { id }));
        toast('success', t('rollouts.abortedToast', { id }));
      }
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(null);
      setConfirming(null);
    }
  }

  const note =
    r.state === 'planned'
      ? t('rollouts.planned.note')
      : r.state === 'paused'
        ? t('rollouts.paused.note')
        : r.state === 'aborted'
          ? t('rollouts.aborted.note')
          : r.state === 'done'
            ? view.members.every((m) => m.state === 'done')
              ? t('rollouts.done.note')
              : t('rollouts.done.notAll')
            : null;

  return (
    <article className="card rollout-card" data-testid="rollout-card" data-id={r.id} data-state={r.state} aria-labelledby="rollout-heading">
      <div className="card-head rollout-head">
        <div className="title-block">
          <h2 className="card-title" id="rollout-heading">
            {t('rollouts.heading', { id: r.id })}{' '}
            <span className={`rollout-state rollout-state-${r.state}`} data-testid="rollout-state" data-state={r.state}>
              {live && <span className="run-spinner" aria-hidden="true" />}
              {t(rolloutStateKey(r.state))}
            </span>
          </h2>
          <p className="hint rollout-meta" data-testid="rollout-meta">
            <span className="mono">{t(source.kind === 'ref' ? 'rollouts.meta.ref' : 'rollouts.meta.dir', { place: source.place })}</span>
            {' · '}
            {r.created_by ? t('rollouts.meta.createdBy', { time: formatDateTime(lang, r.created_at), who: r.created_by }) : t('rollouts.meta.created', { time: formatDateTime(lang, r.created_at) })}
            {' · '}
            {t('rollouts.meta.halt', { percent })}
            {live && (
              <>
                {' · '}
                <span role="status">{t('rollouts.meta.live')}</span>
              </>
            )}
          </p>
        </div>
        {actions.length > 0 && (
          <div className="actions" role="group" aria-label={t('rollouts.heading', { id: r.id })}>
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn${a === 'start' || a === 'resume' ? ' btn-primary' : a === 'abort' ? ' btn-danger-outline' : ''}${busy === a ? ' btn-busy' : ''}`}
                data-testid={`rollout-${a}`}
                disabled={busy !== null}
                aria-busy={busy === a || undefined}
                onClick={() => (a === 'start' || a === 'abort' ? setConfirming(a) : void act(a))}
              >
                {t(a === 'abort' && r.state === 'planned' ? 'rollouts.action.discard' : `rollouts.action.${a}`)}
              </button>
            ))}
          </div>
        )}
      </div>

      {r.state === 'halted' && (
        <div className="rollout-halt" role="alert" data-testid="rollout-halt-reason">
          <strong>{t('rollouts.halted.title')}</strong>
          {r.halt_reason && <p>{tx(r.halt_reason)}</p>}
          <p className="rollout-halt-hint">{t('rollouts.halted.hint')}</p>
        </div>
      )}
      {note && (
        <p className={`rollout-note rollout-note-${r.state}`} data-testid="rollout-note">
          {note}
        </p>
      )}

      <FileList files={view.files} open={r.state === 'planned'} />

      {r.state === 'planned' ? (
        <PlanPreview parts={parts} />
      ) : (
        <section className="rollout-section" aria-labelledby="rollout-waves-title">
          <h3 className="rollout-section-title" id="rollout-waves-title">
            {t('rollouts.waves.title')}
          </h3>
          {view.waves.length === 0 ? (
            <p className="muted">{t('rollouts.waves.none')}</p>
          ) : (
            <ol className="waves" data-testid="rollout-waves">
              {view.waves.map((w) => (
                <WaveBlock key={w.index} rollout={r} wave={w} members={waveMembers(view, w.index)} onOpenRun={onOpenRun} />
              ))}
            </ol>
          )}
        </section>
      )}

      {confirming === 'start' && (
        <Dialog
          title={t('rollouts.startTitle', { id: r.id })}
          labelledBy="rollout-start-title"
          testId="rollout-start-dialog"
          onCancel={() => setConfirming(null)}
          actions={
            <>
              <button type="button" className="btn" onClick={() => setConfirming(null)}>
                {t('rollouts.keep')}
              </button>
              <button type="button" className="btn btn-primary" data-testid="rollout-start-confirm" data-autofocus disabled={busy !== null} onClick={() => void act('start')}>
                {t('rollouts.startConfirm')}
              </button>
            </>
          }
        >
          <p>
            {t('rollouts.startBody', {
              instances: countText(lang, 'rollouts.wave.instances', toMigrate(view)),
              files: countText(lang, 'rollouts.files.count', view.files.length),
              waves: parts.waves.length,
              percent,
            })}
          </p>
          {parts.skipped.length > 0 && <p className="hint">{t('rollouts.startSkipped', { n: parts.skipped.length })}</p>}
        </Dialog>
      )}
      {confirming === 'abort' && (
        <Dialog
          title={t(r.state === 'planned' ? 'rollouts.discardTitle' : 'rollouts.abortTitle', { id: r.id })}
          labelledBy="rollout-abort-title"
          testId="rollout-abort-dialog"
          onCancel={() => setConfirming(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setConfirming(null)}>
                {t('rollouts.keep')}
              </button>
              <button type="button" className="btn btn-danger" data-testid="rollout-abort-confirm" disabled={busy !== null} onClick={() => void act('abort')}>
                {t(r.state === 'planned' ? 'rollouts.action.discard' : 'rollouts.abortConfirm')}
              </button>
            </>
          }
        >
          <p>{t(r.state === 'planned' ? 'rollouts.discardBody' : 'rollouts.abortBody')}</p>
        </Dialog>
      )}
    </article>
  );
}

/** The planned files: version, name, the start of their checksum. */
function FileList({ files, open }: { files: FileHead[]; open: boolean }) {
  const { t, lang } = useI18n();
  return (
    <details className="rollout-section rollout-files" open={open} data-testid="rollout-files">
      <summary className="rollout-section-title">
        {t('rollouts.files.title')} <span className="hint">({countText(lang, 'rollouts.files.count', files.length)})</span>
      </summary>
      <table className="rollouts-table">
        <thead>
          <tr>
            <th scope="col">{t('rollouts.files.version')}</th>
            <th scope="col">{t('rollouts.files.name')}</th>
            <th scope="col">{t('rollouts.files.sha')}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.version} data-testid="rollout-file" data-version={f.version}>
              <td className="mono tabular">{f.version}</td>
              <td className="mono">{f.name}</td>
              <td className="mono hint" title={f.sha256}>
                {shortSha(f.sha256)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The plan before anything is applied: the waves with their instances, who is left out and why. */
function PlanPreview({ parts }: { parts: ReturnType<typeof planParts> }) {
  const { t, tx, lang } = useI18n();
  return (
    <>
      <section className="rollout-section" aria-labelledby="rollout-plan-waves-title">
        <h3 className="rollout-section-title" id="rollout-plan-waves-title">
          {t('rollouts.waves.title')}
        </h3>
        {parts.waves.length === 0 ? (
          <p className="muted" data-testid="rollout-nothing">
            {t('rollouts.waves.none')}
          </p>
        ) : (
          <ol className="waves" data-testid="rollout-plan-waves">
            {parts.waves.map((w) => (
              <li key={w.index} className="wave" data-testid="plan-wave" data-index={w.index}>
                <div className="wave-head">
                  <span className="wave-name">{w.index === 0 ? t('rollouts.wave.canary') : t('rollouts.wave.name', { n: w.index + 1 })}</span>
                  <span className="hint">{countText(lang, 'rollouts.wave.instances', w.members.length)}</span>
                </div>
                <ul className="wave-members compact">
                  {w.members.map((m) => (
                    <li key={m.customer_id} data-testid="plan-member" data-slug={m.slug}>
                      <span className="member-name">{m.name}</span> <span className="hint mono">{m.version_before ?? t('rollouts.member.noVersion')}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>
      {parts.skipped.length > 0 && (
        <section className="rollout-section" aria-labelledby="rollout-skipped-title" data-testid="rollout-skipped">
          <h3 className="rollout-section-title" id="rollout-skipped-title">
            {t('rollouts.skipped.title')} <span className="hint">({parts.skipped.length})</span>
          </h3>
          <p className="hint">{t('rollouts.skipped.intro')}</p>
          <ul className="wave-members skipped-list">
            {parts.skipped.map((m) => (
              <li key={m.customer_id} className="member member-skipped" data-testid="skipped-member" data-slug={m.slug}>
                <span className="member-name">{m.name}</span>
                {m.reason && <span className="member-reason">{tx(m.reason)}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {parts.current.length > 0 && (
        <section className="rollout-section" aria-labelledby="rollout-current-title" data-testid="rollout-current">
          <h3 className="rollout-section-title" id="rollout-current-title">
            {t('rollouts.current.title')} <span className="hint">({parts.current.length})</span>
          </h3>
          <p className="hint">{parts.current.map((m) => m.name).join(', ')}</p>
        </section>
      )}
    </>
  );
}

/**
 * One wave: its counts and bar, marked when it is the current one, its instances below.
 * `extra`: what a member shows beside its run (the template roll-out's pull request).
 */
export function WaveBlock({
  rollout,
  wave,
  members,
  onOpenRun,
  extra,
}: {
  rollout: RolloutRow;
  wave: WaveView;
  members: MemberRow[];
  onOpenRun: (slug: string, run: number) => void;
  extra?: (m: MemberRow) => ReactNode;
}) {
  const { t, lang } = useI18n();
  const status = waveStatus(rollout, wave);
  const progress = waveProgress(wave);
  const current = currentWave(rollout) === wave.index;
  const name = wave.index === 0 ? t('rollouts.wave.canary') : t('rollouts.wave.name', { n: wave.index + 1 });
  const counts = (['done', 'failed', 'skipped', 'running', 'pending'] as const).filter((k) => wave[k] > 0);
  return (
    <li className={`wave wave-${status}${current ? ' is-current' : ''}`} data-testid="wave" data-index={wave.index} data-status={status} aria-current={current ? 'step' : undefined}>
      <div className="wave-head">
        <span className="wave-name">{name}</span>
        {current && <span className="tag tag-current">{t('rollouts.wave.current')}</span>}
        <span className={`wave-status wave-status-${status}`}>{t(`rollouts.wave.status.${status}`)}</span>
        <span className="hint wave-total">{countText(lang, 'rollouts.wave.instances', wave.total)}</span>
      </div>
      <div
        className="wave-bar"
        role="progressbar"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.finished}
        aria-valuetext={t('rollouts.wave.progress', { finished: progress.finished, total: progress.total })}
      >
        {(['done', 'failed', 'skipped', 'running'] as const).map((k) =>
          wave[k] > 0 ? <span key={k} className={`wave-bar-${k}`} style={{ width: `${(wave[k] / Math.max(1, wave.total)) * 100}%` }} /> : null,
        )}
      </div>
      <p className="wave-counts" data-testid="wave-counts">
        <span className="tabular">{t('rollouts.wave.progress', { finished: progress.finished, total: progress.total })}</span>
        {counts.map((k) => (
          <span key={k} className={`wave-count wave-count-${k}`} data-count={k} data-n={wave[k]}>
            {t(`rollouts.count.${k}`, { n: wave[k] })}
          </span>
        ))}
      </p>
      <ul className="wave-members">
        {members.map((m) => (
          <Member key={m.customer_id} m={m} onOpenRun={onOpenRun} extra={extra?.(m)} />
        ))}
      </ul>
    </li>
  );
}

/** An instance of a wave: its state, version, reason (the database's own error, the drift). */
function Member({ m, onOpenRun, extra }: { m: MemberRow; onOpenRun: (slug: string, run: number) => void; extra?: ReactNode }) {
  const { t, tx } = useI18n();
  const none = t('rollouts.member.noVersion');
  const version =
    m.version_after && m.version_after !== m.version_before
      ? t('rollouts.member.version', { from: m.version_before ?? none, to: m.version_after })
      : m.version_before || m.version_after
        ? t('rollouts.member.versionAt', { version: (m.version_after ?? m.version_before)! })
        : null;
  return (
    <li className={`member member-${m.state}`} data-testid="member" data-slug={m.slug} data-state={m.state}>
      <span className={`member-state member-state-${m.state}`}>
        {m.state === 'running' && <span className="run-spinner" aria-hidden="true" />}
        {t(memberStateKey(m.state))}
      </span>
      <span className="member-main">
        <span className="member-name">{m.name}</span>
        {version && <span className="hint mono member-version">{version}</span>}
        {m.reason && (
          <span className={`member-reason${m.state === 'failed' ? ' is-error' : ''}`} data-testid="member-reason">
            {tx(m.reason)}
          </span>
        )}
        {extra}
      </span>
      {m.run_id !== null && (
        <button
          type="button"
          className="btn btn-small btn-link"
          data-testid="member-run"
          aria-label={t('rollouts.member.openRunLabel', { id: m.run_id, name: m.name })}
          onClick={() => onOpenRun(m.slug, m.run_id!)}
        >
          {t('rollouts.member.openRun')}
        </button>
      )}
    </li>
  );
}

/** Every roll-out of the environment, newest first; choosing one shows it. */
function HistoryCard({ rows, selected, onSelect }: { rows: RolloutRow[]; selected: number | null; onSelect: (id: number) => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="card rollouts-history" data-testid="rollouts-history">
      <h2 className="card-title">{t('rollouts.history.title')}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('rollouts.history.empty')}</p>
      ) : (
        <ol className="run-items">
          {rows.map((r) => (
            <li key={r.id} className={r.id === selected ? 'is-selected' : undefined}>
              <button
                type="button"
                className="run-item-button"
                data-testid="rollout-history-item"
                data-id={r.id}
                aria-current={r.id === selected ? 'true' : undefined}
                onClick={() => onSelect(r.id)}
              >
                <span className={`rollout-state rollout-state-${r.state}`}>{t(rolloutStateKey(r.state))}</span>
                <span className="truncate">{t('rollouts.history.item', { id: r.id })}</span>
                <span className="hint">{formatDateTime(lang, r.created_at)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
