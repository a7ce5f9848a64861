// The timeline picture as data: head office's revisions and branch overrides on one time axis —
// past, in force, scheduled, never in force (with what replaced them) — and a draft publish drawn
// where it would land with what it does to the schedule and to the overrides. A thin view
// (views/timeline.ts) turns the model into SVG; everything that decides what is drawn is here.
//
// The axis is ordinal: one column per instant something starts, in time order, evenly spaced.
// Revision 1 takes effect at 1970-01-01 and the next scheduled one may be years ahead; on a linear
// axis everything between would be a sliver. Which revision is in force follows the server's rule:
// the latest published one whose instant has come.
import type { PublishEffect } from '../api.ts';
import { isBeginning } from './effective-time.ts';
import type { MessageKey } from './i18n.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export interface TimelineRevision {
  id: number;
  effectiveFrom: string;
  replaces?: number;
  replacedBy?: number;
}

export interface TimelineOverride {
  id: number;
  branch: string;
  effectiveFrom: string;
  status: 'applied' | 'suspended';
}

export interface TimelineInput {
  /** The reader's now (ms). */
  now: number;
  revisions: readonly TimelineRevision[];
  /** Branch overrides in force and approved for later (GET /v1/overrides). */
  overrides?: readonly TimelineOverride[];
  /** A publish not yet made: where it lands (ms) and what it would do. */
  draft?: { at: number; effects: readonly PublishEffect[] };
  /** Past revisions kept before the one in force; older ones are folded into "earlier". */
  keepPast?: number;
  /** Branch lanes drawn at most: those the draft affects first, then suspended ones, then by code. */
  maxBranches?: number;
  width?: number;
  t: Words;
  /** An instant on the axis, as the reader reads it. */
  formatInstant: (ms: number) => string;
}

export type RevisionState = 'past' | 'active' | 'scheduled';
export type BarState = RevisionState | 'draft' | 'applied' | 'suspended';
/** What the draft publish does to a bar: a scheduled revision kept (rebased) or dropped, an override suspended. */
export type BarChange = 'kept' | 'dropped' | 'suspends';

export interface Bar {
  lane: string;
  x: number;
  width: number;
  y: number;
  height: number;
  state: BarState;
  change?: BarChange;
  label: string;
  /** The longer text for the tooltip. */
  title: string;
  revision?: number;
  override?: number;
  /** For a bar the draft changes: where the change starts (an override suspended from an instant). */
  changeX?: number;
}

/** Revisions that never take force at one instant: superseded while scheduled, or published again (replacedBy). */
export interface Pin {
  x: number;
  y: number;
  revisions: number[];
  label: string;
  title: string;
}

export interface Lane { id: string; label: string; y: number; height: number }
export interface Tick { x: number; label: string; instant: number }
export interface Mark { kind: 'now' | 'draft'; x: number; label: string }

export interface TimelineModel {
  width: number;
  height: number;
  axisY: number;
  lanes: Lane[];
  ticks: Tick[];
  bars: Bar[];
  pins: Pin[];
  marks: Mark[];
  /** Past revisions folded away at the left edge. */
  earlier: number;
  /** Branches with overrides not drawn (beyond maxBranches). */
  hiddenBranches: number;
  /** One sentence saying what the picture shows, for screen readers. */
  summary: string;
}

const GUTTER = 150;
const PAD = 16;
const LANE = 30;
const BAR = 20;
const TOP = 22;
const AXIS = 34;

/** Revisions never in force: a later-published one takes effect at or before their instant. */
export function neverInForce(revisions: readonly TimelineRevision[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of revisions) {
    const from = Date.parse(r.effectiveFrom);
    const over = revisions.filter((s) => s.id > r.id && Date.parse(s.effectiveFrom) <= from).sort((a, b) => a.id - b.id)[0];
    if (over) out.set(r.id, r.replacedBy ?? over.id);
  }
  return out;
}

/** The revision in force at an instant: the latest published whose instant has come. */
export function inForceAt(revisions: readonly TimelineRevision[], at: number): TimelineRevision | undefined {
  let found: TimelineRevision | undefined;
  for (const r of revisions) if (Date.parse(r.effectiveFrom) <= at && (!found || r.id > found.id)) found = r;
  return found;
}

export function timeline(input: TimelineInput): TimelineModel {
  const { t, now } = input;
  const width = input.width ?? 1000;
  const keepPast = input.keepPast ?? 5;
  const revisions = [...input.revisions].sort((a, b) => a.id - b.id);
  const never = neverInForce(revisions);
  const active = inForceAt(revisions, now);
  const taking = revisions.filter((r) => !never.has(r.id)).sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom));
  const activeAt = taking.findIndex((r) => r.id === active?.id);
  const earlier = Math.max(0, activeAt - keepPast);
  const shown = taking.slice(earlier);
  const firstShown = shown[0] ? Date.parse(shown[0].effectiveFrom) : -Infinity;
  const pinned = revisions.filter((r) => never.has(r.id) && Date.parse(r.effectiveFrom) >= firstShown);
  const effects = input.draft?.effects ?? [];
  const affected = new Set(effects.flatMap((e) => (e.type === 'override-suspended' ? [e.branch] : [])));
  const priority = (branch: string): number => (affected.has(branch) ? 0 : (input.overrides ?? []).some((o) => o.branch === branch && o.status === 'suspended') ? 1 : 2);
  const allBranches = [...new Set((input.overrides ?? []).map((o) => o.branch))].sort((a, b) => priority(a) - priority(b) || a.localeCompare(b));
  const keptBranches = new Set(allBranches.slice(0, input.maxBranches ?? 8));
  const overrides = (input.overrides ?? []).filter((o) => keptBranches.has(o.branch))
    .sort((a, b) => a.branch.localeCompare(b.branch) || Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom));

  // Columns: every instant something starts, now and the draft's.
  const instants = [...new Set([
    ...shown.map((r) => Date.parse(r.effectiveFrom)), ...pinned.map((r) => Date.parse(r.effectiveFrom)),
    ...overrides.map((o) => Math.max(Date.parse(o.effectiveFrom), firstShown)),
    ...effects.flatMap((e) => (e.type === 'override-suspended' ? [Date.parse(e.from)] : [])),
    now, ...(input.draft ? [input.draft.at] : []),
  ].filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
  const end = width - PAD;
  const step = (end - GUTTER - PAD) / Math.max(1, instants.length);
  const xOf = (ms: number): number => {
    let i = instants.findIndex((x) => x >= ms);
    if (i === -1) i = instants.length - 1;
    return GUTTER + PAD + i * step;
  };

  // Lanes: head office's revisions, those never in force (when any), the draft, one per branch.
  const lanes: Lane[] = [];
  const lane = (id: string, label: string): Lane => {
    const l = { id, label, y: TOP + lanes.length * LANE, height: LANE };
    lanes.push(l);
    return l;
  };
  const revLane = lane('revisions', t('timeline.lane.revisions'));
  const neverLane = pinned.length > 0 ? lane('never', t('timeline.lane.never')) : undefined;
  const draftLane = input.draft ? lane('draft', t('timeline.lane.draft')) : undefined;
  const branches = allBranches.filter((b) => keptBranches.has(b));
  const branchLanes = new Map(branches.map((b) => [b, lane(`branch-${b}`, t('timeline.lane.branch', { branch: b }))]));

  const bars: Bar[] = [];
  const pins: Pin[] = [];
  const barY = (l: Lane): number => l.y + (LANE - BAR) / 2;
  const rescheduled = new Map(effects.flatMap((e) => (e.type === 'revision-rescheduled' ? [[e.revision, e] as const] : [])));
  const dropped = new Set(effects.flatMap((e) => (e.type === 'revision-superseded' ? [e.revision] : [])));

  shown.forEach((r, i) => {
    const from = Date.parse(r.effectiveFrom);
    const next = shown[i + 1];
    const x = xOf(from);
    const x2 = next ? xOf(Date.parse(next.effectiveFrom)) : end;
    const state: RevisionState = r.id === active?.id ? 'active' : from > now ? 'scheduled' : 'past';
    const change: BarChange | undefined = dropped.has(r.id) ? 'dropped' : rescheduled.has(r.id) ? 'kept' : undefined;
    const since = isBeginning(from) ? t('timeline.sinceBeginning') : input.formatInstant(from);
    const stateWord = t(`timeline.state.${state}`);
    const changeWord = change === 'dropped' ? t('timeline.change.dropped') : change === 'kept' ? t('timeline.change.kept') : '';
    bars.push({
      lane: revLane.id, x, width: Math.max(4, x2 - x), y: barY(revLane), height: BAR, state, ...(change ? { change } : {}), revision: r.id,
      label: `#${r.id}${state === 'past' ? '' : ` ${stateWord}`}${changeWord ? ` · ${changeWord}` : ''}${r.replaces !== undefined ? ` ← #${r.replaces}` : ''}`,
      title: [t('timeline.revisionTitle', { id: r.id, state: stateWord, from: since }), changeWord, r.replaces !== undefined ? t('timeline.replaces', { id: r.replaces }) : ''].filter(Boolean).join(' · '),
    });
  });

  for (const r of pinned) {
    const by = never.get(r.id)!;
    const from = Date.parse(r.effectiveFrom);
    const x = xOf(from);
    const title = r.replacedBy !== undefined ? t('timeline.republishedAs', { id: r.id, by, from: input.formatInstant(from) }) : t('timeline.supersededBy', { id: r.id, by, from: input.formatInstant(from) });
    // Several at one instant (a schedule kept through more than one publish) share one pin.
    const same = pins.find((p) => p.x === x);
    if (same) {
      same.revisions.push(r.id);
      same.label += ` · #${r.id} → #${by}`;
      same.title += `\n${title}`;
    } else pins.push({ x, y: barY(neverLane!), revisions: [r.id], label: `#${r.id} → #${by}`, title });
  }

  if (input.draft && draftLane) {
    const at = input.draft.at;
    // The draft decides until the first scheduled revision it keeps takes over.
    const keptAfter = shown.filter((r) => rescheduled.has(r.id) && Date.parse(r.effectiveFrom) > at).map((r) => Date.parse(r.effectiveFrom)).sort((a, b) => a - b)[0];
    const x = xOf(at);
    bars.push({
      lane: draftLane.id, x, width: Math.max(4, (keptAfter !== undefined ? xOf(keptAfter) : end) - x), y: barY(draftLane), height: BAR, state: 'draft',
      label: t('timeline.draft'), title: t('timeline.draftTitle', { from: at <= now ? t('timeline.now') : input.formatInstant(at) }),
    });
  }

  for (const b of branches) {
    const l = branchLanes.get(b)!;
    const mine = overrides.filter((o) => o.branch === b);
    mine.forEach((o, i) => {
      const from = Math.max(Date.parse(o.effectiveFrom), firstShown);
      const next = mine[i + 1];
      const x = xOf(from);
      const x2 = next ? xOf(Math.max(Date.parse(next.effectiveFrom), firstShown)) : end;
      const suspension = effects.find((e): e is Extract<PublishEffect, { type: 'override-suspended' }> => e.type === 'override-suspended' && e.override === o.id);
      const stateWord = t(`timeline.state.${o.status}`);
      bars.push({
        lane: l.id, x, width: Math.max(4, x2 - x), y: barY(l), height: BAR, state: o.status, override: o.id,
        ...(suspension ? { change: 'suspends' as const, changeX: xOf(Date.parse(suspension.from)) } : {}),
        label: `#${o.id} ${stateWord}${suspension ? ` · ${t('timeline.change.suspends')}` : ''}`,
        title: [t('timeline.overrideTitle', { id: o.id, branch: b, state: stateWord, from: input.formatInstant(Date.parse(o.effectiveFrom)) }),
          suspension ? t('timeline.willSuspend', { from: input.formatInstant(Date.parse(suspension.from)) }) : ''].filter(Boolean).join(' · '),
      });
    });
  }

  const axisY = TOP + lanes.length * LANE + 6;
  // Tick labels where there is room; the first column of revision 1 reads "since the beginning".
  const every = Math.max(1, Math.ceil(84 / step));
  const ticks: Tick[] = instants.flatMap((ms, i) => (i % every === 0 || ms === now
    ? [{ x: xOf(ms), instant: ms, label: isBeginning(ms) ? t('timeline.sinceBeginning') : input.formatInstant(ms) }]
    : []));
  // A draft published at once lands on now: one mark says both.
  const draftX = input.draft ? xOf(input.draft.at) : undefined;
  const marks: Mark[] = draftX === xOf(now)
    ? [{ kind: 'draft', x: draftX, label: `${t('timeline.now')} · ${t('timeline.draft')}` }]
    : [{ kind: 'now', x: xOf(now), label: t('timeline.now') }, ...(draftX !== undefined ? [{ kind: 'draft' as const, x: draftX, label: t('timeline.draft') }] : [])];

  const scheduledCount = shown.filter((r) => Date.parse(r.effectiveFrom) > now).length;
  const summary = t('timeline.summary', {
    active: active ? `#${active.id}` : '—', scheduled: scheduledCount, never: pinned.length, overrides: overrides.length,
    suspended: overrides.filter((o) => o.status === 'suspended').length,
  });
  return { width, height: axisY + AXIS, axisY, lanes, ticks, bars, pins, marks, earlier, hiddenBranches: allBranches.length - branches.length, summary };
}
