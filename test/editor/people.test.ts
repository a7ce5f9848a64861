// People, not token ids: an actor string as the person's name with the token's number muted,
// names filled in from the token list, and the command line and the server itself named as such.
import { describe, expect, it } from 'vitest';
import { translate } from '../../editor/src/lib/i18n.ts';
import { directoryOf, parseActor, personLine, personText, type TokenHolder, type Words } from '../../editor/src/lib/people.ts';

const zh: Words = (key, params) => translate('zh', key, params);
const en: Words = (key, params) => translate('en', key, params);

const token = (over: Partial<TokenHolder> & { id: number }): TokenHolder => ({ role: 'head-office', name: '', ...over });

describe('parseActor', () => {
  it.each([
    ['token:3 (张三)', { kind: 'token', tokenId: 3, name: '张三' }],
    ['token:12', { kind: 'token', tokenId: 12 }],
    // A name may carry parentheses of its own: it runs to the last one.
    ['token:4 (王五 (总部))', { kind: 'token', tokenId: 4, name: '王五 (总部)' }],
    ['cli:root', { kind: 'cli', name: 'root' }],
    ['cli', { kind: 'cli' }],
    ['system', { kind: 'system' }],
    ['token:x', { kind: 'other' }],
    ['someone else', { kind: 'other' }],
  ] as const)('%s', (raw, expected) => {
    expect(parseActor(raw)).toEqual({ raw, ...expected });
  });
});

describe('personText', () => {
  it('puts the recorded name first and the token number after it', () => {
    expect(personText('token:3 (张三)', zh)).toEqual({ name: '张三', id: '令牌 #3', title: 'token:3 (张三)', revoked: false, tokenId: 3 });
    expect(personText('token:3 (张三)', en).id).toBe('token #3');
  });

  it('names a token the string leaves unnamed from the token list, with its role and whether it is revoked', () => {
    const directory = directoryOf([token({ id: 1, name: 'first start' }), token({ id: 5, role: 'branch', branch: '0101', name: '李四', revokedAt: '2026-02-01T00:00:00.000Z' })]);
    expect(personText('token:1', zh, directory)).toMatchObject({ name: 'first start', id: '令牌 #1', title: 'token:1 · 经纪业务管理总部' });
    expect(personText('token:5 (李四)', zh, directory)).toEqual({ name: '李四', id: '令牌 #5 · 已撤销', title: 'token:5 (李四) · 营业部 0101 · 已撤销', revoked: true, tokenId: 5 });
  });

  it('reads a token no one named as its number, once', () => {
    expect(personText('token:9', zh)).toMatchObject({ name: '令牌 #9', id: '' });
    expect(personText('token:9', zh, directoryOf([token({ id: 9, name: '' })]))).toMatchObject({ name: '令牌 #9', id: '' });
  });

  it('names the command line\'s user and the server itself', () => {
    expect(personText('cli:root', zh)).toMatchObject({ name: 'root', id: '命令行' });
    expect(personText('cli', en)).toMatchObject({ name: 'command line', id: '' });
    expect(personText('system', zh)).toMatchObject({ name: '系统', id: '' });
    expect(personText('system', en)).toMatchObject({ name: 'System', id: '' });
    expect(personText('import job', zh)).toMatchObject({ name: 'import job', id: '' });
  });

  it('makes one line for sentences', () => {
    expect(personLine(personText('token:3 (张三)', zh), zh)).toBe('张三(令牌 #3)');
    expect(personLine(personText('token:3 (Zhang San)', en), en)).toBe('Zhang San (token #3)');
    expect(personLine(personText('system', zh), zh)).toBe('系统');
  });
});
