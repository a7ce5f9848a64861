// Reads batch inputs as a stream of items: NDJSON (one input object a line) or CSV (a header
// row; `a.b` columns build nested objects; cells typed by the decision's input schema).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { BatchItem } from '../engine/batch.ts';
import { ZhiduError } from '../errors.ts';
import { schemaRegistry } from '../policy/schema.ts';

export type SchemaNode = { $id?: string; $ref?: string; type?: string | string[]; properties?: Record<string, SchemaNode>; additionalProperties?: SchemaNode | boolean; items?: SchemaNode };

/** Follow a `$ref` (relative to the schema it stands in) through the shared registry. */
function deref(node: SchemaNode | undefined, baseId: string): SchemaNode | undefined {
  if (!node?.$ref) return node;
  const target = new URL(node.$ref, `zhidu:/${baseId}`).href.replace(/^zhidu:\/?/, '');
  return schemaRegistry().getSchema(target)?.schema as SchemaNode | undefined;
}

function schemaAt(schema: SchemaNode | undefined, segments: string[]): SchemaNode | undefined {
  const baseId = schema?.$id ?? '';
  let node = schema;
  for (const seg of segments) {
    node = deref(node, baseId);
    if (!node) return undefined;
    node = node.properties?.[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return deref(node, baseId);
}

function typesOf(node: SchemaNode | undefined): string[] {
  if (!node?.type) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}

const TRUE = /^(true|1|yes|是)$/i;
const FALSE = /^(false|0|no|否)$/i;
const LIST_SEPARATOR = /[;|]/;

/**
 * How to read a cell under this schema node, worked out once (a batch reads millions of cells of
 * a few columns): a number when the schema allows one and the text is one, then a boolean, then a
 * list split on `;` or `|` (or written as JSON), else the text itself.
 */
export function cellReader(node: SchemaNode | undefined): (raw: string) => unknown {
  const types = typesOf(node);
  const number = types.includes('number') || types.includes('integer');
  const boolean = types.includes('boolean');
  const list = types.includes('array');
  const item = list ? cellReader(node?.items) : undefined;
  if (!number && !boolean && !list) return (raw) => raw;
  return (raw) => {
    if (number) {
      // Number() skips the very whitespace trim() removes, but reads blank text as 0.
      const n = Number(raw);
      if (Number.isFinite(n) && (n !== 0 || raw.trim() !== '')) return n;
    }
    const text = raw.trim();
    if (boolean) {
      if (TRUE.test(text)) return true;
      if (FALSE.test(text)) return false;
    }
    if (item) {
      if (text.startsWith('[')) { try { return JSON.parse(text); } catch { return text; } }
      // One item (a single-choice answer, say) without splitting on a pattern.
      if (!text.includes(';') && !text.includes('|')) return text === '' ? [] : [item(text)];
      const out: unknown[] = [];
      for (const part of text.split(LIST_SEPARATOR)) {
        const s = part.trim();
        if (s !== '') out.push(item(s));
      }
      return out;
    }
    return raw;
  };
}

const readers = new WeakMap<SchemaNode, (raw: string) => unknown>();
const untyped = cellReader(undefined);

/** A CSV cell as the schema wants it; a cell that does not convert stays a string so validation names it. */
export function typedCell(raw: string, node: SchemaNode | undefined): unknown {
  if (!node) return untyped(raw);
  let read = readers.get(node);
  if (!read) readers.set(node, (read = cellReader(node)));
  return read(raw);
}

/** Each column's schema node, looked up once per schema (a batch has millions of rows, few columns). */
const columnNodes = new WeakMap<SchemaNode, Map<string, SchemaNode | undefined>>();

export function columnNode(schema: SchemaNode | undefined, column: string, segments: string[]): SchemaNode | undefined {
  if (!schema) return schemaAt(schema, segments);
  let nodes = columnNodes.get(schema);
  if (!nodes) columnNodes.set(schema, (nodes = new Map()));
  if (!nodes.has(column)) nodes.set(column, schemaAt(schema, segments));
  return nodes.get(column);
}

/** Empty, or whitespace only (which starts with a space, a control or a non-ASCII character): most cells are neither, and say so by their first character. */
export function blankCell(raw: string): boolean {
  if (raw.length === 0) return true;
  const c = raw.charCodeAt(0);
  return (c <= 0x20 || c >= 0x7f) && raw.trim() === '';
}

export function rowToInput(row: Record<string, string>, schema: SchemaNode | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(row)) {
    if (raw === undefined || blankCell(raw)) continue;
    const segments = column.split('.');
    let target = input;
    for (const seg of segments.slice(0, -1)) {
      if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') break;
      target = (target[seg] ??= {}) as Record<string, unknown>;
    }
    const last = segments[segments.length - 1]!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') continue;
    target[last] = typedCell(raw, columnNode(schema, column, segments));
  }
  return input;
}

export function formatOf(path: string, explicit?: string): 'csv' | 'ndjson' {
  if (explicit === 'csv' || explicit === 'ndjson') return explicit;
  return /\.csv$/i.test(path) ? 'csv' : 'ndjson';
}

export interface RowSource {
  items: AsyncIterable<BatchItem>;
  /** Bytes read so far, for progress. */
  bytesRead(): number;
}

export function readRows(path: string, format: 'csv' | 'ndjson', schema: SchemaNode | undefined): RowSource {
  const stream = createReadStream(path);
  let bytes = 0;
  stream.on('data', (chunk) => { bytes += chunk.length; });
  const items = format === 'ndjson' ? ndjsonItems(stream) : csvItems(stream, schema);
  return { items, bytesRead: () => bytes };
}

async function* ndjsonItems(stream: NodeJS.ReadableStream): AsyncGenerator<BatchItem> {
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, input: JSON.parse(text) as unknown };
    } catch (err) {
      yield { line, error: new ZhiduError('BAD_INPUT', `line ${line}: not JSON (${(err as Error).message})`, [{ field: '', message: 'malformed JSON' }]) };
    }
  }
}

async function* csvItems(stream: NodeJS.ReadableStream, schema: SchemaNode | undefined): AsyncGenerator<BatchItem> {
  const parser = stream.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: record.info.lines, input: rowToInput(record.record, schema) };
  }
}
