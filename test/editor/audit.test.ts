// The audit screen's logic: its filters as the server's query (days in the reader's time zone,
// sent as instants, the last day included), paging with `after`, and an entry in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditQuery, auditSubject, auditSummary, localDayStart, pageOf, searchOf, type AuditForm, type SummaryWords } from '../../editor/src/lib/audit.ts';
import { effectiveText } from '../../editor/src/lib/effective-time.ts';
import { translate } from '../../editor/src/lib/i18n.ts';

const blank: AuditForm = { branch: '', action: '', from: '', to: '', q: '' };

describe('the range of days, in the reader\'s time zone', () => {
  const zone = process.env.TZ;
  beforeAll(() => { process.env.TZ = 'Asia/Shanghai'; });
  afterAll(() => { if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone; });

  it('sends the first day\'s local midnight as from, and the midnight after the last day as to (exclusive)', () => {
    expect(auditQuery({ ...blank, from: '2026-03-05', to: '2026-03-05' })).toEqual({ query: { from: '2026-03-04T16:00:00.000Z', to: '2026-03-05T16:00:00.000Z' } });
    expect(auditQuery({ ...blank, to: '2026-12-31' })).toEqual({ query: { to: '2026-12-31T16:00:00.000Z' } });
  });

  it('follows the reader\'s zone through a daylight-saving change', () => {
    process.env.TZ = 'America/New_York';
    try {
      // 8 March 2026 is 23 hours long in New York: its midnight is 05:00Z, the next one 04:00Z.
      expect(auditQuery({ ...blank, from: '2026-03-08', to: '2026-03-08' })).toEqual({ query: { from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' } });
    } finally { process.env.TZ = 'Asia/Shanghai'; }
  });

  it('says which date is wrong rather than asking the server', () => {
    expect(auditQuery({ ...blank, from: '2026-02-30' })).toEqual({ problem: { field: 'from', problem: 'dateInvalid' } });
    expect(auditQuery({ ...blank, to: '5 March' })).toEqual({ problem: { field: 'to', problem: 'dateInvalid' } });
    expect(auditQuery({ ...blank, from: '2026-03-06', to: '2026-03-05' })).toEqual({ problem: { field: 'to', problem: 'dateOrder' } });
    expect(localDayStart('0099-01-01')?.getFullYear()).toBe(99);
  });
});

describe('the query', () => {
  it('keeps what the form says, trimmed, and leaves out what it does not', () => {
    expect(auditQuery({ ...blank, branch: ' 0101 ', action: 'token.create', q: ' 张三 ' })).toEqual({ query: { branch: '0101', action: 'token.create', q: '张三' } });
    expect(auditQuery(blank)).toEqual({ query: {} });
  });

  it('writes the query string with the page after the filters', () => {
    expect(searchOf({ q: '张三 & co', from: '2026-03-04T16:00:00.000Z' }, { after: 150, limit: 51 }))
      .toBe('?from=2026-03-04T16%3A00%3A00.000Z&q=%E5%BC%A0%E4%B8%89+%26+co&after=150&limit=51');
    expect(searchOf({}, { after: 0 })).toBe('');
  });
});

describe('paging with after', () => {
  const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ seq: from + i }));
  it('shows a page, says more follow and where the next starts when the answer held one more', () => {
    expect(pageOf(entries(1, 4), 3)).toEqual({ entries: entries(1, 3), more: true, next: 3 });
  });
  it('ends when the answer held no more than a page', () => {
    expect(pageOf(entries(4, 3), 3)).toEqual({ entries: entries(4, 3), more: false });
    expect(pageOf([], 3)).toEqual({ entries: [], more: false });
  });
});

describe('an entry in words', () => {
  const t: SummaryWords['t'] = (k, p) => translate('zh', k, p);
  const words: SummaryWords = { t, effective: (iso) => effectiveText(iso, t, (i) => i.slice(0, 10)), when: (iso) => iso.slice(0, 10) };

  it('names what it is about', () => {
    expect(auditSubject('revision:3')).toEqual({ type: 'revision', id: 3 });
    expect(auditSubject('token:12')).toEqual({ type: 'token', id: 12 });
    expect(auditSubject('store')).toEqual({ type: 'other', raw: 'store' });
  });

  it('says whose token was issued, with its role and branch', () => {
    expect(auditSummary({ role: 'branch', branch: '0101', name: '张三' }, words)).toBe('张三 · 营业部 0101');
    expect(auditSummary({ role: 'auditor', branch: null, name: '' }, words)).toBe('审计');
  });

  it('reads the first-start revision\'s effective time as since the beginning', () => {
    expect(auditSummary({ hash: 'sha256:x', effectiveFrom: '1970-01-01T00:00:00.000Z', note: '首次启动', changes: [] }, words)).toBe('首次启动 · 生效时间 自始');
  });

  it('gives a proposal\'s branch, reason and first changes', () => {
    const changes = [1, 2, 3, 4].map((n) => ({ path: `/classification/p${n}`, before: n, after: n + 1 }));
    expect(auditSummary({ branch: '0202', reason: '活跃', changes }, words))
      .toBe('0202 · 活跃 · /classification/p1: 1 → 2; /classification/p2: 2 → 3; /classification/p3: 3 → 4 … +1');
  });
});
