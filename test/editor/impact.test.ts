// An impact preview's result in words, and whether it still belongs to what is on screen.
import { describe, expect, it } from 'vitest';
import { clientsVerdict, impactVerdict, runKey } from '../../editor/src/lib/impact.ts';

describe('impactVerdict', () => {
  it('says nobody could be decided when every client failed, instead of "no client changes"', () => {
    const errors = [0, 1, 2].map((index) => ({ index, code: 'BAD_INPUT', message: '/assets: is required' }));
    expect(impactVerdict({ total: 3, changed: 0, errors })).toEqual({ kind: 'all-undecidable', total: 3 });
  });
  it('says no client changes only when some were decided', () => {
    expect(impactVerdict({ total: 3, changed: 0, errors: [{ index: 0, code: 'BAD_INPUT', message: 'x' }] })).toEqual({ kind: 'none', total: 3, undecidable: 1 });
    expect(impactVerdict({ total: 3, changed: 0, errors: [] })).toEqual({ kind: 'none', total: 3, undecidable: 0 });
  });
  it('counts the clients that change', () => {
    expect(impactVerdict({ total: 5000, changed: 120 })).toEqual({ kind: 'changed', total: 5000, changed: 120, undecidable: 0 });
  });
  it('has nothing to say about no clients at all', () => {
    expect(impactVerdict({ total: 0, changed: 0, errors: [] }).kind).toBe('no-clients');
  });
});

describe('clientsVerdict', () => {
  it('stops a file whose every line is unreadable before it runs', () => {
    expect(clientsVerdict(0, 4)).toEqual({ kind: 'no-clients', unreadable: 4 });
    expect(clientsVerdict(3, 1)).toBeUndefined();
  });
});

describe('runKey', () => {
  it('differs when the draft, the decision or the clients differ, and only then', () => {
    const a = runKey({ candidate: { override: 'classification: {turnoverThreshold: 2.5}' }, decision: 'classification', clients: 'sample' });
    expect(runKey({ candidate: { override: 'classification: {turnoverThreshold: 2.5}' }, decision: 'classification', clients: 'sample' })).toBe(a);
    expect(runKey({ candidate: { override: 'classification: {turnoverThreshold: 2.6}' }, decision: 'classification', clients: 'sample' })).not.toBe(a);
    expect(runKey({ candidate: { override: 'classification: {turnoverThreshold: 2.5}' }, decision: 'vip', clients: 'sample' })).not.toBe(a);
    expect(runKey({ candidate: { override: 'classification: {turnoverThreshold: 2.5}' }, decision: 'classification', clients: 'file:a.csv:3' })).not.toBe(a);
  });
});
