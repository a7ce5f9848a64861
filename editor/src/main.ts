// The editor's shell: sign-in, the navigation the role allows, the language switch, and hash
// routing to screens (each loaded on first use, so signing in does not wait for monaco).
import './styles.css';
import { Api, ApiError } from './api.ts';
import { App } from './app.ts';
import { field, h, progress, replace } from './dom.ts';
import { translate } from './lib/i18n.ts';
import type { Lang } from './lib/labels.ts';
import { ROLES, isRole, navScreenOf, routableScreens, screensFor, type Principal, type Screen } from './lib/roles.ts';

type Disposer = () => void;
type View = (app: App, root: HTMLElement, params: string[]) => Promise<Disposer | void>;

const VIEWS: Record<Screen, () => Promise<View>> = {
  browser: () => import('./views/browser.ts').then((m) => m.render),
  override: () => import('./views/override.ts').then((m) => m.render),
  review: () => import('./views/review.ts').then((m) => m.render),
  publish: () => import('./views/publish.ts').then((m) => m.render),
  console: () => import('./views/console.ts').then((m) => m.render),
  audit: () => import('./views/audit.ts').then((m) => m.render),
  tokens: () => import('./views/tokens.ts').then((m) => m.render),
  proposal: () => import('./views/proposal.ts').then((m) => m.render),
};

const TOKEN_KEY = 'zhidu.token';
const PRINCIPAL_KEY = 'zhidu.principal';
const LANG_KEY = 'zhidu.lang';

const root = document.getElementById('app')!;
let lang: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
let app: App | undefined;
let dispose: Disposer | undefined;

function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  if (app) app.lang = next;
  document.title = translate(lang, 'appTitle');
  void start();
}

function signOut(message?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PRINCIPAL_KEY);
  app = undefined;
  dispose?.();
  dispose = undefined;
  location.hash = '';
  signIn(message);
}

function signIn(message?: string, askRole = false): void {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>): string => translate(lang, k, p);
  const token = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true, spellcheck: false, value: sessionStorage.getItem(TOKEN_KEY) ?? '' });
  const role = h('select', { id: 'role' }, ROLES.map((r) => h('option', { value: r }, t(`role.${r}` as never))));
  const branch = h('input', { id: 'branch', placeholder: '0101' });
  const status = h('div', { 'aria-live': 'polite' }, message ? h('div', { class: 'notice error', role: 'alert' }, message) : null);
  const form = h('form', { class: 'signin card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('appTitle')),
    h('h2', {}, t('signInTitle')),
    h('p', { class: 'help' }, t('signInHelp')),
    field(t('token'), token),
    askRole ? h('p', { class: 'help' }, t('meUnavailable')) : null,
    askRole ? field(t('roleLabel'), role) : null,
    askRole ? field(t('branchLabel'), branch) : null,
    status,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'signin' }, t('signIn')),
      h('button', { type: 'button', class: 'link', onclick: () => setLang(lang === 'zh' ? 'en' : 'zh') }, t('language'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = token.value.trim();
    if (!value) return;
    replace(status, progress(t('loading')));
    const api = new Api(value);
    void api.me().then((principal) => {
      if (!principal && !askRole) { signIn(undefined, true); (document.getElementById('token') as HTMLInputElement).value = value; return; }
      const chosen: Principal = principal ?? { role: isRole(role.value) ? role.value : 'system', ...(role.value === 'branch' ? { branch: branch.value.trim() } : {}) };
      sessionStorage.setItem(TOKEN_KEY, value);
      sessionStorage.setItem(PRINCIPAL_KEY, JSON.stringify(chosen));
      app = undefined;
      void start();
    }).catch((err: unknown) => {
      const code = err instanceof ApiError ? err.code : 'NETWORK';
      replace(status, h('div', { class: 'notice error', role: 'alert' }, translate(lang, code === 'UNAUTHENTICATED' || code === 'NETWORK' ? `error.${code}` : 'error.other', { code })));
    });
  });
  replace(root, h('main', { class: 'signin-page' }, form));
  token.focus();
}

function shell(a: App): { main: HTMLElement; screens: Screen[] } {
  const screens = screensFor(a.principal);
  const role = a.t(`role.${a.principal.role}` as never) + (a.principal.branch ? ` ${a.principal.branch}` : '');
  const who = a.principal.name ? `${a.principal.name} · ${role}` : role;
  const nav = h('nav', { 'aria-label': a.t('appTitle') },
    screens.map((s) => h('a', { href: `#/${s}`, id: `nav-${s}`, 'data-screen': s }, a.t(`screen.${s}` as never))));
  const main = h('main', { id: 'main', tabindex: -1 });
  replace(root,
    h('header', { class: 'top' },
      h('span', { class: 'brand' }, a.t('appTitle')),
      nav,
      h('span', { class: 'who', id: 'who' }, who),
      h('button', { type: 'button', class: 'link', id: 'lang', onclick: () => setLang(a.lang === 'zh' ? 'en' : 'zh') }, a.t('language')),
      h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => signOut() }, a.t('signOut'))),
    main);
  return { main, screens };
}

async function route(): Promise<void> {
  if (!app) return;
  const [screenName = '', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const { main, screens } = shell(app);
  const allowed = routableScreens(app.principal);
  const screen = (allowed as string[]).includes(screenName) ? (screenName as Screen) : screens[0]!;
  const current = navScreenOf(app.principal, screen);
  document.querySelectorAll('nav a').forEach((a) => a.toggleAttribute('aria-current', a.getAttribute('data-screen') === current));
  dispose?.();
  dispose = undefined;
  replace(main, progress(app.t('loading')));
  try {
    await Promise.all([app.activePolicy(), app.loadDirectory()]);
    const view = await VIEWS[screen]();
    replace(main);
    dispose = (await view(app, main, params)) ?? undefined;
    const flash = app.takeFlash();
    if (flash) { main.prepend(flash); flash.scrollIntoView({ block: 'nearest' }); }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') { signOut(translate(lang, 'error.UNAUTHENTICATED')); return; }
    replace(main, app.error(err), h('button', { type: 'button', onclick: () => void route() }, app.t('retry')));
  }
}

async function start(): Promise<void> {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = translate(lang, 'appTitle');
  const token = sessionStorage.getItem(TOKEN_KEY);
  const saved = sessionStorage.getItem(PRINCIPAL_KEY);
  if (!token || !saved) { signIn(); return; }
  if (!app) app = new App(new Api(token), JSON.parse(saved) as Principal, lang, setLang, signOut);
  await route();
}

window.addEventListener('hashchange', () => void route());
void start();
