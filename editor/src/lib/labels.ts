// Labels come from the policies themselves: every id a policy declares carries `{zh, en}`.
// These helpers read them out of parsed documents so that the interface never names a class,
// tier or level on its own.

export type Lang = 'zh' | 'en';

export interface Label {
  zh: string;
  en: string;
}

export function isLabel(value: unknown): value is Label {
  return value !== null && typeof value === 'object' && typeof (value as Label).zh === 'string' && typeof (value as Label).en === 'string';
}

export function localise(label: Label | undefined, lang: Lang, fallback = ''): string {
  if (!label) return fallback;
  return lang === 'en' ? label.en : label.zh;
}

/** A document's `title`. */
export function titleOf(doc: unknown): Label | undefined {
  const title = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).title : undefined;
  return isLabel(title) ? title : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Every id → label the document declares, in document order: entries of maps whose values are
 * `{label: {zh, en}}` or a label themselves. The first declaration of an id wins, so the
 * catalogue (e.g. `classes`) named before its uses gives the label.
 */
export function idLabels(doc: unknown): Map<string, Label> {
  const out = new Map<string, Label>();
  const walk = (node: unknown, depth: number): void => {
    if (depth > 8 || !isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'title' || key === 'tests' || key === 'overrides') continue;
      if (isLabel(value)) {
        if (!out.has(key)) out.set(key, value);
        continue;
      }
      if (isRecord(value) && isLabel(value.label) && !out.has(key)) out.set(key, value.label);
      walk(value, depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

/**
 * The labels of one decision's outcomes, in the order the primary catalogue declares them:
 * the first top-level map whose every entry carries a label and that contains `ids`
 * (e.g. `classes` for classification), else every labelled id in document order.
 */
export function outcomeCatalogue(doc: unknown, ids: readonly string[]): { order: string[]; labels: Map<string, Label> } {
  const labels = idLabels(doc);
  if (isRecord(doc)) {
    for (const value of Object.values(doc)) {
      if (!isRecord(value)) continue;
      const keys = Object.keys(value);
      const labelled = keys.length > 0 && keys.every((k) => isLabel(value[k]) || (isRecord(value[k]) && isLabel((value[k] as Record<string, unknown>).label)));
      if (labelled && ids.length > 0 && ids.every((id) => keys.includes(id))) return { order: keys, labels };
    }
  }
  return { order: [...labels.keys()], labels };
}

/** Splits a schema description "中文。English." into its two languages. */
export function splitDescription(text: string): Label {
  const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
  for (let i = text.indexOf('。'); i !== -1; i = text.indexOf('。', i + 1)) {
    const rest = text.slice(i + 1).trim();
    if (rest.length > 0 && !cjk.test(rest)) return { zh: text.slice(0, i + 1), en: rest };
  }
  return { zh: text, en: text };
}

/** A schema title "客户分类的输入 — Classification input" as a label. */
export function splitTitle(text: string): Label {
  const [zh, en] = text.split(/\s+—\s+/);
  return { zh: zh ?? text, en: en ?? zh ?? text };
}
