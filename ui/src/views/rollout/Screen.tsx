// One screen for every kind of roll-out over the fleet ("Utrullningar" for schema files, "Mallen"
// for template updates): who stands where, a plan shown whole before anything happens, then the
// roll-out wave by wave, live, with its halt reason, each instance's reason and a link to its run,
// and every roll-out of the kind. What differs per kind is its RolloutKindView (kind.ts), declared
// beside the kind's screen (../Rollouts.tsx, ../Templates.tsx). The core plans, drives and halts
// (crates/fabrik-fleet/src/fleet/); this view asks and shows.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../../api';
import type { RolloutRow, RolloutView } from '../../bindings';
import { formatDateTime, formatNumber, rolloutStateKey, useI18n } from '../../i18n';
import { useFollowLive } from '../../state/live';
import { actionsFor, isLive, isUnfinished, waveMembers, type RolloutAction } from '../../state/rollouts';
import { useToast } from '../../state/toast';
import { Dialog } from '../common';
import type { KindOverview, OpenRun, RolloutKindView } from './kind';
import { PlanForm } from './PlanForm';
import { WaveBlock } from './Waves';
import { BudgetNote } from '../AccountsLeft';

export function RolloutScreen<O extends KindOverview<V>, V, S>({ kind, onOpenRun }: { kind: RolloutKindView<O, V, S>; onOpenRun: OpenRun }) {
  const { t, err } = useI18n();
  const toast = useToast();
  const P = kind.texts;
  const [overview, setOverview] = useState<O | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  // The roll-out shown: the one chosen from the list, else the open one, else the newest.
  const [chosen, setChosen] = useState<number | null>(null);
  const [view, setView] = useState<V | null>(null);
  const [driving, setDriving] = useState<number[]>([]);
  const [refreshing, setRefreshing] = useState(false);
  const idOf = useCallback((v: V) => kind.bare(v).rollout.id, [kind]);

  const take = useCallback(
    (o: O) => {
      setOverview(o);
      setDriving(o.driving);
      setLoadError(null);
      const open = o.open;
      if (open) setView((v) => (v === null || idOf(v) === idOf(open) ? open : v));
    },
    [idOf],
  );
  const load = useCallback(() => {
    kind
      .overview()
      .then(take)
      .catch((e: ApiError) => setLoadError(e));
  }, [kind, take]);
  useEffect(load, [load]);

  async function refreshAll() {
    const more = kind.refresh;
    if (!more) return load();
    setRefreshing(true);
    try {
      take(await more.read());
      toast('success', t(more.done));
    } catch (e) {
      toast('error', t(more.failed, { message: err(e as ApiError) }));
    } finally {
      setRefreshing(false);
    }
  }

  const openView = overview?.open ?? null;
  const shownId = chosen ?? (openView ? idOf(openView) : null) ?? overview?.rollouts[0]?.id ?? null;
  const viewId = view ? idOf(view) : null;
  // A roll-out other than the open one is read when chosen.
  useEffect(() => {
    if (shownId === null || viewId === shownId) return;
    let live = true;
    kind
      .read(shownId)
      .then((v) => live && setView(v))
      .catch((e: ApiError) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [kind, shownId, viewId]);

  const shown = view && viewId === shownId ? view : null;
  const drivenHere = shown ? driving.includes(idOf(shown)) : false;
  const live = !!shown && isLive(kind.bare(shown), drivenHere);

  // Live: read the roll-out again every second while it runs, at once on a run event of one of
  // its instances; once it stops, read the fleet again too (versions moved).
  const refresh = useRef<() => void>(() => {});
  refresh.current = () => {
    if (!shown) return;
    const id = idOf(shown);
    kind
      .read(id)
      .then((v) => setView((cur) => (cur === null || idOf(cur) === id ? v : cur)))
      .catch(() => {
        /* The next tick asks again; a lasting failure shows when the page is reloaded. */
      });
    // Whether this window's driver still holds it (it lets go once paused runs finish).
    if (drivenHere)
      kind
        .overview()
        .then((o) => setDriving(o.driving))
        .catch(() => {
          /* As above. */
        });
  };
  useFollowLive(live, refresh, load);

  const onChanged = useCallback(
    (bare: RolloutView, driven?: boolean) => {
      const id = bare.rollout.id;
      setView((cur) => (cur && idOf(cur) === id ? kind.withBare(cur, bare) : cur));
      setChosen(id);
      if (driven !== undefined) setDriving((d) => (driven ? [...new Set([...d, id])] : d.filter((x) => x !== id)));
      if (kind.readAfterControl)
        kind
          .read(id)
          .then((v) => setView((cur) => (cur === null || idOf(cur) === id ? v : cur)))
          .catch(() => {
            /* The overview below still follows. */
          });
      // The list and the open roll-out follow.
      load();
    },
    [kind, idOf, load],
  );

  const open = openView ? kind.bare(openView).rollout : null;
  return (
    <section className={`page page-rollouts page-${P}`} aria-labelledby={`${P}-title`} data-testid={`${P}-page`}>
      <div className="page-head">
        <h1 id={`${P}-title`} className="page-title">
          {t(`${P}.title`)}
        </h1>
        <button
          type="button"
          className={`btn btn-small${refreshing ? ' btn-busy' : ''}`}
          data-testid={`${P}-refresh`}
          disabled={refreshing}
          aria-busy={refreshing || undefined}
          onClick={() => void refreshAll()}
        >
          {refreshing && kind.refresh ? t(kind.refresh.busy) : t(`${P}.refresh`)}
        </button>
      </div>
      <p className="muted section-intro">{t(`${P}.intro`)}</p>
      {loadError && (
        <div className="form-message panel-error" role="alert" data-testid={`${P}-error`} data-code={loadError.code}>
          <span>{t(`${P}.loadFailed`, { message: err(loadError) })}</span>{' '}
          <button type="button" className="btn btn-small" onClick={load}>
            {t(`${P}.retry`)}
          </button>
        </div>
      )}
      {!overview && !loadError && (
        <p className="muted" aria-busy="true">
          {t(`${P}.loading`)}
        </p>
      )}
      {overview && (
        <div className="rollouts-layout">
          <div className="rollouts-main">
            {shown && <RolloutCard kind={kind} shown={shown} drivenHere={drivenHere} live={live} onChanged={onChanged} onOpenRun={onOpenRun} />}
            <PlanForm
              kind={kind}
              open={open}
              onPlanned={(v) => {
                setView(v);
                setChosen(idOf(v));
                load();
              }}
            />
          </div>
          <div className="rollouts-side">
            <kind.Fleet overview={overview} shown={shown} />
            <HistoryCard texts={P} ids={kind.ids} rows={overview.rollouts} selected={shownId} onSelect={setChosen} />
          </div>
        </div>
      )}
    </section>
  );
}

/** One roll-out: where it stands, why it stopped, its buttons, its plan and waves. */
function RolloutCard<O extends KindOverview<V>, V, S>({
  kind,
  shown,
  drivenHere,
  live,
  onChanged,
  onOpenRun,
}: {
  kind: RolloutKindView<O, V, S>;
  shown: V;
  drivenHere: boolean;
  live: boolean;
  onChanged: (v: RolloutView, driven?: boolean) => void;
  onOpenRun: OpenRun;
}) {
  const i = useI18n();
  const { t, tx, err, lang } = i;
  const toast = useToast();
  const P = kind.texts;
  const id = kind.ids;
  const view = kind.bare(shown);
  const r = view.rollout;
  const [busy, setBusy] = useState<RolloutAction | null>(null);
  const [confirming, setConfirming] = useState<'start' | 'abort' | null>(null);
  const actions = actionsFor(r.state, drivenHere);
  const percent = formatNumber(lang, Math.round(r.halt_share * 1000) / 10);
  const note = kind.note(shown, i);

  async function act(action: RolloutAction) {
    setBusy(action);
    try {
      const at = { id: r.id };
      if (action === 'start' || action === 'resume') {
        const v = await call(action === 'start' ? 'start_rollout' : 'resume_rollout', at);
        toast('success', t(action === 'start' ? `${P}.started` : `${P}.resumed`, at));
        onChanged(v, isUnfinished(v.rollout.state));
      } else if (action === 'pause') {
        onChanged(await call('pause_rollout', at));
        toast('success', t(`${P}.pausedToast`, at));
      } else {
        onChanged(await call('abort_rollout', at));
        toast('success', t(`${P}.abortedToast`, at));
      }
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(null);
      setConfirming(null);
    }
  }

  const planned = r.state === 'planned';
  const MemberExtra = kind.MemberExtra;
  const members = (w: number) => waveMembers(view, w).map(kind.member ?? ((m) => m));
  return (
    <article className={`card rollout-card ${id}-card`} data-testid={`${id}-card`} data-id={r.id} data-state={r.state} aria-labelledby={`${id}-heading`}>
      <div className="card-head rollout-head">
        <div className="title-block">
          <h2 className="card-title" id={`${id}-heading`}>
            {t(`${P}.heading`, { id: r.id })}{' '}
            <span className={`rollout-state rollout-state-${r.state}`} data-testid={`${id}-state`} data-state={r.state}>
              {live && <span className="run-spinner" aria-hidden="true" />}
              {t(rolloutStateKey(r.state))}
            </span>
          </h2>
          <p className="hint rollout-meta" data-testid={`${id}-meta`}>
            {kind.meta(shown, i)}
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
          <div className="actions" role="group" aria-label={t(`${P}.heading`, { id: r.id })}>
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={`btn${a === 'start' || a === 'resume' ? ' btn-primary' : a === 'abort' ? ' btn-danger-outline' : ''}${busy === a ? ' btn-busy' : ''}`}
                data-testid={`${id}-${a}`}
                disabled={busy !== null}
                aria-busy={busy === a || undefined}
                onClick={() => (a === 'start' || a === 'abort' ? setConfirming(a) : void act(a))}
              >
                {t(a === 'abort' && planned ? 'rollouts.action.discard' : `rollouts.action.${a}`)}
              </button>
            ))}
          </div>
        )}
      </div>

      {r.state === 'halted' && (
        <div className="rollout-halt" role="alert" data-testid={`${id}-halt-reason`}>
          <strong>{t(`${P}.halted.title`)}</strong>
          {r.halt_reason && <p>{tx(r.halt_reason)}</p>}
          <p className="rollout-halt-hint">{t(`${P}.halted.hint`)}</p>
        </div>
      )}
      {note && (
        <p className={`rollout-note rollout-note-${r.state}`} data-testid={`${id}-note`}>
          {note}
        </p>
      )}

      <kind.Details shown={shown} />

      {planned && <BudgetNote kind={kind.runKind} count={view.members.length} />}
      {planned ? (
        kind.Preview && <kind.Preview shown={shown} />
      ) : (
        <section className="rollout-section" aria-labelledby={`${id}-waves-title`}>
          <h3 className="rollout-section-title" id={`${id}-waves-title`}>
            {t('rollouts.waves.title')}
          </h3>
          {view.waves.length === 0 ? (
            <p className="muted">{t('rollouts.waves.none')}</p>
          ) : (
            <ol className="waves" data-testid={`${id}-waves`}>
              {view.waves.map((w) => (
                <WaveBlock
                  key={w.index}
                  rollout={r}
                  wave={w}
                  members={members(w.index)}
                  onOpenRun={onOpenRun}
                  extra={MemberExtra && ((m) => <MemberExtra shown={shown} m={m} />)}
                />
              ))}
            </ol>
          )}
        </section>
      )}

      {confirming === 'start' && (
        <Dialog
          title={t(`${P}.startTitle`, { id: r.id })}
          labelledBy={`${id}-start-title`}
          testId={`${id}-start-dialog`}
          onCancel={() => setConfirming(null)}
          actions={
            <>
              <button type="button" className="btn" onClick={() => setConfirming(null)}>
                {t('rollouts.keep')}
              </button>
              <button type="button" className="btn btn-primary" data-testid={`${id}-start-confirm`} data-autofocus disabled={busy !== null} onClick={() => void act('start')}>
                {t(`${P}.startConfirm`)}
              </button>
            </>
          }
        >
          <kind.StartBody shown={shown} />
        </Dialog>
      )}
      {confirming === 'abort' && (
        <Dialog
          title={t(planned ? `${P}.discardTitle` : `${P}.abortTitle`, { id: r.id })}
          labelledBy={`${id}-abort-title`}
          testId={`${id}-abort-dialog`}
          onCancel={() => setConfirming(null)}
          actions={
            <>
              <button type="button" className="btn" data-autofocus onClick={() => setConfirming(null)}>
                {t('rollouts.keep')}
              </button>
              <button type="button" className="btn btn-danger" data-testid={`${id}-abort-confirm`} disabled={busy !== null} onClick={() => void act('abort')}>
                {t(planned ? 'rollouts.action.discard' : `${P}.abortConfirm`)}
              </button>
            </>
          }
        >
          <p>{t(planned ? `${P}.discardBody` : `${P}.abortBody`)}</p>
        </Dialog>
      )}
    </article>
  );
}

/** Every roll-out of the kind in the environment, newest first; choosing one shows it. */
function HistoryCard({
  texts,
  ids,
  rows,
  selected,
  onSelect,
}: {
  texts: 'rollouts' | 'templates';
  ids: 'rollout' | 'template';
  rows: RolloutRow[];
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  const { t, lang } = useI18n();
  return (
    <div className="card rollouts-history" data-testid={`${texts}-history`}>
      <h2 className="card-title">{t(`${texts}.history.title`)}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t(`${texts}.history.empty`)}</p>
      ) : (
        <ol className="run-items">
          {rows.map((r) => (
            <li key={r.id} className={r.id === selected ? 'is-selected' : undefined}>
              <button
                type="button"
                className="run-item-button"
                data-testid={`${ids}-history-item`}
                data-id={r.id}
                aria-current={r.id === selected ? 'true' : undefined}
                onClick={() => onSelect(r.id)}
              >
                <span className={`rollout-state rollout-state-${r.state}`}>{t(rolloutStateKey(r.state))}</span>
                <span className="truncate">{t(`${texts}.history.item`, { id: r.id })}</span>
                <span className="hint">{formatDateTime(lang, r.created_at)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
