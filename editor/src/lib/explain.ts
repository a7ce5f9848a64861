// What a problem means and what to do, in the reader's language, beside the server's own
// message: the diagnostic code's advice, and for a value out of bounds the bound itself in
// head office's words ("资产周转率阈值:在总部取值的 ±50% 以内(总部取值 3)").
import { Words } from './detail-messages.ts';
import { boundMatches, formatValue } from './diff.ts';
import { MESSAGES, translate, type MessageKey } from './i18n.ts';
import { localise, type Lang } from './labels.ts';
import { boundsOf, type BoundEntry } from './override-schema.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A bound's rule in words: "在总部取值的 ±50% 以内,只能调低". */
export function describeBound(rule: Readonly<Record<string, unknown>>, lang: Lang): string {
  const t = (key: MessageKey, params?: Record<string, string | number>): string => translate(lang, key, params);
  const w = new Words(lang);
  const parts: string[] = [];
  if (typeof rule.relative === 'number') parts.push(t('bound.relative', { pct: w.pct(rule.relative) }));
  if (typeof rule.min === 'number') parts.push(t('bound.min', { v: w.n(rule.min) }));
  if (typeof rule.max === 'number') parts.push(t('bound.max', { v: w.n(rule.max) }));
  if (rule.direction === 'up') parts.push(t('bound.up'));
  if (rule.direction === 'down') parts.push(t('bound.down'));
  if (rule.subset === true) parts.push(t('bound.subset'));
  if (typeof rule.notBelow === 'string') parts.push(t('bound.notBelow'));
  return parts.join(lang === 'zh' ? ',' : ', ');
}

function valueAt(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return node;
}

/** The bound governing `/kind/inner/path` of an override, with head office's value there. */
export function boundAt(docs: Readonly<Record<string, unknown>>, overridePath: string): { bound: BoundEntry; base: unknown } | undefined {
  const [, kind = '', ...rest] = overridePath.split('/');
  const inner = '/' + rest.join('/');
  const bound = boundsOf({ [kind]: docs[kind] }).find((b) => boundMatches(b.path, inner));
  return bound ? { bound, base: valueAt(docs[kind], inner) } : undefined;
}

/**
 * What a problem's code means and what to do; for a value out of bounds, the bound in head
 * office's words too, unless the problem's own detail already says it (`detailed`).
 */
export function explainProblem(lang: Lang, code: string, path: string, docs: Readonly<Record<string, unknown>>, detailed = false): string | undefined {
  const key = `code.${code}`;
  const advice = key in MESSAGES[lang] ? translate(lang, key as MessageKey) : undefined;
  if (code !== 'OVERRIDE_OUT_OF_BOUNDS' || detailed) return advice;
  const found = boundAt(docs, path);
  if (!found) return advice;
  const rule = describeBound(found.bound.rule, lang);
  const label = localise(found.bound.label, lang, found.bound.path);
  const bound = translate(lang, 'boundIs', { label, rule, base: formatValue(found.base) });
  return advice ? `${advice} ${bound}` : bound;
}
