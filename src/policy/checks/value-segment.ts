// Semantic checks of the value-segment document: criteria conditions use declared facts and
// catalogue occupations, every grid cell names a declared segment, every segment is reachable.
import { checkCondition } from '../conditions.ts';
import type { Problem } from '../diagnostics.ts';
import type { CheckContext } from './index.ts';
import { DIMENSIONS, OCCUPATION_FACT, VALUE_LEVELS, type ValueSegmentDoc } from '../model/value-segment.ts';
import { childPointer } from '../pointer.ts';
import { withCatalogue } from './trading-style.ts';

export function checkValueSegment(doc: ValueSegmentDoc, _ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const facts = withCatalogue(doc.facts, OCCUPATION_FACT, doc.occupations);
  for (const dim of DIMENSIONS) {
    for (const [id, criterion] of Object.entries(doc.dimensions[dim].criteria)) {
      problems.push(...checkCondition(criterion.when, facts, childPointer('/dimensions', dim, 'criteria', id, 'when')));
    }
  }
  const reached = new Set<string>();
  for (const current of VALUE_LEVELS) {
    for (const future of VALUE_LEVELS) {
      const segment = doc.grid[current][future];
      reached.add(segment);
      if (!Object.prototype.hasOwnProperty.call(doc.segments, segment)) {
        problems.push({ path: childPointer('/grid', current, future), code: 'CLASS_UNDECLARED', message: `Segment "${segment}" is not declared under segments; declared: ${Object.keys(doc.segments).join(', ')}.`, params: { reason: 'notDeclared', value: segment, known: Object.keys(doc.segments), in: '/segments' } });
      }
    }
  }
  for (const segment of Object.keys(doc.segments)) {
    if (!reached.has(segment)) {
      problems.push({ path: childPointer('/segments', segment), code: 'CLASS_UNREACHABLE', message: `Segment "${segment}" is declared but no grid cell leads to it.`, atKey: true, params: { id: segment } });
    }
  }
  return problems;
}
