// The trading-style document (schemas/trading-style.schema.json).
import type { Condition, Facts } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';

/** The fact whose values are the ids of the document's activity catalogue (and the input field giving them). */
export const ACTIVITIES_FACT = 'activities';

export interface TradingStyleRule {
  label: Label;
  style: string;
  /** Omitted on the last rule only: it catches every client no earlier rule took. */
  when?: Condition;
}

export interface TradingStyleDoc extends DocumentHeader {
  kind: 'trading-style';
  facts: Facts;
  /** Catalogue of activity flags; the ids are the values of the `activities` fact. */
  activities: Record<string, { label: Label; description?: string }>;
  styles: Record<string, { label: Label; description?: string }>;
  /** Tried in YAML order; the first that holds decides. */
  rules: Record<string, TradingStyleRule>;
}
