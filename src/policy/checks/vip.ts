// Semantic checks of the vip document: each threshold strictly increases from one tier to the
// next (tiers are listed lowest first, and "highest tier met wins" relies on that order).
import type { Problem } from '../diagnostics.ts';
import type { CheckContext } from './index.ts';
import type { VipDoc } from '../model/vip.ts';
import { childPointer } from '../pointer.ts';

const METRICS = ['avgDailyAssets3m', 'annualCommission'] as const;

export function checkVip(doc: VipDoc, _ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  for (const metric of METRICS) {
    // A tier without this threshold cannot be met by it; compare with the last tier that has one.
    let previous: { id: string; value: number } | undefined;
    for (const [id, tier] of Object.entries(doc.tiers)) {
      const value = tier.thresholds[metric];
      if (value === undefined) continue;
      if (previous && value <= previous.value) {
        problems.push({
          path: childPointer('/tiers', id, 'thresholds', metric),
          code: 'THRESHOLD_NOT_INCREASING',
          message: `Tier "${id}" needs ${metric} ${value}, not above the lower tier "${previous.id}" (${previous.value}); list tiers lowest first with strictly increasing thresholds.`,
          params: { id, metric, value, other: previous.id, otherValue: previous.value },
        });
      }
      previous = { id, value };
    }
  }
  return problems;
}
