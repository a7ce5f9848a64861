import { describe, expect, it } from 'vitest';
import { adviceKey, format, MESSAGES, translate } from '../../editor/src/lib/i18n.ts';
import { ERROR_CODES } from '../../src/errors.ts';

describe('the interface\'s words', () => {
  it('has every message in both languages, none empty, with the same placeholders', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.zh).sort());
    for (const [key, zh] of Object.entries(MESSAGES.zh)) {
      const en = MESSAGES.en[key as keyof typeof MESSAGES.en];
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      const names = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      expect(names(en), key).toEqual(names(zh));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{a} of {b}', { a: 1 })).toBe('1 of {b}');
    expect(translate('zh', 'submitted', { id: 7 })).toBe('已提交,编号 7。总部审批后生效。');
  });

  it('gives advice that says what to do for every API error code', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      const key = adviceKey(code);
      expect(translate('zh', key, { code }).length, code).toBeGreaterThan(8);
    }
    expect(adviceKey('UNAUTHENTICATED')).toBe('error.UNAUTHENTICATED');
    expect(adviceKey('SOMETHING_NEW')).toBe('error.other');
  });
});
