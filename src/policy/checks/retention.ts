// Semantic checks of the retention document: the priority-contact condition is sound and names
// client classes of the classification policy and VIP tiers of the vip policy, the follow-up
// callback is a type of the callbacks policy, and the calendar reference resolves.
import { checkCondition } from '../conditions.ts';
import type { Problem } from '../diagnostics.ts';
import type { CallbacksDoc } from '../model/callbacks.ts';
import type { ClassificationDoc } from '../model/classification.ts';
import type { RetentionDoc } from '../model/retention.ts';
import { checkVipTiers } from './callbacks.ts';
import { checkCalendarSource, checkComparedIds } from './complaint.ts';
import type { CheckContext } from './index.ts';

/** The fact the retention decision puts the client's class id in. */
export const CLASS_FACT = 'class';

export function checkRetention(doc: RetentionDoc, ctx: CheckContext): Problem[] {
  const problems = checkCalendarSource(doc.calendarFrom, ctx, '/calendarFrom');
  const when = { condition: doc.contact.priority.when, path: '/contact/priority/when' };
  problems.push(...checkCondition(when.condition, doc.facts, when.path));

  const classification = ctx.documents.get('classification') as ClassificationDoc | undefined;
  if (classification) {
    problems.push(...checkComparedIds(when.condition, CLASS_FACT, when.path, Object.keys(classification.classes), 'a class of the classification policy', [], { of: 'classification', in: '/classes' }));
  }
  problems.push(...checkVipTiers([when], ctx));

  const callbacks = ctx.documents.get('callbacks') as CallbacksDoc | undefined;
  if (callbacks && !Object.prototype.hasOwnProperty.call(callbacks.types, doc.followUpCallback)) {
    problems.push({
      path: '/followUpCallback',
      code: 'REFERENCE_UNRESOLVED',
      message: `"${doc.followUpCallback}" is not a callback type of the callbacks policy (${Object.keys(callbacks.types).join(', ')}).`,
      params: { reason: 'notDeclared', value: doc.followUpCallback, known: Object.keys(callbacks.types), of: 'callbacks', in: '/types' },
    });
  }
  return problems;
}
