// Every decision the engine serves (API.md's table). client-profile composes the others.
import type { DecisionDefinition } from '../decision.ts';
import { classification } from './classification.ts';
import { servicePackage } from './service-package.ts';

export const DECISIONS: readonly DecisionDefinition[] = [
  classification,
  servicePackage,
];
