// The callbacks document (schemas/callbacks.schema.json).
import type { Condition, Facts } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';
import type { PeriodUnit } from './complaint.ts';

export type CalendarPeriod = 'month' | 'quarter' | 'half-year' | 'year';

/** Due a period after the date named by `after`, or once every calendar period. */
export type CallbackDue = { after: string; amount: number; unit: PeriodUnit } | { every: CalendarPeriod };

export interface CallbackType {
  label: Label;
  trigger: Condition;
  due: CallbackDue;
  items: string[];
}

export interface CallbacksDoc extends DocumentHeader {
  kind: 'callbacks';
  /** Kind of the document holding `calendar`. */
  calendarFrom: string;
  facts: Facts;
  items: Record<string, { label: Label }>;
  types: Record<string, CallbackType>;
  annualSample: { label: Label; ratio: number; population: Condition; items: string[] };
}
