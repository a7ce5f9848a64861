// The timeline picture as data: which revision is past, in force, scheduled or never in force
// (and what replaced it), where a draft publish lands and what it does to the schedule and to the
// branches' overrides. The SVG view only draws this model.
import { describe, expect, it } from 'vitest';
import type { PublishEffect } from '../../editor/src/api.ts';
import { translate } from '../../editor/src/lib/i18n.ts';
import { inForceAt, neverInForce, timeline, type TimelineInput, type TimelineRevision } from '../../editor/src/lib/timeline.ts';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const t: TimelineInput['t'] = (key, params) => translate('zh', key, params);
const formatInstant = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const draw = (input: Omit<TimelineInput, 't' | 'formatInstant' | 'now'> & { now?: number }) => timeline({ now: NOW, t, formatInstant, ...input });

const r1: TimelineRevision = { id: 1, effectiveFrom: '1970-01-01T00:00:00.000Z' };
const r2: TimelineRevision = { id: 2, effectiveFrom: '2026-12-01T00:00:00.000Z' };
const scheduled3: TimelineRevision = { id: 3, effectiveFrom: '2030-01-01T00:00:00.000Z' };

describe('which revision is in force, and which never is', () => {
  it('follows the server\'s rule: the latest published whose instant has come', () => {
    expect(inForceAt([r1, r2, scheduled3], NOW)?.id).toBe(2);
    expect(inForceAt([r1, r2, scheduled3], Date.parse('2030-06-01T00:00:00Z'))?.id).toBe(3);
  });
  it('a scheduled revision an immediate publish landed before never takes force; it names what replaced it', () => {
    const immediate = { id: 4, effectiveFrom: '2026-12-05T09:00:00.000Z' };
    const republished = { id: 5, effectiveFrom: scheduled3.effectiveFrom, replaces: 3 };
    expect(neverInForce([r1, r2, { ...scheduled3, replacedBy: 5 }, immediate, republished])).toEqual(new Map([[3, 5]]));
    // Superseded without being published again: the later revision that covers it.
    expect(neverInForce([r1, r2, scheduled3, { id: 4, effectiveFrom: '2029-01-01T00:00:00.000Z' }])).toEqual(new Map([[3, 4]]));
  });
});

describe('timeline', () => {
  it('draws past, in force and scheduled revisions in time order, revision 1 since the beginning', () => {
    const m = draw({ revisions: [r1, r2, scheduled3] });
    const bars = m.bars.filter((b) => b.lane === 'revisions');
    expect(bars.map((b) => [b.revision, b.state])).toEqual([[1, 'past'], [2, 'active'], [3, 'scheduled']]);
    expect(bars[0]!.x).toBeLessThan(bars[1]!.x);
    expect(bars[1]!.x).toBeLessThan(bars[2]!.x);
    // Each bar runs to where the next one starts; the last one to the edge.
    expect(bars[0]!.x + bars[0]!.width).toBe(bars[1]!.x);
    expect(bars[2]!.x + bars[2]!.width).toBe(m.width - 16);
    expect(m.ticks[0]!.label).toBe('自始');
    expect(bars[0]!.title).toContain('自始');
    const now = m.marks.find((k) => k.kind === 'now')!;
    expect(now.x).toBeGreaterThan(bars[1]!.x);
    expect(now.x).toBeLessThan(bars[2]!.x);
    expect(m.lanes.map((l) => l.id)).toEqual(['revisions']);
    expect(m.summary).toContain('现行版本 #2');
  });

  it('marks a revision that never took force with what replaced it, and the republished one with what it replaces', () => {
    const m = draw({ revisions: [r1, r2, { ...scheduled3, replacedBy: 5 }, { id: 4, effectiveFrom: '2026-12-05T09:00:00.000Z' }, { id: 5, effectiveFrom: scheduled3.effectiveFrom, replaces: 3 }] });
    expect(m.lanes.map((l) => l.id)).toEqual(['revisions', 'never']);
    expect(m.pins).toEqual([expect.objectContaining({ revisions: [3], label: '#3 → #5' })]);
    expect(m.pins[0]!.title).toContain('变基重新发布为版本 5');
    const five = m.bars.find((b) => b.revision === 5)!;
    expect(five.state).toBe('scheduled');
    expect(five.label).toContain('← #3');
    expect(m.pins[0]!.x).toBe(five.x);
    expect(m.bars.find((b) => b.revision === 4)!.state).toBe('active');
  });

  it('draws a draft published at once on now, deciding until the scheduled revision it keeps', () => {
    const effects: PublishEffect[] = [{ type: 'revision-rescheduled', revision: 3, effectiveFrom: scheduled3.effectiveFrom, kinds: ['vip'], overrides: [] }];
    const m = draw({ revisions: [r1, r2, scheduled3], draft: { at: NOW, effects } });
    const draft = m.bars.find((b) => b.state === 'draft')!;
    const three = m.bars.find((b) => b.revision === 3)!;
    expect(draft.x).toBe(m.marks[0]!.x);
    expect(draft.x + draft.width).toBe(three.x);
    expect(three.change).toBe('kept');
    expect(three.label).toContain('保留');
    expect(m.marks).toEqual([expect.objectContaining({ kind: 'draft', label: '现在 · 本次发布' })]);
  });

  it('shows a scheduled revision the draft supersedes as dropped, and the draft running on past it', () => {
    const effects: PublishEffect[] = [{ type: 'revision-superseded', revision: 3, effectiveFrom: scheduled3.effectiveFrom, reason: 'replaced' }];
    const m = draw({ revisions: [r1, r2, scheduled3], draft: { at: NOW, effects } });
    expect(m.bars.find((b) => b.revision === 3)!.change).toBe('dropped');
    const draft = m.bars.find((b) => b.state === 'draft')!;
    expect(draft.x + draft.width).toBe(m.width - 16);
  });

  it('draws a later draft where it lands, after now', () => {
    const at = Date.parse('2027-01-01T00:00:00Z');
    const m = draw({ revisions: [r1, r2, scheduled3], draft: { at, effects: [] } });
    const nowMark = m.marks.find((k) => k.kind === 'now')!;
    const draftMark = m.marks.find((k) => k.kind === 'draft')!;
    expect(draftMark.x).toBeGreaterThan(nowMark.x);
    expect(draftMark.x).toBeLessThan(m.bars.find((b) => b.revision === 3)!.x);
  });

  it('draws each branch\'s overrides, suspended ones as such, and the suspension a draft would cause', () => {
    const overrides = [
      { id: 1, branch: '0101', effectiveFrom: '2026-12-02T00:00:00.000Z', status: 'applied' as const },
      { id: 2, branch: '0202', effectiveFrom: '2026-12-03T00:00:00.000Z', status: 'suspended' as const },
    ];
    const effects: PublishEffect[] = [{ type: 'override-suspended', branch: '0101', override: 1, from: new Date(NOW).toISOString(), reasons: [] }];
    const m = draw({ revisions: [r1, r2], overrides, draft: { at: NOW, effects } });
    expect(m.lanes.map((l) => l.label)).toEqual(['总部版本', '本次发布', '营业部 0101 调整', '营业部 0202 调整']);
    const one = m.bars.find((b) => b.override === 1)!;
    expect(one).toMatchObject({ state: 'applied', change: 'suspends' });
    expect(one.changeX).toBe(m.marks[0]!.x);
    expect(one.label).toContain('将暂停');
    expect(m.bars.find((b) => b.override === 2)!.state).toBe('suspended');
    expect(m.summary).toContain('2 个营业部调整,其中 1 个已暂停');
  });

  it('draws the branches a draft affects first, and keeps them when there are too many to draw', () => {
    const overrides = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, branch: `0${i + 100}`, effectiveFrom: '2026-12-02T00:00:00.000Z', status: 'applied' as const }));
    const effects: PublishEffect[] = [{ type: 'override-suspended', branch: '0107', override: 8, from: new Date(NOW).toISOString(), reasons: [] }];
    const m = draw({ revisions: [r1, r2], overrides, draft: { at: NOW, effects }, maxBranches: 2 });
    expect(m.lanes.filter((l) => l.id.startsWith('branch-')).map((l) => l.id)).toEqual(['branch-0107', 'branch-0100']);
    expect(m.hiddenBranches).toBe(8);
  });

  it('folds revisions long past into "earlier"', () => {
    const revisions = [r1, ...Array.from({ length: 9 }, (_, i) => ({ id: i + 2, effectiveFrom: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 86_400_000).toISOString() }))];
    const m = draw({ revisions, keepPast: 3 });
    expect(m.earlier).toBe(6);
    expect(m.bars.map((b) => b.revision)).toEqual([7, 8, 9, 10]);
  });
});
