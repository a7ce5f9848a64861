// A list of proposals with their state: a branch's own (with withdraw), or head office's queue.
import type { Proposal } from '../api.ts';
import type { App } from '../app.ts';
import { busy, formatTime, h, notice, replace } from '../dom.ts';
import { describePath, formatValue, patchRows } from '../lib/diff.ts';
import { parseOverride } from '../lib/effective.ts';
import { can } from '../lib/roles.ts';

export function statusBadge(app: App, status: string): HTMLElement {
  return h('span', { class: `badge ${status}` }, app.t(`status.${status}` as never));
}

/** "客户分类 · 资产周转率阈值 → 2.5", one line per value the override sets. */
function changeSummary(app: App, p: Proposal): HTMLElement {
  const docs = app.policy?.parsed ?? {};
  const rows = patchRows(parseOverride(p.override) ?? {});
  return h('ul', { class: 'plain' }, rows.slice(0, 4).map((r) => h('li', {},
    `${app.kindTitle(r.kind)} · ${describePath(docs[r.kind], r.path, app.lang)} → `, h('strong', {}, formatValue(r.after)))),
    rows.length > 4 ? h('li', { class: 'muted' }, `… +${rows.length - 4}`) : null);
}

export function proposalTable(app: App, proposals: readonly Proposal[], options: { onChange?: () => void; open?: boolean }): HTMLElement {
  const t = app.t;
  if (proposals.length === 0) return h('p', { class: 'muted' }, t('noProposals'));
  const status = h('div', { 'aria-live': 'polite' });
  return h('div', {},
    status,
    h('table', { class: 'grid proposals' },
      h('thead', {}, h('tr', {}, [t('proposal'), t('branchLabel'), t('status'), t('submittedAt'), t('changes'), t('reason'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, [...proposals].reverse().map((p) => {
        const actions: HTMLElement[] = [];
        if (options.open) actions.push(h('a', { href: `#/review/${p.id}`, class: 'button' }, t('openProposal')));
        if (p.status === 'submitted' && can(app.principal, 'withdraw')) {
          const withdraw: HTMLButtonElement = h('button', {
            type: 'button', 'data-withdraw': p.id,
            onclick: () => void busy(withdraw, async () => {
              try {
                await app.api.withdraw(p.id);
                replace(status, notice('ok', t('withdrawn', { id: p.id })));
                options.onChange?.();
              } catch (err) { replace(status, app.error(err)); }
            }),
          }, t('withdraw'));
          actions.push(withdraw);
        }
        return h('tr', { 'data-proposal': p.id },
          h('td', {}, `#${p.id}`), h('td', {}, p.branch), h('td', {}, statusBadge(app, p.status)),
          h('td', {}, formatTime(p.submittedAt, app.lang)), h('td', {}, changeSummary(app, p)), h('td', { class: 'note' }, p.reason), h('td', { class: 'row-actions' }, actions));
      }))));
}
