// Thin glue between views and monaco: YAML editors and viewers, the diff editor, markers from
// the pure marker mapping, and revealing a rule's line. Every editor is disposed with its view.
import { monaco, modelUri } from './setup.ts';
import type { MarkerData } from '../lib/markers.ts';

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fontSize: 13,
  tabSize: 2,
  insertSpaces: true,
  wordWrap: 'on',
  renderWhitespace: 'selection',
  quickSuggestions: { other: true, comments: false, strings: true },
  fixedOverflowWidgets: true,
};

let serial = 0;

export type Disposer = () => void;

/** A YAML editor on a fresh model named `name` (its file name picks the schema). */
export function yamlEditor(container: HTMLElement, name: string, value: string, options: { readOnly?: boolean; ariaLabel?: string } = {}): { editor: monaco.editor.IStandaloneCodeEditor; dispose: Disposer } {
  const uri = modelUri(`m${++serial}/${name}`);
  const model = monaco.editor.createModel(value, 'yaml', uri);
  const editor = monaco.editor.create(container, { ...OPTIONS, model, readOnly: options.readOnly ?? false, ariaLabel: options.ariaLabel ?? name });
  return { editor, dispose: () => { editor.dispose(); model.dispose(); } };
}

/** A YAML model of its own, for screens that switch one editor between several documents. */
export function yamlModel(name: string, value: string): monaco.editor.ITextModel {
  return monaco.editor.createModel(value, 'yaml', modelUri(`m${++serial}/${name}`));
}

export function editorOn(container: HTMLElement, model: monaco.editor.ITextModel, ariaLabel: string): monaco.editor.IStandaloneCodeEditor {
  return monaco.editor.create(container, { ...OPTIONS, model, ariaLabel });
}

export function diffEditor(container: HTMLElement, name: string, left: string, right: string, ariaLabel?: string): { editor: monaco.editor.IStandaloneDiffEditor; setTexts: (l: string, r: string) => void; dispose: Disposer } {
  const editor = monaco.editor.createDiffEditor(container, {
    ...OPTIONS, readOnly: true, originalEditable: false, renderSideBySide: true, useInlineViewWhenSpaceIsLimited: false, ignoreTrimWhitespace: false, renderOverviewRuler: false,
    ...(ariaLabel ? { ariaLabel } : {}),
  });
  let models: monaco.editor.ITextModel[] = [];
  // Show the first change rather than the top of a long document.
  let reveal = true;
  editor.onDidUpdateDiff(() => {
    if (!reveal) return;
    reveal = false;
    editor.revealFirstDiff();
  });
  const setTexts = (l: string, r: string): void => {
    const n = ++serial;
    const next = [monaco.editor.createModel(l, 'yaml', modelUri(`m${n}a/${name}`)), monaco.editor.createModel(r, 'yaml', modelUri(`m${n}b/${name}`))];
    reveal = true;
    editor.setModel({ original: next[0]!, modified: next[1]! });
    models.forEach((m) => m.dispose());
    models = next;
  };
  setTexts(left, right);
  return { editor, setTexts, dispose: () => { editor.dispose(); models.forEach((m) => m.dispose()); } };
}

/** The server's problems on a model, under their own owner so monaco-yaml's stay beside them. */
export function setServerMarkers(model: monaco.editor.ITextModel, markers: readonly MarkerData[]): void {
  monaco.editor.setModelMarkers(model, 'zhidu', markers.map((m) => ({
    severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    startLineNumber: m.startLineNumber,
    startColumn: m.startColumn,
    endLineNumber: m.endLineNumber,
    endColumn: m.endColumn,
    message: m.message,
    code: m.code,
    source: 'zhidu',
  })));
}

/** monaco-yaml's own schema problems on a model (owner "yaml"), as they stand now. */
export function schemaMarkers(model: monaco.editor.ITextModel): monaco.editor.IMarker[] {
  return monaco.editor.getModelMarkers({ resource: model.uri }).filter((m) => m.owner !== 'zhidu' && m.severity >= monaco.MarkerSeverity.Warning);
}

export function onMarkersChanged(model: monaco.editor.ITextModel, listener: () => void): monaco.IDisposable {
  return monaco.editor.onDidChangeMarkers((uris) => {
    if (uris.some((u) => u.toString() === model.uri.toString())) listener();
  });
}

/** Scrolls to a line and highlights it, as when a trace step or a problem is chosen. */
export function revealAt(editor: monaco.editor.IStandaloneCodeEditor, line: number, column = 1): void {
  editor.revealLineInCenter(line);
  editor.setPosition({ lineNumber: line, column });
  const decorations = editor.createDecorationsCollection([{
    range: new monaco.Range(line, 1, line, 1),
    options: { isWholeLine: true, className: 'line-highlight', linesDecorationsClassName: 'line-highlight-gutter' },
  }]);
  setTimeout(() => decorations.clear(), 4000);
}
