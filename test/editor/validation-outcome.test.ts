// The editor reads a validation's verdict the same way for head-office documents and branch
// overrides: problems in a 200 answer, or as the details of a 422; anything else is an error.
import { describe, expect, it } from 'vitest';
import { ApiError, validationOutcome } from '../../editor/src/api.ts';

const problem = { kind: 'classification', path: '/turnoverThreshold', line: 2, column: 22, code: 'OUT_OF_BOUNDS', message: 'above the bound' };

describe('validationOutcome', () => {
  it('a clean 200 is valid', async () => {
    expect(await validationOutcome(Promise.resolve({ valid: true, problems: [] }))).toEqual({ valid: true, problems: [] });
  });

  it('a 200 with positioned problems is not valid, whatever it says', async () => {
    expect(await validationOutcome(Promise.resolve({ valid: true, problems: [problem] }))).toEqual({ valid: false, problems: [problem] });
  });

  it('a 422 gives its details as the problems', async () => {
    const refused = Promise.reject(new ApiError(422, 'INVALID_POLICY', 'invalid', [problem, { message: 'no position' }]));
    expect(await validationOutcome(refused)).toEqual({ valid: false, problems: [problem] });
  });

  it('other failures are thrown as they are', async () => {
    const forbidden = new ApiError(403, 'FORBIDDEN', 'no');
    await expect(validationOutcome(Promise.reject(forbidden))).rejects.toBe(forbidden);
    const network = new Error('offline');
    await expect(validationOutcome(Promise.reject(network))).rejects.toBe(network);
  });
});
