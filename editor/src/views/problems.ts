// The problem list beside an editor: every problem with its position, a click or Enter jumps to
// it. Shared by the override editor and the publish screen. Every detail is in the reader's
// language: the server's problems said from their code and params, monaco-yaml's from the table
// of its message templates; the server's English stays in the item's title for reference.
import type { App } from '../app.ts';
import { h, replace } from '../dom.ts';
import { problemDetail, translatedDetail } from '../lib/detail-messages.ts';
import { explainProblem } from '../lib/explain.ts';
import { mergeMarkers, type Describe, type MarkerData, type PolicyProblem } from '../lib/markers.ts';
import { yamlMarkerText } from '../lib/yaml-messages.ts';
import type { monaco } from '../monaco/setup.ts';
import { revealAt } from '../monaco/editors.ts';

/** monaco-yaml's own schema problems, in the same shape as the server's. */
export function fromSchemaMarkers(markers: readonly monaco.editor.IMarker[]): MarkerData[] {
  return markers.map((m) => ({
    severity: 'warning', startLineNumber: m.startLineNumber, startColumn: m.startColumn, endLineNumber: m.endLineNumber, endColumn: m.endColumn,
    message: m.message, code: 'SCHEMA', path: '',
  }));
}

/** How many problems the list shows (the status line counts the same). */
export function problemCount(server: readonly MarkerData[], schema: readonly MarkerData[]): number {
  return mergeMarkers(server, schema).length;
}

/** The server's problems as the reader reads them (for placeProblems: the text under a squiggle). */
export function describeIn(app: App, docs: Readonly<Record<string, unknown>> = {}): Describe {
  return (p) => problemDetail(app.lang, p, docs);
}

/** A marker's detail for the list: the server's problem said from its params, or monaco-yaml's message from its template. */
function detailOf(app: App, m: MarkerData, docs: Readonly<Record<string, unknown>>): string {
  if (m.problem) return problemDetail(app.lang, m.problem, docs);
  if (m.code === 'SCHEMA') return yamlMarkerText(app.lang, m.message);
  return m.message.replace(/ \([A-Z_]+\)$/, '');
}

export function renderProblems(app: App, host: HTMLElement, editor: monaco.editor.IStandaloneCodeEditor, server: readonly MarkerData[], elsewhere: readonly PolicyProblem[] = [], schema: readonly MarkerData[] = [], docs: Readonly<Record<string, unknown>> = {}): void {
  const t = app.t;
  const markers = mergeMarkers(server, schema);
  // Where the detail names the bound itself, the advice need not say it again.
  const explain = (m: MarkerData): string | undefined => explainProblem(app.lang, m.code, m.path, docs, m.problem !== undefined && translatedDetail(app.lang, m.problem, docs) !== undefined);
  replace(host,
    markers.length > 0 ? h('ul', { class: 'problems' }, markers.map((m) => h('li', {},
      h('button', {
        type: 'button', class: `problem ${m.severity}`, 'data-line': m.startLineNumber, 'data-code': m.code,
        title: m.problem?.message ?? m.message,
        onclick: () => { revealAt(editor, m.startLineNumber, m.startColumn); editor.focus(); },
      }, h('span', { class: 'pos' }, t('problemAt', { line: m.startLineNumber, column: m.startColumn })), ' ', h('code', {}, m.code),
        explain(m) ? h('span', { class: 'explain' }, explain(m)) : null,
        h('span', { class: 'detail' }, detailOf(app, m, docs)))))) : null,
    elsewhere.length > 0 ? h('div', {}, h('p', { class: 'muted' }, t('problemsElsewhere')),
      h('ul', { class: 'problems' }, elsewhere.map((p) => h('li', { title: p.message }, `${p.file ?? p.kind ?? ''} ${t('problemAt', { line: p.line, column: p.column })} `, h('code', {}, p.code), ' ',
        h('span', { class: 'detail' }, problemDetail(app.lang, p, docs)))))) : null);
}
