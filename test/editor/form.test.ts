import { describe, expect, it } from 'vitest';
import { buildInput, fieldLabel, formFields, valuesFromInput, type Field } from '../../editor/src/lib/form.ts';
import { bundledSchemas } from './helpers.ts';

const schemas = bundledSchemas();
const shape = (fields: Field[]): unknown[] => fields.map((f) => (f.type === 'group' ? [f.key, f.required, shape(f.children)] : [f.key, f.type, f.required]));

describe('formFields', () => {
  it('gives one field per input property, required ones marked, labelled from the description', () => {
    const fields = formFields(schemas, 'decisions/classification.input.schema.json');
    expect(shape(fields)).toEqual([['assets', 'number', true], ['turnover', 'number', false], ['tradingVolume', 'number', false], ['averageAssets', 'number', false]]);
    expect(fields[0]!.label).toEqual({ zh: '客户资产量(元)', en: 'Client assets, CNY' });
    expect(fields[0]).toMatchObject({ minimum: 0 });
  });

  it('nests objects as groups, dates as date fields, yes/no as boxes', () => {
    const fields = formFields(schemas, 'decisions/suitability.input.schema.json');
    expect(shape(fields)).toEqual([
      ['client', true, [['riskLevel', 'string', true], ['assessedAt', 'string', true], ['lowestCategory', 'boolean', false]]],
      ['product', true, [['type', 'string', false], ['riskLevel', 'string', false]]],
      ['recommended', 'boolean', false],
    ]);
    const client = fields[0] as Extract<Field, { type: 'group' }>;
    expect(client.children[1]).toMatchObject({ format: 'date' });
  });

  it('follows $ref into other schemas (client-profile) and turns open maps into JSON fields', () => {
    const fields = formFields(schemas, 'decisions/client-profile.input.schema.json');
    expect(fields.find((f) => f.key === 'assets')).toMatchObject({ type: 'number', required: true, label: { zh: '客户资产量(元)' } });
    expect(fields.find((f) => f.key === 'answers')).toMatchObject({ type: 'json' });
    expect(fields.find((f) => f.key === 'activities')).toMatchObject({ type: 'list' });
  });

  it('builds a form for every decision input schema', () => {
    for (const id of Object.keys(schemas).filter((k) => k.startsWith('decisions/'))) {
      expect(formFields(schemas, id).length, id).toBeGreaterThan(0);
    }
  });
});

describe('buildInput', () => {
  const classification = formFields(schemas, 'decisions/classification.input.schema.json');
  const suitability = formFields(schemas, 'decisions/suitability.input.schema.json');

  it('turns typed strings into the input, leaving empty optional fields out', () => {
    expect(buildInput(classification, { assets: '2,000,000', turnover: '2.7', tradingVolume: ' ' })).toEqual({ input: { assets: 2000000, turnover: 2.7 }, problems: [] });
  });

  it('names every missing or malformed field by pointer', () => {
    expect(buildInput(classification, { turnover: 'abc', averageAssets: '-5' }).problems).toEqual([
      { path: '/assets', problem: 'required' }, { path: '/turnover', problem: 'number' }, { path: '/averageAssets', problem: 'minimum' },
    ]);
  });

  it('builds nested groups and reports a required group left empty', () => {
    const built = buildInput(suitability, { 'client.riskLevel': 'medium', 'client.assessedAt': '2026-01-05', 'client.lowestCategory': false, recommended: true });
    expect(built.input).toEqual({ client: { riskLevel: 'medium', assessedAt: '2026-01-05' }, recommended: true });
    expect(built.problems).toEqual([{ path: '/product', problem: 'required' }]);
  });

  it('parses JSON and list fields', () => {
    const profile = formFields(schemas, 'decisions/client-profile.input.schema.json');
    const built = buildInput(profile, { assets: '1', answers: '{"1": "A"}', activities: 'stocks, funds' });
    expect(built.input).toMatchObject({ assets: 1, answers: { 1: 'A' }, activities: ['stocks', 'funds'] });
    expect(buildInput(profile, { assets: '1', answers: '{' }).problems).toEqual([{ path: '/answers', problem: 'json' }]);
  });

  it('round-trips through valuesFromInput (switching between JSON and the form)', () => {
    const input = { client: { riskLevel: 'high', assessedAt: '2026-01-05', lowestCategory: true }, product: { type: '货币型基金' }, recommended: false };
    const back = buildInput(suitability, valuesFromInput(suitability, input)).input;
    expect(back).toEqual({ client: input.client, product: input.product });
  });
});

describe('fieldLabel', () => {
  it('keeps each language\'s label without its full stop, up to a colon that explains it', () => {
    expect(fieldLabel('年资产周转率。Annual asset turnover.')).toEqual({ zh: '年资产周转率', en: 'Annual asset turnover' });
    expect(fieldLabel('产品:给出产品类型,或直接给出风险等级。The product: its type, or its risk level directly.')).toEqual({ zh: '产品', en: 'The product' });
    expect(fieldLabel('答卷,如 {"1": "A"};每题必答。Answers such as {"1": "A"}.')).toEqual({ zh: '答卷,如 {"1": "A"};每题必答', en: 'Answers such as {"1": "A"}' });
  });
});
