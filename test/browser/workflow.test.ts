// The policy workflow in real Chromium against a real server, as issue 13 walked it: head office
// changes a value branch 0101 has overridden and sees, before publishing, that 0101's override will
// be suspended (and 0202's pending proposal go stale, and the scheduled revision be kept), on a
// table and on the timeline, and confirms; a scheduled revision is superseded only once confirmed;
// a double-clicked publish publishes once; the branch sees its override suspended with the reason
// and rebases it in one step; a stale proposal is stale on both sides, head office asks for a
// rebase, the branch rebases it in one click, head office rejects it with a comment and the branch
// reads that comment on its proposal's page. Every step waits for a state, never for a time.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@playwright/test';
import { api, CHROMIUM, chromiumAvailable, endOfLine, ensureEditorBuilt, launchBrowser, screenshot, signIn, startServer, typeLines, type RunningServer } from './harness.ts';

const CLASSIFICATION = readFileSync(new URL('../../rules/classification.yaml', import.meta.url), 'utf8');
const VIP = readFileSync(new URL('../../rules/vip.yaml', import.meta.url), 'utf8');
const THRESHOLD_LINE = CLASSIFICATION.split('\n').findIndex((l) => l.startsWith('turnoverThreshold:')) + 1;
const SCHEDULED_FOR = '2030-01-01T00:00:00.000Z';

interface Summary { id: number; status: string; effectiveFrom: string; replaces?: number; replacedBy?: number }
interface ProposalBody { id: number; status: string; baseRevision: number; override: string; stale?: unknown; steps: { action: string; comment: string }[] }

describe.skipIf(!chromiumAvailable() && !process.env.CI)('browser editor, the publish and proposal workflow', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  /** Publish requests the page sent (POST /v1/revisions), and those that published (201). */
  let publishRequests = 0;
  let published = 0;
  let rebaseOf0101 = 0;
  let rebaseOf0202 = 0;
  let ownProposal = 0;

  const as = <T>(token: keyof RunningServer['tokens'], method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
    api<T>(server.base, server.tokens[token], method, path, body);
  const revisions = async (): Promise<Summary[]> => (await as<Summary[]>('headOffice', 'GET', '/v1/revisions')).body;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (never a downloaded browser).`);
    await ensureEditorBuilt();
    server = await startServer();
    // 0101's override of the turnover threshold, approved; 0202's proposal of it, pending.
    const p1 = await as<{ id: number }>('branch0101', 'POST', '/v1/branches/0101/proposals', { baseRevision: 1, override: 'classification:\n  turnoverThreshold: 2.5\n', reason: '本地客户交易活跃' });
    expect(p1.status).toBe(201);
    expect((await as('headOffice', 'POST', `/v1/proposals/${p1.body.id}/approve`, { comment: '同意' })).status).toBe(200);
    const p2 = await as<{ id: number }>('branch0202', 'POST', '/v1/branches/0202/proposals', { baseRevision: 1, override: 'classification:\n  turnoverThreshold: 2.8\n', reason: '二级市场活跃度高' });
    expect(p2.body.id).toBe(2);
    // A revision scheduled for 2030, changing another kind.
    const scheduled = await as<Summary>('headOffice', 'POST', '/v1/revisions', {
      documents: { vip: VIP.replace('label: { zh: 目标贵宾客户, en: Target VIP }', 'label: { zh: 重点培育贵宾, en: Priority target VIP }') },
      effectiveFrom: SCHEDULED_FOR, note: '2030年目标贵宾更名', acknowledge: true,
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.id).toBe(2);
    browser = await launchBrowser();
    page = browser.page;
    const isPublish = (method: string, url: string): boolean => method === 'POST' && new URL(url).pathname === '/v1/revisions';
    page.on('request', (r) => { if (isPublish(r.method(), r.url())) publishRequests++; });
    page.on('response', (r) => { if (isPublish(r.request().method(), r.url()) && r.status() === 201) published++; });
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-workflow-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Sets the classification threshold on the publish screen: the old value's characters deleted, the new one typed. */
  async function setThreshold(old: string, next: string): Promise<void> {
    await page.waitForSelector('#publish-editor .monaco-editor');
    await endOfLine(page, '#publish-editor', THRESHOLD_LINE);
    for (let i = 0; i < old.length; i++) await page.keyboard.press('Backspace');
    await typeLines(page, [next]);
  }

  /** The confirmation dialog's OK, once it is open; then waits for it to go. */
  async function confirm(dialog: string): Promise<void> {
    await page.waitForSelector(`dialog#${dialog}[open]`);
    await page.click(`#${dialog} #confirm-ok`);
    await page.waitForSelector(`dialog#${dialog}`, { state: 'detached', timeout: 30_000 });
  }

  it('shows head office what publishing a value 0101 overrode will do, on a table and the timeline, and publishes once confirmed', async () => {
    await signIn(page, server.base, server.tokens.headOffice);
    await page.click('#nav-publish');
    await setThreshold('3', '3.2');
    const suspension = page.locator('#publish-effects tr[data-effect="override-suspended"][data-branch="0101"]');
    await suspension.waitFor({ timeout: 30_000 });
    // The path is named by head office's own bound label, and why.
    expect(await suspension.textContent()).toContain('营业部 0101 · 调整 #1');
    expect(await suspension.textContent()).toContain('客户分类 · 资产周转率阈值');
    expect(await suspension.textContent()).toContain('总部修改了此项');
    expect(await page.textContent('#publish-effects tr[data-effect="proposal-stale"][data-proposal="2"]')).toContain('营业部 0202 · 提案 #2');
    expect(await page.textContent('#publish-effects tr[data-effect="revision-rescheduled"][data-revision="2"]')).toContain('保留');
    expect(await page.textContent('#publish-status')).toContain('3 项影响');
    // On the timeline: the draft lands now, 0101's override is suspended from then, revision 2 is kept.
    await page.waitForSelector('#publish-timeline g.bar[data-lane="draft"]');
    await page.waitForSelector('#publish-timeline g.bar[data-override="1"][data-change="suspends"]');
    await page.waitForSelector('#publish-timeline g.bar[data-revision="2"][data-change="kept"]');
    expect(await page.textContent('#publish-timeline g.tick')).toBe('自始');
    await page.locator('#publish-effects-section').scrollIntoViewIfNeeded();
    await screenshot(page, 'w01-publish-effects-and-timeline');

    await page.fill('#publish-note', '周转率阈值上调至3.2');
    await page.click('#publish-button');
    await page.waitForSelector('dialog#publish-confirm[open] #confirm-effects tr[data-effect="override-suspended"]');
    expect(await page.textContent('#publish-confirm')).toContain('确认影响并发布');
    await screenshot(page, 'w02-publish-confirm');
    // Nothing is sent before the publisher confirms.
    expect(publishRequests).toBe(0);
    await confirm('publish-confirm');

    // The screen is drawn again from the server: the new base, no drafts, the schedule kept.
    await page.waitForSelector('#publish-result .notice.ok');
    expect(await page.textContent('#publish-result')).toContain('已发布版本 3');
    expect(await page.textContent('#publish-result')).toContain('预定版本 2 已按原定时间变基重新发布为版本 4');
    expect(await page.textContent('#publish-base')).toContain('基于版本 3');
    expect(await page.textContent('#publish-status')).toContain('尚未修改任何内容');
    await page.waitForSelector('#publish-timeline g.pin[data-revisions="2"]');
    expect(await page.textContent('#publish-timeline g.pin[data-revisions="2"]')).toContain('#2 → #4');
    expect(await page.getAttribute('#publish-timeline g.bar[data-revision="4"]', 'data-state')).toBe('scheduled');
    await page.locator('#publish-effects-section').scrollIntoViewIfNeeded();
    await screenshot(page, 'w03-published-schedule-kept');

    const list = await revisions();
    expect(list.map((r) => [r.id, r.status])).toEqual([[1, 'superseded'], [2, 'superseded'], [3, 'active'], [4, 'scheduled']]);
    expect(list[3]).toMatchObject({ replaces: 2, effectiveFrom: SCHEDULED_FOR });
    const decided = await as<{ output: { class: string }; override: { status: string } }>('headOffice', 'POST', '/v1/decide/classification', { input: { assets: 2_000_000, turnover: 2.7 }, branch: '0101' });
    expect(decided.body.override.status).toBe('suspended');
    expect(published).toBe(1);
  }, 180_000);

  it('supersedes a scheduled revision only once the publisher has confirmed it', async () => {
    await setThreshold('3.2', '3.3');
    await page.click('#publish-scheduled-replace');
    const dropped = page.locator('#publish-effects tr[data-effect="revision-superseded"][data-revision="4"]');
    await dropped.waitFor({ timeout: 30_000 });
    expect(await dropped.textContent()).toContain('永不生效');
    await page.waitForSelector('#publish-timeline g.bar[data-revision="4"][data-change="dropped"]');
    await page.fill('#publish-note', '阈值3.3,取消2030年的预定版本');
    const sent = publishRequests;
    await page.click('#publish-button');
    await page.waitForSelector('dialog#publish-confirm[open] #confirm-effects tr[data-effect="revision-superseded"]');
    // Cancelled: nothing is sent, the schedule stands.
    await page.click('#publish-confirm #confirm-cancel');
    await page.waitForSelector('dialog#publish-confirm', { state: 'detached' });
    expect(publishRequests).toBe(sent);
    expect((await revisions()).find((r) => r.id === 4)?.status).toBe('scheduled');

    await page.click('#publish-button');
    await confirm('publish-confirm');
    await page.waitForSelector('#publish-result .notice.ok');
    expect(await page.textContent('#publish-result')).toContain('已发布版本 5');
    const list = await revisions();
    expect(list.map((r) => [r.id, r.status])).toEqual([[1, 'superseded'], [2, 'superseded'], [3, 'superseded'], [4, 'superseded'], [5, 'active']]);
    expect(list[3]!.replacedBy).toBeUndefined();
    // Both never came into force: 2 was published again as 4, which this publish superseded.
    await page.waitForSelector('#publish-timeline g.pin[data-revisions="2 4"]');
    expect(await page.textContent('#publish-timeline g.pin[data-revisions="2 4"]')).toContain('#4 → #5');
    expect(await page.isHidden('#publish-scheduled')).toBe(true);
  }, 120_000);

  it('publishes once however often the button is clicked', async () => {
    await setThreshold('3.3', '3.4');
    await page.waitForSelector('#publish-status .notice.ok', { timeout: 30_000 });
    await page.fill('#publish-note', '阈值3.4');
    const before = { sent: publishRequests, published };
    await page.dblclick('#publish-button');
    await page.waitForSelector('dialog#publish-confirm[open]');
    await page.locator('#publish-confirm #confirm-ok').dblclick();
    await page.waitForSelector('dialog#publish-confirm', { state: 'detached' });
    await page.waitForSelector('#publish-result .notice.ok');
    expect(await page.textContent('#publish-result')).toContain('已发布版本 6');
    // Clicked once more: the drafts went with the publish, there is nothing left to send.
    await page.click('#publish-button');
    await page.waitForSelector('#publish-result .notice.warn');
    expect(await page.textContent('#publish-result')).toContain('尚未修改任何内容');
    expect(publishRequests - before.sent).toBe(1);
    expect(published - before.published).toBe(1);
    expect(await revisions()).toHaveLength(6);
  }, 120_000);

  it('says in the decision console that 0101\'s override is suspended and head office\'s value applied', async () => {
    await page.click('#nav-console');
    await page.waitForSelector('#console-decision');
    await page.fill('#in-assets', '2000000');
    await page.fill('#in-turnover', '2.7');
    await page.fill('#console-branch', '0101');
    await page.click('#console-run');
    await page.waitForSelector('#console-override[data-status="suspended"]');
    expect(await page.textContent('#console-override')).toContain('营业部 0101 的调整 #1 已暂停');
    expect(await page.textContent('#console-output tr[data-key="class"]')).toContain('B');
    await screenshot(page, 'w04-console-suspended');
  }, 60_000);

  it('lists suspended overrides per branch and the stale proposal on head office\'s review screen', async () => {
    await page.click('#nav-review');
    const row = page.locator('#suspended-overrides tr[data-branch="0101"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('资产周转率阈值');
    expect(await row.textContent()).toContain('已暂停');
    await page.waitForSelector('tr[data-proposal="2"][data-status="stale"] .badge.stale');
    await screenshot(page, 'w05-review-suspended-and-stale');
  }, 60_000);

  it('shows head office a stale proposal as stale, offers no approval, and asks the branch to rebase it', async () => {
    await page.click('tr[data-proposal="2"] a[data-open="2"]');
    await page.waitForSelector('#proposal-stale');
    expect(await page.textContent('#proposal-stale')).toContain('客户分类 · 资产周转率阈值');
    await page.waitForSelector('.page-head .badge.stale');
    expect(await page.isDisabled('#review-approve')).toBe(true);
    expect(await page.textContent('#review-approve-why')).toContain('已过时');
    await page.fill('#review-comment', '阈值已调整为3.4,请按新阈值重新确认');
    await page.click('#review-request-rebase');
    await confirm('request-rebase-confirm');
    const asked = page.locator('#proposal-history li[data-action="rebase-requested"] blockquote');
    await asked.waitFor();
    expect(await asked.textContent()).toBe('阈值已调整为3.4,请按新阈值重新确认');
    // It stays pending, and stale.
    await page.waitForSelector('.page-head .badge.stale');
    await screenshot(page, 'w06-stale-head-office', true);
  }, 60_000);

  it('offers head office its own submission with approval disabled, saying it submitted it', async () => {
    const own = await as<{ id: number }>('headOffice', 'POST', '/v1/branches/0303/proposals', { baseRevision: 6, override: 'classification:\n  turnoverThreshold: 3.0\n', reason: '总部代营业部0303提交' });
    expect(own.status).toBe(201);
    ownProposal = own.body.id;
    await page.goto(`${server.base}/#/proposal/${ownProposal}`);
    await page.waitForSelector('#review-approve');
    expect(await page.isDisabled('#review-approve')).toBe(true);
    expect(await page.textContent('#review-approve-why')).toContain('您自己提交');
  }, 60_000);

  it('shows branch 0101 its override suspended with the reason, and rebases it in one step', async () => {
    await signIn(page, server.base, server.tokens.branch0101);
    await page.click('#nav-override');
    await page.waitForSelector('#override-suspended');
    expect(await page.textContent('#override-state')).toBe('已暂停');
    expect(await page.textContent('#override-suspended')).toContain('客户分类 · 资产周转率阈值 — 总部修改了此项');
    // Head office's value now beside the override's own.
    const value = page.locator('#override-values tr[data-path="/classification/turnoverThreshold"]');
    expect(await value.textContent()).toContain('3.4');
    expect(await value.textContent()).toContain('2.5');
    // The draft holds the suspended values: the status says so, never "检查通过".
    await page.waitForSelector('#override-status .notice.warn', { timeout: 30_000 });
    expect(await page.textContent('#override-status')).not.toContain('检查通过');
    expect(await page.textContent('#override-status')).toContain('已暂停');
    await page.waitForSelector('#override-timeline g.bar[data-override="1"][data-state="suspended"]');
    await screenshot(page, 'w07-branch-suspended');

    await page.click('#override-rebase');
    await page.waitForSelector('dialog#rebase-confirm[open] #rebase-values');
    expect(await page.textContent('#rebase-confirm')).toContain('版本 6');
    await screenshot(page, 'w08-branch-rebase-confirm');
    await confirm('rebase-confirm');
    await page.waitForSelector('#submit-status .notice.ok');
    rebaseOf0101 = Number(/编号 (\d+)/.exec((await page.textContent('#submit-status'))!)?.[1]);
    expect(rebaseOf0101).toBeGreaterThan(0);
    await page.waitForSelector('#override-rebase-pending');
    expect(await page.locator('#override-rebase').count()).toBe(0);
    const rebased = await as<ProposalBody>('headOffice', 'GET', `/v1/proposals/${rebaseOf0101}`);
    expect(rebased.body).toMatchObject({ status: 'submitted', baseRevision: 6 });
    expect(rebased.body.override).toContain('turnoverThreshold: 2.5');
  }, 120_000);

  it('names the pending proposal, with a link, when the same content is submitted again', async () => {
    await page.waitForSelector('#override-status .notice.warn', { timeout: 30_000 });
    await page.fill('#override-reason', '再次提交同样的调整');
    await page.click('#override-submit');
    const duplicate = page.locator('#submit-status .notice.error[data-code="PROPOSAL_DUPLICATE"]');
    await duplicate.waitFor({ timeout: 30_000 });
    expect(await duplicate.textContent()).toContain('内容相同的待审批提案');
    expect(await duplicate.locator(`a[href="#/proposal/${rebaseOf0101}"]`).count()).toBe(1);
  }, 60_000);

  it('marks the impact preview stale when the draft changes, and says so when no client in a file can be decided', async () => {
    await page.click('#impact-run');
    await page.waitForSelector('#impact-table', { timeout: 60_000 });
    expect(await page.isHidden('#impact-stale')).toBe(true);
    await page.click('#override-editor .monaco-editor .view-lines');
    await page.keyboard.press('ControlOrMeta+End');
    await typeLines(page, ['', '# 变基后复核']);
    await page.waitForSelector('#impact-stale:not([hidden])');
    await page.waitForSelector('#impact-result.stale');
    await page.waitForSelector('#override-status .notice.warn', { timeout: 30_000 });

    await page.setInputFiles('#impact-file', { name: 'broken.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from('oops\n{"assets":\n') });
    await expect.poll(() => page.textContent('#impact-file-note')).toContain('没有可读取的客户');
    await page.click('#impact-run');
    await page.waitForSelector('#impact-summary[data-verdict="no-clients"]');
    await page.setInputFiles('#impact-file', { name: 'other.csv', mimeType: 'text/csv', buffer: Buffer.from('id,city\nK1,上海\nK2,北京\n') });
    await expect.poll(() => page.textContent('#impact-file-note')).toContain('已读入 2 位客户');
    await page.click('#impact-run');
    await page.waitForSelector('#impact-summary[data-verdict="all-undecidable"]', { timeout: 60_000 });
    expect(await page.textContent('#impact-summary')).toContain('都无法判定');
    expect(await page.textContent('#impact-result')).not.toContain('不改变任何客户');
    expect(await page.isHidden('#impact-stale')).toBe(true);
  }, 90_000);

  it('shows branch 0202 its proposal stale with head office\'s request, and rebases it in one click', async () => {
    await signIn(page, server.base, server.tokens.branch0202);
    await page.click('#nav-override');
    await page.waitForSelector('#own-proposals tr[data-proposal="2"][data-status="stale"]');
    await page.click('#own-proposals tr[data-proposal="2"] a[data-open="2"]');
    await page.waitForSelector('#proposal-stale');
    await page.waitForSelector('.page-head .badge.stale');
    expect(await page.textContent('#proposal-stale')).toContain('客户分类 · 资产周转率阈值');
    expect(await page.textContent('#proposal-rebase-requested')).toContain('阈值已调整为3.4,请按新阈值重新确认');
    expect(await page.locator('#review-approve').count()).toBe(0);
    await screenshot(page, 'w09-stale-branch', true);
    await page.click('#proposal-rebase');
    await confirm('rebase-confirm');
    await page.waitForURL((url) => /^#\/proposal\/\d+$/.test(url.hash) && url.hash !== '#/proposal/2');
    rebaseOf0202 = Number(/(\d+)$/.exec(new URL(page.url()).hash)![1]);
    await page.waitForSelector('.page-head .badge.submitted');
    expect(await page.textContent('#proposal-history li[data-action="submitted"]')).toContain('取代提案 #2');
    const old = await as<ProposalBody>('branch0202', 'GET', '/v1/proposals/2');
    expect(old.body.status).toBe('superseded');
  }, 90_000);

  it('lets head office approve a proposal once, and reject another with a comment', async () => {
    await signIn(page, server.base, server.tokens.headOffice);
    await page.goto(`${server.base}/#/proposal/${rebaseOf0101}`);
    await page.waitForSelector('#review-approve:not([disabled])');
    await page.fill('#review-comment', '同意按新基准继续执行2.5');
    await page.click('#review-approve');
    await page.waitForSelector('dialog#approve-confirm[open]');
    expect(await page.textContent('#approve-confirm')).toContain('3.4 → 2.5');
    await confirm('approve-confirm');
    await page.waitForSelector('.page-head .badge.approved');
    // The page is the server's again: no approval offered on an approved proposal.
    expect(await page.locator('#review-approve').count()).toBe(0);
    expect(await page.textContent('#proposal-history li[data-action="approved"] blockquote')).toBe('同意按新基准继续执行2.5');
    const policy = await as<{ overrideStatus: string }>('branch0101', 'GET', '/v1/branches/0101/policy');
    expect(policy.body.overrideStatus).toBe('applied');

    await page.goto(`${server.base}/#/proposal/${rebaseOf0202}`);
    await page.waitForSelector('#review-reject');
    await page.fill('#review-comment', '下调幅度过大,请维持总部阈值');
    await page.click('#review-reject');
    await confirm('reject-confirm');
    await page.waitForSelector('.page-head .badge.rejected');
    expect(await page.locator('#review-reject').count()).toBe(0);
  }, 90_000);

  it('lets branch 0202 read head office\'s rejection comment on its proposal\'s page', async () => {
    await signIn(page, server.base, server.tokens.branch0202);
    await page.click('#nav-override');
    await page.waitForSelector(`#own-proposals tr[data-proposal="${rebaseOf0202}"] .badge.rejected`);
    await page.click(`#own-proposals tr[data-proposal="${rebaseOf0202}"] a[data-open="${rebaseOf0202}"]`);
    const rejection = page.locator('#proposal-history li[data-action="rejected"] blockquote');
    await rejection.waitFor();
    expect(await rejection.textContent()).toBe('下调幅度过大,请维持总部阈值');
    await screenshot(page, 'w10-branch-reads-rejection', true);
    // Its history leads back to the stale one it replaced, with head office's request for the rebase.
    await page.click('#proposal-history li[data-action="submitted"] a');
    await page.waitForSelector('#proposal-history li[data-action="rebase-requested"]');
    expect(await page.textContent('#proposal-history li[data-action="rebase-requested"] blockquote')).toBe('阈值已调整为3.4,请按新阈值重新确认');
    await page.waitForSelector('.page-head .badge.superseded');
    // Another branch's proposal is not its to read: it is told nothing, not even that it exists.
    await page.goto(`${server.base}/#/proposal/${rebaseOf0101}`);
    await page.waitForSelector('main .notice.error');
    expect(await page.textContent('main')).toContain('找不到该对象');
    expect(await page.textContent('main')).not.toContain('0101');
  }, 60_000);

  it('raised no script errors', () => {
    expect(browser.errors.filter((e) => !/Model is disposed/.test(e))).toEqual([]);
  });
});
