// A decision's answer is written as bytes (deciding.ts answerBytes) instead of JSON.stringify:
// for any answer it must be JSON.stringify's exact text, one answer after another from the
// shared buffer, and an answer that cannot be written must leave nothing behind for the next.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerBytes, type DecisionAnswer } from '../../src/server/deciding.ts';

const label = fc.oneof(fc.string(), fc.constantFrom('B类客户', '100万—500万', '低周转率(<阈值)', 'Class B', '"quoted"\\', '\u2028\u0000'));
const leaf = fc.oneof(label, fc.integer(), fc.double({ noNaN: true }), fc.constant(Number.NaN), fc.boolean(), fc.constant(null), fc.constant(undefined));
const output = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 6 }).map((o) => (Object.keys(o).length % 3 === 0 ? Object.freeze(o) : o)),
})).object as fc.Arbitrary<Record<string, unknown>>;

const answer: fc.Arbitrary<DecisionAnswer> = fc.record({
  decision: fc.constantFrom('classification', 'risk-level', 'client-profile'),
  output,
  revision: fc.record({ id: fc.nat(), hash: fc.stringMatching(/^sha256:[0-9a-f]{64}$/) }).map((r) => Object.freeze(r)),
  branch: fc.option(fc.stringMatching(/^\d{4}$/), { nil: undefined }),
  override: fc.option(fc.record({ id: fc.nat(), status: fc.constantFrom('applied' as const, 'suspended' as const) }).map((o) => Object.freeze(o)), { nil: undefined }),
  decisionId: fc.uuid(),
  recorded: fc.boolean(),
  trace: fc.option(fc.array(fc.record({ rule: label, matched: fc.boolean() }) as never, { maxLength: 3 }), { nil: undefined }),
});

describe('answer bytes', () => {
  it('are JSON.stringify\'s text for any answer, answer after answer', () => {
    fc.assert(fc.property(fc.array(answer, { minLength: 1, maxLength: 30 }), (answers) => {
      const written = answers.map((a) => answerBytes(a));
      // Slices handed out earlier are not written over by later answers.
      answers.forEach((a, i) => expect(written[i]!.toString('utf8')).toBe(JSON.stringify(a)));
    }), { numRuns: 300 });
  });

  it('an answer that cannot be written throws as JSON.stringify does and leaves nothing for the next', () => {
    // Members in the order deciding.ts makes them.
    const of = (output: Record<string, unknown>): DecisionAnswer => ({
      decision: 'classification', output, revision: Object.freeze({ id: 1, hash: 'sha256:00' }), branch: undefined, override: undefined,
      decisionId: '9f1c2d3e-0000-4000-8000-000000000000', recorded: false, trace: undefined,
    });
    const bad = of({ class: 'B', score: 10n });
    expect(() => JSON.stringify(bad)).toThrow(TypeError);
    expect(() => answerBytes(bad)).toThrow(TypeError);
    const good = of({ class: 'B', label: 'B类客户' });
    expect(answerBytes(good).toString('utf8')).toBe(JSON.stringify(good));
  });
});
