// The risk-questionnaire document (schemas/risk-questionnaire.schema.json): the questions of
// 附件1 with their scored options, the score bands of the risk levels, and assessment validity.
import type { DocumentHeader, Label } from './common.ts';

/** How a multi-select question turns the options chosen into one score. */
export type MultipleScoring = 'max' | 'sum';

export interface QuestionOption {
  label: Label;
  /** Absent only in a broken document (reported as OPTION_UNSCORED). */
  score?: number;
}

export interface Question {
  text: Label;
  note?: Label;
  /** Present on a multi-select question; absent = single choice. */
  multiple?: MultipleScoring;
  options: Record<string, QuestionOption>;
}

export interface RiskLevel {
  label: Label;
  /** Inclusive integer score band. */
  min: number;
  max: number;
  description?: string;
}

export interface RiskQuestionnaireDoc extends DocumentHeader {
  kind: 'risk-questionnaire';
  preamble?: Label;
  reminder?: Label;
  questions: Record<string, Question>;
  /** Lowest first. */
  levels: Record<string, RiskLevel>;
  validity: { months: number; utcOffset: string };
  lowestCategory: { level: string; label: Label; description?: string };
}

/** Lowest and highest total a complete set of answers can score, from the scored options. */
export function scoreRange(doc: RiskQuestionnaireDoc): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const q of Object.values(doc.questions)) {
    const scores = Object.values(q.options).flatMap((o) => (o.score === undefined ? [] : [o.score]));
    if (scores.length === 0) continue;
    min += Math.min(...scores);
    // Scores are non-negative, so choosing every option gives the highest sum.
    max += q.multiple === 'sum' ? scores.reduce((a, s) => a + s, 0) : Math.max(...scores);
  }
  return { min, max };
}
