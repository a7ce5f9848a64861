// satisfaction: each indicator's score (given, or converted from a survey answer by the policy's
// scale) weighted into a total, less the complaint deductions; the grade is chosen by one
// json-rules-engine rule per grade band. The weighting itself is plain arithmetic on policy data.
import { badInput } from '../../errors.ts';
import { WEIGHTS_TOTAL, type SatisfactionDoc } from '../../policy/model/satisfaction.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { catalogueId } from '../conditions.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

/** Drop floating-point noise (0.1 + 0.2) so that a total of exactly 90 is not 89.99999999. */
const clean = (x: number) => Math.round(x * 1e6) / 1e6;

type Mode = 'scores' | 'survey';

/** Indicator id → score 0–100, from whichever of scores / survey the input gives. */
function scoresOf(doc: SatisfactionDoc, input: Record<string, unknown>): { mode: Mode; scores: Map<string, number>; answers: Map<string, number> } {
  if (input.scores !== undefined && input.survey !== undefined) throw badInput('/survey', 'give either scores or survey answers, not both', { reason: 'both' });
  const mode: Mode | undefined = input.scores !== undefined ? 'scores' : input.survey !== undefined ? 'survey' : undefined;
  if (!mode) throw badInput('/scores', `is required (or give survey answers): one entry per indicator (${Object.keys(doc.indicators).join(', ')})`, { reason: 'scoresRequired', known: Object.keys(doc.indicators) });
  const given = input[mode] as Record<string, number>;
  const scores = new Map<string, number>();
  const answers = new Map<string, number>();
  for (const [key, value] of Object.entries(given)) {
    const field = childPointer(`/${mode}`, key);
    const id = catalogueId(doc.indicators, key, field, 'indicator');
    if (scores.has(id)) throw badInput(field, `indicator "${id}" is given twice`, { reason: 'twice', value: id });
    if (mode === 'scores') scores.set(id, value);
    else {
      const score = Object.prototype.hasOwnProperty.call(doc.survey.scale, String(value)) ? doc.survey.scale[String(value)] : undefined;
      if (score === undefined) throw badInput(field, `${value} is not an answer on the ${doc.survey.label.zh} scale (${Object.keys(doc.survey.scale).join(', ')})`, { reason: 'notOnScale', value: String(value), known: Object.keys(doc.survey.scale) });
      scores.set(id, score);
      answers.set(id, value);
    }
  }
  const missing = Object.keys(doc.indicators).find((id) => !scores.has(id));
  if (missing !== undefined) throw badInput(childPointer(`/${mode}`, missing), `is required: every indicator is scored (${doc.indicators[missing]!.label.zh})`, { reason: 'indicatorRequired', value: missing, label: { zh: doc.indicators[missing]!.label.zh, en: doc.indicators[missing]!.label.en } });
  return { mode, scores, answers };
}

export const satisfaction: DecisionDefinition = {
  name: 'satisfaction',
  kinds: ['satisfaction'],
  inputSchema: 'decisions/satisfaction.input.schema.json',
  compile(policy) {
    const doc = policy.doc<SatisfactionDoc>('satisfaction');
    const runner = new RuleRunner(Object.entries(doc.grades).map(([id, g]): RuleSpec => ({
      id,
      conditions: { all: [
        { fact: 'total', operator: 'greaterThanInclusive', value: g.min },
        ...(g.max !== undefined ? [{ fact: 'total', operator: 'lessThan', value: g.max }] : []),
      ] },
      event: { type: 'grade', params: { grade: id } },
      source: policy.source('satisfaction', childPointer('/grades', id)),
    })));

    return {
      *evaluate(input, ctx) {
        const { mode, scores, answers } = scoresOf(doc, input);
        const contributions = Object.fromEntries(Object.entries(doc.indicators).map(([id, indicator]) => {
          const score = scores.get(id)!;
          return [id, {
            ...labelled(indicator.label),
            weight: indicator.weight,
            ...(answers.has(id) ? { answer: answers.get(id) } : {}),
            score,
            contribution: clean((score * indicator.weight) / WEIGHTS_TOTAL),
          }];
        }));
        const subtotal = clean(Object.values(contributions).reduce((s, c) => s + c.contribution, 0));
        const upheldComplaints = (input.upheldComplaints as number | undefined) ?? 0;
        const points = Math.min(upheldComplaints * doc.deductions.perUpheldComplaint, doc.deductions.max);
        const total = Math.max(0, clean(subtotal - points));

        const { fired, trace } = yield* runner.steps({ total }, ctx.explain);
        const rule = fired[0];
        if (!rule) throw badInput(`/${mode}`, `no grade of the policy covers a total of ${total}`, { reason: 'noRule', value: total });
        const output = {
          total,
          grade: rule.id,
          ...labelled(doc.grades[rule.id]!.label),
          subtotal,
          contributions,
          deductions: { ...labelled(doc.deductions.label), upheldComplaints, points },
          scoredBy: mode,
        };
        return { output, ...(trace ? { trace: trace.map((s) => (s.fired ? { ...s, outcome: { grade: rule.id } } : s)) } : {}) };
      },
    };
  },
};
