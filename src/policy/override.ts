// A branch's override: YAML holding, per kind, a partial document applied to head office's as
// a JSON Merge Patch (RFC 7396). It is accepted only if every change lies within head office's
// bounds and the effective documents still pass every schema and semantic check. Problems point
// into the override's own text where the branch wrote the value, else into head office's.
import { byPosition, type Diagnostic } from './diagnostics.ts';
import { checkOverrideBounds } from './bounds.ts';
import { diffDocuments, mergePatch, type Change } from './diff.ts';
import { isPolicyKind, type PolicyKind } from './kinds.ts';
import { getAt, splitPointer } from './pointer.ts';
import { checkPolicyDocuments, positioned, type PolicyDocument, type PolicySet } from './policy-set.ts';
import { validateAgainst } from './schema.ts';
import { decodePolicyBytes, parsePolicyYaml, type Position, type SourceMap } from './yaml.ts';

export interface OverrideResult {
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Head office's documents with the override applied (kinds it does not touch are shared). */
  readonly effective: PolicySet;
  /** Path-by-path changes, per kind, from head office's document to the effective one. */
  readonly changes: ReadonlyMap<PolicyKind, readonly Change[]>;
  /** The parsed override ({kind: partial document}), when it parsed. */
  readonly patch?: Readonly<Record<string, unknown>>;
}

/** Locates a pointer in the override when the branch wrote that node, else in head office's text. */
class EffectiveSourceMap implements SourceMap {
  constructor(
    private readonly kind: PolicyKind,
    private readonly base: SourceMap,
    private readonly override: SourceMap,
    private readonly patch: unknown,
    private readonly overrideFile: string,
  ) {}

  locate(pointer: string, atKey?: boolean): Position {
    let written: unknown;
    try { written = getAt(this.patch, `/${this.kind}${pointer}`); } catch { written = undefined; }
    if (written !== undefined && pointer !== '') {
      return { ...this.override.locate(`/${this.kind}${pointer}`, atKey), file: this.overrideFile };
    }
    return this.base.locate(pointer, atKey);
  }
}

function failed(base: PolicySet, diagnostics: Diagnostic[]): OverrideResult {
  return { valid: false, diagnostics, effective: base, changes: new Map() };
}

export function applyOverride(base: PolicySet, overrideText: string | Uint8Array, file = 'override.yaml'): OverrideResult {
  let text: string;
  if (typeof overrideText === 'string') text = overrideText;
  else {
    const decoded = decodePolicyBytes(overrideText);
    if (decoded.text === undefined) return failed(base, decoded.problems.map((p) => ({ file, path: '', line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error', ...(p.params ? { params: p.params } : {}) })));
    text = decoded.text;
  }
  const parsed = parsePolicyYaml(text);
  if (parsed.problems.length > 0 || parsed.value === undefined) {
    return failed(base, parsed.problems.map((p) => ({ file, path: p.path, line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error', ...(p.params ? { params: p.params } : {}) })));
  }
  const schemaProblems = validateAgainst('override.schema.json', parsed.value);
  const known = [...base.documents.keys()];
  if (schemaProblems.length > 0) {
    const diagnostics = positioned(file, undefined, parsed.source, schemaProblems.map((p) => {
      const unknownKind = p.atKey === true && p.path.split('/').length === 2;
      return unknownKind
        ? { ...p, code: 'OVERRIDE_KIND_UNKNOWN' as const, message: `"${p.path.slice(1)}" is not a policy kind; ${p.message}.`, params: { value: splitPointer(p.path)[0]!, known } }
        : p;
    }));
    return failed(base, diagnostics);
  }

  const patch = parsed.value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];
  const changes = new Map<PolicyKind, Change[]>();
  const documents = new Map(base.documents);
  for (const [kind, partial] of Object.entries(patch)) {
    const baseDoc = isPolicyKind(kind) ? base.documents.get(kind) : undefined;
    if (!isPolicyKind(kind) || !baseDoc) {
      diagnostics.push(...positioned(file, undefined, parsed.source, [{ path: `/${kind}`, code: 'OVERRIDE_KIND_UNKNOWN', message: `The policy set has no "${kind}" document to adjust.`, atKey: true, params: { value: kind, known } }]));
      continue;
    }
    const merged = mergePatch(baseDoc.value, partial) as Record<string, unknown>;
    const kindChanges = diffDocuments(baseDoc.value, merged);
    changes.set(kind, kindChanges);
    diagnostics.push(...positioned(file, kind, parsed.source, checkOverrideBounds(kind, baseDoc.value, kindChanges)));
    const effective: PolicyDocument = {
      kind,
      file: baseDoc.file,
      text: baseDoc.text,
      value: Object.freeze(merged),
      source: new EffectiveSourceMap(kind, baseDoc.source, parsed.source, patch, file),
    };
    documents.set(kind, effective);
  }
  // Bounds keep a branch inside head office's limits; the full checks keep the result coherent
  // (a moved tier boundary must still leave no gap).
  diagnostics.push(...checkPolicyDocuments([...documents.values()]));
  diagnostics.sort(byPosition);
  return {
    valid: diagnostics.length === 0,
    diagnostics,
    effective: Object.freeze({ documents }),
    changes,
    patch,
  };
}
