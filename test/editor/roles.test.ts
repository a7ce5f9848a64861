import { describe, expect, it } from 'vitest';
import { can, mayActFor, navScreenOf, principalFrom, routableScreens, screensFor, submittedByMe } from '../../editor/src/lib/roles.ts';

describe('what each role is offered', () => {
  it.each([
    ['head-office', undefined, ['browser', 'override', 'review', 'publish', 'console', 'audit', 'tokens']],
    ['branch', '0101', ['browser', 'override', 'console']],
    ['system', undefined, ['browser', 'console']],
    ['auditor', undefined, ['browser', 'review', 'console', 'audit', 'tokens']],
  ] as const)('%s', (role, branch, screens) => {
    expect(screensFor({ role, ...(branch ? { branch } : {}) })).toEqual(screens);
  });

  it('lets only head office approve and publish, and nobody but a branch withdraw', () => {
    expect(can({ role: 'head-office' }, 'approve')).toBe(true);
    expect(can({ role: 'branch', branch: '0101' }, 'approve')).toBe(false);
    expect(can({ role: 'auditor' }, 'publish')).toBe(false);
    expect(can({ role: 'branch', branch: '0101' }, 'withdraw')).toBe(true);
  });

  it('lets head office issue and revoke tokens, and an auditor only read who holds them', () => {
    expect(can({ role: 'head-office' }, 'manage-tokens')).toBe(true);
    expect(can({ role: 'auditor' }, 'read-tokens')).toBe(true);
    expect(can({ role: 'auditor' }, 'manage-tokens')).toBe(false);
    expect(can({ role: 'branch', branch: '0101' }, 'read-tokens')).toBe(false);
    expect(can({ role: 'system' }, 'read-tokens')).toBe(false);
  });

  it('binds a branch to its own code', () => {
    expect(mayActFor({ role: 'branch', branch: '0101' }, '0101')).toBe(true);
    expect(mayActFor({ role: 'branch', branch: '0101' }, '0202')).toBe(false);
    expect(mayActFor({ role: 'head-office' }, '0202')).toBe(true);
    expect(mayActFor({ role: 'auditor' }, '0202')).toBe(false);
  });
});

describe('principalFrom (GET /v1/me)', () => {
  it('reads the server\'s answer', () => {
    expect(principalFrom({ tokenId: 1, role: 'branch', branch: '0101', name: '0101 manager' })).toEqual({ role: 'branch', branch: '0101', name: '0101 manager', tokenId: 1 });
    expect(principalFrom({ principal: { role: 'auditor', name: '' } })).toEqual({ role: 'auditor' });
  });
  it('refuses an unknown role or a branch token without its branch', () => {
    expect(principalFrom({ role: 'admin' })).toBeUndefined();
    expect(principalFrom({ role: 'branch' })).toBeUndefined();
    expect(principalFrom(null)).toBeUndefined();
  });
});

describe('a proposal\'s page and its submitter', () => {
  it('opens for whoever reads proposals, under the screen it belongs to', () => {
    expect(routableScreens({ role: 'branch', branch: '0101' })).toContain('proposal');
    expect(routableScreens({ role: 'auditor' })).toContain('proposal');
    expect(routableScreens({ role: 'system' })).not.toContain('proposal');
    expect(navScreenOf({ role: 'branch', branch: '0101' }, 'proposal')).toBe('override');
    expect(navScreenOf({ role: 'head-office' }, 'proposal')).toBe('review');
    expect(navScreenOf({ role: 'head-office' }, 'publish')).toBe('publish');
  });

  it('knows its own submissions by token id, as the server names the submitter', () => {
    const me = { role: 'head-office' as const, tokenId: 1 };
    expect(submittedByMe(me, 'token:1 (总部)')).toBe(true);
    expect(submittedByMe(me, 'token:1')).toBe(true);
    expect(submittedByMe(me, 'token:12 (其他人)')).toBe(false);
    expect(submittedByMe({ role: 'head-office' }, 'token:1 (总部)')).toBe(false);
  });
});
