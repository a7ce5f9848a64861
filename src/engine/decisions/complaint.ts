// complaint: a complaint's severity (one json-rules-engine rule per severity, matching its id or
// Chinese name), the deadlines that follow from it on the working-day calendar, and where it is
// escalated (one rule per escalation target, on the policy's own conditions). Also how the
// kinds that count days find their calendar (`calendarFrom`, normally this document).
import { badInput } from '../../errors.ts';
import type { FactType } from '../../policy/conditions.ts';
import type { PolicyKind } from '../../policy/kinds.ts';
import type { CalendarData, ComplaintDoc } from '../../policy/model/complaint.ts';
import { childPointer } from '../../policy/pointer.ts';
import { addCalendarDays, buildCalendar, CalendarRangeError, deadline, endOfDay, formatInstant, parseInstant, type Calendar } from '../calendar.ts';
import { asTopLevel, requireSuppliedFacts } from '../conditions.ts';
import { labelled, PolicyCompileError, type DecisionDefinition, type PolicyView } from '../decision.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/** The calendar of the document `calendarFrom` names; a compile error at `calendarFrom` if it has none. */
export function calendarFrom(policy: PolicyView, kind: PolicyKind, from: string): Calendar {
  const data = policy.doc<{ calendar?: CalendarData }>(from as PolicyKind).calendar;
  if (!data) {
    throw new PolicyCompileError([{ ...policy.source(kind, '/calendarFrom'), kind, severity: 'error', code: 'REFERENCE_UNRESOLVED', message: `The ${from} document holds no calendar.`, params: { reason: 'noCalendar', value: from } }]);
  }
  return buildCalendar(data);
}

/** Run calendar arithmetic for the input date at `field`; a day past the calendar is BAD_INPUT naming it. */
export function onCalendar<T>(field: string, compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    if (err instanceof CalendarRangeError) throw badInput(field, err.message, { reason: 'outsideCalendar', value: err.day, from: err.from, to: err.to });
    throw err;
  }
}

/** A document a decision may do without (the vip policy), or undefined when the set has none. */
export function optionalDoc<T>(policy: PolicyView, kind: PolicyKind): T | undefined {
  try {
    return policy.doc<T>(kind);
  } catch (err) {
    if (err instanceof PolicyCompileError) return undefined;
    throw err;
  }
}

/** The facts escalation conditions may use (input fields of the same names). */
const SUPPLIED: Readonly<Record<string, FactType>> = { severity: 'string', extensionDays: 'number' };

export const complaint: DecisionDefinition = {
  name: 'complaint',
  kinds: ['complaint'],
  inputSchema: 'decisions/complaint.input.schema.json',
  compile(policy) {
    const doc = policy.doc<ComplaintDoc>('complaint');
    requireSuppliedFacts(policy, 'complaint', doc.facts, SUPPLIED);
    const cal = buildCalendar(doc.calendar);
    const severities = new RuleRunner(Object.entries(doc.severities).map(([id, s]): RuleSpec => ({
      id: `severity/${id}`,
      conditions: { all: [{ fact: 'severity', operator: 'in', value: [id, s.label.zh] }] },
      event: { type: 'severity', params: { severity: id } },
      source: policy.source('complaint', childPointer('/severities', id)),
    })));
    const escalations = new RuleRunner(Object.entries(doc.escalations).map(([id, e]): RuleSpec => ({
      id: `escalation/${id}`,
      conditions: asTopLevel(e.when),
      event: { type: 'escalate', params: { to: id } },
      source: policy.source('complaint', childPointer('/escalations', id, 'when')),
    })));

    return {
      *evaluate(input, ctx) {
        const given = String(input.severity);
        const chosen = yield* severities.steps({ severity: given }, ctx.explain);
        const severity = chosen.fired[0]?.event.params?.severity as string | undefined;
        if (severity === undefined) {
          const known = Object.entries(doc.severities).map(([id, s]) => `${id} (${s.label.zh})`).join(', ');
          throw badInput('/severity', `"${given}" is not a known severity; known: ${known}`, { reason: 'notDeclared', value: String(given), known: Object.keys(doc.severities) });
        }
        const extensionDays = (input.extensionDays as number | undefined) ?? 0;
        if (extensionDays > doc.extension.maxDays) {
          throw badInput('/extensionDays', `an extension adds at most ${doc.extension.maxDays} days; ${extensionDays} were given`, { reason: 'tooMany', value: extensionDays, limit: doc.extension.maxDays });
        }
        const level = doc.severities[severity]!;
        const receivedAt = parseInstant(String(input.receivedAt), cal.offsetMinutes);
        const acknowledgeBy = onCalendar('/receivedAt', () => deadline(receivedAt, level.acknowledge, cal));
        // An extension adds calendar days, whatever unit the resolution limit counts in.
        const resolveBase = onCalendar('/receivedAt', () => deadline(receivedAt, level.resolve, cal));
        const resolveBy = extensionDays > 0 ? endOfDay(addCalendarDays(resolveBase, extensionDays), cal.offsetMinutes) : resolveBase;
        const closedAt = input.closedAt === undefined ? undefined : parseInstant(String(input.closedAt), cal.offsetMinutes);
        const retainUntil = onCalendar(closedAt ? '/closedAt' : '/receivedAt', () => deadline(closedAt ?? resolveBy, doc.records.retain, cal));

        const escalated = yield* escalations.steps({ severity, extensionDays }, ctx.explain);
        const targets = escalated.fired.map((r) => String(r.event.params!.to));
        const escalateTo = targets.map((id) => ({ id, ...labelled(doc.escalations[id]!.label) }));
        const at = (d: Date) => formatInstant(d, cal.offsetMinutes);
        const output = {
          severity,
          ...labelled(level.label),
          receivedAt: at(receivedAt),
          acknowledgeBy: at(acknowledgeBy),
          resolveBy: at(resolveBy),
          extensionDays,
          escalate: escalateTo.length > 0,
          escalateTo,
          ...(closedAt ? { closedAt: at(closedAt) } : {}),
          retainUntil: at(retainUntil),
        };
        if (!ctx.explain) return { output };
        const trace = [
          ...(chosen.trace ?? []).map((s) => (s.fired ? { ...s, outcome: { severity } } : s)),
          ...(escalated.trace ?? []).map((s) => (s.fired ? { ...s, outcome: { escalateTo: s.rule.slice('escalation/'.length) } } : s)),
        ];
        return { output, trace };
      },
    };
  },
};
