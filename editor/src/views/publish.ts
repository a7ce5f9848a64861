// Publish: edit any kind's YAML with its JSON Schema as you type and the server's full checks
// (schema, semantic, cross-kind) as markers; an effective date, what to do with scheduled
// revisions, and a note. Before anything is published the screen shows what the publish will do
// (the server's preview: branch overrides it suspends, proposals it makes stale, scheduled
// revisions it keeps or supersedes) as a table and on the timeline, and asks for confirmation
// listing them. Drafts remember the revision they were edited from and are sent with it, so a
// publish never undoes someone else's.
import { ApiError, validationOutcome, type PublishEffect, type PublishPreview, type RevisionSummary, type ScheduledMode } from '../api.ts';
import { KINDS, SCHEMAS, parseDocuments, type App } from '../app.ts';
import { confirmThen, debounce, field, formatTime, h, isoFromLocal, notice, progress, replace } from '../dom.ts';
import { placeProblems, problemsByKind, problemsFrom, type MarkerData } from '../lib/markers.ts';
import { localiseDescriptions } from '../lib/override-schema.ts';
import { editorOn, onMarkersChanged, schemaMarkers, setServerMarkers, yamlModel, type Disposer } from '../monaco/editors.ts';
import { prepareSchemas, type monaco } from '../monaco/setup.ts';
import { effectsTable } from './effects.ts';
import { describeIn, fromSchemaMarkers, problemCount, renderProblems } from './problems.ts';
import { timelinePanel } from './timeline.ts';

const DRAFTS = 'zhidu.draft.publish';

interface Drafts { base?: number; texts?: Record<string, string> }

/** The effects a 409 EFFECTS_UNACKNOWLEDGED says the publish has now, with their id. */
function refusedEffects(err: unknown): { effects: PublishEffect[]; effectsId: string } | undefined {
  if (!(err instanceof ApiError) || err.code !== 'EFFECTS_UNACKNOWLEDGED') return undefined;
  const [detail] = err.details as [{ effectsId?: unknown; effects?: unknown } | undefined];
  if (typeof detail?.effectsId !== 'string' || !Array.isArray(detail.effects)) return undefined;
  return { effects: detail.effects as PublishEffect[], effectsId: detail.effectsId };
}

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  const policy = await app.activePolicy(true);
  const [revisions, overrides] = await Promise.all([app.api.revisions(), app.api.overrides()]);
  // Drafts are compared with, and published against, the revision they were edited from.
  const saved = JSON.parse(sessionStorage.getItem(DRAFTS) ?? '{}') as Drafts;
  const savedTexts = saved.texts ?? {};
  const baseId = saved.base !== undefined && Object.keys(savedTexts).length > 0 && revisions.some((r) => r.id === saved.base) ? saved.base : policy.revision.id;
  const base = baseId === policy.revision.id ? policy.revision : await app.api.revision(baseId);
  const documents = base.documents;
  const baseParsed = baseId === policy.revision.id ? policy.parsed : parseDocuments(documents);
  const drafts = baseId === saved.base ? savedTexts : {};
  const kinds = KINDS.filter((k) => documents[k] !== undefined);
  prepareSchemas(SCHEMAS, KINDS, app.lang, localiseDescriptions);

  const models = new Map<string, monaco.editor.ITextModel>();
  const serverMarkers = new Map<string, MarkerData[]>();
  let kind = params[0] && kinds.includes(params[0]) ? params[0] : kinds[0]!;
  /** The request the preview answers; a preview for anything else is not current. */
  let checkedKey = '';
  let serverValid = true;
  let preview: PublishPreview | undefined;
  let controller: AbortController | undefined;
  let publishing = false;

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
  const effectsHost = h('div', { id: 'publish-effects-panel', 'aria-live': 'polite' });
  const timelineHost = h('div', { id: 'publish-timeline-host' });
  const effective = h('input', { type: 'datetime-local', id: 'publish-effective' });
  const keep = h('input', { type: 'radio', name: 'publish-scheduled', value: 'keep', id: 'publish-scheduled-keep', checked: true });
  const supersede = h('input', { type: 'radio', name: 'publish-scheduled', value: 'replace', id: 'publish-scheduled-replace' });
  const scheduledChoice = h('fieldset', { class: 'choice', id: 'publish-scheduled' },
    h('legend', {}, t('scheduledChoice')),
    h('label', {}, keep, ' ', t('scheduled.keep')), h('span', { class: 'hint' }, t('scheduled.keepHint')),
    h('label', {}, supersede, ' ', t('scheduled.replace')), h('span', { class: 'hint' }, t('scheduled.replaceHint')));
  const note = h('textarea', { id: 'publish-note', rows: 2, placeholder: t('notePlaceholder') });
  const publish = h('button', { type: 'button', class: 'primary', id: 'publish-button' }, t('publish'));
  const result = h('div', { id: 'publish-result', 'aria-live': 'polite' });
  const editor = editorOn(editorHost, modelOf(kind), app.kindTitle(kind));

  const schemaOf = (k: string): ReturnType<typeof fromSchemaMarkers> => fromSchemaMarkers(schemaMarkers(modelOf(k)));
  const problemTotal = (): number => [...models.keys()].reduce((n, k) => n + problemCount(serverMarkers.get(k) ?? [], schemaOf(k)), 0);
  const scheduled = (): ScheduledMode => (supersede.checked ? 'replace' : 'keep');
  const options = (): { effectiveFrom?: string; baseRevision: number; scheduled: ScheduledMode } => {
    const at = isoFromLocal(effective.value);
    return { ...(at ? { effectiveFrom: at } : {}), baseRevision: baseId, scheduled: scheduled() };
  };
  const requestKey = (docs: Record<string, string>): string => JSON.stringify([docs, options()]);
  const current = (): boolean => preview !== undefined && checkedKey === requestKey(edited());
  /** Scheduled revisions still to come after the draft's instant: only then is there a choice to make. */
  const scheduledAhead = (): RevisionSummary[] => {
    const at = Date.parse(isoFromLocal(effective.value) ?? new Date().toISOString());
    return revisions.filter((r) => r.status === 'scheduled' && Date.parse(r.effectiveFrom) > at);
  };

  function showTabs(): void {
    const changedKinds = new Set(Object.keys(edited()));
    replace(tabs, kinds.map((k) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(k === kind), 'data-kind': k, class: changedKinds.has(k) ? 'changed' : '',
      onclick: () => { kind = k; editor.setModel(modelOf(k)); showTabs(); showProblems(); },
    }, app.kindTitle(k, baseParsed), changedKinds.has(k) ? h('span', { class: 'dot' }, '●') : null, (serverMarkers.get(k)?.length ?? 0) > 0 ? h('span', { class: 'count' }, String(serverMarkers.get(k)!.length)) : null)));
  }

  function showProblems(): void {
    renderProblems(app, problemsHost, editor, serverMarkers.get(kind) ?? [], [], schemaOf(kind), baseParsed);
  }

  function showStatus(): void {
    const docs = edited();
    const total = problemTotal();
    scheduledChoice.hidden = scheduledAhead().length === 0;
    if (Object.keys(docs).length === 0) replace(status, notice('info', t('unchanged')));
    else if (checkedKey !== requestKey(docs)) replace(status, progress(t('checking')));
    else if (total === 0 && !serverValid) replace(status, notice('warn', t('checkFailed')));
    else if (total > 0 || !serverValid) replace(status, notice('warn', t('problemsFound', { n: total })));
    else if (preview?.unchanged) replace(status, notice('ok', t('checkedUnchanged', { id: preview.revision ?? policy.revision.id })));
    else if ((preview?.effects?.length ?? 0) > 0) replace(status, notice('warn', t('checkedWithEffects', { n: preview!.effects!.length })));
    else replace(status, notice('ok', t('allValid')));
  }

  /** The effects panel and the timeline, for the preview when it is current, else for what is published. */
  function showEffects(): void {
    const docs = edited();
    const effects: PublishEffect[] = current() ? preview?.effects ?? [] : [];
    if (Object.keys(docs).length === 0) replace(effectsHost);
    else if (checkedKey !== requestKey(docs)) replace(effectsHost, h('h2', {}, t('effects.title')), progress(t('checking')));
    else if (!preview) replace(effectsHost, h('h2', {}, t('effects.title')), notice('info', t('effects.unknown')));
    else if (effects.length === 0) replace(effectsHost, h('h2', {}, t('effects.title')), notice('ok', t('effects.none')));
    else replace(effectsHost, h('h2', {}, t('effects.title')), effectsTable(app, effects, 'publish-effects'));
    // An immediate publish lands at the instant the server planned it: the picture's now.
    const explicit = isoFromLocal(effective.value);
    const now = !explicit && current() && preview?.effectiveFrom ? Date.parse(preview.effectiveFrom) : Date.now();
    replace(timelineHost, timelinePanel(app, 'publish-timeline', {
      now, revisions, overrides,
      ...(Object.keys(docs).length > 0 ? { draft: { at: explicit ? Date.parse(explicit) : now, effects } } : {}),
    }));
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
    const key = requestKey(docs);
    if (Object.keys(docs).length === 0) { applyProblems([], docs); checkedKey = key; preview = undefined; serverValid = true; showStatus(); showEffects(); return; }
    const mine = (controller = new AbortController());
    showEffects();
    try {
      const previewed = app.api.validateDocuments(docs, mine.signal, options());
      const { valid, problems } = await validationOutcome(previewed);
      if (mine.signal.aborted) return;
      serverValid = valid;
      preview = valid ? await previewed : undefined;
      applyProblems(problems, docs);
      checkedKey = key;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      replace(problemsHost, app.error(err));
      serverValid = false;
      preview = undefined;
      checkedKey = key;
    }
    showStatus();
    showEffects();
  }

  const revalidate = debounce(() => void validate(), 400);
  function changed(): void {
    sessionStorage.setItem(DRAFTS, JSON.stringify({ base: baseId, texts: edited() } satisfies Drafts));
    showTabs();
    showStatus();
    revalidate();
  }
  effective.addEventListener('change', () => { showStatus(); void validate(); });
  keep.addEventListener('change', () => void validate());
  supersede.addEventListener('change', () => void validate());

  function discardDrafts(): void {
    sessionStorage.removeItem(DRAFTS);
    app.reload(notice('info', t('draftsDiscarded')));
  }

  /** What the confirmation says: the kinds, when, on which base, the note, and every effect. */
  function confirmBody(docs: Record<string, string>, force: boolean): HTMLElement[] {
    const effects = preview?.effects ?? [];
    const at = isoFromLocal(effective.value);
    return [
      h('dl', { class: 'facts' },
        h('dt', {}, t('publishKinds')), h('dd', {}, Object.keys(docs).map((k) => app.kindTitle(k, baseParsed)).join(app.lang === 'zh' ? '、' : ', ')),
        h('dt', {}, t('effectiveFrom')), h('dd', {}, at ? formatTime(at, app.lang) : t('effectiveNowShort')),
        h('dt', {}, t('baseRevision')), h('dd', {}, `#${baseId}`),
        h('dt', {}, t('note')), h('dd', {}, note.value.trim())),
      force ? notice('info', t('publishUnchanged', { id: preview?.revision ?? policy.revision.id })) : h('span'),
      effects.length > 0 ? effectsTable(app, effects, 'confirm-effects') : notice('ok', t('effects.none')),
    ];
  }

  async function send(docs: Record<string, string>, force: boolean): Promise<void> {
    const effects = preview?.effects ?? [];
    const acknowledge = effects.length > 0 ? preview?.effectsId : undefined;
    try {
      const published = await confirmThen({
        id: 'publish-confirm', title: t('publishConfirmTitle'), body: confirmBody(docs, force),
        confirm: effects.length > 0 ? t('publishConfirm') : force ? t('publishForce') : t('publish'), cancel: t('cancel'),
      }, async () => {
        const body = { documents: docs, note: note.value.trim(), ...options(), ...(force ? { force: true } : {}) };
        return app.api.publish({ ...body, ...(acknowledge ? { acknowledge } : {}) });
      });
      if (!published) return;
      sessionStorage.removeItem(DRAFTS);
      const again = published.rescheduled.map((r) => t('republished', { replaces: r.replaces, id: r.id })).join(' ');
      app.reload(notice('ok', `${t('published', { id: published.id })}${again ? ` ${again}` : ''}`));
    } catch (err) {
      const changedEffects = refusedEffects(err);
      if (changedEffects) {
        // The store moved between the preview and the publish: show what it would do now.
        preview = { ...(preview ?? { valid: true, problems: [] }), effects: changedEffects.effects, effectsId: changedEffects.effectsId };
        showStatus();
        showEffects();
        replace(result, notice('warn', t('effectsChanged')));
        return;
      }
      if (err instanceof ApiError && err.code === 'REVISION_UNCHANGED') {
        replace(result, notice('info', t('publishUnchanged', { id: policy.revision.id })),
          h('div', { class: 'actions' }, h('button', { type: 'button', id: 'publish-force', onclick: () => void start(true) }, t('publishForce'))));
        return;
      }
      if (err instanceof ApiError && err.code === 'REVISION_CONFLICT') {
        replace(result, app.error(err), h('div', { class: 'actions' },
          h('a', { class: 'button', href: `#/browser/${policy.revision.id}` }, t('openRevision', { id: policy.revision.id })),
          h('button', { type: 'button', id: 'publish-discard', onclick: discardDrafts }, t('discardDrafts'))));
        return;
      }
      if (err instanceof ApiError) applyProblems(problemsFrom(err.details), docs);
      replace(result, app.error(err));
    }
  }

  /** One publish at a time: a second click while the first is asked or sent does nothing. */
  async function start(force: boolean): Promise<void> {
    if (publishing) return;
    replace(result);
    const docs = edited();
    if (Object.keys(docs).length === 0) { replace(result, notice('warn', t('unchanged'))); return; }
    const total = problemTotal();
    if (checkedKey !== requestKey(docs)) { replace(result, notice('warn', t('stillChecking'))); void validate(); return; }
    if (total > 0 || !serverValid) { replace(result, notice('warn', t('cannotPublish', { n: Math.max(total, 1) }))); return; }
    if (note.value.trim() === '') { replace(result, notice('warn', t('noteRequired'))); note.focus(); return; }
    if (preview?.unchanged && !force) {
      replace(result, notice('info', t('publishUnchanged', { id: preview.revision ?? policy.revision.id })),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'publish-force', onclick: () => void start(true) }, t('publishForce'))));
      return;
    }
    publishing = true;
    publish.disabled = true;
    try { await send(docs, force); } finally { publishing = false; publish.disabled = false; }
  }
  publish.addEventListener('click', () => void start(false));

  const flash = app.takeFlash();
  if (flash) replace(result, flash);
  const staleBase = baseId !== policy.revision.id
    ? h('div', { class: 'notice warn', id: 'publish-base-note' }, t('draftsOnOlderBase', { base: baseId, current: policy.revision.id }), ' ',
      h('button', { type: 'button', class: 'link', id: 'publish-discard-old', onclick: discardDrafts }, t('discardDrafts')))
    : null;
  replace(root, h('section', { class: 'publish' },
    h('div', { class: 'page-head' }, h('h1', {}, t('publishTitle')), h('span', { class: 'muted', id: 'publish-base' }, t('baseRevisionIs', { id: baseId }), ` · ${t('baseEffective', { from: app.effective(base.effectiveFrom) })}`,
      baseId !== policy.revision.id ? ` · ${t('inForceIs', { id: policy.revision.id })}` : '')),
    h('p', { class: 'help' }, t('publishHelp')),
    staleBase,
    tabs,
    h('div', { class: 'layout-2 wide-left' },
      h('div', { class: 'panel' }, editorHost),
      h('div', { class: 'panel' }, status, problemsHost,
        h('h2', {}, t('publish')),
        field(t('effectiveFrom'), effective, t('effectiveNow')),
        scheduledChoice,
        field(t('note'), note),
        h('div', { class: 'actions' }, publish), result)),
    h('section', { class: 'panel', id: 'publish-effects-section' }, effectsHost, h('h2', {}, t('timeline.title')), timelineHost)));
  showTabs();
  showStatus();
  showEffects();
  if (Object.keys(drafts).length > 0) { for (const k of Object.keys(drafts)) modelOf(k); void validate(); }
  return () => { controller?.abort(); editor.dispose(); models.forEach((m) => m.dispose()); };
}
