// Semantic checks of the complaint document: its working-day calendar is consistent (the other
// kinds that count days use it through `calendarFrom`), escalation conditions are sound and name
// declared severities. Also the helpers those kinds share: the calendar reference and checking
// the values a condition compares one fact with against a catalogue of ids.
import { checkCondition, type Condition } from '../conditions.ts';
import type { DiagnosticParams, Problem } from '../diagnostics.ts';
import type { PolicyKind } from '../kinds.ts';
import type { CalendarData, ComplaintDoc } from '../model/complaint.ts';
import { childPointer } from '../pointer.ts';
import type { CheckContext } from './index.ts';

const isWeekend = (day: string): boolean => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

export function checkCalendar(cal: CalendarData, path: string): Problem[] {
  const problems: Problem[] = [];
  const bad = (at: string, message: string, params: DiagnosticParams) => problems.push({ path: at, code: 'CALENDAR_INVALID', message, params });
  if (cal.from > cal.to) bad(`${path}/to`, `The calendar ends (${cal.to}) before it starts (${cal.from}).`, { reason: 'calendarEndsBeforeStart', from: cal.from, to: cal.to });
  const holidays = Object.entries(cal.holidays);
  holidays.forEach(([id, h], index) => {
    const at = childPointer(path, 'holidays', id);
    if (h.from > h.to) bad(`${at}/to`, `Holiday "${id}" ends (${h.to}) before it starts (${h.from}).`, { reason: 'holidayEndsBeforeStart', id, from: h.from, to: h.to });
    else if (h.from < cal.from || h.to > cal.to) {
      bad(`${at}/from`, `Holiday "${id}" (${h.from} to ${h.to}) lies outside the calendar (${cal.from} to ${cal.to}).`, { reason: 'holidayOutside', id, from: h.from, to: h.to, calendarFrom: cal.from, calendarTo: cal.to });
    }
    // Report an overlap once, on the holiday that starts later (or is listed later).
    const other = holidays.find(([, x], j) => j !== index && x.from <= h.from && h.from <= x.to && (x.from < h.from || j < index));
    if (other) bad(`${at}/from`, `Holiday "${id}" starts on ${h.from}, inside holiday "${other[0]}" (${other[1].from} to ${other[1].to}).`, { reason: 'holidayOverlap', id, from: h.from, other: other[0], otherFrom: other[1].from, otherTo: other[1].to });
    (h.makeUpWorkdays ?? []).forEach((day, i) => {
      const dayAt = childPointer(at, 'makeUpWorkdays', i);
      const inside = holidays.find(([, x]) => x.from <= day && day <= x.to);
      if (day < cal.from || day > cal.to) bad(dayAt, `Make-up working day ${day} lies outside the calendar (${cal.from} to ${cal.to}).`, { reason: 'makeUpOutside', day, calendarFrom: cal.from, calendarTo: cal.to });
      else if (!isWeekend(day)) bad(dayAt, `Make-up working day ${day} is already a weekday; only a Saturday or Sunday can be made a working day.`, { reason: 'makeUpWeekday', day });
      else if (inside) bad(dayAt, `Make-up working day ${day} falls inside holiday "${inside[0]}".`, { reason: 'makeUpInHoliday', day, other: inside[0] });
    });
  });
  return problems;
}

/** `calendarFrom` must name a document of the set that holds a calendar. */
export function checkCalendarSource(calendarFrom: string, ctx: CheckContext, path: string): Problem[] {
  const doc = ctx.documents.get(calendarFrom as PolicyKind) as { calendar?: unknown } | undefined;
  if (doc?.calendar) return [];
  return [{
    path,
    code: 'REFERENCE_UNRESOLVED',
    message: doc
      ? `The ${calendarFrom} document holds no calendar; name the kind whose document has one (complaint).`
      : `No valid "${calendarFrom}" document in this policy set holds the working-day calendar.`,
    params: { reason: doc ? 'noCalendar' : 'noCalendarDocument', value: calendarFrom },
  }];
}

/** Each value a condition compares `fact` with, and where it is written. */
export function valuesComparedWith(condition: Condition, fact: string, path: string): { value: unknown; path: string }[] {
  if ('all' in condition) return condition.all.flatMap((c, i) => valuesComparedWith(c, fact, childPointer(path, 'all', i)));
  if ('any' in condition) return condition.any.flatMap((c, i) => valuesComparedWith(c, fact, childPointer(path, 'any', i)));
  if ('not' in condition) return valuesComparedWith(condition.not, fact, childPointer(path, 'not'));
  if (condition.fact !== fact) return [];
  const at = childPointer(path, 'value');
  return Array.isArray(condition.value) ? condition.value.map((value, i) => ({ value, path: childPointer(at, i) })) : [{ value: condition.value, path: at }];
}

/**
 * Every text compared with `fact` must be an id of `ids` (or one of `extra`); other types are
 * checkCondition's. `where` says in English what the ids are; `catalogue` says it as data (the
 * pointer of the catalogue, and the kind whose document holds it when it is another).
 */
export function checkComparedIds(condition: Condition, fact: string, path: string, ids: readonly string[], where: string, extra: readonly string[] = [], catalogue: { of?: string; in: string } = { in: '' }): Problem[] {
  return valuesComparedWith(condition, fact, path)
    .filter(({ value }) => typeof value === 'string' && !ids.includes(value) && !extra.includes(value))
    .map(({ value, path: at }) => ({
      path: at, code: 'REFERENCE_UNRESOLVED' as const, message: `"${String(value)}" is not ${where} (${[...ids, ...extra].join(', ')}).`,
      params: { reason: 'notDeclared', value: String(value), known: [...ids, ...extra], ...catalogue },
    }));
}

export function checkComplaint(doc: ComplaintDoc, _ctx: CheckContext): Problem[] {
  const problems = checkCalendar(doc.calendar, '/calendar');
  const severities = Object.keys(doc.severities);
  const severityFact = doc.facts.severity;
  (severityFact?.values ?? []).forEach((v, i) => {
    if (!severities.includes(v)) {
      problems.push({ path: childPointer('/facts', 'severity', 'values', i), code: 'REFERENCE_UNRESOLVED', message: `"${v}" is not a declared severity (${severities.join(', ')}).`, params: { reason: 'notDeclared', value: v, known: severities, in: '/severities' } });
    }
  });
  for (const [id, escalation] of Object.entries(doc.escalations)) {
    const at = childPointer('/escalations', id, 'when');
    const found = checkCondition(escalation.when, doc.facts, at);
    problems.push(...found);
    // checkCondition already flags values outside a declared catalogue; without one, check here.
    if (!severityFact?.values) problems.push(...checkComparedIds(escalation.when, 'severity', at, severities, 'a declared severity', [], { in: '/severities' }));
  }
  return problems;
}
