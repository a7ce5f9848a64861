// Audit view: every change with who made it (by name) and when, filtered on the server by branch,
// action, a range of days in the reader's time zone and free text; paged in the trail's order
// with `after`; and exported as CSV — every entry the filters keep, fetched with the bearer token
// and saved as a file.
import type { AuditEntry } from '../api.ts';
import type { App } from '../app.ts';
import { busy, field, formatTime, h, notice, progress, replace, saveBlob } from '../dom.ts';
import { auditQuery, auditSubject, auditSummary, pageOf, type AuditForm, type AuditQuery } from '../lib/audit.ts';
import { MESSAGES } from '../lib/i18n.ts';
import type { Disposer } from '../monaco/editors.ts';

const ACTIONS = Object.keys(MESSAGES.zh).filter((k) => k.startsWith('audit.')).map((k) => k.slice('audit.'.length));

/** Entries a page shows. */
const PAGE = 50;

export async function render(app: App, root: HTMLElement): Promise<Disposer> {
  const t = app.t;
  const branch = h('input', { id: 'audit-branch', placeholder: t('allBranches'), size: 10 });
  const action = h('select', { id: 'audit-action' }, h('option', { value: '' }, t('allActions')), ACTIONS.map((a) => h('option', { value: a }, t(`audit.${a}` as never))));
  const from = h('input', { type: 'date', id: 'audit-from' });
  const to = h('input', { type: 'date', id: 'audit-to' });
  const q = h('input', { type: 'search', id: 'audit-q', maxLength: 200, placeholder: t('auditSearchPlaceholder'), size: 28 });
  const apply = h('button', { type: 'submit', class: 'primary', id: 'audit-filter' }, t('filter'));
  const reset = h('button', { type: 'button', id: 'audit-reset' }, t('auditReset'));
  const exportButton = h('button', { type: 'button', id: 'audit-export', title: t('auditExportHint') }, t('auditExport'));
  const status = h('div', { id: 'audit-status', 'aria-live': 'polite' });
  const host = h('div', { class: 'scroll' });
  const prev = h('button', { type: 'button', id: 'audit-prev' }, t('auditPrev'));
  const next = h('button', { type: 'button', id: 'audit-next' }, t('auditNext'));
  const pageInfo = h('span', { class: 'muted', id: 'audit-page' });
  const pager = h('div', { class: 'toolbar', id: 'audit-pager' }, prev, pageInfo, next);

  /** The filters shown, and the `after` each visited page started from. */
  let applied: AuditQuery = {};
  let starts: number[] = [0];
  let nextStart: number | undefined;

  /** The form as a query; a wrong date is said next to the form, and nothing is asked of the server. */
  function readForm(): AuditQuery | undefined {
    const form: AuditForm = { branch: branch.value, action: action.value, from: from.value, to: to.value, q: q.value };
    const read = auditQuery(form);
    if ('problem' in read) {
      replace(status, notice('warn', t(read.problem.problem === 'dateOrder' ? 'auditDateOrder' : 'auditDateInvalid')));
      (read.problem.field === 'from' ? from : to).focus();
      return undefined;
    }
    replace(status);
    return read.query;
  }

  function subjectCell(subject: string): HTMLElement {
    const s = auditSubject(subject);
    switch (s.type) {
      case 'token': return app.person(subject);
      case 'proposal': return h('a', { href: `#/proposal/${s.id}` }, `${t('proposal')} #${s.id}`);
      case 'revision': return h('a', { href: `#/browser/${s.id}` }, `${t('revision')} #${s.id}`);
      case 'override': return h('span', {}, `${t('override')} #${s.id}`);
      case 'other': return h('span', {}, s.raw);
    }
  }

  function row(e: AuditEntry): HTMLElement {
    const words = { t, effective: (iso: string) => app.effective(iso), when: (iso: string) => formatTime(iso, app.lang) };
    return h('tr', { 'data-action': e.action, 'data-seq': e.seq },
      h('td', { class: 'num' }, String(e.seq)), h('td', {}, formatTime(e.at, app.lang)), h('td', {}, app.person(e.actor)),
      h('td', {}, ACTIONS.includes(e.action) ? t(`audit.${e.action}` as never) : e.action), h('td', {}, subjectCell(e.subject)),
      h('td', { class: 'note' }, auditSummary(e.summary, words)));
  }

  async function load(): Promise<void> {
    replace(host, progress(t('loading')));
    prev.disabled = true;
    next.disabled = true;
    try {
      const page = pageOf(await app.api.audit(applied, { after: starts[starts.length - 1], limit: PAGE + 1 }), PAGE);
      nextStart = page.next;
      prev.disabled = starts.length <= 1;
      next.disabled = !page.more;
      replace(pageInfo, page.entries.length === 0 ? '' : t('auditPageInfo', { page: starts.length, first: page.entries[0]!.seq, last: page.entries[page.entries.length - 1]!.seq }));
      pager.hidden = starts.length <= 1 && !page.more;
      replace(host, page.entries.length === 0 ? h('p', { class: 'muted', id: 'audit-empty' }, t('noEntries')) : h('table', { class: 'grid', id: 'audit-table' },
        h('thead', {}, h('tr', {}, ['#', t('time'), t('actor'), t('action'), t('subject'), t('summary')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, page.entries.map(row))));
    } catch (err) { replace(host, app.error(err)); }
  }

  const form = h('form', { class: 'toolbar wrap', id: 'audit-form' },
    field(t('branchLabel'), branch), field(t('action'), action), field(t('auditFrom'), from), field(t('auditTo'), to), field(t('auditSearch'), q),
    h('div', { class: 'actions' }, apply, reset, exportButton));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = readForm();
    if (!query) return;
    applied = query;
    starts = [0];
    void busy(apply, load);
  });
  reset.addEventListener('click', () => {
    for (const input of [branch, from, to, q]) input.value = '';
    action.value = '';
    replace(status);
    applied = {};
    starts = [0];
    void busy(reset, load);
  });
  prev.addEventListener('click', () => { if (starts.length > 1) { starts.pop(); void load(); } });
  next.addEventListener('click', () => { if (nextStart !== undefined) { starts.push(nextStart); void load(); } });
  // What is exported is what the form says, shown first: the table and the file never disagree.
  exportButton.addEventListener('click', () => {
    const query = readForm();
    if (!query) return;
    void busy(exportButton, async () => {
      if (JSON.stringify(query) !== JSON.stringify(applied)) { applied = query; starts = [0]; await load(); }
      try {
        const file = await app.api.auditExport(applied);
        saveBlob(file.blob, file.filename);
        replace(status, notice('ok', t('auditExported', { file: file.filename })));
      } catch (err) { replace(status, app.error(err)); }
    });
  });

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  replace(root, h('section', { class: 'panel audit' },
    h('h1', {}, t('auditTitle')),
    form,
    h('p', { class: 'hint' }, t('auditOrder'), ' ', t('auditDatesLocal', { zone })),
    status, host, pager));
  await load();
  return () => undefined;
}
