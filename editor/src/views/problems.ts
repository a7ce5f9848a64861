// The problem list beside an editor: every problem with its position, a click or Enter jumps to
// it. Shared by the override editor and the publish screen.
import type { App } from '../app.ts';
import { h, replace } from '../dom.ts';
import { mergeMarkers, type MarkerData, type PolicyProblem } from '../lib/markers.ts';
import { explainProblem } from '../lib/explain.ts';
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

export function renderProblems(app: App, host: HTMLElement, editor: monaco.editor.IStandaloneCodeEditor, server: readonly MarkerData[], elsewhere: readonly PolicyProblem[] = [], schema: readonly MarkerData[] = [], docs: Readonly<Record<string, unknown>> = {}): void {
  const t = app.t;
  const markers = mergeMarkers(server, schema);
  const explain = (m: MarkerData): string | undefined => explainProblem(app.lang, m.code, m.path, docs);
  replace(host,
    markers.length > 0 ? h('ul', { class: 'problems' }, markers.map((m) => h('li', {},
      h('button', {
        type: 'button', class: `problem ${m.severity}`, 'data-line': m.startLineNumber, 'data-code': m.code,
        onclick: () => { revealAt(editor, m.startLineNumber, m.startColumn); editor.focus(); },
      }, h('span', { class: 'pos' }, t('problemAt', { line: m.startLineNumber, column: m.startColumn })), ' ', h('code', {}, m.code),
        explain(m) ? h('span', { class: 'explain' }, explain(m)) : null,
        h('span', { class: 'muted' }, m.message.replace(/ \([A-Z_]+\)$/, '')))))) : null,
    elsewhere.length > 0 ? h('div', {}, h('p', { class: 'muted' }, t('problemsElsewhere')),
      h('ul', { class: 'problems' }, elsewhere.map((p) => h('li', {}, `${p.file ?? p.kind ?? ''} ${t('problemAt', { line: p.line, column: p.column })} `, h('code', {}, p.code), ' ', p.message)))) : null);
}
