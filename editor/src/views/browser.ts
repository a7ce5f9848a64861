// Policy browser: the revisions with status, effective date (revision 1: since the beginning) and
// publisher by name; each kind's YAML read-only; any two revisions side by side in monaco's diff
// editor; the revision shown downloaded as one YAML bundle.
import type { Revision, RevisionSummary } from '../api.ts';
import { KINDS, parseDocuments, type App } from '../app.ts';
import { busy, formatTime, h, progress, replace, saveBlob } from '../dom.ts';
import { changedKinds } from '../lib/diff.ts';
import { diffEditor, revealAt, yamlEditor, type Disposer } from '../monaco/editors.ts';

export async function render(app: App, root: HTMLElement, params: string[]): Promise<Disposer> {
  const t = app.t;
  const list = await app.api.revisions();
  const cache = new Map<number, Promise<Revision>>();
  const load = (id: number): Promise<Revision> => {
    let p = cache.get(id);
    if (!p) { p = app.api.revision(id); cache.set(id, p); p.catch(() => cache.delete(id)); }
    return p;
  };
  const active = list.find((r) => r.status === 'active') ?? list[list.length - 1];
  let selected = list.find((r) => String(r.id) === params[0])?.id ?? active?.id ?? 0;
  let kind = params[1] && KINDS.includes(params[1]) ? params[1] : KINDS[0]!;
  const line = Number(params[2]) || undefined;
  let compareTo: number | undefined;
  let disposeEditor: Disposer | undefined;

  const table = h('table', { class: 'grid revisions', 'aria-label': t('revisions') });
  const pickA = h('select', { id: 'rev-a', 'aria-label': t('revision') });
  const pickB = h('select', { id: 'rev-b', 'aria-label': t('compareWith') });
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('kind') });
  const title = h('div', { class: 'doc-title' });
  const host = h('div', { class: 'monaco-host tall', id: 'browser-editor' });
  const download = h('button', { type: 'button', id: 'download-bundle' }, t('downloadBundle'));
  const downloadStatus = h('span', { id: 'download-status', 'aria-live': 'polite' });
  download.addEventListener('click', () => {
    const id = selected;
    replace(downloadStatus);
    void busy(download, async () => {
      try {
        const file = await app.api.revisionBundle(id);
        saveBlob(file.blob, file.filename);
        replace(downloadStatus, h('span', { class: 'muted' }, t('downloaded', { file: file.filename })));
      } catch (err) { replace(downloadStatus, app.error(err)); }
    });
  });

  const statusBadge = (r: RevisionSummary): HTMLElement => h('span', { class: `badge ${r.status}` }, t(`status.${r.status}` as never));
  const option = (r: RevisionSummary): HTMLOptionElement => h('option', { value: String(r.id) }, `${t('revision')} ${r.id} · ${t(`status.${r.status}` as never)}`);

  function renderTable(): void {
    replace(table,
      h('thead', {}, h('tr', {}, [t('revision'), t('status'), t('effectiveFrom'), t('publishedAt'), t('publishedBy'), t('note')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, [...list].reverse().map((r) => {
        const row = h('tr', { class: r.id === selected ? 'selected' : '', 'data-revision': r.id },
          h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => { selected = r.id; void show(); } }, `#${r.id}`)),
          h('td', {}, statusBadge(r)),
          h('td', { class: 'effective' }, app.effective(r.effectiveFrom)),
          h('td', {}, formatTime(r.publishedAt, app.lang)),
          h('td', {}, app.person(r.publishedBy)),
          h('td', { class: 'note' }, r.note));
        return row;
      })));
  }

  async function show(): Promise<void> {
    renderTable();
    pickA.value = String(selected);
    download.title = t('downloadBundleTitle', { id: selected });
    download.setAttribute('data-revision', String(selected));
    pickB.value = compareTo === undefined ? '' : String(compareTo);
    disposeEditor?.();
    disposeEditor = undefined;
    replace(host, progress(t('loading')));
    try {
      // Older on the left, newer on the right, whichever was picked first.
      const [first, second] = compareTo === undefined || compareTo > selected ? [selected, compareTo] : [compareTo, selected];
      const a = await load(first!);
      const b = second === undefined ? undefined : await load(second);
      const parsed = parseDocuments(a.documents);
      const differs = b ? new Set(changedKinds(a.documents, b.documents)) : new Set<string>();
      const kinds = KINDS.filter((k) => k in a.documents || (b && k in b.documents));
      if (!kinds.includes(kind)) kind = kinds[0] ?? kind;
      replace(tabs, kinds.map((k) => h('button', {
        type: 'button', role: 'tab', 'aria-selected': String(k === kind), 'data-kind': k,
        class: differs.has(k) ? 'changed' : '', onclick: () => { kind = k; void show(); },
      }, app.kindTitle(k, parsed), differs.has(k) ? h('span', { class: 'dot', title: t('changedKinds') }, '●') : null)));
      replace(host);
      if (b) {
        replace(title, t('diffTitle', { a: a.id, b: b.id }), ' · ', app.kindTitle(kind, parsed), differs.has(kind) ? null : h('span', { class: 'muted' }, ` — ${t('noDifference')}`));
        disposeEditor = diffEditor(host, `${kind}.view.yaml`, a.documents[kind] ?? '', b.documents[kind] ?? '', t('diffTitle', { a: a.id, b: b.id })).dispose;
      } else {
        replace(title, `${t('revision')} ${a.id} · ${app.kindTitle(kind, parsed)} `, h('span', { class: 'muted' }, `(${t('readOnly')})`));
        const view = yamlEditor(host, `${kind}.view.yaml`, a.documents[kind] ?? '', { readOnly: true, ariaLabel: app.kindTitle(kind, parsed) });
        if (line && params[1] === kind) revealAt(view.editor, line);
        disposeEditor = view.dispose;
      }
    } catch (err) {
      replace(host, app.error(err));
    }
  }

  replace(pickA, list.map(option));
  replace(pickB, h('option', { value: '' }, '—'), list.map(option));
  pickA.addEventListener('change', () => { selected = Number(pickA.value); void show(); });
  pickB.addEventListener('change', () => { compareTo = pickB.value === '' ? undefined : Number(pickB.value); void show(); });

  replace(root, h('section', { class: 'browser layout-2' },
    h('div', { class: 'panel' }, h('h2', {}, t('revisions')), h('div', { class: 'scroll' }, table)),
    h('div', { class: 'panel grow' },
      h('div', { class: 'toolbar wrap' },
        h('label', {}, t('revision'), ' ', pickA),
        h('label', {}, t('compare'), ' ', pickB),
        download, downloadStatus),
      tabs, title, host)));
  await show();
  return () => disposeEditor?.();
}
