// The impact preview's transition table: the server's matrix {from: {to: count}} laid out as
// rows and columns in the policy's own order, with a heat level for each cell so that where
// clients move stands out, and the moves listed largest first.
import { localise, type Label, type Lang } from './labels.ts';

export interface TransitionCell {
  to: string;
  count: number;
  /** 0 (none) … 1 (the largest move); 0 on the diagonal, which is "unchanged". */
  heat: number;
  diagonal: boolean;
}

export interface TransitionRow {
  from: string;
  label: string;
  cells: TransitionCell[];
  total: number;
  moved: number;
}

export interface TransitionTable {
  columns: { id: string; label: string; total: number }[];
  rows: TransitionRow[];
  total: number;
  changed: number;
  moves: { from: string; to: string; fromLabel: string; toLabel: string; count: number }[];
}

export type Matrix = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Ids in the catalogue's order first, then any the catalogue does not know, sorted. */
export function orderOutcomes(matrix: Matrix, order: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const [from, row] of Object.entries(matrix)) {
    seen.add(from);
    for (const to of Object.keys(row)) seen.add(to);
  }
  const known = order.filter((id) => seen.has(id));
  const unknown = [...seen].filter((id) => !order.includes(id)).sort();
  return [...known, ...unknown];
}

export function transitionTable(matrix: Matrix, order: readonly string[], labels: ReadonlyMap<string, Label>, lang: Lang): TransitionTable {
  const ids = orderOutcomes(matrix, order);
  const name = (id: string): string => localise(labels.get(id), lang, id);
  let maxMove = 0;
  for (const [from, row] of Object.entries(matrix)) {
    for (const [to, count] of Object.entries(row)) if (from !== to) maxMove = Math.max(maxMove, count);
  }
  const rows: TransitionRow[] = ids.filter((from) => matrix[from] !== undefined).map((from) => {
    const row = matrix[from] ?? {};
    const cells = ids.map((to) => {
      const count = row[to] ?? 0;
      const diagonal = from === to;
      return { to, count, diagonal, heat: diagonal || maxMove === 0 ? 0 : count / maxMove };
    });
    const total = cells.reduce((s, c) => s + c.count, 0);
    return { from, label: name(from), cells, total, moved: total - (row[from] ?? 0) };
  });
  const columns = ids.map((id) => ({ id, label: name(id), total: rows.reduce((s, r) => s + (r.cells.find((c) => c.to === id)?.count ?? 0), 0) }));
  const moves = rows.flatMap((r) => r.cells.filter((c) => !c.diagonal && c.count > 0)
    .map((c) => ({ from: r.from, to: c.to, fromLabel: r.label, toLabel: name(c.to), count: c.count })))
    .sort((a, b) => b.count - a.count || ids.indexOf(a.from) - ids.indexOf(b.from));
  const total = rows.reduce((s, r) => s + r.total, 0);
  return { columns, rows, total, changed: rows.reduce((s, r) => s + r.moved, 0), moves };
}

/** Five heat steps are easier to tell apart (and to test) than a continuous scale. */
export function heatStep(heat: number): 0 | 1 | 2 | 3 | 4 | 5 {
  if (heat <= 0) return 0;
  return Math.min(5, Math.max(1, Math.ceil(heat * 5))) as 1 | 2 | 3 | 4 | 5;
}
