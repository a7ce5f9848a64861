import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { boundsOf, exampleOverride, localiseDescriptions, overrideSchemaFor } from '../../editor/src/lib/override-schema.ts';
import { bundledSchemas, ruleDocs } from './helpers.ts';

const schemas = bundledSchemas();
const docs = ruleDocs();
const schema = overrideSchemaFor(schemas, docs);
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

describe('the override editor\'s schema', () => {
  it('keeps the project\'s override schema for the kinds it describes', () => {
    expect((schema.properties as Record<string, unknown>).classification).toEqual((schemas['override.schema.json']!.properties as Record<string, unknown>).classification);
  });

  it('lets through what head office\'s bounds name, with the kind\'s own documentation', () => {
    expect(validate({ vip: { grace: { months: 4 } } })).toBe(true);
    expect(validate({ vip: { tiers: { gold: { thresholds: { avgDailyAssets3m: 400000 } } } } })).toBe(true);
    const vip = (schema.properties as Record<string, { properties: Record<string, { description?: string }> }>).vip!;
    expect(vip.properties.grace!.description).toMatch(/。/);
  });

  it('offers the tier ids head office\'s document has where a bound says *', () => {
    const tiers = (schema.properties as Record<string, any>).vip.properties.tiers;
    expect(Object.keys(tiers.properties)).toEqual(Object.keys((docs.vip as { tiers: object }).tiers));
    expect(validate({ vip: { tiers: { bronze: { thresholds: { avgDailyAssets3m: 1 } } } } })).toBe(false);
  });

  it('refuses what no bound names, and unknown kinds', () => {
    expect(validate({ vip: { title: { zh: 'x', en: 'x' } } })).toBe(false);
    expect(validate({ nonsense: { a: 1 } })).toBe(false);
  });

  it('is valid for every kind that declares bounds', () => {
    const kinds = Object.keys(schema.properties as object);
    for (const b of boundsOf(docs)) expect(kinds, b.kind).toContain(b.kind);
  });
});

describe('bounds and the example draft', () => {
  it('lists each bound with its label and rule', () => {
    expect(boundsOf(docs).find((b) => b.kind === 'classification' && b.path === '/turnoverThreshold'))
      .toEqual({ kind: 'classification', path: '/turnoverThreshold', label: { zh: '资产周转率阈值', en: 'Turnover threshold' }, rule: { relative: 0.5 } });
  });

  it('writes a commented example from the first concrete bound, with head office\'s value', () => {
    expect(exampleOverride({ classification: docs.classification })).toBe('# classification:\n#   turnoverThreshold: 3\n');
    expect(exampleOverride({})).toBe('');
  });
});

describe('localiseDescriptions', () => {
  it('keeps one language of every description and title, nothing else', () => {
    const s = { title: '客户分类 — Client classification', description: '阈值。Threshold.', properties: { title: { description: '名称。Title.', type: 'string' } } };
    expect(localiseDescriptions(s, 'zh')).toEqual({ title: '客户分类', description: '阈值。', properties: { title: { description: '名称。', type: 'string' } } });
    expect(localiseDescriptions(s, 'en')).toMatchObject({ title: 'Client classification', description: 'Threshold.' });
  });
});
