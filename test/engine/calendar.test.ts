// The working-day calendar: which days are working and trading days in the shipped 2026 and
// 2027 data, and every kind of period added to an instant in China time, edges included.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays, addHours, addMonths, addPeriod, addTradingDays, addWorkingDays, buildCalendar, CalendarRangeError,
  deadline, endOfDay, endOfPeriod, formatInstant, isTradingDay, isWorkingDay, localDay, parseInstant, parseOffset,
} from '../../src/engine/calendar.ts';
import type { ComplaintDoc } from '../../src/policy/model/complaint.ts';
import { loadPolicyTexts, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const loaded = loadPolicyTexts(readPolicyFiles([join(RULES_DIR, 'complaint.yaml')]));
const cal = buildCalendar((loaded.set.documents.get('complaint')!.value as unknown as ComplaintDoc).calendar);
const CN = 480;
const t = (text: string) => parseInstant(text, CN);
const f = (d: Date) => formatInstant(d, CN);

describe('the shipped calendar', () => {
  it('loads with no problems', () => expect(loaded.diagnostics).toEqual([]));

  it.each([
    ['2026-01-01', false, false], // 元旦
    ['2026-01-04', true, false], // Sunday made a working day: not a trading day
    ['2026-01-05', true, true],
    ['2026-02-14', true, false], // Saturday worked before the Spring Festival
    ['2026-02-16', false, false],
    ['2026-02-23', false, false], // last day of the break, a Monday
    ['2026-02-24', true, true],
    ['2026-02-28', true, false],
    ['2026-04-06', false, false], // 清明 Monday
    ['2026-05-05', false, false],
    ['2026-05-09', true, false],
    ['2026-06-19', false, false], // 端午 Friday
    ['2026-06-20', false, false],
    ['2026-06-22', true, true],
    ['2026-09-20', true, false],
    ['2026-09-25', false, false], // 中秋 Friday
    ['2026-10-07', false, false],
    ['2026-10-08', true, true],
    ['2026-10-10', true, false],
    ['2026-10-11', false, false], // an ordinary Sunday
    ['2027-02-05', false, false],
    ['2027-06-09', false, false],
    ['2027-12-31', true, true],
  ])('%s: working day %s, trading day %s', (day, working, trading) => {
    expect(isWorkingDay(day, cal)).toBe(working);
    expect(isTradingDay(day, cal)).toBe(trading);
  });

  it.each(['2025-12-31', '2028-01-01'])('refuses to judge %s, outside the years covered', (day) => {
    expect(() => isWorkingDay(day, cal)).toThrow(CalendarRangeError);
    expect(() => isTradingDay(day, cal)).toThrow(/outside the working-day calendar \(2026-01-01 to 2027-12-31\)/);
  });
});

describe('instants in China time', () => {
  it('reads an ISO date as local midnight and keeps an instant’s own offset', () => {
    expect(t('2026-07-01').toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(t('2026-07-01T00:30:00Z').toISOString()).toBe('2026-07-01T00:30:00.000Z');
    expect(localDay(t('2026-06-30T23:59:59+08:00'), CN)).toBe('2026-06-30');
    expect(localDay(t('2026-06-30T16:00:00Z'), CN)).toBe('2026-07-01');
  });

  it('writes local time with the offset, to the second', () => {
    expect(f(new Date('2026-06-30T16:00:00.999Z'))).toBe('2026-07-01T00:00:00+08:00');
    expect(formatInstant(new Date('2026-06-30T16:00:00Z'), -90)).toBe('2026-06-30T14:30:00-01:30');
    expect(parseOffset('+08:00')).toBe(480);
    expect(parseOffset('-05:30')).toBe(-330);
  });

  it('ends a day at its last millisecond, local time', () => {
    expect(endOfDay(t('2026-06-30T00:00:00+08:00'), CN).toISOString()).toBe('2026-06-30T15:59:59.999Z');
    expect(f(endOfDay(t('2026-06-30T23:59:59+08:00'), CN))).toBe('2026-06-30T23:59:59+08:00');
  });
});

describe('adding periods', () => {
  it.each([
    // start, working days, result
    ['2026-06-30T10:00:00+08:00', 0, '2026-06-30T10:00:00+08:00'],
    ['2026-06-30T10:00:00+08:00', 1, '2026-07-01T10:00:00+08:00'],
    ['2026-07-03T17:00:00+08:00', 1, '2026-07-06T17:00:00+08:00'], // Friday → Monday
    ['2026-07-04T09:00:00+08:00', 1, '2026-07-06T09:00:00+08:00'], // from a Saturday
    ['2026-09-18T17:00:00+08:00', 1, '2026-09-20T17:00:00+08:00'], // make-up Sunday counts
    ['2026-09-30T16:00:00+08:00', 1, '2026-10-08T16:00:00+08:00'],
    ['2026-09-30T16:00:00+08:00', 3, '2026-10-10T16:00:00+08:00'],
    ['2026-02-13T10:00:00+08:00', 1, '2026-02-14T10:00:00+08:00'],
    ['2026-02-14T10:00:00+08:00', 1, '2026-02-24T10:00:00+08:00'],
  ])('%s + %d working days = %s', (start, n, end) => {
    expect(f(addWorkingDays(t(start), n, cal))).toBe(end);
  });

  it.each([
    ['2026-06-30T10:00:00+08:00', 2, '2026-07-02T10:00:00+08:00'],
    ['2026-09-18T10:00:00+08:00', 2, '2026-09-22T10:00:00+08:00'], // make-up Sunday is no trading day
    ['2026-09-30T14:00:00+08:00', 1, '2026-10-08T14:00:00+08:00'],
    ['2026-09-30T14:00:00+08:00', 2, '2026-10-09T14:00:00+08:00'],
    ['2026-09-30T14:00:00+08:00', 3, '2026-10-12T14:00:00+08:00'], // make-up Saturday skipped
    ['2026-02-13T10:00:00+08:00', 1, '2026-02-24T10:00:00+08:00'],
  ])('%s + %d trading days = %s', (start, n, end) => {
    expect(f(addTradingDays(t(start), n, cal))).toBe(end);
  });

  it('refuses to count working days past the calendar, naming the day', () => {
    expect(() => addWorkingDays(t('2027-12-31T10:00:00+08:00'), 1, cal)).toThrow(/2028-01-01 lies outside/);
    expect(() => addTradingDays(t('2025-12-30T10:00:00+08:00'), 2, cal)).toThrow(/2025-12-31 lies outside/);
  });

  it.each([
    ['2026-01-31T09:00:00+08:00', 1, '2026-02-28T09:00:00+08:00'],
    ['2028-01-31T09:00:00+08:00', 1, '2028-02-29T09:00:00+08:00'],
    ['2026-03-31T23:30:00+08:00', 1, '2026-04-30T23:30:00+08:00'],
    ['2026-06-10T09:30:00+08:00', 1, '2026-07-10T09:30:00+08:00'],
    ['2026-11-15T00:00:00+08:00', 3, '2027-02-15T00:00:00+08:00'],
    ['2028-02-29T12:00:00+08:00', 12, '2029-02-28T12:00:00+08:00'],
    // Years 0–99 stay themselves (Date.UTC would read them as 1900–1999).
    ['0050-01-31T09:00:00+08:00', 1, '0050-02-28T09:00:00+08:00'],
    ['0001-11-15T00:00:00+08:00', 3, '0002-02-15T00:00:00+08:00'],
  ])('%s + %d months = %s (clamped to the month’s last day)', (start, n, end) => {
    expect(f(addMonths(t(start), n, CN))).toBe(end);
  });

  it('ends a period of the years 0–99 in that year, and refuses to write a date past 9999', () => {
    expect(f(endOfPeriod(t('0001-02-10T09:00:00+08:00'), 'quarter', CN))).toBe('0001-03-31T23:59:59+08:00');
    expect(() => f(endOfPeriod(t('9999-11-10T09:00:00+08:00'), 'year', CN))).not.toThrow();
    expect(() => f(addMonths(t('9999-12-31T09:00:00+08:00'), 1, CN))).toThrow(expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(/year 10000, outside 0000–9999/) }));
  });

  it('adds calendar days, hours and minutes exactly, across midnight and month ends', () => {
    expect(f(addCalendarDays(t('2026-06-25T16:00:00+08:00'), 7))).toBe('2026-07-02T16:00:00+08:00');
    expect(f(addHours(t('2026-06-30T22:30:00+08:00'), 4))).toBe('2026-07-01T02:30:00+08:00');
    expect(f(addPeriod(t('2026-06-30T23:45:00+08:00'), { amount: 30, unit: 'minutes' }, cal))).toBe('2026-07-01T00:15:00+08:00');
    expect(f(addPeriod(t('2026-06-30T10:00:00+08:00'), { amount: 3, unit: 'years' }, cal))).toBe('2029-06-30T10:00:00+08:00');
  });

  it('runs a deadline in days to the end of its last day, and one in hours to the minute', () => {
    expect(f(deadline(t('2026-06-30T10:00:00+08:00'), { amount: 1, unit: 'working-days' }, cal))).toBe('2026-07-01T23:59:59+08:00');
    expect(f(deadline(t('2026-06-30T10:00:00+08:00'), { amount: 7, unit: 'calendar-days' }, cal))).toBe('2026-07-07T23:59:59+08:00');
    expect(f(deadline(t('2026-06-30T10:00:00+08:00'), { amount: 1, unit: 'months' }, cal))).toBe('2026-07-30T23:59:59+08:00');
    expect(f(deadline(t('2026-06-30T10:00:00+08:00'), { amount: 4, unit: 'hours' }, cal))).toBe('2026-06-30T14:00:00+08:00');
    expect(f(deadline(t('2026-06-30T10:00:00+08:00'), { amount: 0, unit: 'calendar-days' }, cal))).toBe('2026-06-30T23:59:59+08:00');
  });
});

describe('calendar periods', () => {
  it.each([
    ['2026-01-01T00:00:00+08:00', 'quarter', '2026-03-31T23:59:59+08:00'],
    ['2026-03-31T23:59:59+08:00', 'quarter', '2026-03-31T23:59:59+08:00'],
    ['2026-06-30T10:00:00+08:00', 'quarter', '2026-06-30T23:59:59+08:00'],
    ['2026-07-01T00:00:00+08:00', 'quarter', '2026-09-30T23:59:59+08:00'],
    ['2026-12-15T00:00:00+08:00', 'quarter', '2026-12-31T23:59:59+08:00'],
    ['2026-02-10T00:00:00+08:00', 'month', '2026-02-28T23:59:59+08:00'],
    ['2026-06-30T10:00:00+08:00', 'half-year', '2026-06-30T23:59:59+08:00'],
    ['2026-07-01T10:00:00+08:00', 'half-year', '2026-12-31T23:59:59+08:00'],
    ['2026-12-31T16:30:00Z', 'year', '2027-12-31T23:59:59+08:00'], // already 1 January 2027 in China
  ] as const)('%s: the %s ends %s', (instant, every, end) => {
    expect(f(endOfPeriod(t(instant), every, CN))).toBe(end);
  });
});

describe('calendars built from data', () => {
  it('counts make-up working days and holidays from the data alone', () => {
    const small = buildCalendar({
      utcOffset: '+08:00', from: '2030-01-01', to: '2030-01-31',
      holidays: { test: { label: { zh: '测试', en: 'Test' }, from: '2030-01-07', to: '2030-01-08', makeUpWorkdays: ['2030-01-12'] } },
    });
    // 2030-01-04 is a Friday.
    expect(f(addWorkingDays(t('2030-01-04T09:00:00+08:00'), 1, small))).toBe('2030-01-09T09:00:00+08:00');
    expect(f(addWorkingDays(t('2030-01-11T09:00:00+08:00'), 1, small))).toBe('2030-01-12T09:00:00+08:00');
    expect(f(addTradingDays(t('2030-01-11T09:00:00+08:00'), 1, small))).toBe('2030-01-14T09:00:00+08:00');
  });
});
