// Every decision the engine serves (API.md's table). client-profile composes the others.
import type { DecisionDefinition } from '../decision.ts';
import { classification } from './classification.ts';
import { clientProfile } from './client-profile.ts';
import { riskLevel } from './risk-level.ts';
import { suitability } from './suitability.ts';
import { servicePackage } from './service-package.ts';
import { tradingStyle } from './trading-style.ts';
import { valueSegment } from './value-segment.ts';
import { vip } from './vip.ts';
import { satisfaction } from './satisfaction.ts';
import { callbacks } from './callbacks.ts';
import { complaint } from './complaint.ts';
import { retention } from './retention.ts';

export const DECISIONS: readonly DecisionDefinition[] = [
  classification,
  riskLevel,
  suitability,
  servicePackage,
  tradingStyle,
  valueSegment,
  vip,
  satisfaction,
  callbacks,
  complaint,
  retention,
  clientProfile,
];
