// A kind of roll-out as the one roll-out screen (Screen.tsx) shows it: what differs between the
// schema roll-out ("Utrullningar", ../Rollouts.tsx) and the template update ("Mallen",
// ../Templates.tsx). A third kind is a third value of this type, nothing else.
import type { ComponentType, ReactNode } from 'react';
import type { MemberRow, RolloutRow, RolloutView, RunKind } from '../../bindings';
import type { I18n, TextKey } from '../../i18n';

export type OpenRun = (slug: string, run: number) => void;

/** What every kind's overview holds. */
export interface KindOverview<V> {
  rollouts: RolloutRow[];
  open: V | null;
  driving: number[];
}

/** The kind-specific part of a plan form: its fields, and its arguments once they are valid. */
export interface SourceFields<S> {
  fields: ReactNode;
  /** The plan's source, or null after marking what is wrong. */
  take: () => S | null;
}

/**
 * A kind of roll-out as the screen shows it. `texts` prefixes its texts (`rollouts.heading`,
 * `templates.heading`) and its page's test ids; `ids` prefixes the test ids of its card and form.
 */
export interface RolloutKindView<O extends KindOverview<V>, V, S> {
  texts: 'rollouts' | 'templates';
  ids: 'rollout' | 'template';
  /** The kind of run each instance gets (what the preview counts against the accounts). */
  runKind: RunKind;
  overview: () => Promise<O>;
  /** The page's refresh, when it asks more than the overview (GitHub's pull requests): the call,
   *  and the texts while it runs, when it is done and when it failed (`{message}`). */
  refresh?: { read: () => Promise<O>; busy: TextKey; done: TextKey; failed: TextKey };
  read: (id: number) => Promise<V>;
  plan: (source: S, waves: string, halt_share: number) => Promise<V>;
  /** The bare roll-out of a view. */
  bare: (v: V) => RolloutView;
  /** A control answered with the bare roll-out: the view with it, until it is read again. */
  withBare: (cur: V, bare: RolloutView) => V;
  /** Whether a control's answer is read again whole (the template's plans and pull requests). */
  readAfterControl: boolean;
  useSource: (blocked: boolean) => SourceFields<S>;
  Fleet: ComponentType<{ overview: O; shown: V | null }>;
  /** The start of the card's meta line: where the files come from, the template's target. */
  meta: (v: V, i: I18n) => ReactNode;
  note: (v: V, i: I18n) => string | null;
  /** What the plan holds, above the waves: its files, each repository's plan. */
  Details: ComponentType<{ shown: V }>;
  /** While it is only planned, in place of the waves. */
  Preview?: ComponentType<{ shown: V }>;
  /** A member as shown in a wave, and what it shows beside its run. */
  member?: (m: MemberRow) => MemberRow;
  MemberExtra?: ComponentType<{ shown: V; m: MemberRow }>;
  StartBody: ComponentType<{ shown: V }>;
}
