// risk-level: scores a filled-in questionnaire and places the client in a risk level. The score
// is plain arithmetic over the policy's option scores; the level is chosen on json-rules-engine
// (one rule per score band, and the lowest-category rule ranked above them).
import { badInput } from '../../errors.ts';
import type { Question, RiskQuestionnaireDoc } from '../../policy/model/risk-questionnaire.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

const LOWEST_CATEGORY_RULE = 'lowestCategory';

/** Options chosen for one question, or BAD_INPUT naming the question. */
function chosenOptions(qid: string, question: Question, answer: unknown): string[] {
  const field = childPointer('/answers', qid);
  if (answer === undefined) throw badInput(field, `question ${qid} is not answered; every question must be`);
  const chosen = Array.isArray(answer) ? answer.map(String) : [String(answer)];
  if (chosen.length === 0) throw badInput(field, `question ${qid} needs an option`);
  if (!question.multiple && chosen.length > 1) throw badInput(field, `question ${qid} is single choice; choose one option, not ${chosen.length}`);
  const unknown = chosen.find((o) => !Object.prototype.hasOwnProperty.call(question.options, o));
  if (unknown !== undefined) throw badInput(field, `"${unknown}" is not an option of question ${qid} (${Object.keys(question.options).join(', ')})`);
  return chosen;
}

/** Score of every question and the total; any missing, unknown or extra answer is BAD_INPUT. */
export function scoreAnswers(doc: RiskQuestionnaireDoc, answers: Record<string, unknown>): { perQuestion: Record<string, number>; score: number } {
  const perQuestion: Record<string, number> = {};
  let score = 0;
  for (const [qid, question] of Object.entries(doc.questions)) {
    const answer = Object.prototype.hasOwnProperty.call(answers, qid) ? answers[qid] : undefined;
    const scores = chosenOptions(qid, question, answer).map((o) => question.options[o]?.score ?? 0);
    const points = question.multiple === 'sum' ? scores.reduce((a, s) => a + s, 0) : Math.max(...scores);
    perQuestion[qid] = points;
    score += points;
  }
  const extra = Object.keys(answers).find((k) => !Object.prototype.hasOwnProperty.call(doc.questions, k));
  if (extra !== undefined) throw badInput(childPointer('/answers', extra), `there is no question ${extra} (questions: ${Object.keys(doc.questions).join(', ')})`);
  return { perQuestion, score };
}

/** `date` (YYYY-MM-DD) plus whole months; a day past the new month's end becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

/** The calendar date (YYYY-MM-DD) of an instant, read at a fixed UTC offset such as "+08:00". */
export function dateAt(at: Date, utcOffset: string): string {
  const sign = utcOffset.startsWith('-') ? -1 : 1;
  const [h, m] = utcOffset.slice(1).split(':').map(Number) as [number, number];
  return new Date(at.getTime() + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 10);
}

/** The date from which an assessment made on `assessedAt` no longer holds. */
export function validUntil(doc: RiskQuestionnaireDoc, assessedAt: string): string {
  return addMonths(assessedAt, doc.validity.months);
}

export const riskLevel: DecisionDefinition = {
  name: 'risk-level',
  kinds: ['risk-questionnaire'],
  inputSchema: 'decisions/risk-level.input.schema.json',
  compile(policy) {
    const doc = policy.doc<RiskQuestionnaireDoc>('risk-questionnaire');
    const specs: RuleSpec[] = Object.entries(doc.levels).map(([id, level]) => ({
      id: `levels/${id}`,
      conditions: {
        all: [
          { fact: 'score', operator: 'greaterThanInclusive', value: level.min },
          { fact: 'score', operator: 'lessThanInclusive', value: level.max },
        ],
      },
      event: { type: 'level', params: { level: id } },
      source: policy.source('risk-questionnaire', childPointer('/levels', id)),
    }));
    // Ranked above the bands: when it fires, its level wins whatever band the score falls in.
    specs.push({
      id: LOWEST_CATEGORY_RULE,
      priority: 2,
      conditions: { all: [{ fact: 'lowestCategory', operator: 'equal', value: true }] },
      event: { type: 'level', params: { level: doc.lowestCategory.level } },
      source: policy.source('risk-questionnaire', '/lowestCategory/level'),
    });
    const runner = new RuleRunner(specs);

    return {
      *evaluate(input, ctx) {
        const { perQuestion, score } = scoreAnswers(doc, input.answers as Record<string, unknown>);
        const lowestCategory = input.lowestCategory === true;
        const { fired, trace } = yield* runner.steps({ score, lowestCategory }, ctx.explain);
        const chosen = fired[0];
        const band = fired.find((r) => r.id !== LOWEST_CATEGORY_RULE);
        if (!chosen || !band) throw badInput('/answers', `no risk level covers the score ${score}`);
        const level = String(chosen.event.params!.level);
        const scoreLevel = String(band.event.params!.level);
        const output = {
          score,
          level,
          ...labelled(doc.levels[level]!.label),
          scoreLevel,
          scoreLevelLabel: doc.levels[scoreLevel]!.label.zh,
          lowestCategoryApplied: chosen.id === LOWEST_CATEGORY_RULE,
          perQuestion,
          ...(typeof input.assessedAt === 'string' ? { assessedAt: input.assessedAt, validUntil: validUntil(doc, input.assessedAt) } : {}),
        };
        return { output, ...(trace ? { trace: trace.map((s) => (s.rule === chosen.id ? { ...s, outcome: { level } } : s)) } : {}) };
      },
    };
  },
};
