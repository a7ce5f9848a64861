// A publish's effects in words: who is affected, what happens, and why — each changed path named
// by head office's own bound label, in the reader's language.
import { describe, expect, it } from 'vitest';
import type { PublishEffect } from '../../editor/src/api.ts';
import { effectRows, effectsHeadline, pathLabel, reasonRows, type WordsContext } from '../../editor/src/lib/effects.ts';
import { translate } from '../../editor/src/lib/i18n.ts';
import { localise, titleOf, type Lang } from '../../editor/src/lib/labels.ts';
import { ruleDocs } from './helpers.ts';

const docs = ruleDocs();

function words(lang: Lang): WordsContext {
  return {
    lang, docs,
    t: (key, params) => translate(lang, key, params),
    kindTitle: (k) => localise(titleOf(docs[k]), lang, k),
    when: (iso) => iso.slice(0, 10),
  };
}

const suspended: PublishEffect = {
  type: 'override-suspended', branch: '0101', override: 1, from: '2026-12-05T10:00:00.000Z',
  reasons: [{ path: '/classification/turnoverThreshold', code: 'OVERRIDE_BASE_CHANGED', message: 'Head office changed /classification/turnoverThreshold in this publish; the override was written against revision 1.' }],
};
const stale: PublishEffect = { type: 'proposal-stale', branch: '0202', proposal: 7, reasons: suspended.reasons };
const kept: PublishEffect = { type: 'revision-rescheduled', revision: 2, effectiveFrom: '2030-01-01T00:00:00.000Z', kinds: ['vip'], overrides: [] };
const keptOver: PublishEffect = { type: 'revision-rescheduled', revision: 2, effectiveFrom: '2030-01-01T00:00:00.000Z', kinds: ['classification'], overrides: ['classification'] };
const dropped: PublishEffect = { type: 'revision-superseded', revision: 2, effectiveFrom: '2030-01-01T00:00:00.000Z', reason: 'replaced' };

describe('pathLabel', () => {
  it('names a kind-first pointer by the kind\'s title and head office\'s bound label', () => {
    expect(pathLabel('/classification/turnoverThreshold', words('zh'))).toBe('客户分类 · 资产周转率阈值');
    expect(pathLabel('/classification/turnoverThreshold', words('en'))).toBe('Client classification · Turnover threshold');
  });
  it('finds the kind of a pointer inside a document by the bound that governs it', () => {
    expect(pathLabel('/turnoverThreshold', words('zh'))).toBe('客户分类 · 资产周转率阈值');
  });
  it('leaves a pointer no bound names as it is', () => {
    expect(pathLabel('/nowhere/at/all', words('zh'))).toBe('/nowhere/at/all');
  });
});

describe('reasonRows', () => {
  it('says why in the reader\'s language for a known code, the server\'s words otherwise', () => {
    expect(reasonRows(suspended.reasons, words('zh'))).toEqual([{ label: '客户分类 · 资产周转率阈值', path: '/classification/turnoverThreshold', code: 'OVERRIDE_BASE_CHANGED', why: '总部修改了此项' }]);
    expect(reasonRows([{ path: '/x', code: 'TIER_GAP', message: 'A gap between tiers.' }], words('en'))[0]!.why).toBe('A gap between tiers.');
  });
});

describe('effectRows', () => {
  it('names the suspended override\'s branch and id, from when, and the path by its bound label', () => {
    const [row] = effectRows([suspended], words('zh'));
    expect(row).toMatchObject({ type: 'override-suspended', tone: 'warn', subject: '营业部 0101 · 调整 #1', data: { branch: '0101', override: '1' } });
    expect(row!.what).toContain('2026-12-05');
    expect(row!.what).toContain('改按总部制度决策');
    expect(row!.reasons.map((r) => r.label)).toEqual(['客户分类 · 资产周转率阈值']);
  });

  it('links a stale proposal to its page', () => {
    const [row] = effectRows([stale], words('en'));
    expect(row).toMatchObject({ subject: 'Branch 0202 · proposal #7', link: '#/proposal/7', tone: 'warn' });
  });

  it('says a kept scheduled revision is published again, and which of this publish\'s kinds it then replaces', () => {
    expect(effectRows([kept], words('zh'))[0]).toMatchObject({ tone: 'info', subject: '版本 #2(预定 2030-01-01 生效)' });
    expect(effectRows([kept], words('zh'))[0]!.what).toContain('重新发布');
    const over = effectRows([keptOver], words('zh'))[0]!;
    expect(over.tone).toBe('warn');
    expect(over.what).toContain('客户分类');
  });

  it('warns that a superseded scheduled revision never takes effect', () => {
    expect(effectRows([dropped], words('en'))[0]).toMatchObject({ tone: 'warn', what: 'Superseded by this publish: it never takes effect.' });
    expect(effectRows([{ ...dropped, reason: 'contained' }], words('en'))[0]!.tone).toBe('info');
  });

  it('puts what others lose first', () => {
    expect(effectRows([kept, dropped, stale, suspended], words('zh')).map((r) => r.type)).toEqual(['override-suspended', 'proposal-stale', 'revision-superseded', 'revision-rescheduled']);
  });
});

describe('effectsHeadline', () => {
  it('counts the effects by what they do', () => {
    const t = words('zh').t;
    expect(effectsHeadline([suspended, stale, kept], t, 'zh')).toBe('暂停 1 个营业部调整、使 1 个待审批提案过时、保留并变基重新发布 1 个预定版本');
    expect(effectsHeadline([], t, 'zh')).toBe('');
  });
});
