// What a proposal's page offers whom: approval never to its own submitter nor for a stale one
// (disabled, saying why, before anyone clicks), rebase to the branch once head office moved the
// ground or asked, and its history read with every comment and what each step's detail means.
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../editor/src/api.ts';
import { translate } from '../../editor/src/lib/i18n.ts';
import { historyRows, proposalActions, proposalBadge, rebaseRequested } from '../../editor/src/lib/proposal-state.ts';
import type { Principal } from '../../editor/src/lib/roles.ts';

const headOffice: Principal = { role: 'head-office', tokenId: 1, name: '总部' };
const colleague: Principal = { role: 'head-office', tokenId: 9 };
const branch: Principal = { role: 'branch', branch: '0101', tokenId: 2 };
const otherBranch: Principal = { role: 'branch', branch: '0202', tokenId: 3 };
const auditor: Principal = { role: 'auditor', tokenId: 4 };

const pending: Proposal = {
  id: 5, branch: '0101', baseRevision: 1, override: 'classification: {turnoverThreshold: 2.5}\n', reason: 'r',
  submittedBy: 'token:2 (0101 营业部经理)', submittedAt: '2026-12-05T10:00:00.000Z', status: 'submitted',
  steps: [{ action: 'submitted', actor: 'token:2 (0101 营业部经理)', at: '2026-12-05T10:00:00.000Z', comment: 'r', detail: { baseRevision: 1 } }],
};
const staleOne: Proposal = { ...pending, stale: { revision: 3, reasons: [{ path: '/classification/turnoverThreshold', code: 'OVERRIDE_BASE_CHANGED', message: 'changed' }] } };

describe('proposalActions', () => {
  it('lets head office approve or reject a pending proposal someone else submitted', () => {
    expect(proposalActions(pending, colleague)).toEqual({ approve: { offered: true, enabled: true }, reject: true, requestRebase: false, rebase: false, withdraw: false });
  });

  it('offers head office approval of its own submission disabled, saying so, and lets it withdraw', () => {
    const own = { ...pending, submittedBy: 'token:1 (总部)' };
    expect(proposalActions(own, headOffice).approve).toEqual({ offered: true, enabled: false, why: 'own' });
    expect(proposalActions(own, headOffice).withdraw).toBe(true);
    // token:1 is not token:12.
    expect(proposalActions({ ...pending, submittedBy: 'token:12 (someone)' }, headOffice).approve.enabled).toBe(true);
  });

  it('never offers approval of a stale proposal: reject or ask for a rebase', () => {
    expect(proposalActions(staleOne, colleague)).toEqual({ approve: { offered: true, enabled: false, why: 'stale' }, reject: true, requestRebase: true, rebase: false, withdraw: false });
  });

  it('lets the branch rebase a stale one, or one head office asked to be rebased, and withdraw while pending', () => {
    expect(proposalActions(pending, branch)).toMatchObject({ rebase: false, withdraw: true, reject: false, approve: { offered: false } });
    expect(proposalActions(staleOne, branch)).toMatchObject({ rebase: true, withdraw: true });
    const asked: Proposal = { ...pending, steps: [...pending.steps!, { action: 'rebase-requested', actor: 'token:1 (总部)', at: '2026-12-06T00:00:00.000Z', comment: '请按新阈值重新确认' }] };
    expect(proposalActions(asked, branch).rebase).toBe(true);
    expect(rebaseRequested(asked)?.comment).toBe('请按新阈值重新确认');
  });

  it('offers nothing on a decided proposal, another branch\'s, or to an auditor', () => {
    const none = { approve: { offered: false, enabled: false }, reject: false, requestRebase: false, rebase: false, withdraw: false };
    expect(proposalActions({ ...pending, status: 'approved' }, colleague)).toEqual(none);
    expect(proposalActions({ ...staleOne, status: 'rejected' }, branch)).toEqual(none);
    expect(proposalActions(staleOne, otherBranch)).toEqual(none);
    expect(proposalActions(staleOne, auditor)).toEqual(none);
  });
});

describe('proposalBadge', () => {
  it('shows a pending proposal on moved ground as stale, anything else by its status', () => {
    expect(proposalBadge(staleOne)).toBe('stale');
    expect(proposalBadge(pending)).toBe('submitted');
    expect(proposalBadge({ status: 'superseded', stale: staleOne.stale })).toBe('superseded');
  });
});

describe('historyRows', () => {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>): string => translate('zh', key, params);
  it('reads every step with its comment and what its detail says', () => {
    const p: Proposal = {
      ...pending, status: 'superseded',
      steps: [
        ...pending.steps!,
        { action: 'stale', actor: 'token:1 (总部)', at: '2026-12-06T00:00:00.000Z', comment: '', detail: { revision: 3, reasons: staleOne.stale!.reasons } },
        { action: 'rebase-requested', actor: 'token:1 (总部)', at: '2026-12-06T01:00:00.000Z', comment: '请按新阈值重新确认', detail: { revision: 3 } },
        { action: 'superseded', actor: 'token:2 (0101 营业部经理)', at: '2026-12-06T02:00:00.000Z', comment: '', detail: { by: 8, baseRevision: 3 } },
      ],
    };
    const rows = historyRows(p, t, (iso) => iso.slice(0, 10));
    expect(rows.map((r) => r.title)).toEqual(['提交', '已过时', '总部请求变基', '被变基取代']);
    expect(rows[0]!.detail).toBe('基于版本 1');
    expect(rows[1]).toMatchObject({ detail: '总部在版本 3 修改了它涉及的内容', reasons: staleOne.stale!.reasons });
    expect(rows[2]).toMatchObject({ comment: '请按新阈值重新确认', detail: '变基到版本 3' });
    expect(rows[3]).toMatchObject({ proposal: 8, detail: '由提案 #8 取代(基于版本 3)' });
  });

  it('keeps approval and rejection comments, and an unknown step by its own name', () => {
    const p: Proposal = {
      ...pending, steps: [
        { action: 'rejected', actor: 'token:1 (总部)', at: '2026-12-06T00:00:00.000Z', comment: '阈值下调幅度过大' },
        { action: 'approved', actor: 'token:1 (总部)', at: '2026-12-06T00:00:00.000Z', comment: '同意', detail: { effectiveFrom: '2026-12-07T00:00:00.000Z', baseRevision: 3, overrideId: 2 } },
        { action: 'archived', actor: 'x', at: '2026-12-06T00:00:00.000Z', comment: '' },
      ],
    };
    const rows = historyRows(p, t, (iso) => iso.slice(0, 10));
    expect(rows[0]).toMatchObject({ title: '驳回', comment: '阈值下调幅度过大' });
    expect(rows[1]).toMatchObject({ title: '批准', comment: '同意', detail: '自 2026-12-07 起生效(基于版本 3)' });
    expect(rows[2]!.title).toBe('archived');
  });
});
