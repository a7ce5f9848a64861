// Head office's administration in real Chromium against a real server (issue 13, items 7 and 8):
// a token issued to 张三 is shown once with a copy button that copies it, listed by name, and
// revoked after a confirmation naming its holder (one's own token warned about first); the audit
// trail is searched by text and by a range of days and exported as CSV (the file read back); the
// revision shown is downloaded as its YAML bundle; people are shown by name wherever an actor is
// (revisions, proposal histories, the audit trail), revision 1 takes effect "since the beginning";
// an auditor reads the tokens without being offered anything to change. Every step waits for a
// state, never for a time.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from '@playwright/test';
import { api, CHROMIUM, chromiumAvailable, ensureEditorBuilt, launchBrowser, screenshot, signIn, startServer, type RunningServer } from './harness.ts';

const VIP = readFileSync(new URL('../../rules/vip.yaml', import.meta.url), 'utf8');
const CSV_HEADER = 'seq,at,actor,action,subject,branch,summary,hash';

interface TokenRow { id: number; name: string; role: string; branch?: string; revokedAt?: string; lastUsedAt?: string }

describe.skipIf(!chromiumAvailable() && !process.env.CI)('browser editor, head office administration', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  /** 张三's token as the page showed it, and its id. */
  let zhangToken = '';
  let zhangId = 0;

  const as = <T>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => api<T>(server.base, token, method, path, body);
  const tokens = async (): Promise<TokenRow[]> => (await as<TokenRow[]>(server.tokens.headOffice, 'GET', '/v1/tokens')).body;
  /** A download the click starts, read back whole. */
  async function downloadOf(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()]) as [Download, void];
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }
  /** A day in the browser's own time zone, as `<input type=date>` writes it, `offset` days from today. */
  const localDay = (offset: number): Promise<string> => page.evaluate((days) => {
    const d = new Date();
    d.setDate(d.getDate() + days);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }, offset);

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (never a downloaded browser).`);
    await ensureEditorBuilt();
    server = await startServer();
    // A proposal from 0101's manager, approved by head office: a history with two people in it.
    const proposal = await as<{ id: number }>(server.tokens.branch0101, 'POST', '/v1/branches/0101/proposals', { baseRevision: 1, override: 'classification:\n  turnoverThreshold: 2.5\n', reason: '本地客户交易活跃' });
    expect(proposal.status).toBe(201);
    expect((await as(server.tokens.headOffice, 'POST', `/v1/proposals/${proposal.body.id}/approve`, { comment: '同意' })).status).toBe(200);
    browser = await launchBrowser();
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-admin-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows revision 1 in force since the beginning, published by the system, on the browser and the publish screen', async () => {
    await signIn(page, server.base, server.tokens.headOffice);
    // The one signed in, by name.
    expect(await page.textContent('#who')).toContain('first start');
    const first = page.locator('table.revisions tr[data-revision="1"]');
    await first.waitFor();
    expect(await first.locator('td.effective').textContent()).toBe('自始');
    expect(await first.locator('.person-name').textContent()).toBe('系统');
    expect(await first.textContent()).not.toContain('1970');
    await screenshot(page, 'a00-revisions-since-beginning');
    await page.click('#nav-publish');
    await page.waitForSelector('#publish-base');
    expect(await page.textContent('#publish-base')).toBe('基于版本 1 · 生效时间 自始');
  }, 60_000);

  it('names the people in revisions and a proposal\'s history, the token\'s number muted', async () => {
    const published = await as<{ id: number }>(server.tokens.headOffice, 'POST', '/v1/revisions', {
      documents: { vip: VIP.replace('label: { zh: 目标贵宾客户, en: Target VIP }', 'label: { zh: 重点培育贵宾, en: Priority target VIP }') }, note: '目标贵宾更名', acknowledge: true,
    });
    expect(published.status).toBe(201);
    await page.click('#nav-browser');
    const second = page.locator(`table.revisions tr[data-revision="${published.body.id}"]`);
    await second.waitFor();
    expect(await second.locator('.person-name').textContent()).toBe('first start');
    expect(await second.locator('.person-id').textContent()).toBe(' 令牌 #1');
    expect(await second.locator('.person').getAttribute('title')).toContain('经纪业务管理总部');

    await page.goto(`${server.base}/#/proposal/1`);
    await page.waitForSelector('#proposal-submitter .person-name');
    expect(await page.textContent('#proposal-submitter .person-name')).toBe('0101 营业部经理');
    expect(await page.textContent('#proposal-submitter .person-id')).toBe(' 令牌 #2');
    expect(await page.textContent('#proposal-history li[data-action="submitted"] .person-name')).toBe('0101 营业部经理');
    expect(await page.textContent('#proposal-history li[data-action="approved"] .person-name')).toBe('first start');
    expect(await page.textContent('#proposal-history')).not.toContain('token:');
    await screenshot(page, 'a01-proposal-people', true);
  }, 60_000);

  it('issues a token to 张三, shown once with a copy button, and lists it by name', async () => {
    await page.click('#nav-tokens');
    await page.waitForSelector('#tokens-table');
    const before = (await tokens()).length;
    // A token for no one is refused here, before anything is sent.
    await page.selectOption('#token-role', 'branch');
    await page.click('#token-create');
    expect(await page.textContent('#token-create-status')).toContain('请填写持有人的姓名或系统名称');
    await page.fill('#token-name', '张三');
    await page.click('#token-create');
    expect(await page.textContent('#token-create-status')).toContain('须绑定一个营业部代码');
    expect(await tokens()).toHaveLength(before);

    await page.fill('#token-branch', '0101');
    await page.click('#token-create');
    await page.waitForSelector('#new-token-panel');
    expect(await page.textContent('#new-token-panel')).toContain('已为 张三 发放令牌');
    expect(await page.textContent('#new-token-panel')).toContain('令牌不会再次显示');
    zhangToken = await page.inputValue('#new-token');
    zhangId = Number(await page.getAttribute('#new-token-panel', 'data-token'));
    await page.click('#new-token-copy');
    await expect.poll(() => page.textContent('#new-token-copied')).toContain('已复制');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(zhangToken);
    await screenshot(page, 'a02-token-issued');

    // The token the page showed is 张三's, bound to 0101.
    const me = await as<{ tokenId: number; role: string; branch: string; name: string }>(zhangToken, 'GET', '/v1/me');
    expect(me.body).toEqual({ tokenId: zhangId, role: 'branch', branch: '0101', name: '张三' });
    const row = page.locator(`#tokens-table tr[data-token="${zhangId}"]`);
    expect(await row.locator('td.holder').textContent()).toBe('张三');
    expect(await row.textContent()).toContain('营业部 0101');
    expect(await row.textContent()).toContain('发放人:first start(令牌 #1)');
    expect(await row.getAttribute('data-state')).toBe('active');

    // Shown once: drawn again, the list has 张三 and the token is gone from the page.
    await page.reload();
    await page.waitForSelector(`#tokens-table tr[data-token="${zhangId}"]`);
    expect(await page.locator('#new-token-panel').count()).toBe(0);
    expect(await page.content()).not.toContain(zhangToken);
  }, 60_000);

  it('revokes a token after a confirmation naming its holder, warning first when it is one\'s own', async () => {
    await page.click('#tokens-table tr[data-token="1"] button[data-revoke="1"]');
    await page.waitForSelector('dialog#revoke-confirm[open]');
    expect(await page.textContent('#revoke-confirm h2')).toBe('撤销 first start 的令牌 #1?');
    expect(await page.textContent('#revoke-own')).toContain('撤销后您将立即退出登录');
    await page.click('#revoke-confirm #confirm-cancel');
    await page.waitForSelector('dialog#revoke-confirm', { state: 'detached' });
    expect((await tokens()).find((tk) => tk.id === 1)?.revokedAt).toBeUndefined();

    await page.click(`#tokens-table button[data-revoke="${zhangId}"]`);
    await page.waitForSelector('dialog#revoke-confirm[open]');
    expect(await page.textContent('#revoke-confirm h2')).toBe(`撤销 张三 的令牌 #${zhangId}?`);
    expect(await page.textContent('#revoke-confirm')).toContain('张三(营业部 0101)将无法再用此令牌登录');
    expect(await page.locator('#revoke-own').count()).toBe(0);
    await screenshot(page, 'a03-revoke-confirm');
    await page.click('#revoke-confirm #confirm-ok');
    await page.waitForSelector('dialog#revoke-confirm', { state: 'detached' });
    await page.waitForSelector(`#tokens-table tr[data-token="${zhangId}"][data-state="revoked"]`);
    expect(await page.textContent('main .notice.ok')).toContain(`已撤销 张三 的令牌 #${zhangId}`);
    expect(await page.locator(`#tokens-table button[data-revoke="${zhangId}"]`).count()).toBe(0);
    expect((await as(zhangToken, 'GET', '/v1/me')).status).toBe(401);
    await screenshot(page, 'a04-token-revoked');
  }, 60_000);

  it('finds 张三 in the audit trail by text and a range of days, and exports what the filters keep as CSV', async () => {
    await page.click('#nav-audit');
    await page.waitForSelector('#audit-table');
    const today = await localDay(0);
    const midnight = await page.evaluate((day) => new Date(`${day}T00:00`).toISOString(), today);
    const nextMidnight = await page.evaluate((day) => { const d = new Date(`${day}T00:00`); d.setDate(d.getDate() + 1); return d.toISOString(); }, today);
    await page.fill('#audit-q', '张三');
    await page.fill('#audit-from', today);
    await page.fill('#audit-to', today);
    const [request] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname === '/v1/audit'),
      page.click('#audit-filter'),
    ]);
    // The days are sent as the instants they start and end at in the browser's time zone.
    const sent = new URL(request.url()).searchParams;
    expect([sent.get('q'), sent.get('from'), sent.get('to')]).toEqual(['张三', midnight, nextMidnight]);
    await expect.poll(async () => page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-action')))).toEqual(['token.create', 'token.revoke']);
    for (const row of await page.locator('#audit-table tbody tr').all()) expect(await row.textContent()).toContain('张三');
    // Who did it, by name; what it was about, by the holder's name.
    expect(await page.locator('#audit-table tbody tr td:nth-child(3) .person-name').allTextContents()).toEqual(['first start', 'first start']);
    expect(await page.textContent('#audit-table tbody tr[data-action="token.create"] td:nth-child(5)')).toContain('张三');
    await screenshot(page, 'a05-audit-filtered');

    const csv = await downloadOf(() => page.click('#audit-export'));
    expect(csv.name).toMatch(/^zhidu-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['token.create', 'token.revoke']);
    for (const line of lines.slice(1)) expect(line).toContain('张三');
    expect(await page.textContent('#audit-status')).toContain(csv.name);

    // Tomorrow holds nothing yet; a range that ends before it starts is said, not sent.
    const tomorrow = await localDay(1);
    await page.fill('#audit-from', tomorrow);
    await page.fill('#audit-to', tomorrow);
    await page.click('#audit-filter');
    await page.waitForSelector('#audit-empty');
    await page.fill('#audit-to', today);
    let asked = 0;
    const count = (r: { url: () => string }): void => { if (new URL(r.url()).pathname.startsWith('/v1/audit')) asked++; };
    page.on('request', count);
    await page.click('#audit-filter');
    expect(await page.textContent('#audit-status')).toContain('截止日期早于起始日期');
    page.off('request', count);
    expect(asked).toBe(0);
  }, 60_000);

  it('pages through the trail with after', async () => {
    await page.click('#audit-reset');
    // Enough entries for two pages: 50 a page.
    for (let i = 0; i < 26; i++) {
      const issued = await as<{ id: number }>(server.tokens.headOffice, 'POST', '/v1/tokens', { role: 'system', name: `批量系统 ${i}` });
      expect((await as(server.tokens.headOffice, 'POST', `/v1/tokens/${issued.body.id}/revoke`)).status).toBe(200);
    }
    await page.click('#audit-filter');
    await page.waitForSelector('#audit-next:not([disabled])');
    const firstPage = await page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(firstPage).toHaveLength(50);
    const [request] = await Promise.all([page.waitForRequest((r) => new URL(r.url()).pathname === '/v1/audit'), page.click('#audit-next')]);
    expect(new URL(request.url()).searchParams.get('after')).toBe(String(firstPage[49]));
    await expect.poll(() => page.getAttribute('#audit-table tbody tr', 'data-seq')).toBe(String(firstPage[49]! + 1));
    expect(await page.textContent('#audit-page')).toContain('第 2 页');
    await page.click('#audit-prev');
    await expect.poll(() => page.getAttribute('#audit-table tbody tr', 'data-seq')).toBe(String(firstPage[0]));
  }, 90_000);

  it('downloads the YAML bundle of the revision shown', async () => {
    await page.click('#nav-browser');
    await page.click('table.revisions tr[data-revision="1"] button');
    await page.waitForSelector('#download-bundle[data-revision="1"]');
    const bundle = await downloadOf(() => page.click('#download-bundle'));
    expect(bundle.name).toBe('zhidu-revision-1.yaml');
    const res = await fetch(`${server.base}/v1/revisions/1/bundle`, { headers: { authorization: `Bearer ${server.tokens.auditor}` } });
    expect(bundle.bytes.toString('utf8')).toBe(await res.text());
    expect(bundle.bytes.toString('utf8')).toContain('turnoverThreshold');
    expect(await page.textContent('#download-status')).toContain('zhidu-revision-1.yaml');
  }, 60_000);

  it('shows an auditor who holds which token, with nothing to change', async () => {
    await signIn(page, server.base, server.tokens.auditor);
    await page.click('#nav-tokens');
    await page.waitForSelector(`#tokens-table tr[data-token="${zhangId}"][data-state="revoked"]`);
    expect(await page.locator('#token-form').count()).toBe(0);
    expect(await page.locator('[data-revoke]').count()).toBe(0);
    expect(await page.textContent('main')).toContain('审计角色只能查看令牌');
    await screenshot(page, 'a06-tokens-auditor');
    // A branch is offered no tokens screen, and is not shown one by its address.
    await signIn(page, server.base, server.tokens.branch0101);
    expect(await page.locator('#nav-tokens').count()).toBe(0);
    await page.goto(`${server.base}/#/tokens`);
    await page.waitForSelector('#browser-editor');
    expect(await page.locator('#tokens-table').count()).toBe(0);
  }, 60_000);

  it('raised no script errors', () => {
    expect(browser.errors.filter((e) => !/Model is disposed/.test(e))).toEqual([]);
  });
});
