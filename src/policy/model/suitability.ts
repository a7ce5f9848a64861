// The suitability document (schemas/suitability.schema.json): product risk levels, the product
// catalogue, which product levels each client level may buy, and the verdict rules.
import type { Condition, FactDeclaration, FactType } from '../conditions.ts';
import type { DocumentHeader, Label } from './common.ts';

export interface ProductType {
  label: Label;
  level: string;
  /** Other names sales systems send for this type (matched like the Chinese label). */
  aliases?: string[];
}

export interface VerdictRule {
  label?: Label;
  when: Condition;
  verdict: string;
  reason: string;
  /** The sale may proceed only after a special risk warning (特别风险警示). */
  riskWarning?: boolean;
  /** …and the client's written confirmation (书面确认). */
  writtenConfirmation?: boolean;
  /** The sale triggers an extra callback (回访). */
  callbackDue?: boolean;
}

export interface SuitabilityDoc extends DocumentHeader {
  kind: 'suitability';
  /** Lowest first. */
  productLevels: Record<string, { label: Label; description?: string }>;
  productTypes: Record<string, ProductType>;
  /** Client level (a risk-questionnaire level) → product levels it may buy. */
  matching: Record<string, string[]>;
  facts: Record<string, FactDeclaration>;
  /** Least severe first. */
  verdicts: Record<string, { label: Label }>;
  reasons: Record<string, { label: Label }>;
  rules: Record<string, VerdictRule>;
}

/**
 * The facts the suitability decision supplies to verdict rules: the decision's contract, so
 * they are code; a policy declares the ones its conditions use. Catalogue facts take their
 * allowed values from the policy documents (see suitabilityFactCatalogues).
 */
export const SUITABILITY_FACTS: Readonly<Record<string, FactType>> = {
  aboveLevel: 'boolean',
  lowestCategory: 'boolean',
  assessmentExpired: 'boolean',
  recommended: 'boolean',
  clientLevel: 'string',
  productLevel: 'string',
  productType: 'string',
};

/** Allowed values of the catalogue facts, from the documents that declare them. */
export function suitabilityFactCatalogues(doc: SuitabilityDoc, clientLevels: readonly string[] | undefined): Record<string, string[]> {
  return {
    ...(clientLevels ? { clientLevel: [...clientLevels] } : {}),
    productLevel: Object.keys(doc.productLevels),
    productType: Object.keys(doc.productTypes),
  };
}
