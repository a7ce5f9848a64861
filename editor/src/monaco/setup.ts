// Monaco, slim: the editor core, YAML highlighting and monaco-yaml (completion, hover and
// schema checks in a worker). Schemas are registered by URI so that `$ref`s between the
// bundled schema files resolve; the override editor's schema is swapped in per branch.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import { configureMonacoYaml, type MonacoYaml, type SchemasSettings } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import YamlWorker from './yaml.worker.ts?worker';
import type { JsonSchema } from '../lib/schema-ref.ts';

export { monaco };

self.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string): Worker {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

// Disposing an editor cancels its pending work (word highlights, hovers, diffs): a promise that
// rejects with monaco's CancellationError which nobody awaits any more. Screens dispose their
// editors whenever they are drawn again after an action, so this is expected, not a failure;
// anything else still surfaces.
window.addEventListener('unhandledrejection', (event) => {
  const reason: unknown = event.reason;
  if (reason instanceof Error && reason.name === 'Canceled' && reason.message === 'Canceled') event.preventDefault();
});

const ORIGIN = 'file:///';
export const SCHEMA_ORIGIN = `${ORIGIN}schemas/`;
/**
 * Model URIs sit one folder below the root, so that a policy file's own first line
 * (`# yaml-language-server: $schema=../schemas/<kind>.schema.json`, which the YAML language
 * server resolves as a file path) lands on the bundled schema registered under that very URI;
 * the globs below match models by file name too.
 */
export const modelUri = (name: string): monaco.Uri => monaco.Uri.parse(`${ORIGIN}${name}`);

const OVERRIDE_ID = 'override.schema.json';
let yaml: MonacoYaml | undefined;
let baseSchemas: SchemasSettings[] = [];
let extra: SchemasSettings[] = [];

/** Every bundled schema under its `$id`; each kind's document schema bound to `<kind>.yaml` models. */
export function registerSchemas(schemas: Readonly<Record<string, JsonSchema>>, kinds: readonly string[]): void {
  // The override schema is registered by setOverrideSchema, narrowed to head office's bounds.
  baseSchemas = Object.entries(schemas).filter(([id]) => id !== OVERRIDE_ID).map(([id, schema]) => ({
    uri: SCHEMA_ORIGIN + id,
    schema,
    fileMatch: kinds.includes(id.replace(/\.schema\.json$/, '')) ? [`**/${id.replace(/\.schema\.json$/, '')}.yaml`] : [],
  }));
  apply();
}

/** The schema of override drafts (files named `*.override.yaml`). */
export function setOverrideSchema(schema: JsonSchema): void {
  extra = [{ uri: SCHEMA_ORIGIN + OVERRIDE_ID, schema, fileMatch: ['**/*.override.yaml'] }];
  apply();
}

function apply(): void {
  const options = { enableSchemaRequest: false, hover: true, completion: true, validate: true, schemas: [...baseSchemas, ...extra] };
  if (yaml) yaml.update(options);
  else yaml = configureMonacoYaml(monaco, options);
}

let preparedFor: string | undefined;

/** Registers the bundled schemas once per language (hover shows that language's half). */
export function prepareSchemas(schemas: Readonly<Record<string, JsonSchema>>, kinds: readonly string[], lang: 'zh' | 'en', localise: <T>(s: T, lang: 'zh' | 'en') => T): void {
  if (preparedFor === lang) return;
  preparedFor = lang;
  registerSchemas(localise(schemas, lang), kinds);
}
