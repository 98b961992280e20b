// What "Utrullningar" derives from the core's answers: which buttons a roll-out offers, whether
// the window follows it live, how far each wave is, who lacks which files. No roll-out logic
// lives here (the core plans, drives and halts); only how its state reads. Imports types only,
// so the unit tests (tests/rollouts.test.mjs) load this file on its own.
import type { FileHead, InstanceSchemaView, MemberRow, MemberState, RolloutRow, RolloutSource, RolloutState, RolloutView, WaveView } from '../bindings';

/** What the owner can do with a roll-out in each state (as the core allows it). */
export type RolloutAction = 'start' | 'pause' | 'resume' | 'abort';

/**
 * The buttons of a roll-out: a planned one starts (or is thrown away), a running one pauses, a
 * paused or halted one continues; every unfinished one (halted too) can be aborted. `drivenHere`:
 * this window drives it already, so "Fortsätt" would start nothing new.
 */
export function actionsFor(state: RolloutState, drivenHere = false): RolloutAction[] {
  switch (state) {
    case 'planned':
      return drivenHere ? ['pause', 'abort'] : ['start', 'abort'];
    case 'running':
      return ['pause', 'abort'];
    case 'paused':
    case 'halted':
      return drivenHere ? ['abort'] : ['resume', 'abort'];
    case 'aborted':
    case 'done':
      return [];
  }
}

/** A roll-out that may still apply something or be continued. */
export const isUnfinished = (state: RolloutState) => state !== 'aborted' && state !== 'done';

/**
 * Whether the window asks for the roll-out again every second: while it runs, and while this
 * window's driver still holds it (runs started before a pause finish, the driver lets go), so
 * "Fortsätt" comes back as soon as it can be pressed.
 */
export function isLive(view: RolloutView, drivenHere: boolean): boolean {
  return view.rollout.state === 'running' || drivenHere;
}

/** How far a wave is: finished members (done, failed, skipped) of all, in whole per cent. */
export function waveProgress(w: WaveView): { finished: number; total: number; percent: number } {
  const finished = w.done + w.failed + w.skipped;
  return { finished, total: w.total, percent: w.total === 0 ? 0 : Math.round((finished / w.total) * 100) };
}

/** A wave's state as one word: the colour of its bar and its label. */
export type WaveStatus = 'pending' | 'current' | 'halted' | 'done' | 'failed';

export function waveStatus(r: RolloutRow, w: WaveView): WaveStatus {
  if (r.state === 'halted' && w.index === r.wave) return 'halted';
  if (r.state === 'planned') return 'pending';
  if (w.index === r.wave && (r.state === 'running' || r.state === 'paused')) return 'current';
  const finished = w.pending === 0 && w.running === 0;
  if (finished && (w.index <= r.wave || r.state === 'done')) return w.failed > 0 ? 'failed' : 'done';
  return 'pending';
}

/** The wave being worked on, to mark: only while the roll-out is under way or stopped in it. */
export function currentWave(r: RolloutRow): number | null {
  return r.state === 'running' || r.state === 'paused' || r.state === 'halted' ? r.wave : null;
}

/** The plan as the owner reads it before anything is applied. */
export interface PlanParts {
  /** Per wave, the instances it will migrate. */
  waves: { index: number; members: MemberRow[] }[];
  /** Left out, with the reason (drift, a paused instance, no project). */
  skipped: MemberRow[];
  /** Nothing to do: every file already in their history. */
  current: MemberRow[];
}

export function planParts(view: RolloutView): PlanParts {
  const waves = new Map<number, MemberRow[]>();
  for (const w of view.waves) waves.set(w.index, []);
  const skipped: MemberRow[] = [];
  const current: MemberRow[] = [];
  for (const m of view.members) {
    if (m.state === 'skipped') skipped.push(m);
    else if (m.state === 'done' && m.run_id === null) current.push(m);
    else waves.set(m.wave, [...(waves.get(m.wave) ?? []), m]);
  }
  return {
    waves: [...waves.entries()]
      .filter(([, members]) => members.length > 0)
      .sort(([a], [b]) => a - b)
      .map(([index, members]) => ({ index, members })),
    skipped,
    current,
  };
}

/** How many instances the roll-out will migrate (those in a wave, not yet finished). */
export const toMigrate = (view: RolloutView) => view.members.filter((m) => m.state === 'pending' || m.state === 'running').length;

/** The members of one wave, failures first (what the owner must look at), then by name. */
export function waveMembers(view: RolloutView, index: number): MemberRow[] {
  const order: Record<MemberState, number> = { failed: 0, running: 1, skipped: 2, pending: 3, done: 4 };
  return view.members
    .filter((m) => m.wave === index)
    .sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
}

/** Migration versions are timestamps of digits: a longer one is newer, else they compare as text. */
export function compareVersions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * How many of `files` an instance lacks, from the newest version in its history: `null` when
 * its version was never read (nothing known), or when there are no files to compare with.
 */
export function filesLacking(instance: Pick<InstanceSchemaView, 'schema_version'>, files: FileHead[]): number | null {
  if (files.length === 0 || instance.schema_version === null) return null;
  const v = instance.schema_version;
  return files.filter((f) => compareVersions(f.version, v) > 0).length;
}

/** Who is behind first (most files lacking, unknown next), then by name. */
export function behindFirst<T extends InstanceSchemaView>(rows: T[], files: FileHead[]): T[] {
  const rank = (i: T) => {
    const n = filesLacking(i, files);
    return n === null ? 0.5 : n;
  };
  return rows.slice().sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name));
}

/** The short form of a file's checksum, as `git` shows a commit. */
export const shortSha = (sha256: string) => sha256.slice(0, 12);

/** Where a roll-out's files came from, as the register keeps it (`dir:…`, `ref:…`). */
export function sourceOf(text: string): { kind: 'dir' | 'ref' | 'other'; place: string } {
  if (text.startsWith('dir:')) return { kind: 'dir', place: text.slice(4) };
  if (text.startsWith('ref:')) return { kind: 'ref', place: text.slice(4) };
  return { kind: 'other', place: text };
}

/** The form's source as the core takes it; `null` when a folder is chosen but none given. */
export function sourceFrom(kind: 'dir' | 'ref', path: string, ref: string): RolloutSource | null {
  if (kind === 'dir') {
    const p = path.trim();
    return p ? { kind: 'dir', path: p } : null;
  }
  const r = ref.trim();
  return { kind: 'ref', ref: r === '' ? null : r };
}

/** The halt share typed in per cent ("20", "12,5") as the core's fraction, or `null`. */
export function haltShareFrom(percent: string): number | null {
  const text = percent.trim().replace(',', '.').replace(/\s*%$/, '');
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const n = Number(text);
  return n >= 0 && n <= 100 ? n / 100 : null;
}
