// Publish: edit any kind's YAML with its JSON Schema as you type and the server's full checks
// (schema, semantic, cross-kind) as markers; an effective date and a note; publishing is
// refused here while any edited document has a problem, and the server refuses it too.
import { ApiError, validationOutcome } from '../api.ts';
import { KINDS, SCHEMAS, type App } from '../app.ts';
import { busy, debounce, field, formatTime, h, isoFromLocal, notice, progress, replace } from '../dom.ts';
import { placeProblems, problemsByKind, problemsFrom, type MarkerData } from '../lib/markers.ts';
import { localiseDescriptions } from '../lib/override-schema.ts';
import { editorOn, onMarkersChanged, schemaMarkers, setServerMarkers, yamlModel, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas, type monaco } from '../monaco/setup.ts';
import { describeIn, fromSchemaMarkers, problemCount, renderProblems } from './problems.ts';

const DRAFTS = 'zhidu.draft.publish';

type Effect = { type: string; [field: string]: unknown };

/** One effect of a publish in the reader's language, naming branches, revisions and paths. */
function describeEffect(app: App, e: Effect): string {
  const paths = (e.reasons as { path: string }[] | undefined)?.map((r) => r.path).join(', ') ?? '';
  const params = {
    branch: String(e.branch ?? ''), override: String(e.override ?? ''), proposal: String(e.proposal ?? ''), revision: String(e.revision ?? ''),
    from: formatTime(String(e.from ?? e.effectiveFrom ?? ''), app.lang), paths, kinds: ((e.overrides as string[] | undefined) ?? []).map((k) => app.kindTitle(k)).join('、'),
  };
  if (e.type === 'revision-rescheduled' && params.kinds !== '') return app.t('effect.revision-rescheduled-overrides', params);
  return app.t(`effect.${e.type}` as never, params);
}

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  const policy = await app.activePolicy(true);
  const documents = policy.revision.documents;
  const kinds = KINDS.filter((k) => documents[k] !== undefined);
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);

  const saved = JSON.parse(sessionStorage.getItem(DRAFTS) ?? '{}') as { base?: number; texts?: Record<string, string> };
  const drafts = saved.base === policy.revision.id ? saved.texts ?? {} : {};
  const models = new Map<string, monaco.editor.ITextModel>();
  const serverMarkers = new Map<string, MarkerData[]>();
  let kind = params[0] && kinds.includes(params[0]) ? params[0] : kinds[0]!;
  let checkedTexts = '';
  let serverValid = true;
  let controller: AbortController | undefined;

  const modelOf = (k: string): monaco.editor.ITextModel => {
    let m = models.get(k);
    if (!m) {
      m = yamlModel(`${k}.yaml`, drafts[k] ?? documents[k] ?? '');
      models.set(k, m);
      m.onDidChangeContent(() => changed());
      onMarkersChanged(m, () => { if (k === kind) showProblems(); showStatus(); });
    }
    return m;
  };
  const edited = (): Record<string, string> => Object.fromEntries([...models].filter(([k, m]) => m.getValue() !== documents[k]).map(([k, m]) => [k, m.getValue()]));

  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('kind') });
  const editorHost = h('div', { class: 'monaco-host tall', id: 'publish-editor' });
  const problemsHost = h('div', { id: 'publish-problems' });
  const status = h('div', { class: 'check-status', id: 'publish-status', role: 'status', 'aria-live': 'polite' });
  const effective = h('input', { type: 'datetime-local', id: 'publish-effective' });
  const note = h('textarea', { id: 'publish-note', rows: 2, placeholder: t('notePlaceholder') });
  const publish = h('button', { type: 'button', class: 'primary', id: 'publish-button' }, t('publish'));
  const result = h('div', { id: 'publish-result', 'aria-live': 'polite' });
  const editor = editorOn(editorHost, modelOf(kind), app.kindTitle(kind));

  const schemaOf = (k: string): ReturnType<typeof fromSchemaMarkers> => fromSchemaMarkers(schemaMarkers(modelOf(k)));
  const problemTotal = (): number => [...models.keys()].reduce((n, k) => n + problemCount(serverMarkers.get(k) ?? [], schemaOf(k)), 0);

  function showTabs(): void {
    const changedKinds = new Set(Object.keys(edited()));
    replace(tabs, kinds.map((k) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(k === kind), 'data-kind': k, class: changedKinds.has(k) ? 'changed' : '',
      onclick: () => { kind = k; editor.setModel(modelOf(k)); showTabs(); showProblems(); },
    }, app.kindTitle(k), changedKinds.has(k) ? h('span', { class: 'dot' }, '●') : null, (serverMarkers.get(k)?.length ?? 0) > 0 ? h('span', { class: 'count' }, String(serverMarkers.get(k)!.length)) : null)));
  }

  function showProblems(): void {
    renderProblems(app, problemsHost, editor, serverMarkers.get(kind) ?? [], [], schemaOf(kind), policy.parsed);
  }

  function showStatus(): void {
    const docs = edited();
    const total = problemTotal();
    if (Object.keys(docs).length === 0) replace(status, notice('info', t('unchanged')));
    else if (JSON.stringify(docs) !== checkedTexts) replace(status, progress(t('checking')));
    else if (total === 0 && serverValid) replace(status, notice('ok', t('allValid')));
    else replace(status, notice('warn', t('problemsFound', { n: total })));
  }

  function applyProblems(problems: ReturnType<typeof problemsFrom>, docs: Record<string, string>): void {
    serverMarkers.clear();
    for (const [k, list] of problemsByKind(problems, kind)) {
      const m = models.get(k) ?? modelOf(k);
      serverMarkers.set(k, placeProblems(docs[k] ?? m.getValue(), list, undefined, describeIn(app, policy.parsed)).markers);
    }
    for (const [k, m] of models) setServerMarkers(m, serverMarkers.get(k) ?? []);
    showTabs();
    showProblems();
  }

  async function validate(): Promise<void> {
    const docs = edited();
    controller?.abort();
    if (Object.keys(docs).length === 0) { applyProblems([], docs); checkedTexts = JSON.stringify(docs); serverValid = true; showStatus(); return; }
    const mine = (controller = new AbortController());
    try {
      const { valid, problems } = await validationOutcome(app.api.validateDocuments(docs, mine.signal));
      serverValid = valid;
      if (mine.signal.aborted) return;
      applyProblems(problems, docs);
      checkedTexts = JSON.stringify(docs);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      replace(problemsHost, app.error(err));
      serverValid = false;
      checkedTexts = JSON.stringify(docs);
    }
    showStatus();
  }

  const revalidate = debounce(() => void validate(), 400);
  function changed(): void {
    sessionStorage.setItem(DRAFTS, JSON.stringify({ base: policy.revision.id, texts: edited() }));
    showTabs();
    showStatus();
    revalidate();
  }

  /** Publishes the checked drafts; a refusal that needs the publisher's word (effects, nothing changed) offers it. */
  function send(docs: Record<string, string>, extra: { acknowledge?: string; force?: boolean } = {}): Promise<void> {
    return busy(publish, async () => {
      try {
        const at = isoFromLocal(effective.value);
        const published = await app.api.publish({ documents: docs, note: note.value.trim(), baseRevision: policy.revision.id, ...(at ? { effectiveFrom: at } : {}), ...extra });
        sessionStorage.removeItem(DRAFTS);
        replace(result, notice('ok', t('published', { id: published.id })));
        await app.activePolicy(true);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'EFFECTS_UNACKNOWLEDGED') {
          const [{ effectsId, effects }] = err.details as [{ effectsId: string; effects: Effect[] }];
          const confirm = h('button', { type: 'button', class: 'primary', id: 'publish-confirm', onclick: () => void send(docs, { ...extra, acknowledge: effectsId }) }, t('publishConfirm'));
          replace(result, notice('warn', t('publishEffects')), h('ul', { id: 'publish-effects' }, effects.map((e) => h('li', { 'data-effect': e.type }, describeEffect(app, e)))), h('div', { class: 'actions' }, confirm));
          return;
        }
        if (err instanceof ApiError && err.code === 'REVISION_UNCHANGED') {
          const force = h('button', { type: 'button', id: 'publish-force', onclick: () => void send(docs, { ...extra, force: true }) }, t('publishForce'));
          replace(result, notice('info', t('publishUnchanged', { id: policy.revision.id })), h('div', { class: 'actions' }, force));
          return;
        }
        if (err instanceof ApiError) applyProblems(problemsFrom(err.details), docs);
        replace(result, app.error(err));
      }
    });
  }

  publish.addEventListener('click', () => {
    replace(result);
    const docs = edited();
    if (Object.keys(docs).length === 0) { replace(result, notice('warn', t('unchanged'))); return; }
    const total = problemTotal();
    if (JSON.stringify(docs) !== checkedTexts || total > 0 || !serverValid) {
      replace(result, notice('warn', t('cannotPublish', { n: Math.max(total, 1) })));
      void validate();
      return;
    }
    if (note.value.trim() === '') { replace(result, notice('warn', t('noteRequired'))); note.focus(); return; }
    void send(docs);
  });

  replace(root, h('section', { class: 'publish' },
    h('div', { class: 'page-head' }, h('h1', {}, t('publishTitle')), h('span', { class: 'muted' }, t('baseRevisionIs', { id: policy.revision.id }))),
    h('p', { class: 'help' }, t('publishHelp')),
    tabs,
    h('div', { class: 'layout-2 wide-left' },
      h('div', { class: 'panel' }, editorHost),
      h('div', { class: 'panel' }, status, problemsHost,
        h('h2', {}, t('publish')),
        field(t('effectiveFrom'), effective, t('effectiveNow')),
        field(t('note'), note),
        h('div', { class: 'actions' }, publish), result))));
  showTabs();
  showStatus();
  if (Object.keys(drafts).length > 0) { for (const k of Object.keys(drafts)) modelOf(k); void validate(); }
  return () => { controller?.abort(); editor.dispose(); models.forEach((m) => m.dispose()); };
}
