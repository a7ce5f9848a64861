// Whole numbers in a URL are read strictly, through inject(): every route with an integer in its
// path or query string answers 400 BAD_INPUT naming the field for anything but decimal digits in
// range, where coercion read `0x10` as 16. Runs on the embedded store and on PostgreSQL.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, type TestServer, type TokenName } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

describe('ids are decimal digits', () => {
  const BAD = ['0x10', '1e1', '+1', '%201', '1%20', '1.0', '-1', '%EF%BC%91', '2147483648', '99999999999999999999'];
  const ROUTES: [string, TokenName, (id: string) => InjectOptions][] = [
    ['GET /v1/revisions/{id}', 'system', (id) => ({ method: 'GET', url: `/v1/revisions/${id}` })],
    ['GET /v1/proposals/{id}', 'headOffice', (id) => ({ method: 'GET', url: `/v1/proposals/${id}` })],
    ['POST /v1/proposals/{id}/approve', 'headOffice2', (id) => ({ method: 'POST', url: `/v1/proposals/${id}/approve`, payload: {} })],
    ['POST /v1/proposals/{id}/reject', 'headOffice', (id) => ({ method: 'POST', url: `/v1/proposals/${id}/reject`, payload: {} })],
    ['POST /v1/proposals/{id}/withdraw', 'branch0101', (id) => ({ method: 'POST', url: `/v1/proposals/${id}/withdraw` })],
    ['POST /v1/tokens/{id}/revoke', 'headOffice', (id) => ({ method: 'POST', url: `/v1/tokens/${id}/revoke` })],
  ];
  for (const [route, as, request] of ROUTES) {
    it(`${route}: anything but digits is 400 BAD_INPUT naming the param`, async () => {
      for (const id of BAD) {
        const r = await s.call(as, request(id));
        expect([r.statusCode, r.json()], id).toEqual([400, {
          error: {
            code: 'BAD_INPUT', message: 'params id: must be a whole number in decimal digits, from 1 to 2147483647',
            details: [{ field: 'id', in: 'params', message: 'must be a whole number in decimal digits, from 1 to 2147483647' }],
          },
        }]);
      }
    });
  }

  it('the same for integers in a query string', async () => {
    const r = await s.call('auditor', { method: 'GET', url: '/v1/audit?after=0x1' });
    expect([r.statusCode, r.json().error.details]).toEqual([400, [{ field: 'after', in: 'query', message: 'must be a whole number in decimal digits, from 0 to 2147483647' }]]);
    expect((await s.call('auditor', { method: 'GET', url: '/v1/audit?limit=1e1' })).json().error.details).toEqual([{ field: 'limit', in: 'query', message: 'must be a whole number in decimal digits, from 1 to 1000' }]);
    expect((await s.call('auditor', { method: 'GET', url: '/v1/audit?after=2&limit=2' })).json().map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
  });

  it('plain digits still work', async () => {
    expect((await s.call('system', { method: 'GET', url: '/v1/revisions/1' })).json().id).toBe(1);
    expect((await s.call('system', { method: 'GET', url: '/v1/revisions/16' })).json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no revision 16.' } });
  });
});
