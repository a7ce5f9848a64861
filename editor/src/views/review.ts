// Head office review: the proposal queue (stale ones marked), the decided ones, and each
// branch's overrides that a publish has suspended, with why (GET /v1/overrides). One proposal's
// page is views/proposal.ts (also reached as #/review/{id}). An auditor sees it all, read-only.
import type { OverrideState } from '../api.ts';
import type { App } from '../app.ts';
import { formatTime, h, notice } from '../dom.ts';
import type { Disposer } from '../monaco/editors.ts';
import { reasonList } from './effects.ts';
import { render as renderProposal } from './proposal.ts';
import { proposalTable } from './proposal-list.ts';

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  if (params[0]) return renderProposal(app, root, params);
  const t = app.t;
  const [queue, all, overrides] = await Promise.all([app.api.proposals({ status: 'submitted' }), app.api.proposals(), app.api.overrides()]);
  root.replaceChildren(h('section', { class: 'review' },
    suspendedPanel(app, overrides),
    h('section', { class: 'panel' }, h('h1', {}, t('queue')), proposalTable(app, queue, { open: true, onChange: (message) => app.reload(notice('ok', message)) })),
    h('section', { class: 'panel' }, h('h2', {}, t('decidedProposals')), proposalTable(app, all.filter((p) => p.status !== 'submitted'), { open: true }))));
  return () => undefined;
}

/** Each branch's suspended override: since when it no longer applies, why, and where to act. */
function suspendedPanel(app: App, overrides: readonly OverrideState[]): HTMLElement {
  const t = app.t;
  const suspended = overrides.filter((o) => o.status === 'suspended');
  return h('section', { class: 'panel', id: 'suspended-overrides', 'aria-labelledby': 'suspended-title' },
    h('h2', { id: 'suspended-title' }, t('suspendedTitle'), ' ', h('span', { class: 'muted small' }, t('suspendedCount', { n: suspended.length, total: overrides.length }))),
    suspended.length === 0 ? h('p', { class: 'muted' }, t('suspendedNone')) : h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, [t('branchLabel'), t('override'), t('status'), t('effectiveFrom'), t('suspendedWhy'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, suspended.map((o) => h('tr', { 'data-branch': o.branch, 'data-override': o.id },
        h('td', {}, o.branch),
        h('td', {}, `#${o.id}`, h('div', { class: 'muted' }, t('basedOnRevision', { id: o.baseRevision }))),
        h('td', {}, h('span', { class: 'badge suspended' }, t('overrideStatus.suspended')), h('div', { class: 'muted' }, t('onRevision', { id: o.revision }))),
        h('td', {}, formatTime(o.effectiveFrom, app.lang)),
        h('td', {}, reasonList(app, o.problems)),
        h('td', { class: 'row-actions' },
          h('a', { class: 'button', href: `#/proposal/${o.proposalId}` }, t('openProposal')),
          app.principal.role === 'head-office' ? h('a', { class: 'button', href: `#/override/${encodeURIComponent(o.branch)}` }, t('openBranch')) : null))))));
}
