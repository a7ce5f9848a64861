import { describe, expect, it } from 'vitest';
import { effectiveText, isBeginning } from '../../editor/src/lib/effective-time.ts';
import { translate } from '../../editor/src/lib/i18n.ts';

const when = (iso: string): string => iso.slice(0, 10);

describe('revision 1\'s effective time', () => {
  it('reads "since the beginning", never 1970', () => {
    expect(effectiveText('1970-01-01T00:00:00.000Z', (k, p) => translate('zh', k, p), when)).toBe('自始');
    expect(effectiveText('1970-01-01T00:00:00Z', (k, p) => translate('en', k, p), when)).toBe('since the beginning');
  });
  it('formats any later instant as usual', () => {
    expect(effectiveText('2027-01-01T00:00:00.000Z', (k, p) => translate('zh', k, p), when)).toBe('2027-01-01');
    expect(isBeginning('1970-01-01T00:00:00.001Z')).toBe(false);
    expect(isBeginning(0)).toBe(true);
    expect(isBeginning('not a date')).toBe(false);
  });
});
