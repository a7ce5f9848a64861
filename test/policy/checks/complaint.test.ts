// The complaint checks: the working-day calendar (order, coverage, overlaps, make-up days),
// escalation conditions over declared facts and severities, and the calendar reference helper
// the other kinds use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCalendarSource, checkComparedIds, checkComplaint } from '../../../src/policy/checks/complaint.ts';
import type { Condition } from '../../../src/policy/conditions.ts';
import type { PolicyKind } from '../../../src/policy/kinds.ts';
import type { ComplaintDoc } from '../../../src/policy/model/complaint.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { parsePolicyYaml } from '../../../src/policy/yaml.ts';
import { RULES_DIR } from '../../helpers/policy-sets.ts';

const BASELINE = join(RULES_DIR, 'complaint.yaml');
const CSRC = join(RULES_DIR, 'examples/csrc-2017/complaint.yaml');
const docOf = (file: string) => structuredClone(parsePolicyYaml(readFileSync(file, 'utf8')).value) as ComplaintDoc;
const label = { zh: '测试', en: 'Test' };

function problemsOf(mutate: (doc: ComplaintDoc) => void, file = BASELINE) {
  const doc = docOf(file);
  mutate(doc);
  return checkComplaint(doc, { documents: new Map() }).map((p) => `${p.code} ${p.path}`);
}

describe('complaint checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it('reports a calendar that ends before it starts, and every holiday it then leaves out', () => {
    const found = problemsOf((d) => { d.calendar.to = '2025-12-31'; });
    expect(found[0]).toBe('CALENDAR_INVALID /calendar/to');
    expect(found).toContain('CALENDAR_INVALID /calendar/holidays/national-day-2027/from');
    expect(found).toContain('CALENDAR_INVALID /calendar/holidays/national-day-2027/makeUpWorkdays/1');
    expect(new Set(found.map((f) => f.split(' ')[0]))).toEqual(new Set(['CALENDAR_INVALID']));
  });

  it.each([
    ['a holiday ending before it starts', (d: ComplaintDoc) => { d.calendar.holidays['qingming-2026']!.to = '2026-04-03'; }, ['CALENDAR_INVALID /calendar/holidays/qingming-2026/to']],
    ['a holiday outside the years covered', (d: ComplaintDoc) => { d.calendar.holidays['new-year-2026']!.from = '2025-12-31'; }, ['CALENDAR_INVALID /calendar/holidays/new-year-2026/from']],
    ['overlapping holidays, reported once on the later', (d: ComplaintDoc) => { d.calendar.holidays.extra = { label, from: '2026-10-07', to: '2026-10-08' }; }, ['CALENDAR_INVALID /calendar/holidays/extra/from']],
    ['two holidays starting the same day, reported on the one listed later', (d: ComplaintDoc) => { d.calendar.holidays.extra = { label, from: '2026-10-01', to: '2026-10-02' }; }, ['CALENDAR_INVALID /calendar/holidays/extra/from']],
    ['a make-up working day on a weekday', (d: ComplaintDoc) => { d.calendar.holidays['labour-day-2026']!.makeUpWorkdays = ['2026-05-08']; }, ['CALENDAR_INVALID /calendar/holidays/labour-day-2026/makeUpWorkdays/0']],
    ['a make-up working day inside a holiday', (d: ComplaintDoc) => { d.calendar.holidays['labour-day-2026']!.makeUpWorkdays = ['2026-05-09', '2026-05-02']; }, ['CALENDAR_INVALID /calendar/holidays/labour-day-2026/makeUpWorkdays/1']],
    ['a make-up working day outside the calendar', (d: ComplaintDoc) => { d.calendar.holidays['new-year-2026']!.makeUpWorkdays = ['2025-12-28']; }, ['CALENDAR_INVALID /calendar/holidays/new-year-2026/makeUpWorkdays/0']],
    ['a severity catalogue naming an undeclared severity', (d: ComplaintDoc) => { d.facts.severity!.values = ['general', 'major', 'critical']; }, ['REFERENCE_UNRESOLVED /facts/severity/values/2']],
    ['an escalation on an undeclared fact', (d: ComplaintDoc) => { d.escalations['head-office']!.when = { all: [{ fact: 'amount', operator: 'greaterThan', value: 1 }] }; }, ['CONDITION_FACT_UNKNOWN /escalations/head-office/when/all/0/fact']],
    ['an escalation on a severity outside the catalogue', (d: ComplaintDoc) => { d.escalations['head-office']!.when = { all: [{ fact: 'severity', operator: 'in', value: ['major', 'critical'] }] }; }, ['CONDITION_VALUE_TYPE /escalations/head-office/when/all/0/value']],
    ['an escalation comparing days with text', (d: ComplaintDoc) => { d.escalations['head-office']!.when = { all: [{ fact: 'extensionDays', operator: 'greaterThan', value: 'ten' }] }; }, ['CONDITION_VALUE_TYPE /escalations/head-office/when/all/0/value']],
  ])('reports %s', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('without a severity catalogue, still checks the severities escalations name', () => {
    expect(problemsOf((d) => {
      delete d.facts.severity!.values;
      d.escalations['head-office']!.when = { any: [{ fact: 'severity', operator: 'equal', value: 'major' }, { not: { fact: 'severity', operator: 'equal', value: 'critical' } }] };
    })).toEqual(['REFERENCE_UNRESOLVED /escalations/head-office/when/any/1/not/value']);
  });

  it('reports a calendar problem at its line through the loader', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('makeUpWorkdays: [2026-09-20, 2026-10-10]', 'makeUpWorkdays: [2026-09-21, 2026-10-10]');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('2026-09-21')) + 1;
    expect(loadPolicyTexts([{ file: 'complaint.yaml', text }]).diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`))
      .toEqual([`CALENDAR_INVALID ${line}:${lines[line - 1]!.indexOf('2026-09-21') + 1}`]);
  });
});

describe('helpers for references', () => {
  const documents = new Map<PolicyKind, unknown>([['complaint', { calendar: {} }], ['callbacks', { types: {} }]]);

  it('resolves a calendar reference only to a document holding a calendar', () => {
    expect(checkCalendarSource('complaint', { documents }, '/calendarFrom')).toEqual([]);
    expect(checkCalendarSource('callbacks', { documents }, '/calendarFrom')).toEqual([expect.objectContaining({ code: 'REFERENCE_UNRESOLVED', message: expect.stringContaining('holds no calendar') })]);
    expect(checkCalendarSource('vip', { documents }, '/calendarFrom')).toEqual([expect.objectContaining({ code: 'REFERENCE_UNRESOLVED', path: '/calendarFrom' })]);
  });

  it('finds every value compared with a fact, in lists and nested conditions', () => {
    const condition: Condition = { any: [
      { fact: 'class', operator: 'in', value: ['A', 'X'] },
      { all: [{ fact: 'vipTier', operator: 'equal', value: 'gold' }, { not: { fact: 'class', operator: 'equal', value: 'Y' } }] },
    ] };
    expect(checkComparedIds(condition, 'class', '/when', ['A', 'B'], 'a class').map((p) => p.path)).toEqual(['/when/any/0/value/1', '/when/any/1/all/1/not/value']);
    expect(checkComparedIds(condition, 'vipTier', '/when', [], 'a tier', ['gold'])).toEqual([]);
  });
});
