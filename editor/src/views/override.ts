// Branch override editor: monaco with monaco-yaml on the override schema narrowed to head
// office's bounds (completion, hover, schema checks as you type), the server's semantic and
// bounds problems as markers at their line and column, head office's policy beside the
// effective one, the impact preview, and submitting with a reason; the branch's proposals below.
// The override in force says whether it applies: one a head-office publish suspended shows why,
// and is rebased in one step (its values proposed again against the revision in force).
import { ApiError, validationOutcome, type BranchPolicy, type Candidate } from '../api.ts';
import { KINDS, SCHEMAS, decisionOfKind, type App } from '../app.ts';
import { busy, confirmThen, debounce, field, formatTime, h, notice, progress, replace } from '../dom.ts';
import { describePath, formatValue, patchRows, valueAt } from '../lib/diff.ts';
import { applyPatchToYaml, parseOverride } from '../lib/effective.ts';
import { localise } from '../lib/labels.ts';
import { fileKind, placeProblems, problemsFrom, type MarkerData, type PolicyProblem } from '../lib/markers.ts';
import { describeBound } from '../lib/explain.ts';
import { boundsOf, exampleOverride, localiseDescriptions, overrideSchemaFor } from '../lib/override-schema.ts';
import { diffEditor, onMarkersChanged, schemaMarkers, setServerMarkers, yamlEditor, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas, setOverrideSchema } from '../monaco/setup.ts';
import { reasonList } from './effects.ts';
import { impactPanel } from './impact.ts';
import { describeIn, fromSchemaMarkers, problemCount, renderProblems } from './problems.ts';
import { proposalTable } from './proposal-list.ts';
import { timelinePanel } from './timeline.ts';

const draftKey = (branch: string): string => `zhidu.draft.override.${branch}`;

interface InForce { id?: number; text?: string; proposalId?: number; effectiveFrom?: string; status: BranchPolicy['overrideStatus']; problems: BranchPolicy['problems'] }

/** The override in force for the branch and whether it applies, in whichever field the server puts its text. */
function overrideInForce(branchPolicy: BranchPolicy | undefined): InForce {
  const o = branchPolicy?.override as Record<string, unknown> | undefined;
  const status = branchPolicy?.overrideStatus ?? 'none';
  const problems = branchPolicy?.problems ?? [];
  if (!o || typeof o !== 'object') return { status, problems };
  const text = [o.override, o.yaml, o.text].find((v): v is string => typeof v === 'string');
  return {
    status, problems,
    ...(typeof o.id === 'number' ? { id: o.id } : {}), ...(text ? { text } : {}),
    ...(typeof o.proposalId === 'number' ? { proposalId: o.proposalId } : {}), ...(typeof o.effectiveFrom === 'string' ? { effectiveFrom: o.effectiveFrom } : {}),
  };
}

/** Two override texts setting the same values, however written. */
function sameValues(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const pa = parseOverride(a);
  const pb = parseOverride(b);
  return pa !== undefined && pb !== undefined && JSON.stringify(pa) === JSON.stringify(pb);
}

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  const branch = app.principal.role === 'branch' ? app.principal.branch! : params[0];
  if (!branch) {
    const code = h('input', { id: 'branch-code', placeholder: '0101', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_-]{0,31}' });
    const form = h('form', { class: 'panel narrow' }, h('h2', {}, t('pickBranch')), field(t('chooseBranch'), code), h('button', { type: 'submit', class: 'primary' }, t('open')));
    form.addEventListener('submit', (e) => { e.preventDefault(); if (code.value.trim()) app.navigate(`#/override/${encodeURIComponent(code.value.trim())}`); });
    replace(root, form);
    code.focus();
    return () => undefined;
  }

  const policy = await app.activePolicy(true);
  const base = policy.revision;
  const [branchPolicy, revisions, overrides] = await Promise.all([
    app.api.branchPolicy(branch).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }),
    app.api.revisions(),
    app.api.overrides(branch),
  ]);
  const ownProposals = await app.api.proposals({ branch });
  const inForce = overrideInForce(branchPolicy);
  const suspended = inForce.status === 'suspended' && inForce.text !== undefined;
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);
  setOverrideSchema(localiseDescriptions(overrideSchemaFor(SCHEMAS, policy.parsed), app.lang));

  const disposers: Disposer[] = [];
  const initial = sessionStorage.getItem(draftKey(branch)) ?? inForce.text ?? exampleOverride(policy.parsed);
  const editorHost = h('div', { class: 'monaco-host', id: 'override-editor' });
  const problemsHost = h('div', { id: 'override-problems' });
  const status = h('div', { class: 'check-status', id: 'override-status', role: 'status', 'aria-live': 'polite' });
  const kindTabs = h('div', { class: 'tabs', role: 'tablist' });
  const diffHost = h('div', { class: 'monaco-host', id: 'override-diff' });
  const reason = h('textarea', { id: 'override-reason', rows: 3, placeholder: t('reasonPlaceholder') });
  const submit = h('button', { type: 'button', class: 'primary', id: 'override-submit' }, t('submit'));
  const submitStatus = h('div', { 'aria-live': 'polite', id: 'submit-status' });
  const proposalsHost = h('div', { id: 'own-proposals' });
  const bounds = boundsOf(policy.parsed);

  const { editor, dispose } = yamlEditor(editorHost, `${branch}.override.yaml`, initial, { ariaLabel: t('overrideTitle', { branch }) });
  disposers.push(dispose);
  const model = editor.getModel()!;
  let serverMarkers: MarkerData[] = [];
  let elsewhere: PolicyProblem[] = [];
  let serverValid = false;
  let checked = '';
  let controller: AbortController | undefined;
  let diffKind: string | undefined;
  let diff: ReturnType<typeof diffEditor> | undefined;
  disposers.push(() => diff?.dispose());

  const meaningful = (text: string): boolean => text.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'));

  function showProblems(): void {
    renderProblems(app, problemsHost, editor, serverMarkers, elsewhere, fromSchemaMarkers(schemaMarkers(model)), policy.parsed);
  }

  function showStatus(): void {
    const text = model.getValue();
    const schema = schemaMarkers(model).length;
    const total = problemCount(serverMarkers, fromSchemaMarkers(schemaMarkers(model)));
    if (!meaningful(text)) replace(status, notice('info', t('emptyDraft')));
    else if (checked !== text) replace(status, progress(t('checking')));
    else if (total === 0 && serverValid && suspended && sameValues(text, inForce.text)) replace(status, notice('warn', t('draftIsSuspended', { id: inForce.id ?? '—' })));
    else if (total === 0 && serverValid && inForce.status === 'applied' && sameValues(text, inForce.text)) replace(status, notice('info', t('draftIsInForce', { id: inForce.id ?? '—' })));
    else if (total === 0 && serverValid) replace(status, notice('ok', t('checkedOk')));
    else replace(status, notice('warn', t('problemsFound', { n: total })), schema > 0 ? h('span', { class: 'muted' }, t('schemaProblems', { n: schema })) : null);
  }

  function showEffective(): void {
    const patch = parseOverride(model.getValue()) ?? {};
    const kinds = Object.keys(patch).filter((k) => policy.revision.documents[k] !== undefined);
    if (kinds.length === 0) {
      diff?.dispose(); diff = undefined; diffKind = undefined;
      replace(kindTabs);
      replace(diffHost, h('div', { class: 'bounds' }, h('h3', {}, t('allowedChanges')), h('ul', {}, bounds.map((b) => h('li', {},
        h('strong', {}, app.kindTitle(b.kind)), ' · ', localise(b.label, app.lang, b.path), ' ', h('code', {}, b.path), ' — ', describeBound(b.rule, app.lang))))));
      return;
    }
    if (!diffKind || !kinds.includes(diffKind)) diffKind = kinds[0]!;
    replace(kindTabs, kinds.map((k) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(k === diffKind), onclick: () => { diffKind = k; showEffective(); } }, app.kindTitle(k))));
    const sides = applyPatchToYaml(policy.revision.documents[diffKind] ?? '', patch[diffKind]);
    if (!diff) { replace(diffHost); diff = diffEditor(diffHost, `${diffKind}.view.yaml`, sides.base, sides.effective, t('baseVsEffective')); }
    else diff.setTexts(sides.base, sides.effective);
    impact.refreshDecision();
  }

  async function validate(): Promise<void> {
    const text = model.getValue();
    controller?.abort();
    if (!meaningful(text)) { serverMarkers = []; elsewhere = []; serverValid = false; checked = text; setServerMarkers(model, []); showProblems(); showStatus(); return; }
    const mine = (controller = new AbortController());
    showStatus();
    try {
      const { valid, problems } = await validationOutcome(app.api.validateOverride(branch!, text, mine.signal));
      serverValid = valid;
      if (mine.signal.aborted) return;
      const placed = placeProblems(text, problems, (p) => fileKind(p, KINDS) !== undefined, describeIn(app, policy.parsed));
      serverMarkers = placed.markers;
      elsewhere = placed.elsewhere;
      setServerMarkers(model, placed.markers);
      showProblems();
      checked = text;
      showStatus();
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      replace(problemsHost, app.error(err));
      checked = text;
      serverValid = false;
      showStatus();
    }
  }

  const revalidate = debounce(() => void validate(), 350);
  const reshow = debounce(showEffective, 250);
  disposers.push(() => controller?.abort());
  const changes = model.onDidChangeContent(() => {
    sessionStorage.setItem(draftKey(branch), model.getValue());
    impact.candidateChanged();
    showStatus();
    revalidate();
    reshow();
  });
  const markersChanged = onMarkersChanged(model, () => { showProblems(); showStatus(); });
  disposers.push(() => { changes.dispose(); markersChanged.dispose(); });

  const ready = (): boolean => {
    const text = model.getValue();
    const ok = meaningful(text) && checked === text && serverValid && schemaMarkers(model).length === 0;
    if (!ok) replace(submitStatus, notice('warn', meaningful(text) ? t('fixFirst') : t('emptyDraft')));
    return ok;
  };

  const impact = impactPanel(app, {
    branch,
    candidate: (): Candidate => ({ override: model.getValue() }),
    decision: () => {
      const kind = Object.keys(parseOverride(model.getValue()) ?? {}).find((k) => KINDS.includes(k));
      return kind ? decisionOfKind(kind as never) : 'classification';
    },
    canRun: () => { replace(submitStatus); return ready(); },
  });

  replace(proposalsHost, proposalTable(app, ownProposals, { onChange: (message) => app.reload(notice('ok', message)), open: true }));
  /** A pending proposal already carrying the suspended override's values (a rebase made before). */
  const rebasePending = suspended ? ownProposals.find((p) => p.status === 'submitted' && sameValues(p.override, inForce.text)) : undefined;

  /** The override's values beside head office's value for each path now. */
  const valuesTable = (text: string, id: string): HTMLElement => h('table', { class: 'grid', id },
    h('thead', {}, h('tr', {}, [t('changes'), t('headOfficeNow'), t('yourValue')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, patchRows(parseOverride(text) ?? {}).map((r) => h('tr', { 'data-path': `/${r.kind}${r.path}` },
      h('td', {}, `${app.kindTitle(r.kind)} · ${describePath(policy.parsed[r.kind], r.path, app.lang)}`),
      h('td', { class: 'num' }, formatValue(valueAt(policy.parsed[r.kind], r.path))),
      h('td', { class: 'num' }, h('strong', {}, formatValue(r.after)))))));

  /**
   * Rebase in one step: the suspended override's values, checked against head office's bounds in
   * the revision in force, proposed again against it (confirmed first). Values that no longer fit
   * go into the editor with their problems marked instead.
   */
  const rebaseStatus = h('div', { 'aria-live': 'polite', id: 'override-rebase-status' });
  async function rebaseInOneStep(button: HTMLButtonElement): Promise<void> {
    const text = inForce.text!;
    replace(rebaseStatus);
    const check = await busy(button, () => validationOutcome(app.api.validateOverride(branch!, text))).catch((err: unknown) => { replace(rebaseStatus, app.error(err)); return undefined; });
    if (!check) return;
    if (!check.valid) {
      model.setValue(text);
      replace(rebaseStatus, notice('warn', t('rebaseDoesNotFit', { revision: base.id })));
      editorHost.scrollIntoView({ block: 'center' });
      return;
    }
    const why = h('textarea', { id: 'rebase-reason', rows: 2 });
    why.value = t('rebaseReasonDefault', { id: inForce.id ?? '—', revision: base.id });
    try {
      const created = await confirmThen({
        id: 'rebase-confirm', title: t('rebaseOverrideTitle', { id: inForce.id ?? '—' }), confirm: t('rebaseSubmit'), cancel: t('cancel'),
        body: [h('p', {}, t('rebaseOverrideConfirm', { revision: base.id })), valuesTable(text, 'rebase-values'), notice('ok', t('boundsOkAt', { revision: base.id })), field(t('reason'), why)],
      }, () => app.api.propose(branch!, { baseRevision: base.id, override: text, reason: why.value.trim() || t('rebaseReasonDefault', { id: inForce.id ?? '—', revision: base.id }) }));
      if (!created) return;
      sessionStorage.removeItem(draftKey(branch!));
      app.reload(notice('ok', h('span', {}, t('submitted', { id: created.id }), ' ', h('a', { href: `#/proposal/${created.id}` }, t('openProposal')))));
    } catch (err) {
      replace(rebaseStatus, app.error(err));
    }
  }

  submit.addEventListener('click', () => {
    replace(submitStatus);
    if (!ready()) return;
    if (reason.value.trim() === '') { replace(submitStatus, notice('warn', t('reasonRequired'))); reason.focus(); return; }
    void busy(submit, async () => {
      try {
        const created = await app.api.propose(branch, { baseRevision: base.id, override: model.getValue(), reason: reason.value.trim() });
        sessionStorage.removeItem(draftKey(branch));
        app.reload(notice('ok', h('span', {}, t('submitted', { id: created.id }), ' ', h('a', { href: `#/proposal/${created.id}` }, t('openProposal')))));
      } catch (err) {
        const problems = err instanceof ApiError ? problemsFrom(err.details) : [];
        if (problems.length > 0) {
          const placed = placeProblems(model.getValue(), problems, (p) => fileKind(p, KINDS) !== undefined, describeIn(app, policy.parsed));
          serverMarkers = placed.markers; elsewhere = placed.elsewhere; serverValid = false;
          setServerMarkers(model, placed.markers);
          showProblems();
          showStatus();
        }
        replace(submitStatus, app.error(err));
      }
    });
  });

  const rebaseButton = h('button', { type: 'button', class: 'primary', id: 'override-rebase' }, t('rebaseOneStep'));
  rebaseButton.addEventListener('click', () => void rebaseInOneStep(rebaseButton));
  const stateBadge = inForce.id === undefined ? null
    : h('span', { class: `badge ${inForce.status === 'suspended' ? 'suspended' : 'approved'}`, id: 'override-state', 'data-status': inForce.status }, t(`overrideStatus.${inForce.status === 'suspended' ? 'suspended' : 'applied'}`));
  const suspendedPanel = suspended ? h('section', { class: 'panel notice-panel', id: 'override-suspended', role: 'alert' },
    h('h2', {}, t('suspendedHeading', { id: inForce.id ?? '—', revision: base.id })),
    h('p', {}, t('suspendedExplain')),
    reasonList(app, inForce.problems),
    valuesTable(inForce.text!, 'override-values'),
    h('p', { class: 'help' }, t('rebaseOverrideHelp', { revision: base.id })),
    rebasePending ? notice('info', h('span', { id: 'override-rebase-pending' }, t('rebasePending', { id: rebasePending.id }), ' ', h('a', { href: `#/proposal/${rebasePending.id}` }, t('openProposal')))) : null,
    h('div', { class: 'actions' }, rebasePending ? null : rebaseButton,
      inForce.proposalId !== undefined ? h('a', { class: 'button', href: `#/proposal/${inForce.proposalId}` }, t('openApprovedProposal', { id: inForce.proposalId })) : null),
    rebaseStatus) : null;

  const flash = app.takeFlash();
  if (flash) replace(submitStatus, flash);
  replace(root, h('section', { class: 'override' },
    h('div', { class: 'page-head' },
      h('h1', {}, t('overrideTitle', { branch })),
      h('span', { class: 'muted', id: 'override-head' }, t('baseRevisionIs', { id: base.id }), ' · ',
        inForce.id !== undefined ? t('currentOverride', { id: inForce.id }) : t('noOverride'), ' ', stateBadge,
        inForce.effectiveFrom ? h('span', {}, ' · ', t('sinceTime', { from: formatTime(inForce.effectiveFrom, app.lang) })) : null)),
    h('p', { class: 'help' }, t('overrideHelp')),
    suspendedPanel,
    h('div', { class: 'layout-2 wide-right' },
      h('div', { class: 'panel' }, editorHost, status, problemsHost),
      h('div', { class: 'panel' }, h('h2', {}, t('baseVsEffective')), kindTabs, diffHost)),
    impact.element,
    h('section', { class: 'panel', 'aria-labelledby': 'submit-title' },
      h('h2', { id: 'submit-title' }, t('submitTitle')),
      field(t('reason'), reason), h('div', { class: 'actions' }, submit), submitStatus),
    h('section', { class: 'panel', 'aria-labelledby': 'mine-title' }, h('h2', { id: 'mine-title' }, t('myProposals')), proposalsHost),
    h('section', { class: 'panel', 'aria-labelledby': 'override-timeline-title' },
      h('h2', { id: 'override-timeline-title' }, t('timeline.title')),
      timelinePanel(app, 'override-timeline', { now: Date.now(), revisions, overrides }))));

  showEffective();
  void validate();
  if (flash) submitStatus.scrollIntoView({ block: 'center' });
  return () => disposers.forEach((d) => d());
}
