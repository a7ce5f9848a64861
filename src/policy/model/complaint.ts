// The complaint document (schemas/complaint.schema.json), and the period and working-day
// calendar shapes it defines for the other kinds that count days (callbacks, retention).
import type { Condition, Facts } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';

export type PeriodUnit = 'minutes' | 'hours' | 'calendar-days' | 'working-days' | 'trading-days' | 'months' | 'years';

export interface Period {
  amount: number;
  unit: PeriodUnit;
}

export interface CalendarData {
  /** '+08:00' for China time. */
  utcOffset: string;
  /** First and last day covered, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  holidays: Record<string, { label: Label; from: string; to: string; makeUpWorkdays?: string[] }>;
}

export interface ComplaintDoc extends DocumentHeader {
  kind: 'complaint';
  calendar: CalendarData;
  facts: Facts;
  severities: Record<string, { label: Label; acknowledge: Period; resolve: Period }>;
  escalations: Record<string, { label: Label; when: Condition }>;
  extension: { maxDays: number };
  records: { retain: Period };
}
