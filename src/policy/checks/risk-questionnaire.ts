// Semantic checks of the risk questionnaire: every option scored, the level bands ordered and
// covering exactly the totals the questions can produce, the lowest category naming a level.
import type { Problem } from '../diagnostics.ts';
import { scoreRange, type RiskQuestionnaireDoc } from '../model/risk-questionnaire.ts';
import { childPointer } from '../pointer.ts';
import { checkBands } from './bands.ts';
import type { CheckContext } from './index.ts';

export function checkRiskQuestionnaire(doc: RiskQuestionnaireDoc, _ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  for (const [qid, question] of Object.entries(doc.questions)) {
    for (const [oid, option] of Object.entries(question.options)) {
      if (option.score === undefined) {
        problems.push({ path: childPointer('/questions', qid, 'options', oid), code: 'OPTION_UNSCORED', message: `Option ${oid} of question ${qid} has no score; every option needs one.`, atKey: true, params: { question: qid, option: oid } });
      }
    }
  }

  // With an option unscored the possible totals are unknown: judge coverage only once all are scored.
  const range = problems.length === 0 ? scoreRange(doc) : undefined;
  const bands = Object.entries(doc.levels).map(([id, l]) => ({ id, min: l.min, max: l.max, path: childPointer('/levels', id) }));
  const banded = checkBands(bands, { from: range?.min ?? Math.min(...bands.map((b) => b.min)), to: range?.max ?? Math.max(...bands.map((b) => b.max)), inclusive: true, noun: 'score band' });
  for (const p of banded) {
    if (p.code !== 'TIER_COVERAGE') problems.push(p);
    else if (range) problems.push({ ...p, code: 'SCORE_BAND_COVERAGE', message: `${p.message} The questions allow totals from ${range.min} to ${range.max}.`, params: { ...p.params, low: range.min, high: range.max } });
  }

  const level = doc.lowestCategory.level;
  if (!Object.prototype.hasOwnProperty.call(doc.levels, level)) {
    problems.push({ path: '/lowestCategory/level', code: 'LEVEL_UNDECLARED', message: `Level "${level}" is not declared under levels (${Object.keys(doc.levels).join(', ')}).`, params: { reason: 'notDeclared', value: level, known: Object.keys(doc.levels), in: '/levels' } });
  }
  return problems;
}
