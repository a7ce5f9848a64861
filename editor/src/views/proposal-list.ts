// A list of proposals with their state: a branch's own (with withdraw), or head office's queue.
// A pending proposal head office has moved the ground under shows as stale; every row opens the
// proposal's page, where its whole history and every comment are.
import type { Proposal } from '../api.ts';
import type { App } from '../app.ts';
import { confirmThen, formatTime, h, notice, replace } from '../dom.ts';
import { describePath, formatValue, patchRows } from '../lib/diff.ts';
import { parseOverride } from '../lib/effective.ts';
import { proposalActions, proposalBadge, type ProposalBadge } from '../lib/proposal-state.ts';

export function statusBadge(app: App, status: ProposalBadge | string): HTMLElement {
  return h('span', { class: `badge ${status}`, 'data-status': status }, app.t(`status.${status}` as never));
}

/** "客户分类 · 资产周转率阈值 → 2.5", one line per value the override sets. */
function changeSummary(app: App, p: Proposal): HTMLElement {
  const docs = app.policy?.parsed ?? {};
  const rows = patchRows(parseOverride(p.override) ?? {});
  return h('ul', { class: 'plain' }, rows.slice(0, 4).map((r) => h('li', {},
    `${app.kindTitle(r.kind)} · ${describePath(docs[r.kind], r.path, app.lang)} → `, h('strong', {}, formatValue(r.after)))),
    rows.length > 4 ? h('li', { class: 'muted' }, `… +${rows.length - 4}`) : null);
}

/** `onChange` gets what happened (withdrawn) once an action succeeded; without it the notice shows above the table. */
export function proposalTable(app: App, proposals: readonly Proposal[], options: { onChange?: (message: string) => void; open?: boolean }): HTMLElement {
  const t = app.t;
  if (proposals.length === 0) return h('p', { class: 'muted' }, t('noProposals'));
  const status = h('div', { 'aria-live': 'polite' });
  return h('div', {},
    status,
    h('table', { class: 'grid proposals' },
      h('thead', {}, h('tr', {}, [t('proposal'), t('branchLabel'), t('status'), t('submittedBy'), t('submittedAt'), t('changes'), t('reason'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, [...proposals].reverse().map((p) => {
        const actions: HTMLElement[] = [];
        if (options.open !== false) actions.push(h('a', { href: `#/proposal/${p.id}`, class: 'button', 'data-open': p.id }, t('openProposal')));
        if (proposalActions(p, app.principal).withdraw) {
          const withdraw: HTMLButtonElement = h('button', {
            type: 'button', 'data-withdraw': p.id,
            onclick: () => void confirmThen({
              id: 'withdraw-confirm', title: t('withdrawConfirmTitle', { id: p.id }), confirm: t('withdraw'), cancel: t('cancel'), tone: 'danger',
              body: [h('p', {}, t('withdrawConfirm')), changeSummary(app, p)],
            }, () => app.api.withdraw(p.id)).then((r) => {
              if (r === undefined) return;
              if (options.onChange) options.onChange(t('withdrawn', { id: p.id }));
              else replace(status, notice('ok', t('withdrawn', { id: p.id })));
            }, (err: unknown) => replace(status, app.error(err))),
          }, t('withdraw'));
          actions.push(withdraw);
        }
        const badge = proposalBadge(p);
        return h('tr', { 'data-proposal': p.id, 'data-status': badge },
          h('td', {}, `#${p.id}`), h('td', {}, p.branch), h('td', {}, statusBadge(app, badge)),
          h('td', {}, app.person(p.submittedBy)), h('td', {}, formatTime(p.submittedAt, app.lang)), h('td', {}, changeSummary(app, p)), h('td', { class: 'note' }, p.reason), h('td', { class: 'row-actions' }, actions));
      }))));
}
