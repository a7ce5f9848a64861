// classification: the class of a client from assets and turnover. Each tier × turnover group
// becomes one json-rules-engine rule; exactly one fires for a valid input.
import { badInput } from '../../errors.ts';
import type { ClassificationDoc } from '../../policy/model/classification.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/**
 * turnover as given, or tradingVolume / averageAssets (0 when averageAssets is 0). A quotient too
 * large for a number (a tiny averageAssets) is refused: JSON would carry it as null.
 */
export function turnoverOf(input: Record<string, unknown>): number {
  if (typeof input.turnover === 'number') return input.turnover;
  if (typeof input.tradingVolume === 'number' && typeof input.averageAssets === 'number') {
    if (input.averageAssets === 0) return 0;
    const turnover = input.tradingVolume / input.averageAssets;
    if (!Number.isFinite(turnover)) throw badInput('/averageAssets', 'is too small for tradingVolume: the turnover they give is not a finite number', { reason: 'turnoverNotFinite' });
    return turnover;
  }
  throw badInput('/turnover', 'is required (or give both tradingVolume and averageAssets to derive it)', { reason: 'turnoverRequired' });
}

export const classification: DecisionDefinition = {
  name: 'classification',
  kinds: ['classification'],
  inputSchema: 'decisions/classification.input.schema.json',
  compile(policy) {
    const doc = policy.doc<ClassificationDoc>('classification');
    const specs: RuleSpec[] = [];
    for (const [tierId, tier] of Object.entries(doc.tiers)) {
      for (const group of ['high', 'low'] as const) {
        specs.push({
          id: `${tierId}/${group}`,
          conditions: {
            all: [
              { fact: 'assets', operator: 'greaterThanInclusive', value: tier.min },
              ...(tier.max !== undefined ? [{ fact: 'assets', operator: 'lessThan', value: tier.max }] : []),
              { fact: 'turnover', operator: group === 'high' ? 'greaterThanInclusive' : 'lessThan', value: doc.turnoverThreshold },
            ],
          },
          event: { type: 'classified', params: { class: tier.classes[group], tier: tierId, group } },
          source: policy.source('classification', childPointer('/tiers', tierId, 'classes', group)),
        });
      }
    }
    const runner = new RuleRunner(specs);
    return {
      *evaluate(input, ctx) {
        const turnover = turnoverOf(input);
        const { fired, trace } = yield* runner.steps({ assets: input.assets, turnover }, ctx.explain);
        const rule = fired[0];
        if (!rule) throw badInput('/assets', 'no asset tier covers this value', { reason: 'noRule' });
        const { class: cls, tier, group } = rule.event.params as { class: string; tier: string; group: 'high' | 'low' };
        const output = {
          class: cls,
          ...labelled(doc.classes[cls]!.label),
          tier,
          tierLabel: doc.tiers[tier]!.label.zh,
          turnoverGroup: group,
          turnoverGroupLabel: doc.turnoverGroups[group].zh,
          turnover,
          turnoverThreshold: doc.turnoverThreshold,
        };
        return { output, ...(trace ? { trace: trace.map((s) => (s.fired ? { ...s, outcome: { class: cls } } : s)) } : {}) };
      },
    };
  },
};
