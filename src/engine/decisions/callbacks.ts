// callbacks: which callbacks a client is due, by when, and what each covers; and whether the
// client belongs to the population of the annual sample. Each callback type compiles to one
// json-rules-engine rule: its trigger, plus — when it counts from an event date — that the date
// is given and no callback of the type was completed since. Due dates are calendar arithmetic.
import type { TopLevelCondition } from 'json-rules-engine';
import { badInput } from '../../errors.ts';
import type { FactType } from '../../policy/conditions.ts';
import type { Diagnostic } from '../../policy/diagnostics.ts';
import type { CallbacksDoc, CallbackType } from '../../policy/model/callbacks.ts';
import { NO_TIER, type VipDoc } from '../../policy/model/vip.ts';
import { childPointer } from '../../policy/pointer.ts';
import { deadline, endOfPeriod, formatInstant, localYear, parseInstant, type Calendar } from '../calendar.ts';
import { asTopLevel, catalogueId, requireSuppliedFacts } from '../conditions.ts';
import { labelled, PolicyCompileError, type DecisionDefinition, type PolicyView } from '../decision.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';
import { calendarFrom, onCalendar, optionalDoc } from './complaint.ts';

/** Input dates a callback may count from; each is also a boolean fact, true when the date is given. */
const EVENT_DATES = ['accountOpenedAt', 'lastWarnSaleAt', 'complaintClosedAt', 'transferOrClosureAt'] as const;

const SUPPLIED: Readonly<Record<string, FactType>> = {
  ...Object.fromEntries(EVENT_DATES.map((e) => [e, 'boolean' as const])),
  openedBeforeThisYear: 'boolean',
  vipTier: 'string',
  dormant: 'boolean',
  suspended: 'boolean',
};

/** Engine-internal fact: the event-driven callback types completed on or after their event. */
const DONE_FACT = 'completedSinceEvent';
const SAMPLE_RULE = 'annual-sample';

/** The VIP tier id an input names (id, Chinese name, or none); free text when the set has no vip policy. */
export function vipTierOf(given: unknown, vip: VipDoc | undefined): string {
  if (given === undefined || given === NO_TIER) return NO_TIER;
  const text = String(given);
  if (!vip) return text;
  if (text === vip.nonVip.label.zh) return NO_TIER;
  return catalogueId(vip.tiers, text, '/vipTier', `VIP tier (or ${NO_TIER})`);
}

function ruleOf(policy: PolicyView, id: string, type: CallbackType): RuleSpec {
  const trigger = asTopLevel(type.trigger);
  const after = 'after' in type.due ? type.due.after : undefined;
  const guarded = after !== undefined && 'all' in trigger &&
    trigger.all.some((c) => 'fact' in c && c.fact === after && c.operator === 'equal' && c.value === true);
  const conditions: TopLevelCondition = after === undefined ? trigger : { all: [
    ...(guarded ? [] : [{ fact: after, operator: 'equal', value: true }]),
    trigger,
    { fact: DONE_FACT, operator: 'doesNotContain', value: id },
  ] };
  return { id, conditions, event: { type: 'callback', params: { callback: id } }, source: policy.source('callbacks', childPointer('/types', id, 'trigger')) };
}

/** Every `due.after` must name an input date this decision reads. */
function requireEventDates(policy: PolicyView, doc: CallbacksDoc): void {
  const diagnostics: Diagnostic[] = Object.entries(doc.types).flatMap(([id, type]): Diagnostic[] => {
    if (!('after' in type.due) || (EVENT_DATES as readonly string[]).includes(type.due.after)) return [];
    return [{ ...policy.source('callbacks', childPointer('/types', id, 'due', 'after')), kind: 'callbacks', severity: 'error', code: 'REFERENCE_UNRESOLVED', message: `The callbacks decision reads no date "${type.due.after}"; it reads ${EVENT_DATES.join(', ')}.`, params: { reason: 'notReadDate', value: type.due.after, known: EVENT_DATES } }];
  });
  if (diagnostics.length > 0) throw new PolicyCompileError(diagnostics);
}

function dueOf(id: string, type: CallbackType, dates: Record<string, Date>, completed: Record<string, Date>, at: Date, cal: Calendar): Date {
  if ('after' in type.due) {
    const { after, amount, unit } = type.due;
    return onCalendar(`/${after}`, () => deadline(dates[after]!, { amount, unit }, cal));
  }
  // Once a period: due by the end of the period after the last one done, else of the current one.
  const done = completed[id];
  return done ? endOfPeriod(new Date(endOfPeriod(done, type.due.every, cal.offsetMinutes).getTime() + 1), type.due.every, cal.offsetMinutes)
    : endOfPeriod(at, type.due.every, cal.offsetMinutes);
}

export const callbacks: DecisionDefinition = {
  name: 'callbacks',
  kinds: ['callbacks', 'complaint', 'vip'],
  inputSchema: 'decisions/callbacks.input.schema.json',
  compile(policy) {
    const doc = policy.doc<CallbacksDoc>('callbacks');
    requireSuppliedFacts(policy, 'callbacks', doc.facts, SUPPLIED);
    requireEventDates(policy, doc);
    const cal = calendarFrom(policy, 'callbacks', doc.calendarFrom);
    const vip = optionalDoc<VipDoc>(policy, 'vip');
    const runner = new RuleRunner([
      ...Object.entries(doc.types).map(([id, type]) => ruleOf(policy, id, type)),
      { id: SAMPLE_RULE, conditions: asTopLevel(doc.annualSample.population), event: { type: 'sample' }, source: policy.source('callbacks', '/annualSample/population') },
    ]);
    const itemsOf = (ids: readonly string[]) => ids.map((item) => ({ id: item, ...labelled(doc.items[item]!.label) }));

    return {
      *evaluate(input, ctx) {
        const offset = cal.offsetMinutes;
        const dates: Record<string, Date> = {};
        for (const e of EVENT_DATES) if (input[e] !== undefined) dates[e] = parseInstant(String(input[e]), offset);
        const completed: Record<string, Date> = {};
        for (const [id, when] of Object.entries((input.completed as Record<string, string> | undefined) ?? {})) {
          if (!Object.prototype.hasOwnProperty.call(doc.types, id)) throw badInput(childPointer('/completed', id), `"${id}" is not a callback type; types: ${Object.keys(doc.types).join(', ')}`, { reason: 'notDeclared', value: id, known: Object.keys(doc.types) });
          completed[id] = parseInstant(when, offset);
        }
        const vipTier = vipTierOf(input.vipTier, vip);
        const doneSinceEvent = Object.entries(doc.types).filter(([id, type]) => {
          const event = 'after' in type.due ? dates[type.due.after] : undefined;
          return event !== undefined && completed[id] !== undefined && completed[id] >= event;
        }).map(([id]) => id);
        const opened = dates.accountOpenedAt;
        const facts = {
          ...Object.fromEntries(EVENT_DATES.map((e) => [e, dates[e] !== undefined])),
          openedBeforeThisYear: opened !== undefined && localYear(opened, offset) < localYear(ctx.at, offset),
          vipTier,
          dormant: input.dormant === true,
          suspended: input.suspended === true,
          [DONE_FACT]: doneSinceEvent,
        };
        const { fired, trace } = yield* runner.steps(facts, ctx.explain);

        const due = fired.filter((r) => r.id !== SAMPLE_RULE).map((rule, order) => {
          const type = doc.types[rule.id]!;
          const dueAt = dueOf(rule.id, type, dates, completed, ctx.at, cal);
          const basis = 'after' in type.due
            ? { after: type.due.after, eventAt: formatInstant(dates[type.due.after]!, offset) }
            : { every: type.due.every, ...(completed[rule.id] ? { lastCompletedAt: formatInstant(completed[rule.id]!, offset) } : {}) };
          return { order, dueAt, entry: { id: rule.id, ...labelled(type.label), ...basis, dueAt: formatInstant(dueAt, offset), overdue: ctx.at > dueAt, items: itemsOf(type.items) } };
        }).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.order - b.order);

        const sample = doc.annualSample;
        const output = {
          callbacks: due.map((d) => d.entry),
          annualSample: { eligible: fired.some((r) => r.id === SAMPLE_RULE), ratio: sample.ratio, year: localYear(ctx.at, offset), ...labelled(sample.label), items: itemsOf(sample.items) },
          vipTier,
        };
        if (!trace) return { output };
        const dueById = new Map(due.map((d) => [d.entry.id, d.entry.dueAt]));
        return {
          output,
          trace: trace.map((s) => !s.fired ? s : { ...s, outcome: s.rule === SAMPLE_RULE ? { annualSample: true } : { callback: s.rule, dueAt: dueById.get(s.rule) } }),
        };
      },
    };
  },
};
