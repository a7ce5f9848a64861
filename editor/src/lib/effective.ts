// Head office's document with a branch's override applied (JSON Merge Patch, RFC 7396), as
// YAML text for the side-by-side view. Where the override only replaces existing scalars the
// values are swapped in place, so comments and layout stay and the diff shows just the change;
// otherwise both sides are printed the same way so the diff still shows only what moved.
import { isMap, isScalar, parse, parseDocument, type Document } from 'yaml';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface Edit { start: number; end: number; text: string }

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return undefined;
}

/** In-place edits for a patch made only of scalar replacements of existing scalars, else undefined. */
function scalarEdits(doc: Document, patch: Record<string, unknown>, path: string[] = []): Edit[] | undefined {
  const edits: Edit[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    const node = doc.getIn(at, true);
    if (isRecord(value)) {
      if (!isMap(node)) return undefined;
      const inner = scalarEdits(doc, value, at);
      if (!inner) return undefined;
      edits.push(...inner);
      continue;
    }
    const text = scalarText(value);
    if (text === undefined || !isScalar(node) || !node.range) return undefined;
    edits.push({ start: node.range[0], end: node.range[1], text });
  }
  return edits;
}

function setPatch(doc: Document, patch: Record<string, unknown>, path: string[] = []): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) doc.deleteIn(at);
    else if (isRecord(value) && isMap(doc.getIn(at, true))) setPatch(doc, value, at);
    else doc.setIn(at, value);
  }
}

const PRINT = { lineWidth: 0 } as const;

export interface SideBySide {
  base: string;
  effective: string;
  /** True when the texts were reprinted rather than edited in place. */
  reprinted: boolean;
}

/** `patch` is the override's part for this kind (a partial document). */
export function applyPatchToYaml(baseText: string, patch: unknown): SideBySide {
  if (!isRecord(patch)) return { base: baseText, effective: baseText, reprinted: false };
  const doc = parseDocument(baseText);
  const edits = scalarEdits(doc, patch);
  if (edits) {
    let text = baseText;
    for (const e of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    return { base: baseText, effective: text, reprinted: false };
  }
  const base = parseDocument(baseText).toString(PRINT);
  setPatch(doc, patch);
  return { base, effective: doc.toString(PRINT), reprinted: true };
}

/** The override's parsed patch, per kind, or undefined while the text does not parse. */
export function parseOverride(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
