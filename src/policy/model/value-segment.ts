// The value-segment document (schemas/value-segment.schema.json).
import type { Condition, Facts } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';

/** The fact whose values are the ids of the document's occupation catalogue (and the input field giving one). */
export const OCCUPATION_FACT = 'occupation';

export type ValueLevel = 'high' | 'low';
export const VALUE_LEVELS: readonly ValueLevel[] = ['high', 'low'];

export type DimensionId = 'current' | 'future';
export const DIMENSIONS: readonly DimensionId[] = ['current', 'future'];

export interface ValueDimension {
  label: Label;
  /** The dimension is high when any criterion holds. */
  criteria: Record<string, { label: Label; when: Condition }>;
}

export interface ValueSegmentDoc extends DocumentHeader {
  kind: 'value-segment';
  facts: Facts;
  /** Catalogue of occupations; the ids are the values of the `occupation` fact. */
  occupations: Record<string, { label: Label }>;
  levels: Record<ValueLevel, Label>;
  dimensions: Record<DimensionId, ValueDimension>;
  segments: Record<string, { label: Label; strategy?: string }>;
  /** Current value (outer key) × future value (inner key) → segment id. */
  grid: Record<ValueLevel, Record<ValueLevel, string>>;
}
