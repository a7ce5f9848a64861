import { describe, expect, it } from 'vitest';
import { heatStep, orderOutcomes, transitionTable } from '../../editor/src/lib/transitions.ts';
import { outcomeCatalogue } from '../../editor/src/lib/labels.ts';
import { ruleDocs } from './helpers.ts';

const matrix = { B: { A: 32, B: 133 }, 'D-': { 'C-': 150, 'D-': 602 }, F: { E: 267, F: 1053 }, A: { A: 107 } };

describe('transitionTable', () => {
  const classification = ruleDocs().classification;
  const { order, labels } = outcomeCatalogue(classification, ['A', 'B']);
  const table = transitionTable(matrix, order, labels, 'zh');

  it('lays rows and columns out in the policy\'s own class order, labelled from it', () => {
    expect(table.columns.map((c) => c.id)).toEqual(['A', 'B', 'C-', 'D-', 'E', 'F']);
    expect(table.rows.map((r) => r.label)).toEqual(['A类客户', 'B类客户', 'D-类客户', 'F类客户']);
  });

  it('counts totals and moves per row and overall', () => {
    expect(table.total).toBe(32 + 133 + 150 + 602 + 267 + 1053 + 107);
    expect(table.changed).toBe(32 + 150 + 267);
    expect(table.rows.find((r) => r.from === 'F')).toMatchObject({ total: 1320, moved: 267 });
    expect(table.columns.find((c) => c.id === 'A')!.total).toBe(139);
  });

  it('heats moves relative to the largest and leaves the diagonal cold', () => {
    const cell = (from: string, to: string) => table.rows.find((r) => r.from === from)!.cells.find((c) => c.to === to)!;
    expect(cell('F', 'E')).toMatchObject({ count: 267, heat: 1, diagonal: false });
    expect(cell('F', 'F')).toMatchObject({ count: 1053, heat: 0, diagonal: true });
    expect(cell('B', 'A').heat).toBeCloseTo(32 / 267);
    expect(cell('A', 'F')).toMatchObject({ count: 0, heat: 0 });
  });

  it('lists the moves largest first with both labels', () => {
    expect(table.moves.map((m) => `${m.fromLabel}→${m.toLabel}:${m.count}`)).toEqual(['F类客户→E类客户:267', 'D-类客户→C-类客户:150', 'B类客户→A类客户:32']);
  });

  it('speaks English when asked', () => {
    expect(transitionTable(matrix, order, labels, 'en').rows[0]!.label).toBe('Class A');
  });

  it('handles an unchanged run (nothing moves, nothing is hot)', () => {
    const still = transitionTable({ A: { A: 5 } }, order, labels, 'zh');
    expect(still.changed).toBe(0);
    expect(still.moves).toEqual([]);
  });
});

describe('orderOutcomes', () => {
  it('puts ids the catalogue does not know after the known ones, sorted', () => {
    expect(orderOutcomes({ z: { a: 1 }, b: { y: 2 } }, ['b', 'a'])).toEqual(['b', 'a', 'y', 'z']);
  });
});

describe('heatStep', () => {
  it.each([[0, 0], [0.01, 1], [0.2, 1], [0.21, 2], [0.5, 3], [0.99, 5], [1, 5]])('%f → %i', (heat, step) => {
    expect(heatStep(heat)).toBe(step);
  });
});
