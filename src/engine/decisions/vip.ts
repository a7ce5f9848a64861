// vip: the highest tier whose thresholds the client meets (one json-rules-engine rule per tier,
// higher tiers first), then the grace rule (a VIP below its current tier keeps it for a number
// of months) and the target-VIP rule (not a VIP, assets near the lowest tier), on a second run.
import type { TopLevelCondition } from 'json-rules-engine';
import type { VipDoc, VipService } from '../../policy/model/vip.ts';
import { NO_TIER } from '../../policy/model/vip.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { catalogueId } from '../conditions.ts';
import { Interned } from '../interned.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/** Money in CNY is compared to the cent; this keeps 0.8 × 500000 from drifting past it. */
const toCents = (amount: number) => Math.round(amount * 100) / 100;

function serviceOf(s: VipService) {
  return {
    dedicatedManager: s.dedicatedManager,
    firstResponse: { amount: s.firstResponse.amount, unit: s.firstResponse.unit, ...labelled(s.firstResponse.label) },
    research: labelled(s.research),
    events: labelled(s.events),
    fastTradingChannel: s.fastTradingChannel,
  };
}

export const vip: DecisionDefinition = {
  name: 'vip',
  kinds: ['vip'],
  inputSchema: 'decisions/vip.input.schema.json',
  compile(policy) {
    const doc = policy.doc<VipDoc>('vip');
    const tierIds = Object.keys(doc.tiers);
    const rankOf = new Map(tierIds.map((id, i) => [id, i + 1]));
    const tiers = new RuleRunner(tierIds.map((id, i): RuleSpec => {
      const t = doc.tiers[id]!.thresholds;
      return {
        id,
        conditions: { any: [
          { fact: 'avgDailyAssets3m', operator: 'greaterThanInclusive', value: t.avgDailyAssets3m },
          ...(t.annualCommission !== undefined ? [{ fact: 'annualCommission', operator: 'greaterThanInclusive', value: t.annualCommission }] : []),
        ] },
        event: { type: 'tier', params: { tier: id } },
        priority: i + 1,
        source: policy.source('vip', childPointer('/tiers', id, 'thresholds')),
      };
    }));

    const lowest = tierIds[0]!;
    const targetAssets = toCents(doc.target.assetsRatio * doc.tiers[lowest]!.thresholds.avgDailyAssets3m);
    const status = new RuleRunner([
      {
        id: 'grace',
        conditions: { all: [
          { fact: 'belowCurrentTier', operator: 'equal', value: true },
          { fact: 'monthsBelowTier', operator: 'lessThan', value: doc.grace.months },
        ] },
        event: { type: 'grace' },
        source: policy.source('vip', '/grace/months'),
      },
      {
        id: 'target',
        conditions: { all: [
          { fact: 'qualifiedRank', operator: 'equal', value: 0 },
          { fact: 'avgDailyAssets3m', operator: 'greaterThanInclusive', value: targetAssets },
        ] } as TopLevelCondition,
        event: { type: 'target' },
        source: policy.source('vip', '/target/assetsRatio'),
      },
    ]);

    const outputs = new Interned<Record<string, unknown>>();
    return {
      *evaluate(input, ctx) {
        const given = input.currentTier as string | undefined;
        const currentTier = given === undefined || given === NO_TIER || given === doc.nonVip.label.zh
          ? NO_TIER
          : catalogueId(doc.tiers, given, '/currentTier', `VIP tier (or ${NO_TIER})`);
        const monthsBelowTier = (input.monthsBelowTier as number | undefined) ?? 0;

        const first = yield* tiers.steps({ avgDailyAssets3m: input.avgDailyAssets3m, annualCommission: input.annualCommission }, ctx.explain);
        const qualifiedTier = first.fired[0]?.id ?? NO_TIER;
        const qualifiedRank = rankOf.get(qualifiedTier) ?? 0;
        const currentRank = rankOf.get(currentTier) ?? 0;
        const second = yield* status.steps({
          avgDailyAssets3m: input.avgDailyAssets3m,
          qualifiedRank,
          belowCurrentTier: currentRank > qualifiedRank,
          monthsBelowTier,
        }, ctx.explain);
        const graceApplied = second.fired.some((r) => r.id === 'grace');
        // A VIP kept on by grace is still a VIP, so never a target.
        const target = !graceApplied && second.fired.some((r) => r.id === 'target');
        const tier = graceApplied ? currentTier : qualifiedTier;
        const tierDoc = tier === NO_TIER ? undefined : doc.tiers[tier]!;

        const graceMonthsLeft = graceApplied ? doc.grace.months - monthsBelowTier : null;
        // Everything in the output follows from these few values: one shared object each.
        const output = outputs.get(`${tier}\u0000${qualifiedTier}\u0000${target}\u0000${graceMonthsLeft}`, () => ({
          tier,
          ...labelled(tierDoc ? tierDoc.label : doc.nonVip.label),
          qualifiedTier,
          qualifiedTierLabel: (qualifiedTier === NO_TIER ? doc.nonVip.label : doc.tiers[qualifiedTier]!.label).zh,
          target,
          ...(target ? { targetLabel: doc.target.label.zh } : {}),
          graceApplied,
          graceMonthsLeft,
          service: tierDoc ? serviceOf(tierDoc.service) : null,
        }));
        if (!ctx.explain) return { output };
        const trace = [
          ...(first.trace ?? []).map((s) => (s.rule === qualifiedTier ? { ...s, outcome: { tier: qualifiedTier } } : s)),
          ...(second.trace ?? []).map((s) => (s.fired ? { ...s, outcome: s.rule === 'grace' ? { tier: currentTier, graceApplied } : { target } } : s)),
        ];
        return { output, trace };
      },
    };
  },
};
