// The callbacks checks: triggers and the sample population over declared facts, items from the
// catalogue, due dates counted from declared date facts, VIP tiers of the vip policy (skipped
// without one), and the calendar reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCallbacks } from '../../../src/policy/checks/callbacks.ts';
import type { PolicyKind } from '../../../src/policy/kinds.ts';
import type { CallbacksDoc } from '../../../src/policy/model/callbacks.ts';
import { loadPolicyTexts, readPolicyFiles } from '../../../src/policy/policy-set.ts';
import { parsePolicyYaml } from '../../../src/policy/yaml.ts';
import { RULES_DIR } from '../../helpers/policy-sets.ts';

const BASELINE = join(RULES_DIR, 'callbacks.yaml');
const CSRC_DIR = join(RULES_DIR, 'examples/csrc-2017');
const valueOf = (file: string) => structuredClone(parsePolicyYaml(readFileSync(file, 'utf8')).value);
const docOf = (file: string) => valueOf(file) as CallbacksDoc;

function contextOf(dir: string, without: PolicyKind[] = []) {
  const kinds: PolicyKind[] = ['complaint', 'vip'];
  return { documents: new Map(kinds.filter((k) => !without.includes(k)).map((k) => [k, valueOf(join(dir, `${k}.yaml`))] as const)) };
}

function problemsOf(mutate: (doc: CallbacksDoc) => void, dir = RULES_DIR, without: PolicyKind[] = []) {
  const doc = docOf(join(dir, 'callbacks.yaml'));
  mutate(doc);
  return checkCallbacks(doc, contextOf(dir, without)).map((p) => `${p.code} ${p.path}`);
}

describe('callbacks checks', () => {
  it.each([RULES_DIR, CSRC_DIR])('finds nothing wrong with the shipped set in %s', (dir) => {
    expect(problemsOf(() => {}, dir)).toEqual([]);
  });

  it.each([
    ['an item missing from the catalogue', (d: CallbacksDoc) => { d.types['warn-sale']!.items = ['identity', 'suitability']; }, ['REFERENCE_UNRESOLVED /types/warn-sale/items/1']],
    ['a sample item missing from the catalogue', (d: CallbacksDoc) => { d.annualSample.items = ['satisfaction']; }, ['REFERENCE_UNRESOLVED /annualSample/items/0']],
    ['a due date from an undeclared fact', (d: CallbacksDoc) => { d.types['complaint-closed']!.due = { after: 'complaintReceivedAt', amount: 7, unit: 'calendar-days' }; }, ['REFERENCE_UNRESOLVED /types/complaint-closed/due/after']],
    ['a due date from a fact that is not a date', (d: CallbacksDoc) => { d.types['complaint-closed']!.due = { after: 'vipTier', amount: 7, unit: 'calendar-days' }; }, ['REFERENCE_UNRESOLVED /types/complaint-closed/due/after']],
    ['a trigger on an undeclared fact', (d: CallbacksDoc) => { d.types['new-account']!.trigger = { all: [{ fact: 'age', operator: 'greaterThan', value: 60 }] }; }, ['CONDITION_FACT_UNKNOWN /types/new-account/trigger/all/0/fact']],
    ['an unknown operator in the population', (d: CallbacksDoc) => { d.annualSample.population = { all: [{ fact: 'dormant', operator: 'equals', value: false }] }; }, ['CONDITION_OPERATOR_UNKNOWN /annualSample/population/all/0/operator']],
    ['a boolean fact compared with text', (d: CallbacksDoc) => { d.annualSample.population = { not: { fact: 'dormant', operator: 'equal', value: 'yes' } }; }, ['CONDITION_VALUE_TYPE /annualSample/population/not/value']],
    ['a VIP tier the vip policy lacks', (d: CallbacksDoc) => { d.types['vip-quarterly']!.trigger = { all: [{ fact: 'vipTier', operator: 'in', value: ['silver', 'gold'] }] }; }, ['REFERENCE_UNRESOLVED /types/vip-quarterly/trigger/all/0/value/0']],
    ['a VIP tier in the population', (d: CallbacksDoc) => { d.annualSample.population = { all: [{ fact: 'vipTier', operator: 'notEqual', value: 'black' }] }; }, ['REFERENCE_UNRESOLVED /annualSample/population/all/0/value']],
    ['a calendar reference to a document without a calendar', (d: CallbacksDoc) => { d.calendarFrom = 'vip'; }, ['REFERENCE_UNRESOLVED /calendarFrom']],
  ])('reports %s', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('accepts `none`, the API’s value for a client who is not a VIP', () => {
    expect(problemsOf((d) => { d.types['vip-quarterly']!.trigger = { all: [{ fact: 'vipTier', operator: 'notEqual', value: 'none' }] }; })).toEqual([]);
  });

  it('skips the VIP tier check when the set has no vip policy, but not the calendar check', () => {
    const silver = (d: CallbacksDoc) => { d.types['vip-quarterly']!.trigger = { all: [{ fact: 'vipTier', operator: 'equal', value: 'silver' }] }; };
    expect(problemsOf(silver, RULES_DIR, ['vip'])).toEqual([]);
    expect(problemsOf(() => {}, RULES_DIR, ['complaint'])).toEqual(['REFERENCE_UNRESOLVED /calendarFrom']);
  });

  it('reports missing references at their YAML lines when a set is loaded', () => {
    const files = readPolicyFiles(['callbacks.yaml', 'vip.yaml'].map((f) => join(RULES_DIR, f)));
    const result = loadPolicyTexts(files);
    const text = readFileSync(BASELINE, 'utf8').split('\n');
    const line = text.indexOf('calendarFrom: complaint') + 1;
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`REFERENCE_UNRESOLVED ${line}:15`]);
  });
});
