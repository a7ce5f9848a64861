// The satisfaction document (schemas/satisfaction.schema.json).
import type { DocumentHeader, Label } from './common.ts';

/** What the indicator weights must add up to. */
export const WEIGHTS_TOTAL = 100;

export interface SatisfactionDoc extends DocumentHeader {
  kind: 'satisfaction';
  indicators: Record<string, { label: Label; weight: number }>;
  /** Survey answer (as a string key, lowest first) → indicator score 0–100. */
  survey: { label: Label; scale: Record<string, number> };
  deductions: { label: Label; perUpheldComplaint: number; max: number };
  /** Lowest first, each [min, max); the top grade omits max. */
  grades: Record<string, { label: Label; min: number; max?: number }>;
}
