// One proposal's page, for head office, an auditor and the branch it belongs to: its changes
// (named by head office's own bound labels), its bounds check, base beside proposed, its impact,
// and its whole history with every comment (approval, rejection, rebase requests, stale marks).
// A stale proposal says so and why on both sides: head office may reject it or ask for a rebase
// (approval is not offered, with the reason), the branch rebases it in one step. Every action asks
// first, saying what will happen, and the page is drawn again from the server afterwards.
import { ApiError, type Proposal } from '../api.ts';
import { KINDS, SCHEMAS, decisionOfKind, parseDocuments, type App } from '../app.ts';
import { confirmThen, field, formatTime, h, isoFromLocal, notice, progress, replace } from '../dom.ts';
import { changeRows, describePath, formatValue, patchRows, relativeChange, type ChangeRow } from '../lib/diff.ts';
import { applyPatchToYaml, parseOverride } from '../lib/effective.ts';
import { fileKind, placeProblems, problemsFrom } from '../lib/markers.ts';
import { describeIn } from './problems.ts';
import { localiseDescriptions } from '../lib/override-schema.ts';
import { historyRows, proposalActions, proposalBadge, rebaseRequested } from '../lib/proposal-state.ts';
import { diffEditor, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas } from '../monaco/setup.ts';
import { reasonList } from './effects.ts';
import { impactPanel } from './impact.ts';
import { statusBadge } from './proposal-list.ts';

/** Where the branch edits a draft: its override screen, with this text as the draft. */
export function editAsDraft(app: App, branch: string, override: string): void {
  sessionStorage.setItem(`zhidu.draft.override.${branch}`, override);
  app.navigate(app.principal.role === 'branch' ? '#/override' : `#/override/${encodeURIComponent(branch)}`);
}

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  const id = Number(params[0]);
  if (!params[0] || !Number.isInteger(id) || id < 1) throw new ApiError(404, 'NOT_FOUND', `No proposal "${params[0] ?? ''}".`);
  const proposal: Proposal = await app.api.proposal(id);
  const current = await app.activePolicy(true);
  const base = proposal.baseRevision === current.revision.id ? current.revision : await app.api.revision(proposal.baseRevision);
  const parsed = proposal.baseRevision === current.revision.id ? current.parsed : parseDocuments(base.documents);
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);
  const disposers: Disposer[] = [];
  const actions = proposalActions(proposal, app.principal);
  const pending = proposal.status === 'submitted';

  // Changes: the server's diff, else the override's own values.
  const patch = parseOverride(proposal.override) ?? {};
  const diffRows = changeRows(proposal.diff ?? proposal.changes);
  const rows: ChangeRow[] = diffRows.length > 0 ? diffRows : patchRows(patch);
  const changeLabel = (r: ChangeRow): string => describePath(parsed[r.kind], r.path, app.lang);
  const changes = h('table', { class: 'grid', id: 'proposal-changes' },
    h('thead', {}, h('tr', {}, [t('kind'), t('changes'), t('before'), t('after'), ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => {
      const rel = relativeChange(r.before, r.after);
      return h('tr', {},
        h('td', {}, app.kindTitle(r.kind, parsed)),
        h('td', {}, changeLabel(r), h('div', { class: 'muted' }, h('code', {}, r.path))),
        h('td', { class: 'num' }, formatValue(r.before)), h('td', { class: 'num' }, formatValue(r.after)),
        h('td', { class: 'num muted' }, rel === undefined ? '' : `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`));
    })));
  const changeList = (): HTMLElement => h('ul', { class: 'plain' }, rows.map((r) => h('li', {}, `${app.kindTitle(r.kind, parsed)} · ${changeLabel(r)}: `, h('strong', {}, `${formatValue(r.before)} → ${formatValue(r.after)}`))));

  // Bounds check against the revision in force now, by the same endpoint the branch used.
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

  // History: every step with its comment, and what each step's detail means.
  const history = h('ol', { class: 'history', id: 'proposal-history' }, historyRows(proposal, t, (iso) => formatTime(iso, app.lang)).map((r) => h('li', { 'data-action': r.action },
    h('div', {}, h('span', { class: 'muted' }, formatTime(r.at, app.lang)), ' · ', h('strong', {}, r.title), ' · ', app.person(r.actor),
      r.detail ? h('span', { class: 'muted' }, ' · ', r.proposal !== undefined ? h('a', { href: `#/proposal/${r.proposal}` }, r.detail) : r.detail) : null),
    r.comment ? h('blockquote', { class: 'comment' }, r.comment) : null,
    r.reasons && r.reasons.length > 0 ? reasonList(app, r.reasons, current.parsed) : null)));

  // The state in words: stale (why, and what each side may do), a rebase asked for, superseded.
  const requested = pending ? rebaseRequested(proposal) : undefined;
  const situation = h('div', { id: 'proposal-situation' },
    proposal.stale ? h('div', { class: 'notice warn stale', id: 'proposal-stale', role: 'alert' },
      h('strong', {}, t('staleTitle', { revision: proposal.stale.revision })),
      reasonList(app, proposal.stale.reasons, current.parsed),
      h('div', {}, app.principal.role === 'head-office' ? t('staleHeadOffice') : t('staleBranch'))) : null,
    requested ? h('div', { class: 'notice info', id: 'proposal-rebase-requested' }, h('strong', {}, t('rebaseRequestedBy', { actor: app.personLine(requested.actor) })), requested.comment ? h('blockquote', { class: 'comment' }, requested.comment) : null) : null,
    proposal.status === 'superseded' && proposal.replacedBy !== undefined
      ? notice('info', h('span', {}, t('supersededByProposal'), ' ', h('a', { href: `#/proposal/${proposal.replacedBy}`, id: 'proposal-replaced-by' }, `${t('proposal')} #${proposal.replacedBy}`))) : null,
    proposal.replaces !== undefined ? h('p', { class: 'muted' }, t('replacesProposal'), ' ', h('a', { href: `#/proposal/${proposal.replaces}` }, `${t('proposal')} #${proposal.replaces}`)) : null);

  // Actions, each confirmed with what it will do; the page is drawn again from the server after.
  const decide = h('div', { 'aria-live': 'polite', id: 'review-status' });
  const comment = h('textarea', { id: 'review-comment', rows: 2 });
  const effective = h('input', { type: 'datetime-local', id: 'review-effective' });
  const done = (message: string): void => app.reload(notice('ok', message));
  const failed = (err: unknown): void => { replace(decide, app.error(err)); };

  const approve = h('button', { type: 'button', class: 'primary', id: 'review-approve', disabled: !actions.approve.enabled }, t('approve'));
  const approveWhy = actions.approve.why ? h('p', { class: 'hint why', id: 'review-approve-why' }, t(actions.approve.why === 'own' ? 'approveOwn' : 'approveStale')) : null;
  approve.addEventListener('click', () => {
    const at = isoFromLocal(effective.value);
    void confirmThen({
      id: 'approve-confirm', title: t('approveConfirmTitle', { id }), confirm: t('approve'), cancel: t('cancel'),
      body: [h('p', {}, t('approveConfirm', { branch: proposal.branch, from: at ? formatTime(at, app.lang) : t('effectiveNowShort') })), changeList(),
        comment.value.trim() ? h('blockquote', { class: 'comment' }, comment.value.trim()) : null],
    }, () => app.api.approve(id, { comment: comment.value.trim(), ...(at ? { effectiveFrom: at } : {}) }))
      .then((r) => { if (r !== undefined) done(t('approved', { id })); }, failed);
  });
  const reject = h('button', { type: 'button', class: 'danger', id: 'review-reject' }, t('reject'));
  reject.addEventListener('click', () => {
    if (comment.value.trim() === '') { replace(decide, notice('warn', t('commentRequired'))); comment.focus(); return; }
    void confirmThen({
      id: 'reject-confirm', title: t('rejectConfirmTitle', { id }), confirm: t('reject'), cancel: t('cancel'), tone: 'danger',
      body: [h('p', {}, t('rejectConfirm', { branch: proposal.branch })), h('blockquote', { class: 'comment' }, comment.value.trim())],
    }, () => app.api.reject(id, comment.value.trim())).then((r) => { if (r !== undefined) done(t('rejected', { id })); }, failed);
  });
  const requestRebase = h('button', { type: 'button', id: 'review-request-rebase' }, t('requestRebase'));
  requestRebase.addEventListener('click', () => {
    if (comment.value.trim() === '') { replace(decide, notice('warn', t('commentRequiredRebase'))); comment.focus(); return; }
    void confirmThen({
      id: 'request-rebase-confirm', title: t('requestRebaseTitle', { id }), confirm: t('requestRebase'), cancel: t('cancel'),
      body: [h('p', {}, t('requestRebaseConfirm', { branch: proposal.branch, revision: current.revision.id })), h('blockquote', { class: 'comment' }, comment.value.trim())],
    }, () => app.api.requestRebase(id, comment.value.trim())).then((r) => { if (r !== undefined) done(t('rebaseRequestedDone', { id })); }, failed);
  });

  const mine = h('div', { 'aria-live': 'polite', id: 'proposal-own-status' });
  const withdraw = h('button', { type: 'button', class: 'danger', id: 'proposal-withdraw' }, t('withdraw'));
  withdraw.addEventListener('click', () => {
    void confirmThen({
      id: 'withdraw-confirm', title: t('withdrawConfirmTitle', { id }), confirm: t('withdraw'), cancel: t('cancel'), tone: 'danger',
      body: [h('p', {}, t('withdrawConfirm')), changeList()],
    }, () => app.api.withdraw(id)).then((r) => { if (r !== undefined) done(t('withdrawn', { id })); }, (err: unknown) => replace(mine, app.error(err)));
  });
  const rebase = h('button', { type: 'button', class: 'primary', id: 'proposal-rebase' }, t('rebaseOneStep'));
  rebase.addEventListener('click', () => void rebaseOneStep(app, proposal, current.revision.id, changeList, mine));

  const headOfficePanel = actions.approve.offered || actions.reject
    ? h('section', { class: 'panel', 'aria-labelledby': 'decide-title' },
      h('h2', { id: 'decide-title' }, `${t('approve')} / ${t('reject')}`),
      h('div', { class: 'form-row' }, field(t('comment'), comment), field(t('effectiveFrom'), effective, t('effectiveNow'))),
      h('div', { class: 'actions' }, actions.approve.offered ? approve : null, actions.reject ? reject : null, actions.requestRebase ? requestRebase : null),
      approveWhy, decide)
    : null;
  const branchPanel = actions.rebase || actions.withdraw
    ? h('section', { class: 'panel', 'aria-labelledby': 'own-title' },
      h('h2', { id: 'own-title' }, t('ownActions')),
      actions.rebase ? h('p', { class: 'help' }, t('rebaseHelp', { revision: current.revision.id })) : null,
      h('div', { class: 'actions' }, actions.rebase ? rebase : null, actions.withdraw ? withdraw : null), mine)
    : null;

  const badge = proposalBadge(proposal);
  replace(root, h('section', { class: 'review-detail' },
    h('div', { class: 'page-head' },
      h('h1', {}, `${t('proposal')} #${proposal.id} · ${t('branchLabel')} ${proposal.branch} `, statusBadge(app, badge)),
      h('span', { class: 'muted' }, t('baseRevisionIs', { id: proposal.baseRevision }), ' · ', t('submittedBy'), ' ', h('span', { id: 'proposal-submitter' }, app.person(proposal.submittedBy)), ' · ', formatTime(proposal.submittedAt, app.lang))),
    situation,
    h('p', { class: 'reason' }, h('strong', {}, t('reason'), ':'), proposal.reason),
    headOfficePanel,
    branchPanel,
    h('div', { class: 'layout-2 wide-right' },
      h('section', { class: 'panel' }, h('h2', {}, t('changes')), changes, h('h3', {}, t('boundsCheck')), bounds, h('h3', {}, t('history')), history),
      h('section', { class: 'panel' }, h('h2', {}, t('baseVsEffective')), tabs, diffHost)),
    impact.element));
  if (kinds[0]) showKind(kinds[0]);
  return () => disposers.forEach((d) => d());
}

/**
 * The branch's rebase in one step: the same values checked against the revision in force, then
 * (confirmed) proposed against it, superseding this one. Values that no longer fit go to the
 * override editor as a draft instead, with the problems marked there.
 */
async function rebaseOneStep(app: App, proposal: Proposal, revision: number, changeList: () => HTMLElement, status: HTMLElement): Promise<void> {
  const t = app.t;
  replace(status, progress(t('checking')));
  try {
    const check = await app.api.validateOverride(proposal.branch, proposal.override);
    if (!check.valid || problemsFrom(check.problems).length > 0) {
      replace(status, notice('warn', h('span', {}, t('rebaseDoesNotFit', { revision }), ' ',
        h('button', { type: 'button', class: 'link', id: 'proposal-edit-draft', onclick: () => editAsDraft(app, proposal.branch, proposal.override) }, t('editAsDraft')))));
      return;
    }
    replace(status);
    const rebased = await confirmThen({
      id: 'rebase-confirm', title: t('rebaseConfirmTitle', { id: proposal.id }), confirm: t('rebaseOneStep'), cancel: t('cancel'),
      body: [h('p', {}, t('rebaseConfirm', { revision, id: proposal.id })), changeList(), notice('ok', t('boundsOkAt', { revision }))],
    }, () => app.api.rebase(proposal.id));
    if (rebased) app.go(`#/proposal/${rebased.id}`, notice('ok', t('rebasedAs', { id: rebased.id, revision })));
  } catch (err) {
    replace(status, app.error(err));
  }
}
