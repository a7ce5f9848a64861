// Decision console: choose a decision, fill its input in a form generated from the decision's
// input schema (or as JSON), decide through the API with explain, and read the outcome and the
// rules it rests on; clicking a rule opens its YAML at the rule's line beside the trace.
import { ApiError, type DecisionAnswer } from '../api.ts';
import { DECISIONS, KINDS, SCHEMAS, parseDocuments, type App } from '../app.ts';
import { busy, field, h, notice, progress, replace } from '../dom.ts';
import { formatValue } from '../lib/diff.ts';
import { buildInput, formFields, valueKey, valuesFromInput, type Field, type FormValues } from '../lib/form.ts';
import { inputProblems } from '../lib/input-problems.ts';
import { localise } from '../lib/labels.ts';
import { localiseDescriptions } from '../lib/override-schema.ts';
import { conditionText, outputRows, traceSteps, visibleSteps, type TraceStep } from '../lib/trace.ts';
import { revealAt, yamlEditor, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas } from '../monaco/setup.ts';

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);
  let decision = params[0] && DECISIONS.includes(params[0]) ? params[0] : DECISIONS[0]!;
  let mode: 'form' | 'json' = 'form';
  let values: FormValues = {};
  let fields: Field[] = [];
  let showAll = false;
  let last: DecisionAnswer | undefined;
  let disposeViewer: Disposer | undefined;

  const select = h('select', { id: 'console-decision' }, DECISIONS.map((d) => h('option', { value: d }, app.decisionTitle(d))));
  const branch = h('input', { id: 'console-branch', placeholder: '0101', value: app.principal.branch ?? '' });
  const modeForm = h('button', { type: 'button', role: 'tab', id: 'mode-form' }, t('formMode'));
  const modeJson = h('button', { type: 'button', role: 'tab', id: 'mode-json' }, t('jsonMode'));
  const inputHost = h('div', { class: 'input-host' });
  const json = h('textarea', { id: 'console-json', rows: 12, spellcheck: false, class: 'code' });
  const run = h('button', { type: 'button', class: 'primary', id: 'console-run' }, t('decide'));
  const status = h('div', { 'aria-live': 'polite' });
  const output = h('div', { id: 'console-output' });
  const trace = h('div', { id: 'console-trace' });
  const viewerTitle = h('div', { class: 'doc-title' });
  const viewer = h('div', { class: 'monaco-host', id: 'console-viewer' });
  const allToggle = h('input', { type: 'checkbox', id: 'console-all' });

  function renderForm(): void {
    const control = (f: Exclude<Field, { type: 'group' }>): HTMLElement => {
      const key = valueKey(f.path);
      const id = `in-${f.path.join('-')}`;
      const label = localise(f.label, app.lang, f.key) + (f.required ? ' *' : '');
      let el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
      if (f.type === 'boolean') {
        el = h('input', { type: 'checkbox', id, 'data-key': key, checked: values[key] === true });
        el.addEventListener('change', () => { values[key] = (el as HTMLInputElement).checked; });
      } else {
        if (f.type === 'string' && f.options) el = h('select', { id, 'data-key': key }, h('option', { value: '' }, '—'), f.options.map((o) => h('option', { value: o }, o)));
        else if (f.type === 'json') el = h('textarea', { id, 'data-key': key, rows: 3, class: 'code', placeholder: '{ }' });
        else el = h('input', { id, 'data-key': key, type: f.type === 'string' && f.format === 'date' ? 'date' : 'text', inputmode: f.type === 'number' || f.type === 'integer' ? 'decimal' : undefined });
        el.value = typeof values[key] === 'string' ? (values[key] as string) : '';
        el.addEventListener('input', () => { values[key] = el.value; });
      }
      return h('div', { class: 'form-field', 'data-path': '/' + f.path.join('/') }, field(label, el, f.key), h('span', { class: 'field-error', role: 'alert' }));
    };
    const build = (list: readonly Field[]): HTMLElement[] => list.map((f) => (f.type === 'group'
      ? h('fieldset', {}, h('legend', {}, localise(f.label, app.lang, f.key), f.required ? ' *' : ''), build(f.children))
      : control(f)));
    replace(inputHost, h('div', { class: 'form-grid' }, build(fields)));
  }

  function setMode(next: 'form' | 'json'): void {
    if (next === 'json' && mode === 'form') json.value = JSON.stringify(buildInput(fields, values).input, null, 2);
    if (next === 'form' && mode === 'json') {
      try { values = valuesFromInput(fields, JSON.parse(json.value || '{}')); } catch { /* keep the form as it was */ }
    }
    mode = next;
    modeForm.setAttribute('aria-selected', String(mode === 'form'));
    modeJson.setAttribute('aria-selected', String(mode === 'json'));
    if (mode === 'form') renderForm(); else replace(inputHost, json);
  }

  function chooseDecision(next: string): void {
    decision = next;
    select.value = decision;
    fields = formFields(SCHEMAS, `decisions/${decision}.input.schema.json`);
    values = {};
    json.value = '{}';
    replace(output); replace(trace); replace(status);
    setMode(mode);
  }

  async function openRule(step: TraceStep): Promise<void> {
    if (!step.source || !last) return;
    const source = step.source;
    disposeViewer?.();
    replace(viewer, progress(t('loading')));
    try {
      let text: string;
      let name: string;
      if (source.kind === 'override' && last.branch) {
        const policy = await app.api.branchPolicy(last.branch);
        const o = policy.override as Record<string, unknown> | undefined;
        text = String(o?.override ?? o?.yaml ?? '');
        name = t('overrideTitle', { branch: last.branch });
      } else {
        const revision = await app.api.revision(last.revision.id);
        text = revision.documents[source.kind] ?? '';
        name = `${t('revision')} ${revision.id} · ${app.kindTitle(source.kind, parseDocuments({ [source.kind]: text }))}`;
      }
      replace(viewer);
      replace(viewerTitle, name, ' · ', t('ruleSource', { kind: step.rule, line: source.line }));
      const view = yamlEditor(viewer, `${source.kind}.view.yaml`, text, { readOnly: true, ariaLabel: name });
      revealAt(view.editor, source.line, source.column);
      disposeViewer = view.dispose;
    } catch (err) { replace(viewer, app.error(err)); }
  }

  /** Which branch override decided: applied, or suspended (head office's documents decided instead), or none. */
  function overrideNote(answer: DecisionAnswer): HTMLElement | null {
    if (!answer.branch) return null;
    const o = answer.override;
    if (!o) return h('p', { class: 'muted', id: 'console-override', 'data-status': 'none' }, t('consoleNoOverride', { branch: answer.branch }));
    if (o.status === 'suspended') {
      return h('div', { class: 'notice warn', id: 'console-override', 'data-status': 'suspended' }, t('consoleOverrideSuspended', { branch: answer.branch, id: o.id }), ' ',
        app.principal.role === 'branch' || app.principal.role === 'head-office' ? h('a', { href: app.principal.role === 'branch' ? '#/override' : `#/override/${encodeURIComponent(answer.branch)}` }, t('consoleSeeWhy')) : null);
    }
    return h('p', { class: 'notice ok', id: 'console-override', 'data-status': 'applied' }, t('consoleOverrideApplied', { branch: answer.branch, id: o.id }));
  }

  function renderAnswer(answer: DecisionAnswer): void {
    replace(output, h('table', { class: 'grid kv' }, h('tbody', {}, outputRows(answer.output, app.lang).map((r) =>
      h('tr', { 'data-key': r.key }, h('th', { scope: 'row' }, r.key), h('td', {}, typeof r.value === 'object' ? h('code', {}, JSON.stringify(r.value)) : formatValue(r.value)), h('td', {}, r.label ?? ''))))),
    h('p', { class: 'muted', id: 'console-basis' }, `${t('revision')} ${answer.revision.id}`, answer.branch ? ` · ${t('branchLabel')} ${answer.branch}` : '', ` · ${answer.decisionId}`),
    overrideNote(answer));
    const steps = visibleSteps(traceSteps(answer.trace), showAll);
    replace(trace, h('ol', { class: 'trace' }, steps.map((s) => h('li', { class: s.fired ? 'fired' : 'not-fired' },
      h('div', { class: 'step-head' },
        h('span', { class: `badge ${s.fired ? 'approved' : 'superseded'}` }, s.fired ? t('fired') : t('notFired')), ' ',
        s.decision ? h('span', { class: 'muted' }, `${app.decisionTitle(s.decision)} · `) : null,
        h('strong', {}, s.rule), ' ',
        s.source ? h('button', { type: 'button', class: 'link', 'data-line': s.source.line, onclick: () => void openRule(s) }, t('ruleSource', { kind: s.source.kind === 'override' ? 'override' : app.kindTitle(s.source.kind), line: s.source.line })) : null),
      h('ul', { class: 'conditions' }, s.conditions.map((c) => h('li', { class: c.result === false ? 'no' : 'yes' }, c.result === false ? '✗ ' : '✓ ', conditionText(c))))))));
  }

  /** Every problem of a refused input at once, in the reader's language, each also beside its field. */
  function showInputProblems(err: ApiError): boolean {
    const problems = inputProblems(err.details, fields, app.lang);
    if (problems.length === 0) return false;
    if (mode === 'form') {
      for (const p of problems) {
        const box = p.at ? inputHost.querySelector(`[data-path="${CSS.escape(p.at)}"] .field-error`) : null;
        if (box) box.append(h('span', { class: 'problem-line' }, p.text));
      }
    }
    replace(status, h('div', { class: 'notice error', role: 'alert', id: 'console-input-problems' },
      h('strong', {}, t('error.BAD_INPUT')), h('ul', {}, problems.map((p) => h('li', { 'data-at': p.at ?? '' }, p.text)))));
    return true;
  }

  run.addEventListener('click', () => {
    replace(status);
    inputHost.querySelectorAll('.field-error').forEach((e) => replace(e));
    let input: unknown;
    if (mode === 'json') {
      try { input = JSON.parse(json.value || '{}'); } catch (err) { replace(status, notice('warn', t('jsonInvalid', { message: err instanceof Error ? err.message : String(err) }))); return; }
    } else {
      const built = buildInput(fields, values);
      if (built.problems.length > 0) {
        for (const p of built.problems) {
          const box = inputHost.querySelector(`[data-path="${CSS.escape(p.path)}"] .field-error`);
          if (box) replace(box, t(`field.${p.problem}` as never));
        }
        replace(status, notice('warn', t(`field.${built.problems[0]!.problem}` as never) + ` (${built.problems.map((p) => p.path).join(', ')})`));
        return;
      }
      input = built.input;
    }
    void busy(run, async () => {
      try {
        last = await app.api.decide(decision, { input, explain: true, ...(branch.value.trim() ? { branch: branch.value.trim() } : {}) });
        renderAnswer(last);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'BAD_INPUT' && showInputProblems(err))) replace(status, app.error(err));
      }
    });
  });
  select.addEventListener('change', () => chooseDecision(select.value));
  modeForm.addEventListener('click', () => setMode('form'));
  modeJson.addEventListener('click', () => setMode('json'));
  allToggle.addEventListener('change', () => { showAll = allToggle.checked; if (last) renderAnswer(last); });

  replace(root, h('section', { class: 'console' },
    h('div', { class: 'page-head' }, h('h1', {}, t('consoleTitle'))),
    h('p', { class: 'help' }, t('consoleHelp')),
    h('div', { class: 'layout-3' },
      h('div', { class: 'panel' },
        h('div', { class: 'toolbar wrap' }, h('label', {}, t('decision'), ' ', select), h('label', {}, t('asBranch'), ' ', branch)),
        h('div', { class: 'tabs', role: 'tablist' }, modeForm, modeJson),
        inputHost, h('div', { class: 'actions' }, run), status),
      h('div', { class: 'panel' }, h('h2', {}, t('output')), output,
        h('h2', {}, t('trace'), ' ', h('label', { class: 'small' }, allToggle, ' ', t('showAllSteps'))), trace),
      h('div', { class: 'panel' }, viewerTitle, viewer))));
  replace(viewer, h('p', { class: 'placeholder' }, t('consoleHelp')));
  chooseDecision(decision);
  return () => disposeViewer?.();
}
