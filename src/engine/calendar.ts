// Deadline arithmetic in local time at a fixed UTC offset (China time, +08:00, has no daylight
// saving) over a calendar built from policy data: holidays and make-up working days (调休).
// A working day is a weekday that is not a holiday, or a make-up day; a trading day is a weekday
// that is not a holiday (the exchanges never open on a weekend, make-up day or not).
// As in 《民法典》第二百零一条、第二百零三条, the starting day is not counted and a period in days,
// months or years ends at midnight closing its last day; minutes and hours are exact.
// Pure functions; days are 'YYYY-MM-DD' strings in local time.
import { ZhiduError } from '../errors.ts';
import type { CalendarPeriod } from '../policy/model/callbacks.ts';
import type { CalendarData, Period, PeriodUnit } from '../policy/model/complaint.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export interface Calendar {
  readonly offsetMinutes: number;
  /** First and last day the holiday data covers. */
  readonly from: string;
  readonly to: string;
  readonly daysOff: ReadonlySet<string>;
  readonly makeUpWorkdays: ReadonlySet<string>;
}

/** Counting working or trading days reached a day the calendar does not cover. */
export class CalendarRangeError extends Error {
  constructor(readonly day: string, readonly from: string, readonly to: string) {
    super(`${day} lies outside the working-day calendar (${from} to ${to}); head office must publish that year's holidays first`);
    this.name = 'CalendarRangeError';
  }
}

export function parseOffset(text: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`Not a UTC offset: ${text}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Date.UTC without its two-digit-year rule (it reads years 0–99 as 1900–1999): months and days out
 * of range carry over as in Date.UTC.
 */
export function utc(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hours, minutes, seconds, ms);
  return d.getTime();
}

function dayStartUtc(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function shiftDay(day: string, days: number): string {
  return new Date(dayStartUtc(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(dayStartUtc(day)).getUTCDay();
}

/** Every day from `from` to `to`, both included. */
export function daysFromTo(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = shiftDay(d, 1)) out.push(d);
  return out;
}

export function buildCalendar(data: CalendarData): Calendar {
  const daysOff = new Set<string>();
  const makeUpWorkdays = new Set<string>();
  for (const holiday of Object.values(data.holidays)) {
    for (const day of daysFromTo(holiday.from, holiday.to)) daysOff.add(day);
    for (const day of holiday.makeUpWorkdays ?? []) makeUpWorkdays.add(day);
  }
  return Object.freeze({ offsetMinutes: parseOffset(data.utcOffset), from: data.from, to: data.to, daysOff, makeUpWorkdays });
}

/** The local day an instant falls on. */
export function localDay(instant: Date, offsetMinutes: number): string {
  return new Date(instant.getTime() + offsetMinutes * MINUTE_MS).toISOString().slice(0, 10);
}

export function localYear(instant: Date, offsetMinutes: number): number {
  return new Date(instant.getTime() + offsetMinutes * MINUTE_MS).getUTCFullYear();
}

function covered(day: string, cal: Calendar): void {
  if (day < cal.from || day > cal.to) throw new CalendarRangeError(day, cal.from, cal.to);
}

const isWeekend = (day: string): boolean => weekday(day) === 0 || weekday(day) === 6;

export function isWorkingDay(day: string, cal: Calendar): boolean {
  covered(day, cal);
  return cal.makeUpWorkdays.has(day) || (!isWeekend(day) && !cal.daysOff.has(day));
}

export function isTradingDay(day: string, cal: Calendar): boolean {
  covered(day, cal);
  return !isWeekend(day) && !cal.daysOff.has(day);
}

/** The same local clock time on the n-th following day that `counts` (the starting day never counts). */
function addCountedDays(instant: Date, n: number, cal: Calendar, counts: (day: string) => boolean): Date {
  let day = localDay(instant, cal.offsetMinutes);
  let stepped = 0;
  for (let counted = 0; counted < n;) {
    day = shiftDay(day, 1);
    stepped++;
    if (counts(day)) counted++;
  }
  return new Date(instant.getTime() + stepped * DAY_MS);
}

export function addWorkingDays(instant: Date, n: number, cal: Calendar): Date {
  return addCountedDays(instant, n, cal, (day) => isWorkingDay(day, cal));
}

export function addTradingDays(instant: Date, n: number, cal: Calendar): Date {
  return addCountedDays(instant, n, cal, (day) => isTradingDay(day, cal));
}

/** A fixed offset has no daylight saving, so a day is always 24 hours. */
export function addCalendarDays(instant: Date, n: number): Date {
  return new Date(instant.getTime() + n * DAY_MS);
}

export function addHours(instant: Date, n: number): Date {
  return new Date(instant.getTime() + n * 60 * MINUTE_MS);
}

/** Same local day of the month n months on, or that month's last day when it is shorter (31 Jan + 1 month = 28 Feb). */
export function addMonths(instant: Date, n: number, offsetMinutes: number): Date {
  const local = new Date(instant.getTime() + offsetMinutes * MINUTE_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + n;
  const lastDay = new Date(utc(year, month + 1, 0)).getUTCDate();
  const target = utc(year, month, Math.min(local.getUTCDate(), lastDay),
    local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return new Date(target - offsetMinutes * MINUTE_MS);
}

/** The last millisecond of the local day an instant falls on. */
export function endOfDay(instant: Date, offsetMinutes: number): Date {
  const next = shiftDay(localDay(instant, offsetMinutes), 1);
  return new Date(dayStartUtc(next) - offsetMinutes * MINUTE_MS - 1);
}

export function addPeriod(instant: Date, period: Period, cal: Calendar): Date {
  switch (period.unit) {
    case 'minutes': return new Date(instant.getTime() + period.amount * MINUTE_MS);
    case 'hours': return addHours(instant, period.amount);
    case 'calendar-days': return addCalendarDays(instant, period.amount);
    case 'working-days': return addWorkingDays(instant, period.amount, cal);
    case 'trading-days': return addTradingDays(instant, period.amount, cal);
    case 'months': return addMonths(instant, period.amount, cal.offsetMinutes);
    case 'years': return addMonths(instant, period.amount * 12, cal.offsetMinutes);
  }
}

const EXACT_UNITS: ReadonlySet<PeriodUnit> = new Set(['minutes', 'hours']);

/** The deadline `period` after `instant`: exact for minutes and hours, else the end of the last day. */
export function deadline(instant: Date, period: Period, cal: Calendar): Date {
  const end = addPeriod(instant, period, cal);
  return EXACT_UNITS.has(period.unit) ? end : endOfDay(end, cal.offsetMinutes);
}

const PERIOD_MONTHS: Readonly<Record<CalendarPeriod, number>> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };

/** The last millisecond of the calendar month, quarter, half-year or year an instant falls in. */
export function endOfPeriod(instant: Date, every: CalendarPeriod, offsetMinutes: number): Date {
  const local = new Date(instant.getTime() + offsetMinutes * MINUTE_MS);
  const months = PERIOD_MONTHS[every];
  const first = Math.floor(local.getUTCMonth() / months) * months;
  return new Date(utc(local.getUTCFullYear(), first + months, 1) - offsetMinutes * MINUTE_MS - 1);
}

/** An ISO date is local midnight of that day; an ISO date-time carries its own offset. */
export function parseInstant(text: string, offsetMinutes: number): Date {
  if (DATE_ONLY.test(text)) return new Date(dayStartUtc(text) - offsetMinutes * MINUTE_MS);
  return new Date(text);
}

/**
 * ISO 8601 in local time with its offset, to the second: 2026-07-01T23:59:59+08:00. A date the
 * input pushes past year 9999 (or before year 0) has no such form: the input is refused.
 */
export function formatInstant(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * MINUTE_MS);
  const year = local.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) {
    throw new ZhiduError('BAD_INPUT', `A date this decision works out falls in the year ${year}, outside 0000–9999: check the input's dates.`, [{ field: '', message: `gives a date in the year ${year}` }]);
  }
  return local.toISOString().slice(0, 19) + formatOffset(offsetMinutes);
}
