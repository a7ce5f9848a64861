// Every decision's output against its schema (schemas/decisions/<decision>.output.schema.json):
// for both shipped policy sets, every decision is asked the policies' own test inputs, the same
// records combined (client-profile) and fast-check mutations of them, and every output it gives,
// as a client receives it (through JSON), must validate. Every field the code writes must also be
// one the schema names: the schemas leave objects open for later fields, so ajv alone would let an
// undocumented field through. Nothing here names a policy's content: values are read off the documents.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { DECISION_NAMES } from '../../src/policy/kinds.ts';
import { loadValidPolicyDir, type PolicySet } from '../../src/policy/policy-set.ts';
import { SCHEMAS_DIR, schemaRegistry } from '../../src/policy/schema.ts';
import * as inputs from '../helpers/fast-path-inputs.ts';
import { FROZEN_NOW, ROOT, shippedPolicySets } from '../helpers/policy-sets.ts';

const idOf = (decision: string) => `decisions/${decision}.output.schema.json`;
const CLIENT_RECORD = ['classification', 'risk-level', 'vip', 'trading-style', 'value-segment'];
const RUNS = 1000;

function validatorOf(decision: string): ValidateFunction {
  const validate = schemaRegistry().getSchema(idOf(decision));
  if (!validate) throw new Error(`no schema ${idOf(decision)} in the registry`);
  return validate;
}

type Node = Record<string, unknown>;

/** The schema a `$ref` names, relative to the schema `base` it is written in. */
function deref(ref: string, base: string): { node: Node; base: string } {
  const [file, pointer = ''] = ref.split('#');
  const id = file ? join(base.slice(0, base.lastIndexOf('/') + 1), file) : base;
  let node = schemaRegistry().getSchema(id)?.schema as Node | undefined;
  if (!node) throw new Error(`unresolved $ref ${ref} in ${base}`);
  for (const key of pointer.split('/').filter(Boolean)) node = node[key] as Node;
  return { node, base: id };
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
const typeFits = (node: Node, v: unknown) => {
  if (node.type === undefined) return true;
  const types = ([] as unknown[]).concat(node.type);
  return types.includes(jsonType(v)) || (jsonType(v) === 'integer' && types.includes('number'));
};

/** The schema nodes that apply to `value`: through `$ref`, allOf, and the anyOf/oneOf branches of its type. */
function applicable(value: unknown, schema: Node, base: string, out: { node: Node; base: string }[] = []): { node: Node; base: string }[] {
  if (!typeFits(schema, value)) return out;
  out.push({ node: schema, base });
  if (typeof schema.$ref === 'string') {
    const r = deref(schema.$ref, base);
    applicable(value, r.node, r.base, out);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) for (const b of (schema[key] ?? []) as Node[]) applicable(value, b, base, out);
  return out;
}

/**
 * Fields of `value` no schema names: keys of an object none of whose applicable schemas lists
 * them in `properties` or allows them by an `additionalProperties` schema. Objects described by no
 * `properties` at all are free-form and not looked into.
 */
function unnamed(value: unknown, schemas: { node: Node; base: string }[], path: string, out: Set<string>): Set<string> {
  const nodes = schemas.flatMap((s) => applicable(value, s.node, s.base));
  if (Array.isArray(value)) {
    const items = nodes.filter((n) => n.node.items && typeof n.node.items === 'object').map((n) => ({ node: n.node.items as Node, base: n.base }));
    if (items.length > 0) value.forEach((v, i) => unnamed(v, items, `${path}/${i}`, out));
    return out;
  }
  if (value === null || typeof value !== 'object' || !nodes.some((n) => n.node.properties)) return out;
  for (const [k, v] of Object.entries(value)) {
    const named = nodes.filter((n) => (n.node.properties as Node | undefined)?.[k] !== undefined);
    const defined = named.filter((n) => typeof (n.node.properties as Node)[k] === 'object').map((n) => ({ node: (n.node.properties as Node)[k] as Node, base: n.base }));
    const extra = nodes.filter((n) => n.node.additionalProperties && typeof n.node.additionalProperties === 'object').map((n) => ({ node: n.node.additionalProperties as Node, base: n.base }));
    if (defined.length > 0) unnamed(v, defined, `${path}/${k}`, out);
    else if (named.length === 0 && extra.length > 0) unnamed(v, extra, `${path}/${k}`, out);
    else if (named.length === 0) out.add(`${path}/${k}`);
  }
  return out;
}

const unnamedIn = (decision: string, value: unknown) => [...unnamed(value, [{ node: validatorOf(decision).schema as Node, base: idOf(decision) }], '', new Set())];

/** Every number and string the documents hold (thresholds and their neighbours, ids, labels): mutation material. */
function materialOf(set: PolicySet): { numbers: number[]; strings: string[] } {
  const numbers = new Set<number>();
  const strings = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') for (const b of inputs.boundaryValues(v)) numbers.add(b);
    else if (typeof v === 'string') strings.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) { strings.add(k); walk(c); }
  };
  for (const doc of set.documents.values()) walk({ ...doc.value, tests: undefined });
  return { numbers: [...numbers, 0], strings: [...strings] };
}

interface Checked {
  decided: number;
  outputs: Record<string, unknown>[];
}

/** Decide `seed`; a decided output must validate and name no field the schema leaves out. */
function check(policy: CompiledPolicy, decision: string, seed: inputs.Seed, into: Checked): void {
  let output: Record<string, unknown>;
  try {
    output = policy.decideSync(decision, seed.input, { at: seed.at ? new Date(seed.at) : FROZEN_NOW }).output;
  } catch (err) {
    // Refusals are the input schema's and the rules' business, not the output's.
    if ((err as { code?: unknown }).code === 'BAD_INPUT') return;
    throw err;
  }
  // As a client receives it: through JSON.
  const sent = JSON.parse(JSON.stringify(output)) as Record<string, unknown>;
  const where = `${decision} ${JSON.stringify(seed)}\noutput ${JSON.stringify(output)}`;
  expect(sent, `the output survives JSON unchanged: ${where}`).toStrictEqual(output);
  const validate = validatorOf(decision);
  expect(validate(sent) ? [] : validate.errors, where).toEqual([]);
  expect(unnamedIn(decision, sent), `fields the schema does not name: ${where}`).toEqual([]);
  into.decided++;
  if (into.outputs.length < 50) into.outputs.push(sent);
}

describe('output schemas', () => {
  it('every decision has an output schema under schemas/decisions/, registered under its $id', () => {
    for (const decision of DECISION_NAMES) {
      const file = join(SCHEMAS_DIR, idOf(decision));
      expect(existsSync(file), file).toBe(true);
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Node;
      expect(schema.$id).toBe(idOf(decision));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(typeof validatorOf(decision)).toBe('function');
    }
  });

  it('rejects broken outputs (so the checks below can fail)', () => {
    const validate = validatorOf('classification');
    const good = { class: 'X', label: 'x', labelEn: 'x', tier: 't', tierLabel: 't', turnoverGroup: 'high', turnoverGroupLabel: 'g', turnover: 1, turnoverThreshold: 2 };
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, turnover: '1' })).toBe(false);
    const { class: _dropped, ...missing } = good;
    expect(validate(missing)).toBe(false);
    expect(validatorOf('client-profile')({ classification: { ...good, tier: 3 }, skipped: [] })).toBe(false);
    expect(unnamedIn('classification', { ...good, surprise: 1 })).toEqual(['/surprise']);
    expect(unnamedIn('client-profile', { classification: { ...good, surprise: 1 }, skipped: [{ decision: 'vip', missing: [], why: 'x' }] }))
      .toEqual(['/classification/surprise', '/skipped/0/why']);
    // Through a nullable anyOf into another file's $defs, and past oneOf branches that name only some fields.
    const callback = { id: 'c', label: 'c', labelEn: 'c', after: 'accountOpenedAt', eventAt: '2026-01-01T00:00:00+08:00', dueAt: '2026-02-01T00:00:00+08:00', overdue: false, items: [{ id: 'i', label: 'i', labelEn: 'i', note: 1 }] };
    expect(unnamedIn('retention', { followUpCallback: callback })).toEqual(['/followUpCallback/items/0/note']);
    expect(unnamedIn('retention', { followUpCallback: null, contact: { plan: 'standard', extra: true } })).toEqual(['/contact/extra']);
  });
});

describe.each(shippedPolicySets().map((dir) => ({ dir, name: relative(ROOT, dir) })))('outputs of $name', ({ dir }) => {
  const set = loadValidPolicyDir(dir);
  const policy = CompiledPolicy.compile(set);
  const seeds = inputs.seedsOf(set);
  const { numbers, strings } = materialOf(set);
  const seedsFor = (decision: string) => decision === 'client-profile'
    ? [...(seeds.get(decision) ?? []), ...inputs.combinedSeeds(seeds, CLIENT_RECORD, 60)]
    : seeds.get(decision) ?? [];

  it('serves every decision', () => {
    expect([...policy.decisionNames].sort()).toEqual([...DECISION_NAMES].sort());
  });

  // The fuzz found this one: a tiny averageAssets made the derived turnover Infinity, which a client received as null.
  it('classification refuses a turnover too large for a number, naming averageAssets', () => {
    const seed = seedsFor('classification').find((s) => typeof s.input.assets === 'number')!;
    expect(() => policy.decideSync('classification', { assets: seed.input.assets, tradingVolume: 1, averageAssets: Number.MIN_VALUE }, { at: FROZEN_NOW }))
      .toThrow(expect.objectContaining({ code: 'BAD_INPUT', details: [{ field: '/averageAssets', message: expect.stringMatching(/not a finite number/), params: { reason: 'turnoverNotFinite' } }] }));
  });

  it.each([...DECISION_NAMES])('%s: every output validates against its schema', (decision) => {
    const list = seedsFor(decision);
    expect(list.length).toBeGreaterThan(0);
    const checked: Checked = { decided: 0, outputs: [] };
    for (const seed of list) check(policy, decision, seed, checked);
    for (const seed of inputs.boundaryInputs(list.slice(0, 3), numbers.filter((_, i) => i % 7 === 0))) check(policy, decision, seed, checked);
    fc.assert(fc.property(inputs.mutatedInputs(list, numbers, strings), (seed) => check(policy, decision, seed, checked)), { numRuns: RUNS });
    // Not vacuous: a fair share is decided.
    expect(checked.decided).toBeGreaterThan(RUNS / 4);

    // And what was decided fails once broken: each required field dropped, each top-level field of another type.
    const validate = validatorOf(decision);
    const required = (validate.schema as { required: string[] }).required;
    for (const output of checked.outputs.slice(0, 5)) {
      for (const key of required) {
        const { [key]: _dropped, ...rest } = output;
        expect(validate(rest), `${decision} without ${key}`).toBe(false);
      }
      for (const [key, value] of Object.entries(output)) {
        expect(validate({ ...output, [key]: typeof value === 'string' ? 42 : 'not this' }), `${decision} with ${key} mistyped`).toBe(false);
      }
    }
  }, 120_000);
});
