// Branch override editor: monaco with monaco-yaml on the override schema narrowed to head
// office's bounds (completion, hover, schema checks as you type), the server's semantic and
// bounds problems as markers at their line and column, head office's policy beside the
// effective one, the impact preview, and submitting with a reason; the branch's proposals below.
import { ApiError, validationOutcome, type Candidate } from '../api.ts';
import { KINDS, SCHEMAS, decisionOfKind, type App } from '../app.ts';
import { busy, debounce, field, h, notice, progress, replace } from '../dom.ts';
import { applyPatchToYaml, parseOverride } from '../lib/effective.ts';
import { localise } from '../lib/labels.ts';
import { fileKind, placeProblems, problemsFrom, type MarkerData, type PolicyProblem } from '../lib/markers.ts';
import { describeBound } from '../lib/explain.ts';
import { boundsOf, exampleOverride, localiseDescriptions, overrideSchemaFor } from '../lib/override-schema.ts';
import { diffEditor, onMarkersChanged, schemaMarkers, setServerMarkers, yamlEditor, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas, setOverrideSchema } from '../monaco/setup.ts';
import { impactPanel } from './impact.ts';
import { describeIn, fromSchemaMarkers, problemCount, renderProblems } from './problems.ts';
import { proposalTable } from './proposal-list.ts';

const draftKey = (branch: string): string => `zhidu.draft.override.${branch}`;

/** The override text in force for the branch, in whichever field the server puts it. */
function overrideTextOf(branchPolicy: Record<string, unknown> | undefined): { id?: number; text?: string } {
  const o = branchPolicy?.override;
  if (!o || typeof o !== 'object') return {};
  const r = o as Record<string, unknown>;
  const text = [r.override, r.yaml, r.text].find((v): v is string => typeof v === 'string');
  return { ...(typeof r.id === 'number' ? { id: r.id } : {}), ...(text ? { text } : {}) };
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
  const inForce = overrideTextOf(await app.api.branchPolicy(branch).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }));
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

  async function loadProposals(): Promise<void> {
    replace(proposalsHost, progress(t('loading')));
    try {
      replace(proposalsHost, proposalTable(app, await app.api.proposals({ branch }), { onChange: () => void loadProposals(), open: app.principal.role !== 'branch' }));
    } catch (err) { replace(proposalsHost, app.error(err)); }
  }

  submit.addEventListener('click', () => {
    replace(submitStatus);
    if (!ready()) return;
    if (reason.value.trim() === '') { replace(submitStatus, notice('warn', t('reasonRequired'))); reason.focus(); return; }
    void busy(submit, async () => {
      try {
        const created = await app.api.propose(branch, { baseRevision: base.id, override: model.getValue(), reason: reason.value.trim() });
        replace(submitStatus, notice('ok', t('submitted', { id: created.id })));
        reason.value = '';
        await loadProposals();
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

  replace(root, h('section', { class: 'override' },
    h('div', { class: 'page-head' },
      h('h1', {}, t('overrideTitle', { branch })),
      h('span', { class: 'muted' }, t('baseRevisionIs', { id: base.id }), ' · ', inForce.id !== undefined ? t('currentOverride', { id: inForce.id }) : t('noOverride'))),
    h('p', { class: 'help' }, t('overrideHelp')),
    h('div', { class: 'layout-2 wide-right' },
      h('div', { class: 'panel' }, editorHost, status, problemsHost),
      h('div', { class: 'panel' }, h('h2', {}, t('baseVsEffective')), kindTabs, diffHost)),
    impact.element,
    h('section', { class: 'panel', 'aria-labelledby': 'submit-title' },
      h('h2', { id: 'submit-title' }, t('submitTitle')),
      field(t('reason'), reason), h('div', { class: 'actions' }, submit), submitStatus),
    h('section', { class: 'panel', 'aria-labelledby': 'mine-title' }, h('h2', { id: 'mine-title' }, t('myProposals')), proposalsHost)));

  showEffective();
  void validate();
  void loadProposals();
  return () => disposers.forEach((d) => d());
}
