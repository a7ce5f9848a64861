// risk-level: scores a filled-in questionnaire and places the client in a risk level. The score
// is plain arithmetic over the policy's option scores; the level is chosen on json-rules-engine
// (one rule per score band, and the lowest-category rule ranked above them).
import { badInput, badInputs, type InputProblem } from '../../errors.ts';
import type { DiagnosticParams } from '../../policy/diagnostics.ts';
import type { Question, RiskQuestionnaireDoc } from '../../policy/model/risk-questionnaire.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { utc } from '../calendar.ts';
import { RuleRunner, type RuleSpec } from '../rules.ts';

const LOWEST_CATEGORY_RULE = 'lowestCategory';

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Options chosen for one question, or what is wrong with its answer (naming the question and its text). */
function chosenOptions(qid: string, question: Question, answer: unknown): string[] | InputProblem {
  const fail = (reason: string, message: string, facts: DiagnosticParams = {}): InputProblem => ({
    field: childPointer('/answers', qid),
    message: `question ${qid} (“${question.text.en}”) ${message}`,
    params: { reason, question: qid, text: { zh: question.text.zh, en: question.text.en }, ...facts },
  });
  if (answer === undefined) return fail('unanswered', 'is not answered');
  const chosen = Array.isArray(answer) ? answer.map(String) : [String(answer)];
  if (chosen.length === 0) return fail('empty', 'needs an option');
  if (!question.multiple && chosen.length > 1) return fail('singleChoice', `is single choice: choose one option, not ${chosen.length}`, { count: chosen.length });
  const unknown = chosen.find((o) => !has(question.options, o));
  const known = Object.keys(question.options);
  if (unknown !== undefined) return fail('unknownOption', `has no option "${unknown}" (${known.join(', ')})`, { value: unknown, known });
  return chosen;
}

/**
 * Everything wrong with a set of answers, question by question and then every answer to no
 * question: the careful pass, taken only once the quick one has met a problem.
 */
export function answerProblems(doc: RiskQuestionnaireDoc, answers: Record<string, unknown>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const [qid, question] of Object.entries(doc.questions)) {
    const read = chosenOptions(qid, question, has(answers, qid) ? answers[qid] : undefined);
    if (!Array.isArray(read)) problems.push(read);
  }
  const known = Object.keys(doc.questions);
  for (const extra of Object.keys(answers).filter((k) => !has(doc.questions, k))) {
    problems.push({ field: childPointer('/answers', extra), message: `there is no question ${extra} (questions: ${known.join(', ')})`, params: { reason: 'noQuestion', question: extra, known } });
  }
  return problems;
}

export type Scorer = (answers: Record<string, unknown>) => { perQuestion: Record<string, number>; score: number };

/**
 * Scores answers to the questionnaire: each question's points and the total; missing, unknown
 * or extra answers are one BAD_INPUT naming every one of them. Built once per policy: one known
 * option, as a letter or a list of one (as CSV cells arrive), costs one map lookup; anything
 * else takes the careful path.
 */
export function questionScorer(doc: RiskQuestionnaireDoc): Scorer {
  const questions = Object.entries(doc.questions).map(([id, question]) => ({
    id,
    question,
    sum: question.multiple === 'sum',
    scores: new Map(Object.entries(question.options).map(([o, option]) => [o, option.score ?? 0])),
  }));
  return (answers) => {
    const perQuestion: Record<string, number> = {};
    let score = 0;
    for (const q of questions) {
      const answer = has(answers, q.id) ? answers[q.id] : undefined;
      const only = Array.isArray(answer) && answer.length === 1 ? answer[0] : answer;
      let points = typeof only === 'string' ? q.scores.get(only) : undefined;
      if (points === undefined) {
        const chosen = chosenOptions(q.id, q.question, answer);
        if (!Array.isArray(chosen)) throw badInputs(answerProblems(doc, answers));
        const scores = chosen.map((o) => q.scores.get(o)!);
        points = q.sum ? scores.reduce((a, s) => a + s, 0) : Math.max(...scores);
      }
      perQuestion[q.id] = points;
      score += points;
    }
    // Every question is answered by now, so more keys than questions means one is extra.
    if (Object.keys(answers).length > questions.length) throw badInputs(answerProblems(doc, answers));
    return { perQuestion, score };
  };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `date` (YYYY-MM-DD) plus whole months; a day past the new month's end becomes its last day. */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = m - Math.floor(m / 12) * 12;
  // Outside four-digit years, Date's own calendar arithmetic and formatting decide.
  if (!(year >= 1 && year <= 9999) || !Number.isInteger(year + d)) {
    const first = new Date(utc(y, m, 1));
    const lastDay = new Date(utc(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    first.setUTCDate(Math.min(d, lastDay));
    return first.toISOString().slice(0, 10);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = month === 1 && leap ? 29 : DAYS_IN_MONTH[month]!;
  return `${pad(year, 4)}-${pad(month + 1, 2)}-${pad(Math.min(d, lastDay), 2)}`;
}

/** The calendar date (YYYY-MM-DD) of an instant, read at a fixed UTC offset such as "+08:00". */
export function dateAt(at: Date, utcOffset: string): string {
  const sign = utcOffset.startsWith('-') ? -1 : 1;
  const [h, m] = utcOffset.slice(1).split(':').map(Number) as [number, number];
  return new Date(at.getTime() + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 10);
}

/**
 * The date from which an assessment made on `assessedAt` (the input field at `field`) no longer
 * holds; refused past 9999-12-31, which has no YYYY-MM-DD.
 */
export function validUntil(doc: RiskQuestionnaireDoc, assessedAt: string, field = '/assessedAt'): string {
  const until = addMonths(assessedAt, doc.validity.months);
  if (!FOUR_DIGIT_DATE.test(until)) throw badInput(field, 'is too late: the assessment would hold until after 9999-12-31', { reason: 'tooLate' });
  return until;
}

const FOUR_DIGIT_DATE = /^\d{4}-\d{2}-\d{2}$/;

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
    const scoreOf = questionScorer(doc);

    return {
      *evaluate(input, ctx) {
        const { perQuestion, score: points } = scoreOf(input.answers as Record<string, unknown>);
        const lowestCategory = input.lowestCategory === true;
        const { fired, trace } = yield* runner.steps({ score: points, lowestCategory }, ctx.explain);
        const chosen = fired[0];
        const band = fired.find((r) => r.id !== LOWEST_CATEGORY_RULE);
        if (!chosen || !band) throw badInput('/answers', `no risk level covers the score ${points}`, { reason: 'noRule', value: points });
        const level = String(chosen.event.params!.level);
        const scoreLevel = String(band.event.params!.level);
        const output = {
          score: points,
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
