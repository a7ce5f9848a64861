// The classification document (schemas/classification.schema.json).
import type { DocumentHeader, Label } from './common.ts';

export interface ClassificationDoc extends DocumentHeader {
  kind: 'classification';
  turnoverThreshold: number;
  turnoverGroups: { high: Label; low: Label };
  classes: Record<string, { label: Label; description?: string }>;
  /** Lowest first, each [min, max); the top tier omits max. */
  tiers: Record<string, { label: Label; min: number; max?: number; classes: { high: string; low: string } }>;
  recalibration?: { years: number; decimals?: number };
}
