// The policy kinds zhidu knows, and the decisions each one serves. Which kinds exist is code
// (each has a schema, checks and an evaluator); everything inside a kind is policy data.

export const POLICY_KINDS = [
  'classification',
  'risk-questionnaire',
  'suitability',
  'trading-style',
  'value-segment',
  'vip',
  'satisfaction',
  'callbacks',
  'complaint',
  'retention',
  'service-package',
] as const;

export type PolicyKind = (typeof POLICY_KINDS)[number];

export function isPolicyKind(value: unknown): value is PolicyKind {
  return typeof value === 'string' && (POLICY_KINDS as readonly string[]).includes(value);
}

/** JSON Schema file (under schemas/) for each kind's document. */
export function schemaFileOf(kind: PolicyKind): string {
  return `${kind}.schema.json`;
}

/** The decisions the engine serves (API.md); client-profile runs every client decision at once. */
export const DECISION_NAMES = [
  'classification',
  'risk-level',
  'suitability',
  'trading-style',
  'value-segment',
  'vip',
  'satisfaction',
  'service-package',
  'callbacks',
  'complaint',
  'retention',
  'client-profile',
] as const;

/** The decision a kind's embedded test cases run by default. */
export function decisionOfKind(kind: PolicyKind): string {
  return kind === 'risk-questionnaire' ? 'risk-level' : kind;
}
