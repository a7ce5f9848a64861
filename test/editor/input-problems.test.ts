// A refused decision input on the console's form: every detail listed at once in the reader's
// language, each placed beside the form field it is about, named as the form names it.
import { describe, expect, it } from 'vitest';
import { formFields } from '../../editor/src/lib/form.ts';
import { fieldAt, fieldName, inputProblems } from '../../editor/src/lib/input-problems.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { ZhiduError } from '../../src/errors.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { underPointer } from '../../src/server/deciding.ts';
import { bundledSchemas, ROOT } from './helpers.ts';

const schemas = bundledSchemas();
const policy = CompiledPolicy.compile(loadValidPolicyDir(`${ROOT}/rules`));

/** The details of a BAD_INPUT as the API sends them (fields under /input). */
async function refused(decision: string, input: unknown): Promise<unknown[]> {
  const err = underPointer(await policy.decide(decision, input).then(() => undefined, (e: unknown) => e), '/input');
  expect(err).toBeInstanceOf(ZhiduError);
  return [...(err as ZhiduError).details!];
}

describe('fields of a refused input', () => {
  const suitability = formFields(schemas, 'decisions/suitability.input.schema.json');

  it('finds the form field a pointer lies in, through groups, and what lies past it', () => {
    expect(fieldAt(suitability, '/input/client/riskLevel')).toMatchObject({ field: { key: 'riskLevel', path: ['client', 'riskLevel'] }, rest: [] });
    expect(fieldAt(suitability, '/input/nothing')).toEqual({ labels: [], rest: ['nothing'] });
    const risk = formFields(schemas, 'decisions/risk-level.input.schema.json');
    expect(fieldAt(risk, '/input/answers/3')).toMatchObject({ field: { key: 'answers' }, rest: ['3'] });
  });

  it('names a field by the form\'s labels, in either language', () => {
    expect(fieldName(suitability, 'zh')('/input/client/riskLevel')).toMatch(/^[^/]+ · [^/]+$/);
    expect(fieldName(suitability, 'zh')('/input')).toBe('输入');
    expect(fieldName(suitability, 'en')('')).toBe('input');
  });
});

describe('every problem at once, beside its field', () => {
  it('lists all 11 unanswered questions, each beside the answers field', async () => {
    const fields = formFields(schemas, 'decisions/risk-level.input.schema.json');
    const shown = inputProblems(await refused('risk-level', { answers: { 1: 'A' } }), fields, 'zh');
    expect(shown).toHaveLength(11);
    expect(shown.every((p) => p.at === '/answers')).toBe(true);
    expect(shown.map((p) => p.text.slice(0, p.text.indexOf('「')))).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].map((q) => `第 ${q} 题`));
  });

  it('names each refused field by its label', async () => {
    const fields = formFields(schemas, 'decisions/classification.input.schema.json');
    const shown = inputProblems(await refused('classification', { assets: -5, turnover: 'high' }), fields, 'zh');
    const label = (key: string) => fieldName(fields, 'zh')(`/input/${key}`);
    expect(shown).toEqual([
      { at: '/assets', text: `${label('assets')}:不能小于 0` },
      { at: '/turnover', text: `${label('turnover')}:应为数字` },
    ]);
    expect(label('assets')).not.toBe('assets');
  });
});
