// What the browser tests stand on: the editor built, a real `zhidu serve` on a free port with a
// temporary data dir (the head-office token read from its first-start output, the others issued
// through the API as head office does while the server runs), and Debian's Chromium driven through @playwright/test's library
// API from vitest (one test runner for the whole suite); it never downloads a browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { buildEditor, editorBuildIsStale } from '../../src/server/editor-static.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ZHIDU = join(ROOT, 'bin', 'zhidu.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** Chromium flags that work on these machines (TOOLING.md); the last ones keep it off the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function ensureEditorBuilt(): Promise<void> {
  if (editorBuildIsStale()) await buildEditor().done;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  tokens: { headOffice: string; branch0101: string; branch0202: string; auditor: string };
  stop: () => Promise<void>;
}

export async function startServer(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'zhidu-browser-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [ZHIDU, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZHIDU_EDITOR_BUILD: 'never' },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`zhidu serve did not start within 60 s:\n${out}\n${err}`)), 60_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`zhidu serve exited with ${code}:\n${out}\n${err}`)); });
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (!/listening on/.test(out)) return;
      clearTimeout(timer);
      const lines = out.split('\n');
      const at = lines.findIndex((l) => /head-office token/.test(l));
      const token = at >= 0 ? lines[at + 1]?.trim() : undefined;
      if (token) resolve(token); else reject(new Error(`no head-office token in the first-start output:\n${out}`));
    });
  });
  let headOffice: string;
  try {
    headOffice = await started;
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const issue = async (body: Record<string, string>): Promise<string> => {
    const res = await api<{ token: string }>(base, headOffice, 'POST', '/v1/tokens', body);
    if (res.status !== 201) throw new Error(`POST /v1/tokens answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.token;
  };
  try {
    const branch0101 = await issue({ role: 'branch', branch: '0101', name: '0101 营业部经理' });
    const branch0202 = await issue({ role: 'branch', branch: '0202', name: '0202 营业部经理' });
    const auditor = await issue({ role: 'auditor', name: '审计' });
    return { base, tokens: { headOffice, branch0101, branch0202, auditor }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page; errors: string[]; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'zhidu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 }, locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => { errors.push(e.message); if (process.env.ZHIDU_DEBUG_PAGEERROR) console.log('PAGEERROR', e.stack); });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return { context, page, errors, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** The viewport as a person sees it; `fullPage` for a long screen's whole length. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Calls the API as a client would (for what the test checks outside the browser). */
export async function api<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Signs in through the form and waits for the navigation. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  // Forget the previous session (drafts stay: they are the tab's), then load the page afresh.
  if (page.url().startsWith(base)) await page.evaluate("sessionStorage.removeItem('zhidu.token'); sessionStorage.removeItem('zhidu.principal')");
  await page.goto(base + '/');
  await page.waitForSelector('#token');
  await page.fill('#token', token);
  await page.click('#signin');
  await page.waitForSelector('header.top nav');
}

/**
 * Types lines as monaco's own typing does (a newline is typed too, so it indents as Enter
 * would), with no key in between that a completion list still opening could take.
 */
export async function typeLines(page: Page, lines: readonly string[]): Promise<void> {
  await page.keyboard.insertText(lines.join('\n'));
  await page.keyboard.press('Escape');
}

/**
 * Puts the cursor at the end of a line with monaco's own "go to line" (Ctrl+G). The line number
 * is typed only once the box is open, and End pressed once it has closed: on a busy machine keys
 * sent sooner land in the document.
 */
export async function endOfLine(page: Page, host: string, line: number): Promise<void> {
  await page.click(`${host} .monaco-editor .view-lines`);
  await page.keyboard.press('Control+g');
  const box = page.locator('.quick-input-widget input.input').first();
  await box.waitFor({ state: 'visible' });
  await page.keyboard.insertText(String(line));
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden' });
  await page.keyboard.press('End');
}
