// The audit screen's logic. Its filters as the server's query: branch, action, free text, and a
// range of days read in the reader's own time zone and sent as instants (`from` the first day's
// midnight, `to` the midnight after the last day: the server's `to` is exclusive, the reader's
// last day is not). Paging follows the trail's order with `after` (the last seq seen); a page asks
// for one entry more than it shows, to know whether another page follows. And an entry in words:
// what it is about, and its summary (people by name, revision 1's instant as "since the beginning").
import { formatValue } from './diff.ts';
import type { MessageKey } from './i18n.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export interface AuditForm { branch: string; action: string; from: string; to: string; q: string }

/** What GET /v1/audit and /v1/audit/export take (besides `after` and `limit`). */
export interface AuditQuery { branch?: string; action?: string; from?: string; to?: string; q?: string }

export type AuditFormProblem = { field: 'from' | 'to'; problem: 'dateInvalid' } | { field: 'to'; problem: 'dateOrder' };

/** Local midnight starting a `YYYY-MM-DD` day (an `<input type=date>` value), or undefined when it names no day. */
export function localDayStart(day: string, plusDays = 0): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(2000, 0, 1);
  date.setFullYear(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
  if (plusDays !== 0) date.setDate(date.getDate() + plusDays);
  return date;
}

/** The form as a query, or what is wrong with it (a day that is not one, a range that ends before it starts). */
export function auditQuery(form: AuditForm): { query: AuditQuery } | { problem: AuditFormProblem } {
  const query: AuditQuery = {};
  const branch = form.branch.trim();
  const q = form.q.trim();
  if (branch) query.branch = branch;
  if (form.action) query.action = form.action;
  if (q) query.q = q;
  let from: Date | undefined;
  if (form.from.trim()) {
    from = localDayStart(form.from);
    if (!from) return { problem: { field: 'from', problem: 'dateInvalid' } };
    query.from = from.toISOString();
  }
  if (form.to.trim()) {
    const to = localDayStart(form.to, 1);
    if (!to) return { problem: { field: 'to', problem: 'dateInvalid' } };
    if (from && to <= from) return { problem: { field: 'to', problem: 'dateOrder' } };
    query.to = to.toISOString();
  }
  return { query };
}

/** The query string: the filters, then the page's `after` and `limit` when given. */
export function searchOf(query: AuditQuery, page: { after?: number; limit?: number } = {}): string {
  const params = new URLSearchParams();
  for (const key of ['branch', 'action', 'from', 'to', 'q'] as const) if (query[key]) params.set(key, query[key]!);
  if (page.after) params.set('after', String(page.after));
  if (page.limit) params.set('limit', String(page.limit));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** A page of `size` from an answer asked with `limit: size + 1`: whether more follow, and where the next starts. */
export function pageOf<T extends { seq: number }>(answer: readonly T[], size: number): { entries: T[]; more: boolean; next?: number } {
  const entries = answer.slice(0, size);
  const more = answer.length > size;
  return { entries, more, ...(more ? { next: entries[entries.length - 1]!.seq } : {}) };
}

export type AuditSubject = { type: 'revision' | 'proposal' | 'token' | 'override'; id: number } | { type: 'other'; raw: string };

/** What an entry is about: `revision:3`, `proposal:7`, `token:2`, `override:1`, or something else as written. */
export function auditSubject(subject: string): AuditSubject {
  const m = /^(revision|proposal|token|override):(\d+)$/.exec(subject);
  return m ? { type: m[1] as 'revision' | 'proposal' | 'token' | 'override', id: Number(m[2]) } : { type: 'other', raw: subject };
}

export interface SummaryWords {
  t: Words;
  /** An effective instant (revision 1's reads "since the beginning"). */
  effective: (iso: string) => string;
  /** Any other instant. */
  when: (iso: string) => string;
}

const ROLES = new Set(['head-office', 'branch', 'system', 'auditor']);

/**
 * An entry's summary in one line: a token's holder and role, the branch, the reason, comment or
 * note, the first changes, and from when. Never the raw JSON (the CSV export carries that).
 */
export function auditSummary(summary: Readonly<Record<string, unknown>> | undefined, words: SummaryWords): string {
  const s = summary ?? {};
  const { t } = words;
  const parts: string[] = [];
  const branch = typeof s.branch === 'string' && s.branch !== '' ? s.branch : undefined;
  if (typeof s.role === 'string' && ROLES.has(s.role)) {
    if (typeof s.name === 'string' && s.name !== '') parts.push(s.name);
    parts.push(t(`role.${s.role}` as MessageKey) + (branch ? ` ${branch}` : ''));
  } else if (branch) parts.push(branch);
  for (const key of ['reason', 'comment', 'note']) if (typeof s[key] === 'string' && s[key] !== '') parts.push(String(s[key]));
  if (Array.isArray(s.changes) && s.changes.length > 0) {
    parts.push(s.changes.slice(0, 3).map((c) => {
      const r = c as Record<string, unknown>;
      return `${String(r.path)}: ${formatValue(r.before ?? undefined)} → ${formatValue(r.after ?? undefined)}`;
    }).join('; ') + (s.changes.length > 3 ? ` … +${s.changes.length - 3}` : ''));
  }
  if (typeof s.effectiveFrom === 'string') parts.push(t('baseEffective', { from: words.effective(s.effectiveFrom) }));
  if (typeof s.from === 'string') parts.push(t('sinceTime', { from: words.when(s.from) }));
  return parts.join(' · ');
}
