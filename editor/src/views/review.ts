// Head office review: the proposal queue; one proposal's changes (named by head office's own
// bound labels), its bounds check, head office's policy beside the proposed one, its impact;
// approve with an effective date, or reject with a comment. An auditor sees it all, read-only.
import type { Proposal } from '../api.ts';
import { KINDS, SCHEMAS, decisionOfKind, parseDocuments, type App } from '../app.ts';
import { busy, field, formatTime, h, isoFromLocal, notice, progress, replace } from '../dom.ts';
import { changeRows, describePath, formatValue, patchRows, relativeChange } from '../lib/diff.ts';
import { applyPatchToYaml, parseOverride } from '../lib/effective.ts';
import { fileKind, placeProblems, problemsFrom } from '../lib/markers.ts';
import { localiseDescriptions } from '../lib/override-schema.ts';
import { can } from '../lib/roles.ts';
import { diffEditor, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas } from '../monaco/setup.ts';
import { impactPanel } from './impact.ts';
import { describeIn } from './problems.ts';
import { proposalTable, statusBadge } from './proposal-list.ts';

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const id = Number(params[0]);
  if (params[0] && Number.isInteger(id)) return detail(app, root, id);
  const t = app.t;
  const [queue, all] = await Promise.all([app.api.proposals({ status: 'submitted' }), app.api.proposals()]);
  replace(root, h('section', { class: 'review' },
    h('section', { class: 'panel' }, h('h1', {}, t('queue')), proposalTable(app, queue, { open: true })),
    h('section', { class: 'panel' }, h('h2', {}, t('decidedProposals')), proposalTable(app, all.filter((p) => p.status !== 'submitted'), { open: true }))));
  return () => undefined;
}

async function detail(app: App, root: HTMLElement, id: number): Promise<Disposer> {
  const t = app.t;
  const proposal: Proposal = await app.api.proposal(id);
  const base = await app.api.revision(proposal.baseRevision);
  const parsed = parseDocuments(base.documents);
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);
  const disposers: Disposer[] = [];

  // Changes: the server's diff when it sends one, else the override's own values.
  const patch = parseOverride(proposal.override) ?? {};
  const diffRows = changeRows(proposal.diff ?? proposal.changes);
  const rows = diffRows.length > 0 ? diffRows : patchRows(patch);
  const changes = h('table', { class: 'grid', id: 'proposal-changes' },
    h('thead', {}, h('tr', {}, [t('kind'), t('changes'), t('before'), t('after'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => {
      const rel = relativeChange(r.before, r.after);
      return h('tr', {},
        h('td', {}, app.kindTitle(r.kind, parsed)),
        h('td', {}, describePath(parsed[r.kind], r.path, app.lang), h('div', { class: 'muted' }, h('code', {}, r.path))),
        h('td', { class: 'num' }, formatValue(r.before)), h('td', { class: 'num' }, formatValue(r.after)),
        h('td', { class: 'num muted' }, rel === undefined ? '' : `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`));
    })));

  // Bounds check against the policy in force now, by the same endpoint the branch used.
  const bounds = h('div', { id: 'proposal-bounds', 'aria-live': 'polite' }, progress(t('checking')));
  void app.api.validateOverride(proposal.branch, proposal.override).then((res) => {
    const problems = problemsFrom(res.problems);
    const placed = placeProblems(proposal.override, problems, (p) => fileKind(p, KINDS) !== undefined);
    const detail = describeIn(app, parsed);
    replace(bounds, problems.length === 0 && res.valid ? notice('ok', t('boundsOk'))
      : h('ul', { class: 'problems' }, [...placed.markers.map((m) => h('li', { title: m.problem?.message ?? '' }, t('problemAt', { line: m.startLineNumber, column: m.startColumn }), ' ', h('code', {}, m.code), ' ', m.problem ? detail(m.problem) : m.message)),
        ...placed.elsewhere.map((p) => h('li', { title: p.message }, h('code', {}, p.code), ' ', detail(p)))]));
  }).catch((err: unknown) => replace(bounds, app.error(err)));

  // Head office's policy (left) and with the proposal applied (right), kind by kind.
  const kinds = Object.keys(patch).filter((k) => base.documents[k] !== undefined);
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const diffHost = h('div', { class: 'monaco-host', id: 'proposal-diff' });
  let shown: ReturnType<typeof diffEditor> | undefined;
  disposers.push(() => shown?.dispose());
  const showKind = (kind: string): void => {
    replace(tabs, kinds.map((k) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(k === kind), onclick: () => showKind(k) }, app.kindTitle(k, parsed))));
    const sides = applyPatchToYaml(base.documents[kind] ?? '', patch[kind]);
    if (shown) shown.setTexts(sides.base, sides.effective);
    else shown = diffEditor(diffHost, `${kind}.view.yaml`, sides.base, sides.effective, t('baseVsEffective'));
  };

  const impact = impactPanel(app, {
    branch: proposal.branch,
    candidate: () => ({ proposalId: proposal.id }),
    decision: () => (kinds[0] ? decisionOfKind(kinds[0] as never) : 'classification'),
  });

  const decide = h('div', { 'aria-live': 'polite', id: 'review-status' });
  const comment = h('textarea', { id: 'review-comment', rows: 2 });
  const effective = h('input', { type: 'datetime-local', id: 'review-effective' });
  const approve = h('button', { type: 'button', class: 'primary', id: 'review-approve' }, t('approve'));
  const reject = h('button', { type: 'button', class: 'danger', id: 'review-reject' }, t('reject'));
  const after = (message: string): void => {
    replace(decide, notice('ok', message));
    approve.disabled = true; reject.disabled = true;
    void app.api.proposal(id).then((p) => { replace(state, statusBadge(app, p.status)); renderHistory(p); }).catch(() => undefined);
  };
  approve.addEventListener('click', () => void busy(approve, async () => {
    try {
      const at = isoFromLocal(effective.value);
      await app.api.approve(id, { comment: comment.value.trim(), ...(at ? { effectiveFrom: at } : {}) });
      after(t('approved', { id }));
    } catch (err) { replace(decide, app.error(err)); }
  }));
  reject.addEventListener('click', () => {
    if (comment.value.trim() === '') { replace(decide, notice('warn', t('commentRequired'))); comment.focus(); return; }
    void busy(reject, async () => {
      try { await app.api.reject(id, comment.value.trim()); after(t('rejected', { id })); } catch (err) { replace(decide, app.error(err)); }
    });
  });

  const state = h('span', {}, statusBadge(app, proposal.status));
  const history = h('ol', { class: 'history' });
  const renderHistory = (p: Proposal): void => replace(history, (p.steps ?? []).map((s) =>
    h('li', {}, formatTime(s.at, app.lang), ' · ', t(`step.${s.action}` as never), ' · ', s.actor, s.comment ? ` — ${s.comment}` : '')));
  renderHistory(proposal);
  const mayDecide = can(app.principal, 'approve') && proposal.status === 'submitted';

  replace(root, h('section', { class: 'review-detail' },
    h('div', { class: 'page-head' },
      h('h1', {}, `${t('proposal')} #${proposal.id} · ${t('branchLabel')} ${proposal.branch} `, state),
      h('span', { class: 'muted' }, t('baseRevisionIs', { id: proposal.baseRevision }), ' · ', t('submittedBy'), ' ', proposal.submittedBy, ' · ', formatTime(proposal.submittedAt, app.lang))),
    h('p', { class: 'reason' }, h('strong', {}, t('reason'), ':'), proposal.reason),
    h('div', { class: 'layout-2 wide-right' },
      h('section', { class: 'panel' }, h('h2', {}, t('changes')), changes, h('h3', {}, t('boundsCheck')), bounds, h('h3', {}, t('history')), history),
      h('section', { class: 'panel' }, h('h2', {}, t('baseVsEffective')), tabs, diffHost)),
    impact.element,
    mayDecide ? h('section', { class: 'panel', 'aria-labelledby': 'decide-title' },
      h('h2', { id: 'decide-title' }, `${t('approve')} / ${t('reject')}`),
      h('div', { class: 'form-row' }, field(t('comment'), comment), field(t('effectiveFrom'), effective, t('effectiveNow'))),
      h('div', { class: 'actions' }, approve, reject), decide) : null));
  if (kinds[0]) showKind(kinds[0]);
  return () => disposers.forEach((d) => d());
}
