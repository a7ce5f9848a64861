// What each role may do (API.md "Roles and tokens"), so the interface offers exactly that.
// The server enforces the same rules; this only decides what is shown.

export type Role = 'head-office' | 'branch' | 'system' | 'auditor';

export const ROLES: readonly Role[] = ['head-office', 'branch', 'system', 'auditor'];

export interface Principal {
  role: Role;
  /** Set for the branch role: the one branch it speaks for. */
  branch?: string;
  name?: string;
  /** The token's id (GET /v1/me): whoever submitted a proposal is `token:<id> (<name>)`. */
  tokenId?: number;
}

export type Screen = 'browser' | 'override' | 'review' | 'publish' | 'console' | 'audit' | 'tokens' | 'proposal';

/** Screens reached by a link rather than from the navigation. */
const LINKED_SCREENS: readonly Screen[] = ['proposal'];

export type Action =
  | 'read-policy'
  | 'propose'
  | 'withdraw'
  | 'approve'
  | 'publish'
  | 'decide'
  | 'read-proposals'
  | 'read-audit'
  /** See who holds which token (GET /v1/tokens). */
  | 'read-tokens'
  /** Issue and revoke tokens. */
  | 'manage-tokens';

const ALLOWED: Readonly<Record<Role, readonly Action[]>> = {
  'head-office': ['read-policy', 'propose', 'approve', 'publish', 'decide', 'read-proposals', 'read-audit', 'read-tokens', 'manage-tokens'],
  branch: ['read-policy', 'propose', 'withdraw', 'decide', 'read-proposals'],
  system: ['read-policy', 'decide'],
  auditor: ['read-policy', 'decide', 'read-proposals', 'read-audit', 'read-tokens'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(p: Principal, action: Action): boolean {
  return ALLOWED[p.role].includes(action);
}

/** May this principal act for (propose for, read the proposals of) a branch? */
export function mayActFor(p: Principal, branch: string): boolean {
  if (p.role === 'branch') return p.branch === branch;
  return p.role === 'head-office';
}

/** Did this principal submit it? The server names a submitter `token:<id>` or `token:<id> (<name>)`. */
export function submittedByMe(p: Principal, submittedBy: string): boolean {
  if (p.tokenId === undefined) return false;
  const prefix = `token:${p.tokenId}`;
  return submittedBy === prefix || submittedBy.startsWith(`${prefix} `);
}

/** The screens a principal may open: the navigation's, and one proposal's page for whoever reads proposals. */
export function routableScreens(p: Principal): Screen[] {
  return [...screensFor(p), ...LINKED_SCREENS.filter((s) => s === 'proposal' && can(p, 'read-proposals'))];
}

/** The navigation entry a linked screen belongs under (a proposal: the review queue, or a branch's own screen). */
export function navScreenOf(p: Principal, screen: Screen): Screen {
  if (screen !== 'proposal') return screen;
  return screensFor(p).includes('review') ? 'review' : 'override';
}

/** The screens to offer, in navigation order. */
export function screensFor(p: Principal): Screen[] {
  const screens: Screen[] = ['browser'];
  if (can(p, 'propose')) screens.push('override');
  // Head office reviews the queue; an auditor may look at it without acting.
  if (can(p, 'approve') || (p.role === 'auditor' && can(p, 'read-proposals'))) screens.push('review');
  if (can(p, 'publish')) screens.push('publish');
  if (can(p, 'decide')) screens.push('console');
  if (can(p, 'read-audit')) screens.push('audit');
  // Head office issues and revokes tokens; an auditor sees who holds which.
  if (can(p, 'read-tokens')) screens.push('tokens');
  return screens;
}

/** Reads a "who am I" answer in the shapes a server may give ({role, branch} or {principal: …}). */
export function principalFrom(body: unknown): Principal | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const r = body as Record<string, unknown>;
  if (r.principal && typeof r.principal === 'object') return principalFrom(r.principal);
  if (!isRole(r.role)) return undefined;
  if (r.role === 'branch' && typeof r.branch !== 'string') return undefined;
  return {
    role: r.role,
    ...(typeof r.branch === 'string' ? { branch: r.branch } : {}),
    ...(typeof r.name === 'string' && r.name !== '' ? { name: r.name } : {}),
    ...(typeof r.tokenId === 'number' ? { tokenId: r.tokenId } : {}),
  };
}
