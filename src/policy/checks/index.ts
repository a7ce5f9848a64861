// The semantic checks of each policy kind, run after its document passed its JSON Schema.
// A check returns every problem it finds (never throws) with JSON Pointers into the document.
import type { Problem } from '../diagnostics.ts';
import type { PolicyKind } from '../kinds.ts';
import { checkClassification } from './classification.ts';
import { checkRiskQuestionnaire } from './risk-questionnaire.ts';
import { checkSuitability } from './suitability.ts';
import { checkServicePackage } from './service-package.ts';
import { checkTradingStyle } from './trading-style.ts';
import { checkValueSegment } from './value-segment.ts';
import { checkVip } from './vip.ts';
import { checkSatisfaction } from './satisfaction.ts';
import { checkCallbacks } from './callbacks.ts';
import { checkComplaint } from './complaint.ts';
import { checkRetention } from './retention.ts';

export interface CheckContext {
  /** Schema-valid documents of the same set, by kind (the checked one included). */
  readonly documents: ReadonlyMap<PolicyKind, unknown>;
}

// Each check receives a document that already matches its kind's schema, typed by src/policy/model/<kind>.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SemanticCheck = (doc: any, ctx: CheckContext) => Problem[];

export const SEMANTIC_CHECKS: Partial<Record<PolicyKind, SemanticCheck>> = {
  classification: checkClassification,
  'risk-questionnaire': checkRiskQuestionnaire,
  suitability: checkSuitability,
  'service-package': checkServicePackage,
  'trading-style': checkTradingStyle,
  'value-segment': checkValueSegment,
  vip: checkVip,
  satisfaction: checkSatisfaction,
  callbacks: checkCallbacks,
  complaint: checkComplaint,
  retention: checkRetention,
};
