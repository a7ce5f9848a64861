// Semantic checks of the callbacks document: triggers and the sample population are sound
// conditions, every item named is in the items catalogue, each due date counts from a declared
// date fact, VIP tiers named exist in the vip policy, and the calendar reference resolves.
import { checkCondition, type Condition } from '../conditions.ts';
import type { Problem } from '../diagnostics.ts';
import type { CallbacksDoc } from '../model/callbacks.ts';
import { NO_TIER, type VipDoc } from '../model/vip.ts';
import { childPointer } from '../pointer.ts';
import { checkCalendarSource, checkComparedIds } from './complaint.ts';
import type { CheckContext } from './index.ts';

/** The fact decisions put VIP tier ids in; its values must be tier ids of the vip policy. */
export const VIP_TIER_FACT = 'vipTier';

/** Tier ids compared with `vipTier` must exist in the vip document; skipped when the set has none. */
export function checkVipTiers(conditions: readonly { condition: Condition; path: string }[], ctx: CheckContext): Problem[] {
  const vip = ctx.documents.get('vip') as VipDoc | undefined;
  if (!vip) return [];
  return conditions.flatMap(({ condition, path }) =>
    checkComparedIds(condition, VIP_TIER_FACT, path, Object.keys(vip.tiers), 'a VIP tier of the vip policy', [NO_TIER], { of: 'vip', in: '/tiers' }));
}

function checkItems(items: readonly string[], catalogue: CallbacksDoc['items'], path: string): Problem[] {
  return items.flatMap((item, i) => Object.prototype.hasOwnProperty.call(catalogue, item) ? [] : [{
    path: childPointer(path, i),
    code: 'REFERENCE_UNRESOLVED' as const,
    message: `Item "${item}" is not in the items catalogue (${Object.keys(catalogue).join(', ')}).`,
    params: { reason: 'notDeclared', value: item, known: Object.keys(catalogue), in: '/items' },
  }]);
}

export function checkCallbacks(doc: CallbacksDoc, ctx: CheckContext): Problem[] {
  const problems = checkCalendarSource(doc.calendarFrom, ctx, '/calendarFrom');
  const conditions: { condition: Condition; path: string }[] = [];
  for (const [id, type] of Object.entries(doc.types)) {
    const at = childPointer('/types', id);
    conditions.push({ condition: type.trigger, path: `${at}/trigger` });
    problems.push(...checkItems(type.items, doc.items, `${at}/items`));
    if ('after' in type.due) {
      const fact = Object.prototype.hasOwnProperty.call(doc.facts, type.due.after) ? doc.facts[type.due.after] : undefined;
      if (fact?.type !== 'boolean') {
        problems.push({
          path: `${at}/due/after`,
          code: 'REFERENCE_UNRESOLVED',
          message: `"${type.due.after}" is not a declared date fact (a boolean fact, true when that date is given); declared: ${Object.entries(doc.facts).filter(([, f]) => f.type === 'boolean').map(([n]) => n).join(', ')}.`,
          params: { reason: 'notDateFact', value: type.due.after, known: Object.entries(doc.facts).filter(([, f]) => f.type === 'boolean').map(([n]) => n) },
        });
      }
    }
  }
  conditions.push({ condition: doc.annualSample.population, path: '/annualSample/population' });
  problems.push(...checkItems(doc.annualSample.items, doc.items, '/annualSample/items'));
  for (const { condition, path } of conditions) problems.push(...checkCondition(condition, doc.facts, path));
  problems.push(...checkVipTiers(conditions, ctx));
  return problems;
}
