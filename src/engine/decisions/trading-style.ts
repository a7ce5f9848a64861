// trading-style: the client's trading style from the first rule that holds, in the order the
// policy lists its rules. Each rule compiles to one json-rules-engine rule with a priority that
// falls with its position, so the first fired rule is the first match; a rule without a
// condition (the last, "otherwise") compiles to an empty `all`, which always holds.
import { badInput } from '../../errors.ts';
import type { FactType } from '../../policy/conditions.ts';
import { ACTIVITIES_FACT, type TradingStyleDoc } from '../../policy/model/trading-style.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { asTopLevel, catalogueId, requireSuppliedFacts } from '../conditions.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/** The facts this decision can put before the rules (input fields of the same names). */
const SUPPLIED: Readonly<Record<string, FactType>> = { avgHoldingDays: 'number', [ACTIVITIES_FACT]: 'string-list' };

export const tradingStyle: DecisionDefinition = {
  name: 'trading-style',
  kinds: ['trading-style'],
  inputSchema: 'decisions/trading-style.input.schema.json',
  compile(policy) {
    const doc = policy.doc<TradingStyleDoc>('trading-style');
    requireSuppliedFacts(policy, 'trading-style', doc.facts, SUPPLIED);
    const entries = Object.entries(doc.rules);
    const specs: RuleSpec[] = entries.map(([id, rule], i) => ({
      id,
      conditions: asTopLevel(rule.when),
      event: { type: 'style', params: { style: rule.style } },
      priority: entries.length - i,
      source: policy.source('trading-style', childPointer('/rules', id, ...(rule.when ? ['when'] : []))),
    }));
    const runner = new RuleRunner(specs);
    return {
      *evaluate(input, ctx) {
        const given = (input.activities as string[] | undefined) ?? [];
        // The field is named only when an activity is unknown (building pointers for every one showed in profiles).
        const activities = given.map((a, i) => catalogueId(doc.activities, a, () => childPointer('/activities', i), 'activity'));
        const { fired, trace } = yield* runner.steps({ avgHoldingDays: input.avgHoldingDays, [ACTIVITIES_FACT]: activities }, ctx.explain);
        const chosen = fired[0];
        if (!chosen) throw badInput('/avgHoldingDays', 'no trading-style rule applies to this client', { reason: 'noRule' });
        const style = String(chosen.event.params!.style);
        const rule = doc.rules[chosen.id]!;
        const output = {
          style,
          ...labelled(doc.styles[style]!.label),
          rule: chosen.id,
          ruleLabel: rule.label.zh,
          avgHoldingDays: input.avgHoldingDays,
          activities: activities.map((id) => ({ id, ...labelled(doc.activities[id]!.label) })),
        };
        if (!trace) return { output };
        const outcome = (step: { rule: string; fired: boolean }) =>
          step.rule === chosen.id ? { style } : step.fired ? { shadowedBy: chosen.id } : undefined;
        return { output, trace: trace.map((s) => { const o = outcome(s); return o ? { ...s, outcome: o } : s; }) };
      },
    };
  },
};
