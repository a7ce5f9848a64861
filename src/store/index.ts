// The store's public surface: open one, then use its parts. See store.ts for the whole.
export { openStore, Store, storeOptionsFrom, type FirstStart, type StoreOptions } from './store.ts';
export { StoreBusyError } from './data-dir-lock.ts';
export { StoreUnavailableError } from './db.ts';
export { fullSetValidator, type SetValidator } from './context.ts';
export type { StoreChange, ChangeListener } from './changes.ts';
export type { AuditAction, AuditEntry, AuditVerification } from './audit.ts';
export type { Candidate, PublishEffect, PublishInput, PublishOutcome, PublishPlan, Revision, RevisionStatus, RevisionSummary, ScheduledMode } from './revisions.ts';
export type { SuspensionReason } from './publish-plan.ts';
export { PROPOSAL_STATUSES, type ApproveInput, type DecideInput, type Proposal, type ProposalAction, type ProposalStatus, type ProposalStep, type RebaseInput, type SubmitInput } from './proposals.ts';
export type { EffectivePolicy, Override } from './overrides.ts';
export { actorOf, isRole, ROLES, type CreateTokenInput, type Principal, type Role, type TokenInfo } from './tokens.ts';
export type { DecisionRecord, NewDecisionRecord, RecorderStats } from './decisions.ts';
export { readPolicyDir, writePolicyDir } from './files.ts';
