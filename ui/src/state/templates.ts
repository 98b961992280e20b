// What "Mallen" derives from the core's answers: how far each customer's repository is behind
// the planned template commit, how each file of a plan reads (a conflict, the customer's kept,
// Fabrik's own), the pull request of a roll-out member. The core plans, merges and opens the
// pull requests (src/services/templates.rs); this only reads. Imports types only, so the unit tests
// (tests/templates.test.mjs) load this file on its own.
import type { FileChange, NeedsPerson, RepoPlan, TemplateInstance, TemplatePr, TemplateRolloutView } from '../bindings';

/** A commit as people read it: its first seven characters. */
export const shortCommit = (sha: string) => sha.slice(0, 7);

/** How one file of a plan reads; `conflict` and `kept` need a person, `quiet` is dimmed. */
export type FileKind = 'conflict' | 'kept' | 'both' | 'template' | 'quiet';

export interface FileRow {
  change: FileChange;
  kind: FileKind;
  /** Conflict regions left in the file (0 when none). */
  conflicts: number;
  /** Why a person must look at it, if they must. */
  attention: NeedsPerson | null;
}

/** The customer changed the file too (or made it, or removed it) since its template version. */
export const customerChangedToo = (c: FileChange) => c.customer === 'modified' || c.customer === 'deleted' || c.customer === 'added';

/**
 * A plan's files, the ones a person must look at first: conflicts, then the customer's kept,
 * then files both changed, then the template's alone; Fabrik's own and ignored files last.
 */
export function fileRows(plan: RepoPlan): FileRow[] {
  const attention = new Map(plan.needs_person.map((n) => [n.path, n]));
  const order: Record<FileKind, number> = { conflict: 0, kept: 1, both: 2, template: 3, quiet: 4 };
  return plan.changes
    .map((change): FileRow => {
      const need = attention.get(change.path) ?? null;
      const conflicts = need?.conflicts ?? 0;
      const kind: FileKind =
        change.action === 'own' || change.action === 'ignored'
          ? 'quiet'
          : conflicts > 0
            ? 'conflict'
            : change.action === 'keep_customer' || need !== null
              ? 'kept'
              : customerChangedToo(change)
                ? 'both'
                : 'template';
      return { change, kind, conflicts, attention: need };
    })
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.change.path < b.change.path ? -1 : a.change.path > b.change.path ? 1 : 0));
}

/**
 * The plans in the order a person reads them: conflicts first, then the customer's kept files,
 * then those that cannot be planned, then the rest; those with nothing to bring in last.
 */
export function plansInOrder(plans: RepoPlan[]): RepoPlan[] {
  const rank = (p: RepoPlan) => (conflictCount(p) > 0 ? 0 : p.needs_person.length > 0 ? 1 : p.problem ? 2 : p.changes.length > 0 ? 3 : 4);
  return plans.slice().sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'sv'));
}

/** Conflict regions over a plan's files. */
export const conflictCount = (plan: RepoPlan) => plan.needs_person.reduce((n, p) => n + p.conflicts, 0);

/**
 * How far a customer is behind the target of the shown plan: the plan's count of template
 * commits, 0 when its base is the target, null when no plan says (or its base is unknown).
 */
export function behindTarget(instance: TemplateInstance, open: TemplateRolloutView | null): number | null {
  if (!open) return null;
  if (instance.base && instance.base.sha === open.target) return 0;
  const plan = open.plans.find((p) => p.slug === instance.slug);
  return plan ? plan.behind : null;
}

/** Furthest behind first; unknown after the behind, current last; by name within each. */
export function behindFirstTemplates(instances: TemplateInstance[], open: TemplateRolloutView | null): TemplateInstance[] {
  const rank = (i: TemplateInstance) => {
    const b = behindTarget(i, open);
    return b === null ? -1 : b;
  };
  return instances.slice().sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name, 'sv'));
}

/** The newest pull request of a roll-out member (by slug), if it has one. */
export function prOf(view: TemplateRolloutView, slug: string): TemplatePr | null {
  let newest: TemplatePr | null = null;
  for (const p of view.prs) if (p.slug === slug && (newest === null || p.id > newest.id)) newest = p;
  return newest;
}
