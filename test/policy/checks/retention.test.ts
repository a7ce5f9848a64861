// The retention checks: the priority-contact condition over declared facts, naming classes of
// the classification policy and tiers of the vip policy (each skipped when that policy is not
// in the set), the follow-up callback type, and the calendar reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRetention } from '../../../src/policy/checks/retention.ts';
import type { PolicyKind } from '../../../src/policy/kinds.ts';
import type { RetentionDoc } from '../../../src/policy/model/retention.ts';
import { parsePolicyYaml } from '../../../src/policy/yaml.ts';
import { RULES_DIR } from '../../helpers/policy-sets.ts';

const CSRC_DIR = join(RULES_DIR, 'examples/csrc-2017');
const valueOf = (file: string) => structuredClone(parsePolicyYaml(readFileSync(file, 'utf8')).value);
const KINDS: PolicyKind[] = ['complaint', 'classification', 'vip', 'callbacks'];

function problemsOf(mutate: (doc: RetentionDoc) => void, dir = RULES_DIR, without: PolicyKind[] = []) {
  const doc = valueOf(join(dir, 'retention.yaml')) as RetentionDoc;
  mutate(doc);
  const documents = new Map(KINDS.filter((k) => !without.includes(k)).map((k) => [k, valueOf(join(dir, `${k}.yaml`))] as const));
  return checkRetention(doc, { documents }).map((p) => `${p.code} ${p.path}`);
}

const priority = (when: RetentionDoc['contact']['priority']['when']) => (d: RetentionDoc) => { d.contact.priority.when = when; };

describe('retention checks', () => {
  it.each([RULES_DIR, CSRC_DIR])('finds nothing wrong with the shipped set in %s', (dir) => {
    expect(problemsOf(() => {}, dir)).toEqual([]);
  });

  it.each([
    ['a class the classification policy lacks', priority({ any: [{ fact: 'class', operator: 'in', value: ['A+', 'VIP'] }] }), ['REFERENCE_UNRESOLVED /contact/priority/when/any/0/value/1']],
    ['a class compared one by one', priority({ any: [{ fact: 'class', operator: 'equal', value: 'AA' }] }), ['REFERENCE_UNRESOLVED /contact/priority/when/any/0/value']],
    ['a VIP tier the vip policy lacks', priority({ any: [{ fact: 'vipTier', operator: 'in', value: ['gold', 'ruby'] }] }), ['REFERENCE_UNRESOLVED /contact/priority/when/any/0/value/1']],
    ['an undeclared fact', priority({ all: [{ fact: 'assets', operator: 'greaterThan', value: 1 }] }), ['CONDITION_FACT_UNKNOWN /contact/priority/when/all/0/fact']],
    ['a class compared as a number', priority({ all: [{ fact: 'class', operator: 'greaterThan', value: 1 }] }), ['CONDITION_VALUE_TYPE /contact/priority/when/all/0/operator']],
    ['a follow-up callback the callbacks policy lacks', (d: RetentionDoc) => { d.followUpCallback = 'closure'; }, ['REFERENCE_UNRESOLVED /followUpCallback']],
    ['a calendar reference to a kind without a calendar', (d: RetentionDoc) => { d.calendarFrom = 'callbacks'; }, ['REFERENCE_UNRESOLVED /calendarFrom']],
  ])('reports %s', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('skips each cross-file check whose document the set lacks, except the calendar', () => {
    const wrong = (d: RetentionDoc) => {
      d.contact.priority.when = { any: [{ fact: 'class', operator: 'in', value: ['VIP'] }, { fact: 'vipTier', operator: 'equal', value: 'ruby' }] };
      d.followUpCallback = 'closure';
    };
    expect(problemsOf(wrong, RULES_DIR, ['classification', 'vip', 'callbacks'])).toEqual([]);
    expect(problemsOf(() => {}, RULES_DIR, ['complaint'])).toEqual(['REFERENCE_UNRESOLVED /calendarFrom']);
  });
});
