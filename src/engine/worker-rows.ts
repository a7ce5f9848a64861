// CSV rows to decision inputs inside a batch worker, with rowToInput's (src/cli/rows.ts) exact
// results, planned once per header instead of worked out again for every cell: each column's
// path, schema node and cell reader are worked out once. A header whose rows rowToInput would treat in its own ways (repeated or
// index-like names, a column inside another, reserved names) keeps rowToInput itself.
import { blankCell, cellReader, columnNode, rowToInput, type SchemaNode } from '../cli/rows.ts';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

interface Column {
  path: string[];
  convert: (raw: string) => unknown;
}

/** Can these columns be read cell by cell, in header order, with rowToInput's results? */
function plain(columns: readonly string[]): boolean {
  if (new Set(columns).size !== columns.length) return false;
  const paths = new Set(columns);
  return columns.every((c) => {
    // Index-like names come first in an object's key order, not in header order.
    if (/^(0|[1-9]\d*)$/.test(c)) return false;
    const segments = c.split('.');
    if (segments.some((s) => RESERVED.has(s))) return false;
    // A value at a path another column descends into.
    return !segments.slice(1).some((_, i) => paths.has(segments.slice(0, i + 1).join('.')));
  });
}

/** A function from a row's cells (in header order) to the decision input. */
export function rowReader(columns: readonly string[], schema: SchemaNode | undefined): (cells: readonly string[]) => Record<string, unknown> {
  if (!plain(columns)) {
    return (cells) => {
      const record: Record<string, string> = {};
      const n = Math.min(cells.length, columns.length);
      for (let c = 0; c < n; c++) record[columns[c]!] = cells[c]!;
      return rowToInput(record, schema);
    };
  }
  const plan: Column[] = columns.map((column) => {
    const path = column.split('.');
    return { path, convert: cellReader(columnNode(schema, column, path)) };
  });
  return (cells) => {
    const input: Record<string, unknown> = {};
    const n = Math.min(cells.length, plan.length);
    for (let c = 0; c < n; c++) {
      const raw = cells[c]!;
      if (blankCell(raw)) continue;
      const { path, convert } = plan[c]!;
      let target = input;
      for (let i = 0; i < path.length - 1; i++) target = (target[path[i]!] ??= {}) as Record<string, unknown>;
      target[path[path.length - 1]!] = convert(raw);
    }
    return input;
  };
}
