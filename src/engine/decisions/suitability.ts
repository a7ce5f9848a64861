// suitability: may this client buy this product? Facts about the pair (is the product beyond the
// client's level, has the assessment expired, …) run through the policy's verdict rules on
// json-rules-engine; the most severe verdict fired is the answer and every fired rule gives a reason.
import { badInput } from '../../errors.ts';
import type { RiskQuestionnaireDoc } from '../../policy/model/risk-questionnaire.ts';
import { SUITABILITY_FACTS, type SuitabilityDoc } from '../../policy/model/suitability.ts';
import { childPointer } from '../../policy/pointer.ts';
import { asTopLevel, requireSuppliedFacts } from '../conditions.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';
import { dateAt, validUntil } from './risk-level.ts';

/** Names an input may use for catalogue entries: the id, the Chinese label, and any aliases. */
function nameIndex(entries: Record<string, { label: { zh: string }; aliases?: string[] }>): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  for (const [id, e] of Object.entries(entries)) for (const name of [e.label.zh, ...(e.aliases ?? [])]) if (!index.has(name)) index.set(name, id);
  // Ids win over a label that happens to spell another entry's id.
  for (const id of Object.keys(entries)) index.set(id, id);
  return index;
}

function resolve(index: ReadonlyMap<string, string>, name: string, field: string, what: string): string {
  const id = index.get(name);
  if (id === undefined) throw badInput(field, `"${name}" is not a known ${what} (${[...new Set(index.values())].join(', ')})`, { reason: 'notDeclared', value: name, known: [...new Set(index.values())] });
  return id;
}

export const suitability: DecisionDefinition = {
  name: 'suitability',
  kinds: ['suitability', 'risk-questionnaire'],
  inputSchema: 'decisions/suitability.input.schema.json',
  compile(policy) {
    const doc = policy.doc<SuitabilityDoc>('suitability');
    const questionnaire = policy.doc<RiskQuestionnaireDoc>('risk-questionnaire');
    requireSuppliedFacts(policy, 'suitability', doc.facts, SUITABILITY_FACTS);

    const severity = Object.keys(doc.verdicts);
    const specs: RuleSpec[] = Object.entries(doc.rules).map(([id, rule]) => ({
      id,
      conditions: asTopLevel(rule.when),
      event: { type: 'verdict', params: { verdict: rule.verdict, reason: rule.reason } },
      source: policy.source('suitability', childPointer('/rules', id)),
    }));
    const runner = new RuleRunner(specs);
    const clientLevels = nameIndex(questionnaire.levels);
    const productLevels = nameIndex(doc.productLevels);
    const productTypes = nameIndex(doc.productTypes);

    return {
      *evaluate(input, ctx) {
        const client = input.client as { riskLevel: string; assessedAt: string; lowestCategory?: boolean };
        const product = input.product as { type?: string; riskLevel?: string };
        const clientLevel = resolve(clientLevels, client.riskLevel, '/client/riskLevel', 'client risk level');
        const typeId = product.type === undefined ? undefined : resolve(productTypes, product.type, '/product/type', 'product type');
        const productLevel = product.riskLevel !== undefined
          ? resolve(productLevels, product.riskLevel, '/product/riskLevel', 'product risk level')
          : doc.productTypes[typeId!]!.level;

        const today = dateAt(ctx.at, questionnaire.validity.utcOffset);
        if (client.assessedAt > today) throw badInput('/client/assessedAt', `${client.assessedAt} is after the decision date ${today}`, { reason: 'afterToday', value: client.assessedAt, today });
        const until = validUntil(questionnaire, client.assessedAt, '/client/assessedAt');
        const allowed = doc.matching[clientLevel] ?? [];
        const facts = {
          aboveLevel: !allowed.includes(productLevel),
          lowestCategory: client.lowestCategory === true,
          assessmentExpired: today >= until,
          recommended: input.recommended === true,
          clientLevel,
          productLevel,
          productType: typeId ?? '',
        };

        const { fired, trace } = yield* runner.steps(facts, ctx.explain);
        // Most severe first; the runner keeps declaration order among equals.
        const ranked = [...fired].sort((a, b) => severity.indexOf(String(b.event.params!.verdict)) - severity.indexOf(String(a.event.params!.verdict)));
        const verdict = ranked.length > 0 ? String(ranked[0]!.event.params!.verdict) : severity[0]!;
        const reasons = [...new Set(ranked.map((r) => String(r.event.params!.reason)))];
        const deciding = ranked.filter((r) => r.event.params!.verdict === verdict).map((r) => doc.rules[r.id]!);
        const output = {
          verdict,
          ...labelled(doc.verdicts[verdict]!.label),
          reasons,
          reasonDetails: reasons.map((code) => ({ code, ...labelled(doc.reasons[code]!.label) })),
          riskWarningRequired: deciding.some((r) => r.riskWarning === true),
          writtenConfirmationRequired: deciding.some((r) => r.writtenConfirmation === true),
          callbackDue: deciding.some((r) => r.callbackDue === true),
          clientLevel,
          clientLevelLabel: questionnaire.levels[clientLevel]!.label.zh,
          ...(typeId !== undefined ? { productType: typeId, productTypeLabel: doc.productTypes[typeId]!.label.zh } : {}),
          productLevel,
          productLevelLabel: doc.productLevels[productLevel]!.label.zh,
          allowedLevels: allowed,
          lowestCategory: facts.lowestCategory,
          recommended: facts.recommended,
          assessmentExpired: facts.assessmentExpired,
          validUntil: until,
        };
        const outcomes = new Map(fired.map((r) => [r.id, { verdict: r.event.params!.verdict, reason: r.event.params!.reason }]));
        return { output, ...(trace ? { trace: trace.map((s) => (outcomes.has(s.rule) ? { ...s, outcome: outcomes.get(s.rule)! } : s)) } : {}) };
      },
    };
  },
};
