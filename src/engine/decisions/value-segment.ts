// value-segment: current and future value (high when any of the dimension's criteria holds),
// then the segment of that grid cell. Each criterion and each grid cell is a json-rules-engine
// rule; two runs: criteria first, then the cell their outcome picks. Facts the input leaves out
// are unknown: criteria on them do not hold, and the output lists them.
import { badInput } from '../../errors.ts';
import type { FactType } from '../../policy/conditions.ts';
import { DIMENSIONS, OCCUPATION_FACT, VALUE_LEVELS, type DimensionId, type ValueLevel, type ValueSegmentDoc } from '../../policy/model/value-segment.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { asTopLevel, catalogueId, requireSuppliedFacts } from '../conditions.ts';
import { Interned } from '../interned.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/** The facts this decision can put before the criteria (input fields of the same names). */
const SUPPLIED: Readonly<Record<string, FactType>> = {
  tradingVolume: 'number',
  assets: 'number',
  annualIncome: 'number',
  externalFinancialAssets: 'number',
  [OCCUPATION_FACT]: 'string',
};

function describeCriteria(doc: ValueSegmentDoc, dim: DimensionId, held: string[]) {
  return held.map((id) => ({ id, ...labelled(doc.dimensions[dim].criteria[id]!.label) }));
}

export const valueSegment: DecisionDefinition = {
  name: 'value-segment',
  kinds: ['value-segment'],
  inputSchema: 'decisions/value-segment.input.schema.json',
  compile(policy) {
    const doc = policy.doc<ValueSegmentDoc>('value-segment');
    requireSuppliedFacts(policy, 'value-segment', doc.facts, SUPPLIED);
    const criteria = new RuleRunner(DIMENSIONS.flatMap((dim) =>
      Object.entries(doc.dimensions[dim].criteria).map(([id, c]): RuleSpec => ({
        id: `${dim}/${id}`,
        conditions: asTopLevel(c.when),
        event: { type: 'criterion', params: { dimension: dim, criterion: id } },
        source: policy.source('value-segment', childPointer('/dimensions', dim, 'criteria', id, 'when')),
      }))));
    const grid = new RuleRunner(VALUE_LEVELS.flatMap((current) => VALUE_LEVELS.map((future): RuleSpec => ({
      id: `grid/${current}/${future}`,
      conditions: { all: [
        { fact: 'currentValue', operator: 'equal', value: current },
        { fact: 'futureValue', operator: 'equal', value: future },
      ] },
      event: { type: 'segment', params: { segment: doc.grid[current][future] } },
      source: policy.source('value-segment', childPointer('/grid', current, future)),
    }))));

    const outputs = new Interned<Record<string, unknown>>();
    return {
      *evaluate(input, ctx) {
        const facts: Record<string, unknown> = {};
        const unknownFacts: string[] = [];
        for (const name of Object.keys(doc.facts)) {
          let value = input[name];
          if (value === undefined) unknownFacts.push(name);
          else if (name === OCCUPATION_FACT) value = catalogueId(doc.occupations, String(value), `/${OCCUPATION_FACT}`, 'occupation');
          facts[name] = value ?? null;
        }
        const first = yield* criteria.steps(facts, ctx.explain);
        const held: Record<DimensionId, string[]> = { current: [], future: [] };
        for (const rule of first.fired) {
          const { dimension, criterion } = rule.event.params as { dimension: DimensionId; criterion: string };
          held[dimension].push(criterion);
        }
        const currentValue: ValueLevel = held.current.length > 0 ? 'high' : 'low';
        const futureValue: ValueLevel = held.future.length > 0 ? 'high' : 'low';
        const second = yield* grid.steps({ currentValue, futureValue }, ctx.explain);
        const cell = second.fired[0];
        if (!cell) throw badInput('', 'no grid cell of the value-segment policy applies', { reason: 'noRule' });
        const segment = String(cell.event.params!.segment);
        const occupation = typeof facts[OCCUPATION_FACT] === 'string' ? facts[OCCUPATION_FACT] : undefined;
        // The output follows from the cell, the criteria held, the occupation and the unknown facts.
        const key = `${segment}\u0000${held.current.join(',')}\u0000${held.future.join(',')}\u0000${occupation ?? ''}\u0000${unknownFacts.join(',')}`;
        const output = outputs.get(key, () => ({
          segment,
          ...labelled(doc.segments[segment]!.label),
          currentValue,
          currentValueLabel: doc.levels[currentValue].zh,
          futureValue,
          futureValueLabel: doc.levels[futureValue].zh,
          criteria: { current: describeCriteria(doc, 'current', held.current), future: describeCriteria(doc, 'future', held.future) },
          ...(occupation !== undefined ? { occupation, occupationLabel: doc.occupations[occupation]!.label.zh } : {}),
          unknownFacts,
        }));
        if (!ctx.explain) return { output };
        const trace = [
          ...(first.trace ?? []).map((s) => (s.fired ? { ...s, outcome: { criterionHeld: true } } : s)),
          ...(second.trace ?? []).map((s) => (s.fired ? { ...s, outcome: { segment } } : s)),
        ];
        return { output, trace };
      },
    };
  },
};
