// The retention document (schemas/retention.schema.json).
import type { Condition, Facts } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';
import type { Period } from './complaint.ts';

export interface ContactPlan {
  label: Label;
  within: Period;
  by: Label;
}

export interface RetentionDoc extends DocumentHeader {
  kind: 'retention';
  /** Kind of the document holding `calendar`. */
  calendarFrom: string;
  facts: Facts;
  proceed: { statement: Label };
  completion: { label: Label; within: Period };
  contact: { priority: ContactPlan & { when: Condition }; standard: ContactPlan };
  /** A callback type id of the callbacks policy. */
  followUpCallback: string;
}
