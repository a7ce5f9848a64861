// What a proposal's page offers whom, and how its history reads. The server decides (a stale
// proposal is 409 PROPOSAL_STALE, approving one's own is 403); this says the same before anyone
// clicks, so that a button is offered only when it can work, and a disabled one says why.
import type { Proposal, ProposalStep } from '../api.ts';
import type { MessageKey } from './i18n.ts';
import { can, mayActFor, submittedByMe, type Principal } from './roles.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/** The badge a proposal shows: its status, or `stale` while pending on ground head office has moved. */
export type ProposalBadge = Proposal['status'] | 'stale';

export function proposalBadge(p: Pick<Proposal, 'status' | 'stale'>): ProposalBadge {
  return p.status === 'submitted' && p.stale ? 'stale' : p.status;
}

export interface ProposalActions {
  /** Head office's approval: offered while pending; disabled (with why) for one's own or a stale one. */
  approve: { offered: boolean; enabled: boolean; why?: 'own' | 'stale' };
  reject: boolean;
  /** Head office asks the branch to rebase a stale one. */
  requestRebase: boolean;
  /** The branch (or whoever submitted it) rebases it onto the revision in force in one step. */
  rebase: boolean;
  withdraw: boolean;
}

/** Has head office asked for a rebase since the proposal was last submitted or rebased? */
export function rebaseRequested(p: Pick<Proposal, 'steps'>): ProposalStep | undefined {
  const steps = p.steps ?? [];
  const last = [...steps].reverse().find((s) => s.action === 'rebase-requested' || s.action === 'submitted');
  return last?.action === 'rebase-requested' ? last : undefined;
}

export function proposalActions(p: Proposal, who: Principal): ProposalActions {
  const pending = p.status === 'submitted';
  const own = submittedByMe(who, p.submittedBy);
  const stale = pending && p.stale !== undefined;
  const headOffice = can(who, 'approve');
  // The submitting branch, or whoever submitted it (head office proposing for a branch).
  const submitter = (who.role === 'branch' && mayActFor(who, p.branch)) || own;
  const approve = { offered: pending && headOffice, enabled: pending && headOffice && !own && !stale, ...(pending && headOffice && own ? { why: 'own' as const } : pending && headOffice && stale ? { why: 'stale' as const } : {}) };
  return {
    approve,
    reject: pending && headOffice,
    requestRebase: pending && headOffice && stale && !own,
    rebase: pending && submitter && (stale || rebaseRequested(p) !== undefined),
    withdraw: pending && submitter,
  };
}

export interface HistoryRow {
  at: string;
  action: string;
  /** The step's name in the reader's language. */
  title: string;
  actor: string;
  comment: string;
  /** What the step's detail says ("基于版本 3", "由提案 #9 取代"). */
  detail: string;
  /** A proposal the step points at (the one that superseded, or was replaced by, this one). */
  proposal?: number;
  /** For a stale step: the paths head office changed, to be named by the caller. */
  reasons?: { path: string; code: string; message: string }[];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const KNOWN_STEPS = new Set(['submitted', 'rebased', 'approved', 'rejected', 'withdrawn', 'stale', 'rebase-requested', 'superseded']);

/** Every step, oldest first, with its comment and what its detail means. */
export function historyRows(p: Pick<Proposal, 'steps'>, t: Words, when: (iso: string) => string): HistoryRow[] {
  return (p.steps ?? []).map((s) => {
    const d = s.detail ?? {};
    let detail = '';
    let proposal: number | undefined;
    let reasons: HistoryRow['reasons'];
    switch (s.action) {
      case 'submitted':
        if (num(d.baseRevision) !== undefined) detail = t('history.basedOn', { revision: num(d.baseRevision)! });
        if (num(d.replaces) !== undefined) { proposal = num(d.replaces); detail += (detail ? ' · ' : '') + t('history.replaces', { id: proposal! }); }
        break;
      case 'stale':
        if (num(d.revision) !== undefined) detail = t('history.staleAt', { revision: num(d.revision)! });
        if (Array.isArray(d.reasons)) reasons = d.reasons.filter((r): r is { path: string; code: string; message: string } => typeof r === 'object' && r !== null && typeof (r as { path?: unknown }).path === 'string');
        break;
      case 'rebase-requested':
        if (num(d.revision) !== undefined) detail = t('history.rebaseOnto', { revision: num(d.revision)! });
        break;
      case 'superseded':
        if (num(d.by) !== undefined) { proposal = num(d.by); detail = t('history.supersededBy', { id: proposal!, revision: num(d.baseRevision) ?? '—' }); }
        break;
      case 'rebased':
        if (num(d.from) !== undefined && num(d.to) !== undefined) detail = t('history.rebased', { from: num(d.from)!, to: num(d.to)! });
        break;
      case 'approved':
        if (typeof d.effectiveFrom === 'string') detail = t('history.approvedFrom', { from: when(d.effectiveFrom), revision: num(d.baseRevision) ?? '—' });
        break;
    }
    return {
      at: s.at, action: s.action, actor: s.actor, comment: s.comment, detail,
      title: KNOWN_STEPS.has(s.action) ? t(`step.${s.action}` as MessageKey) : s.action,
      ...(proposal !== undefined ? { proposal } : {}), ...(reasons ? { reasons } : {}),
    };
  });
}
