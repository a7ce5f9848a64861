// Audit view: every change with actor and time, filterable by branch and action. The filters
// go to the server and are applied here as well, so the view is right whichever it honours.
import type { AuditEntry } from '../api.ts';
import type { App } from '../app.ts';
import { busy, formatTime, h, progress, replace } from '../dom.ts';
import { formatValue } from '../lib/diff.ts';
import { MESSAGES } from '../lib/i18n.ts';
import type { Disposer } from '../monaco/editors.ts';

const ACTIONS = Object.keys(MESSAGES.zh).filter((k) => k.startsWith('audit.')).map((k) => k.slice('audit.'.length));

export function matchesAudit(e: AuditEntry, branch: string, action: string): boolean {
  if (action && e.action !== action) return false;
  if (branch && e.summary?.branch !== branch) return false;
  return true;
}

function summaryText(e: AuditEntry): string {
  const s = e.summary ?? {};
  const parts: string[] = [];
  if (typeof s.branch === 'string') parts.push(s.branch);
  for (const key of ['reason', 'comment', 'note']) if (typeof s[key] === 'string' && s[key] !== '') parts.push(String(s[key]));
  if (Array.isArray(s.changes)) {
    parts.push(s.changes.slice(0, 3).map((c) => {
      const r = c as Record<string, unknown>;
      return `${String(r.path)}: ${formatValue(r.before ?? undefined)} → ${formatValue(r.after ?? undefined)}`;
    }).join('; '));
  }
  if (typeof s.effectiveFrom === 'string') parts.push(s.effectiveFrom);
  return parts.join(' · ');
}

export async function render(app: App, root: HTMLElement): Promise<Disposer> {
  const t = app.t;
  const branch = h('input', { id: 'audit-branch', placeholder: t('allBranches') });
  const action = h('select', { id: 'audit-action' }, h('option', { value: '' }, t('allActions')), ACTIONS.map((a) => h('option', { value: a }, t(`audit.${a}` as never))));
  const apply = h('button', { type: 'submit', class: 'primary', id: 'audit-filter' }, t('filter'));
  const host = h('div', { class: 'scroll' });

  async function load(): Promise<void> {
    replace(host, progress(t('loading')));
    try {
      const filter = { branch: branch.value.trim(), action: action.value };
      const entries = (await app.api.audit(filter)).filter((e) => matchesAudit(e, filter.branch, filter.action));
      replace(host, entries.length === 0 ? h('p', { class: 'muted' }, t('noEntries')) : h('table', { class: 'grid', id: 'audit-table' },
        h('thead', {}, h('tr', {}, ['#', t('time'), t('actor'), t('action'), t('subject'), t('summary')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, [...entries].reverse().map((e) => h('tr', { 'data-action': e.action },
          h('td', {}, String(e.seq)), h('td', {}, formatTime(e.at, app.lang)), h('td', {}, e.actor),
          h('td', {}, ACTIONS.includes(e.action) ? t(`audit.${e.action}` as never) : e.action), h('td', {}, e.subject),
          h('td', { class: 'note' }, summaryText(e)))))));
    } catch (err) { replace(host, app.error(err)); }
  }

  const form = h('form', { class: 'toolbar wrap' }, h('label', {}, t('branchLabel'), ' ', branch), h('label', {}, t('action'), ' ', action), apply);
  form.addEventListener('submit', (e) => { e.preventDefault(); void busy(apply, load); });
  replace(root, h('section', { class: 'panel audit' }, h('h1', {}, t('auditTitle')), form, host));
  await load();
  return () => undefined;
}
