// Tokens: who holds which (name, role, branch), when each was issued and by whom, when it was last
// used, whether it is revoked. Head office issues a token to a named person or system — shown
// once, with a copy button — and revokes one after a confirmation naming its holder (warning when
// it is the token signed in with). An auditor sees the list and nothing to act on.
import { ApiError, type TokenInfo } from '../api.ts';
import type { App } from '../app.ts';
import { busy, confirmThen, field, formatTime, h, notice, replace } from '../dom.ts';
import { ROLES, can, isRole, type Role } from '../lib/roles.ts';
import type { Disposer } from '../monaco/editors.ts';

export async function render(app: App, root: HTMLElement): Promise<Disposer> {
  const t = app.t;
  const manage = can(app.principal, 'manage-tokens');
  const [tokens] = await Promise.all([app.api.tokens(), app.loadDirectory(true)]);
  const status = h('div', { id: 'tokens-status', 'aria-live': 'polite' });
  const roleWords = (tk: Pick<TokenInfo, 'role' | 'branch'>): string => t(`role.${tk.role}` as never) + (tk.branch ? ` ${tk.branch}` : '');

  function revoke(tk: TokenInfo): void {
    const own = app.principal.tokenId === tk.id;
    const name = tk.name || t('people.token', { id: tk.id });
    void confirmThen({
      id: 'revoke-confirm', title: t('revokeConfirmTitle', { name, id: tk.id }), confirm: t('revoke'), cancel: t('cancel'), tone: 'danger',
      body: [h('p', {}, t('revokeConfirm', { name, role: roleWords(tk) })), own ? h('div', { class: 'notice warn', id: 'revoke-own', role: 'alert' }, t('revokeOwnWarning')) : null],
    }, () => app.api.revokeToken(tk.id)).then((r) => {
      if (r === undefined) return;
      if (own) app.signOut(t('revokedOwn'));
      else app.reload(notice('ok', t('revokedToken', { name, id: tk.id })));
    }, (err: unknown) => replace(status, app.error(err)));
  }

  const rows = [...tokens].sort((a, b) => b.id - a.id).map((tk) => {
    const own = app.principal.tokenId === tk.id;
    const revoked = tk.revokedAt !== undefined;
    return h('tr', { 'data-token': tk.id, class: revoked ? 'revoked' : '', 'data-state': revoked ? 'revoked' : 'active' },
      h('td', { class: 'num muted' }, `#${tk.id}`),
      h('td', { class: 'holder' }, h('strong', {}, tk.name || '—'), own ? h('span', { class: 'badge active you' }, t('tokenYou')) : null),
      h('td', {}, roleWords(tk)),
      h('td', {}, formatTime(tk.createdAt, app.lang), h('div', { class: 'muted small' }, t('tokenBy', { who: app.personLine(tk.createdBy) }))),
      h('td', {}, tk.lastUsedAt ? formatTime(tk.lastUsedAt, app.lang) : h('span', { class: 'muted' }, t('neverUsed'))),
      h('td', {}, revoked ? h('span', { class: 'badge superseded' }, t('tokenRevokedAt', { at: formatTime(tk.revokedAt, app.lang) })) : h('span', { class: 'badge active' }, t('tokenActive'))),
      manage ? h('td', { class: 'row-actions' }, revoked ? null : h('button', { type: 'button', class: 'danger', 'data-revoke': tk.id, onclick: () => revoke(tk) }, t('revoke'))) : null);
  });
  const headings = [t('tokenNumber'), t('tokenHolder'), t('roleAndBranch'), t('createdAt'), t('lastUsedAt'), t('tokenState'), ...(manage ? [''] : [])];
  const table = tokens.length === 0 ? h('p', { class: 'muted' }, t('noTokens')) : h('table', { class: 'grid', id: 'tokens-table' },
    h('thead', {}, h('tr', {}, headings.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));

  replace(root, h('section', { class: 'tokens' },
    h('div', { class: 'page-head' }, h('h1', {}, t('tokensTitle'))),
    h('p', { class: 'help' }, t('tokensHelp')),
    manage ? createPanel(app) : notice('info', t('tokensReadOnly')),
    h('section', { class: 'panel' }, status, table)));
  return () => undefined;
}

/** Issue a token: a named holder, a role, and a branch for the branch role. */
function createPanel(app: App): HTMLElement {
  const t = app.t;
  const name = h('input', { id: 'token-name', maxLength: 200, autocomplete: 'off', required: true });
  const role = h('select', { id: 'token-role' }, ROLES.map((r) => h('option', { value: r }, t(`role.${r}` as never))));
  const branch = h('input', { id: 'token-branch', placeholder: '0101', maxLength: 32, autocomplete: 'off' });
  const branchField = field(t('tokenBranch'), branch, t('tokenBranchHint'));
  const create = h('button', { type: 'submit', class: 'primary', id: 'token-create' }, t('createToken'));
  const status = h('div', { id: 'token-create-status', 'aria-live': 'polite' });
  const showBranch = (): void => { branchField.hidden = role.value !== 'branch'; };
  role.addEventListener('change', showBranch);
  showBranch();

  const form = h('form', { class: 'panel', id: 'token-form', 'aria-labelledby': 'token-form-title', novalidate: true },
    h('h2', { id: 'token-form-title' }, t('createTokenTitle')),
    h('div', { class: 'toolbar wrap' }, field(t('tokenName'), name, t('tokenNameHint')), field(t('roleLabel'), role), branchField),
    h('div', { class: 'actions' }, create), status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const holder = name.value.trim();
    const chosen: Role = isRole(role.value) ? role.value : 'system';
    const code = branch.value.trim();
    if (holder === '') { replace(status, notice('warn', t('tokenNameRequired'))); name.focus(); return; }
    if (chosen === 'branch' && code === '') { replace(status, notice('warn', t('tokenBranchRequired'))); branch.focus(); return; }
    replace(status);
    void busy(create, async () => {
      try {
        const issued = await app.api.createToken({ role: chosen, name: holder, ...(chosen === 'branch' ? { branch: code } : {}) });
        // Drawn again from the server, the new token on top: the only time it is shown.
        app.reload(issuedPanel(app, issued));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') { app.signOut(t('error.UNAUTHENTICATED')); return; }
        replace(status, app.error(err));
      }
    });
  });
  return form;
}

/** The new token, once: a read-only field to select, a copy button, and that it will not be shown again. */
function issuedPanel(app: App, issued: TokenInfo & { token: string }): HTMLElement {
  const t = app.t;
  const value = h('input', { id: 'new-token', readOnly: true, value: issued.token, spellcheck: false, size: 60, class: 'code', 'aria-label': t('tokenValue') });
  const copied = h('span', { id: 'new-token-copied', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'primary', id: 'new-token-copy' }, t('copy'));
  copy.addEventListener('click', () => {
    value.select();
    void copyText(issued.token, value).then((ok) => replace(copied, h('span', { class: ok ? 'ok-text' : 'warn-text' }, t(ok ? 'copied' : 'copyFailed'))));
  });
  const panel: HTMLElement = h('section', { class: 'notice warn new-token', id: 'new-token-panel', role: 'alert', 'data-token': issued.id },
    h('strong', {}, t('tokenCreatedTitle', { name: issued.name, id: issued.id })),
    h('p', {}, t('tokenShownOnce')),
    h('div', { class: 'toolbar wrap' }, value, copy, copied),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'new-token-done', onclick: () => panel.remove() }, t('tokenDone'))));
  return panel;
}

/** The clipboard API where the page may use it, else the selection copied the old way. */
async function copyText(text: string, selected: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    selected.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}
