// An explain trace as the console shows it: each step's rule, whether it fired, its conditions
// with the client's values, and where the rule is written (kind, line, column) so a click can
// open the YAML there. Output fields paired with their labels for display.

export interface TraceSource {
  /** The policy kind the rule is written in, or 'override' for a branch's own text. */
  kind: string;
  path: string;
  line: number;
  column: number;
}

export interface TraceCondition {
  fact: string;
  operator: string;
  value: unknown;
  factValue?: unknown;
  result?: boolean;
}

export interface TraceStep {
  decision?: string;
  rule: string;
  fired: boolean;
  source?: TraceSource;
  conditions: TraceCondition[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** "rules/classification.yaml", "classification" → "classification". */
export function kindOfFile(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
}

export function traceSteps(trace: unknown): TraceStep[] {
  if (!Array.isArray(trace)) return [];
  return trace.flatMap((s): TraceStep[] => {
    if (!isRecord(s) || typeof s.rule !== 'string') return [];
    const src = isRecord(s.source) ? s.source : undefined;
    const source = src && typeof src.file === 'string' && typeof src.line === 'number'
      ? { kind: kindOfFile(src.file), path: typeof src.path === 'string' ? src.path : '', line: src.line, column: typeof src.column === 'number' ? src.column : 1 }
      : undefined;
    const conditions = Array.isArray(s.conditions) ? s.conditions.filter(isRecord).map((c) => ({
      fact: String(c.fact ?? ''), operator: String(c.operator ?? ''), value: c.value,
      ...('factValue' in c ? { factValue: c.factValue } : {}),
      ...(typeof c.result === 'boolean' ? { result: c.result } : {}),
    })) : [];
    return [{ ...(typeof s.decision === 'string' ? { decision: s.decision } : {}), rule: s.rule, fired: s.fired === true, ...(source ? { source } : {}), conditions }];
  });
}

/** The steps to show: fired ones first in their order; the rest only when asked for. */
export function visibleSteps(steps: readonly TraceStep[], showAll: boolean): TraceStep[] {
  return showAll ? [...steps.filter((s) => s.fired), ...steps.filter((s) => !s.fired)] : steps.filter((s) => s.fired);
}

const OPERATORS: Record<string, string> = {
  equal: '=', notEqual: '≠', lessThan: '<', lessThanInclusive: '≤', greaterThan: '>', greaterThanInclusive: '≥', in: '∈', notIn: '∉',
};

export function conditionText(c: TraceCondition): string {
  const op = OPERATORS[c.operator] ?? c.operator;
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const actual = 'factValue' in c ? ` (${show(c.factValue)})` : '';
  return `${c.fact}${actual} ${op} ${show(c.value)}`;
}

/**
 * Output fields for display: `x` paired with `xLabel` / `xLabelEn` when the output carries them
 * (the engine labels every id it returns), the label fields themselves folded away.
 */
export function outputRows(output: Record<string, unknown>, lang: 'zh' | 'en'): { key: string; value: unknown; label?: string }[] {
  const isLabelKey = (k: string): boolean => /Label(En)?$/.test(k) || k === 'label' || k === 'labelEn';
  return Object.entries(output).filter(([k]) => !isLabelKey(k)).map(([key, value]) => {
    const zh = key === Object.keys(output)[0] && typeof output.label === 'string' ? output.label : output[`${key}Label`];
    const en = key === Object.keys(output)[0] && typeof output.labelEn === 'string' ? output.labelEn : output[`${key}LabelEn`];
    const label = lang === 'en' ? (typeof en === 'string' ? en : zh) : zh;
    return { key, value, ...(typeof label === 'string' ? { label } : {}) };
  });
}
