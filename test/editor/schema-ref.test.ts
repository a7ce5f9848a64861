import { describe, expect, it } from 'vitest';
import { deref, indexSchemas, resolveId } from '../../editor/src/lib/schema-ref.ts';
import { bundledSchemas } from './helpers.ts';

describe('resolving $ref between bundled schemas', () => {
  it('resolves relative ids the way ajv does', () => {
    expect(resolveId('decisions/client-profile.input.schema.json', 'classification.input.schema.json#/properties/assets'))
      .toEqual({ id: 'decisions/classification.input.schema.json', pointer: '/properties/assets' });
    expect(resolveId('vip.schema.json', 'common.schema.json#/$defs/label')).toEqual({ id: 'common.schema.json', pointer: '/$defs/label' });
    expect(resolveId('vip.schema.json', '#/$defs/x')).toEqual({ id: 'vip.schema.json', pointer: '/$defs/x' });
  });

  it('follows a ref and keeps the referring schema\'s own keywords', () => {
    const schemas = bundledSchemas();
    const r = deref(schemas, { schema: { $ref: 'common.schema.json#/$defs/amount', description: 'own' }, base: 'vip.schema.json' });
    expect(r).toEqual({ schema: { type: 'number', minimum: 0, description: 'own' }, base: 'common.schema.json' });
  });

  it('says which ref it cannot resolve', () => {
    expect(() => deref({}, { schema: { $ref: 'missing.json#/x' }, base: 'a.json' })).toThrow(/missing\.json/);
  });

  it('indexes modules by $id, default exports included', () => {
    expect(Object.keys(indexSchemas({ 'a.json': { default: { $id: 'a.json' } }, 'b.json': { $id: 'b.json' }, 'c.json': { nothing: 1 } }))).toEqual(['a.json', 'b.json']);
  });
});
