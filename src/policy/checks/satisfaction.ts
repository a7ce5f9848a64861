// Semantic checks of the satisfaction document: weights add up to 100, grades form ordered,
// gap-free bands from 0 upwards, and the survey scale runs 1, 2, 3, … with scores not decreasing.
import type { Problem } from '../diagnostics.ts';
import type { CheckContext } from './index.ts';
import { WEIGHTS_TOTAL, type SatisfactionDoc } from '../model/satisfaction.ts';
import { childPointer } from '../pointer.ts';
import { checkBands } from './bands.ts';

export function checkSatisfaction(doc: SatisfactionDoc, _ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const weights = Object.entries(doc.indicators).map(([id, i]) => `${id} ${i.weight}`);
  const sum = Object.values(doc.indicators).reduce((s, i) => s + i.weight, 0);
  if (Math.abs(sum - WEIGHTS_TOTAL) > 1e-9) {
    problems.push({ path: '/indicators', code: 'WEIGHTS_SUM', message: `Indicator weights add up to ${sum} (${weights.join(', ')}); they must add up to ${WEIGHTS_TOTAL}.`, atKey: true, params: { sum, total: WEIGHTS_TOTAL } });
  }

  problems.push(...checkBands(
    Object.entries(doc.grades).map(([id, g]) => ({ id, min: g.min, ...(g.max !== undefined ? { max: g.max } : {}), path: childPointer('/grades', id) })),
    { from: 0, to: Infinity, noun: 'grade' },
  ));

  // Object keys that look like integers come out in numeric order, whatever the YAML order.
  const answers = Object.keys(doc.survey.scale).map(Number);
  answers.forEach((answer, i) => {
    const path = childPointer('/survey/scale', answer);
    const prev = answers[i - 1];
    const expected = prev === undefined ? 1 : prev + 1;
    if (answer !== expected) {
      problems.push({ path, code: 'TIER_GAP', message: `The survey scale must run 1, 2, 3, … without gaps; answer ${expected} is missing before ${answer}.`, atKey: true, params: { reason: 'scaleGap', missing: expected, answer } });
    }
    if (prev !== undefined && doc.survey.scale[answer]! < doc.survey.scale[prev]!) {
      problems.push({ path, code: 'TIER_ORDER', message: `Answer ${answer} scores ${doc.survey.scale[answer]}, less than answer ${prev} (${doc.survey.scale[prev]}); a better answer never scores less.`, params: { reason: 'scaleOrder', answer, score: doc.survey.scale[answer]!, other: prev, otherScore: doc.survey.scale[prev]! } });
    }
  });
  return problems;
}
