// What head office's changes do to others, in words: each effect of a publish (POST /v1/validate,
// or the 409 EFFECTS_UNACKNOWLEDGED that refuses one) as a row naming the branch override, the
// proposal or the scheduled revision it meets, when, and why — the paths named by head office's
// own bound labels. The same reasons explain a suspended override and a stale proposal.
import type { PublishEffect, SuspensionReason } from '../api.ts';
import { boundMatches, describePath } from './diff.ts';
import type { MessageKey } from './i18n.ts';
import type { Lang } from './labels.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export interface WordsContext {
  lang: Lang;
  t: Words;
  /** Head office's parsed documents by kind (bound labels, kind titles). */
  docs: Readonly<Record<string, unknown>>;
  /** A kind's title, e.g. 客户分类. */
  kindTitle: (kind: string) => string;
  /** An instant as the reader reads it. */
  when: (iso: string) => string;
}

export interface ReasonRow {
  /** Head office's name for the path ("客户分类 · 资产周转率阈值"), else the path itself. */
  label: string;
  /** The pointer as the server gave it. */
  path: string;
  /** Why it no longer applies, in the reader's language when the code is known. */
  why: string;
  code: string;
}

export interface EffectRow {
  type: PublishEffect['type'];
  /** warn: someone loses something until they act (a suspension, a stale proposal, a scheduled revision dropped). */
  tone: 'warn' | 'info';
  /** Who or what it happens to: "营业部 0101 · 调整 #1". */
  subject: string;
  /** What happens, and from when. */
  what: string;
  reasons: ReasonRow[];
  /** Where to read more (the proposal's page, the revision). */
  link?: string;
  /** Stable ids for tests and styling. */
  data: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasBoundFor(doc: unknown, path: string): boolean {
  const bounds = isRecord(doc) && Array.isArray(doc.overrides) ? doc.overrides : [];
  return bounds.some((b) => isRecord(b) && typeof b.path === 'string' && boundMatches(b.path, path));
}

/**
 * A pointer named by head office: `/classification/turnoverThreshold` (kind first, as a changed
 * base gives it) or `/turnoverThreshold` (inside a kind, as a bounds problem gives it).
 */
export function pathLabel(path: string, ctx: Pick<WordsContext, 'docs' | 'lang' | 'kindTitle'>): string {
  const [, first = '', ...rest] = path.split('/');
  if (first in ctx.docs) {
    const inner = rest.length > 0 ? `/${rest.join('/')}` : '';
    return inner === '' ? ctx.kindTitle(first) : `${ctx.kindTitle(first)} · ${describePath(ctx.docs[first], inner, ctx.lang)}`;
  }
  const kind = Object.keys(ctx.docs).find((k) => hasBoundFor(ctx.docs[k], path));
  return kind ? `${ctx.kindTitle(kind)} · ${describePath(ctx.docs[kind], path, ctx.lang)}` : path;
}

const KNOWN_REASONS = new Set(['OVERRIDE_BASE_CHANGED', 'OVERRIDE_OUT_OF_BOUNDS', 'OVERRIDE_KIND_UNKNOWN']);

export function reasonRows(reasons: readonly SuspensionReason[] | undefined, ctx: WordsContext): ReasonRow[] {
  return (reasons ?? []).map((r) => ({
    label: pathLabel(r.path, ctx),
    path: r.path,
    code: r.code,
    why: KNOWN_REASONS.has(r.code) ? ctx.t(`why.${r.code}` as MessageKey) : r.message,
  }));
}

export function effectRow(e: PublishEffect, ctx: WordsContext): EffectRow {
  const { t } = ctx;
  switch (e.type) {
    case 'override-suspended':
      return {
        type: e.type, tone: 'warn',
        subject: t('effect.subject.override', { branch: e.branch, override: e.override }),
        what: t('effect.what.override-suspended', { from: ctx.when(e.from) }),
        reasons: reasonRows(e.reasons, ctx),
        data: { branch: e.branch, override: String(e.override) },
      };
    case 'proposal-stale':
      return {
        type: e.type, tone: 'warn',
        subject: t('effect.subject.proposal', { branch: e.branch, proposal: e.proposal }),
        what: t('effect.what.proposal-stale'),
        reasons: reasonRows(e.reasons, ctx),
        link: `#/proposal/${e.proposal}`,
        data: { branch: e.branch, proposal: String(e.proposal) },
      };
    case 'revision-rescheduled': {
      const kinds = e.overrides.map((k) => ctx.kindTitle(k)).join(ctx.lang === 'zh' ? '、' : ', ');
      return {
        type: e.type, tone: e.overrides.length > 0 ? 'warn' : 'info',
        subject: t('effect.subject.revision', { revision: e.revision, from: ctx.when(e.effectiveFrom) }),
        what: e.overrides.length > 0 ? t('effect.what.revision-rescheduled-overrides', { kinds }) : t('effect.what.revision-rescheduled'),
        reasons: [],
        data: { revision: String(e.revision) },
      };
    }
    case 'revision-superseded':
      return {
        type: e.type, tone: e.reason === 'replaced' ? 'warn' : 'info',
        subject: t('effect.subject.revision', { revision: e.revision, from: ctx.when(e.effectiveFrom) }),
        what: t(e.reason === 'replaced' ? 'effect.what.revision-replaced' : 'effect.what.revision-contained'),
        reasons: [],
        data: { revision: String(e.revision) },
      };
  }
}

/** Effects in the order a publisher weighs them: what others lose first, then the schedule. */
export function effectRows(effects: readonly PublishEffect[], ctx: WordsContext): EffectRow[] {
  const order: Record<PublishEffect['type'], number> = { 'override-suspended': 0, 'proposal-stale': 1, 'revision-superseded': 2, 'revision-rescheduled': 3 };
  return [...effects].sort((a, b) => order[a.type] - order[b.type]).map((e) => effectRow(e, ctx));
}

/** "暂停 1 个营业部调整、1 个提案过时、保留 1 个预定版本": the effects counted by what they do. */
export function effectsHeadline(effects: readonly PublishEffect[], t: Words, lang: Lang): string {
  const count = (type: PublishEffect['type']): number => effects.filter((e) => e.type === type).length;
  const parts: string[] = [];
  const push = (type: PublishEffect['type'], key: MessageKey): void => { const n = count(type); if (n > 0) parts.push(t(key, { n })); };
  push('override-suspended', 'effects.count.override-suspended');
  push('proposal-stale', 'effects.count.proposal-stale');
  push('revision-superseded', 'effects.count.revision-superseded');
  push('revision-rescheduled', 'effects.count.revision-rescheduled');
  return parts.join(lang === 'zh' ? '、' : ', ');
}
