// retention: a transfer or closure request always proceeds (the output says so with the policy's
// statement) and completes within the policy's limit once related business is settled. Who
// contacts the client, and how fast, is one json-rules-engine rule (the priority condition);
// the follow-up callback is the callbacks decision's, for a transfer requested at that time.
import { badInput } from '../../errors.ts';
import type { FactType } from '../../policy/conditions.ts';
import type { ClassificationDoc } from '../../policy/model/classification.ts';
import type { RetentionDoc } from '../../policy/model/retention.ts';
import type { VipDoc } from '../../policy/model/vip.ts';
import { deadline, formatInstant, parseInstant } from '../calendar.ts';
import { asTopLevel, catalogueId, requireSuppliedFacts } from '../conditions.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { RuleRunner, type TraceStep } from '../rules.ts';
import { vipTierOf } from './callbacks.ts';
import { calendarFrom, onCalendar, optionalDoc } from './complaint.ts';

const SUPPLIED: Readonly<Record<string, FactType>> = { class: 'string', vipTier: 'string' };
const PRIORITY_RULE = 'priority-contact';

export const retention: DecisionDefinition = {
  name: 'retention',
  kinds: ['retention', 'classification', 'callbacks', 'complaint', 'vip'],
  inputSchema: 'decisions/retention.input.schema.json',
  compile(policy) {
    const doc = policy.doc<RetentionDoc>('retention');
    requireSuppliedFacts(policy, 'retention', doc.facts, SUPPLIED);
    const cal = calendarFrom(policy, 'retention', doc.calendarFrom);
    const classes = policy.doc<ClassificationDoc>('classification').classes;
    const vip = optionalDoc<VipDoc>(policy, 'vip');
    const runner = new RuleRunner([{
      id: PRIORITY_RULE,
      conditions: asTopLevel(doc.contact.priority.when),
      event: { type: 'contact', params: { plan: 'priority' } },
      source: policy.source('retention', '/contact/priority/when'),
    }]);

    return {
      *evaluate(input, ctx) {
        const upstream: TraceStep[] = [];
        let cls: string;
        if (input.class !== undefined) {
          cls = catalogueId(classes, String(input.class), '/class', 'client class');
        } else {
          if (input.assets === undefined) throw badInput('/class', 'is required (or give the classification inputs: assets and turnover)', { reason: 'classRequired' });
          const decided = yield* ctx.decide('classification', input);
          cls = String(decided.output.class);
          upstream.push(...(decided.trace ?? []));
        }
        const vipTier = vipTierOf(input.vipTier, vip);
        const offset = cal.offsetMinutes;
        const requestedAt = parseInstant(String(input.requestedAt), offset);
        const settledAt = input.settledAt === undefined ? undefined : parseInstant(String(input.settledAt), offset);
        // Counted from the later of the request and the settlement of related business.
        const startsAt = settledAt && settledAt > requestedAt ? settledAt : requestedAt;
        const completeBy = onCalendar(startsAt === settledAt ? '/settledAt' : '/requestedAt', () => deadline(startsAt, doc.completion.within, cal));

        const { fired, trace } = yield* runner.steps({ class: cls, vipTier }, ctx.explain);
        const planId = fired.length > 0 ? 'priority' : 'standard';
        const plan = doc.contact[planId];
        const contactBy = onCalendar('/requestedAt', () => deadline(requestedAt, plan.within, cal));

        // Only what a follow-up trigger may read: other event dates would add unrelated callbacks.
        const client = Object.fromEntries(['vipTier', 'dormant', 'suspended'].filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
        const followUp = yield* ctx.decide('callbacks', { ...client, transferOrClosureAt: input.requestedAt });
        const callback = (followUp.output.callbacks as { id: string; dueAt: string }[]).find((c) => c.id === doc.followUpCallback);
        const at = (d: Date) => formatInstant(d, offset);
        const output = {
          proceed: true,
          statement: labelled(doc.proceed.statement),
          class: cls,
          classLabel: classes[cls]!.label.zh,
          vipTier,
          requestedAt: at(requestedAt),
          ...(settledAt ? { settledAt: at(settledAt) } : {}),
          completeBy: at(completeBy),
          completion: labelled(doc.completion.label),
          contact: { plan: planId, ...labelled(plan.label), contactBy: at(contactBy), by: plan.by.zh, byEn: plan.by.en },
          followUpCallback: callback ?? null,
          followUpCallbackBy: callback?.dueAt ?? null,
        };
        if (!ctx.explain) return { output };
        const steps = (trace ?? []).map((s) => ({ ...s, outcome: { contact: planId } }));
        const callbackSteps = (followUp.trace ?? []).filter((s) => s.rule === doc.followUpCallback);
        return { output, trace: [...upstream, ...steps, ...callbackSteps] };
      },
    };
  },
};
