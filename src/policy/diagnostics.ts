// Authoring diagnostics: what is wrong with a policy document, where, under a stable code.
// These are data returned by validation (never thrown); runtime errors live in src/errors.ts.

export type Severity = 'error' | 'warning';

/** A JSON value, as a diagnostic's params carry it. */
export type ParamValue = string | number | boolean | null | readonly ParamValue[] | { readonly [name: string]: ParamValue };

/**
 * The facts a message is made of, as data, so that a reader (the editor) can say the same in
 * another language without parsing the English `message`: ajv's `keyword` and params for a
 * schema violation, a `reason` and the numbers or ids involved for the others. What each code
 * carries is listed in docs/messages.md; a code may carry none.
 */
export type DiagnosticParams = { readonly [name: string]: ParamValue };

export interface Diagnostic {
  /** File the problem is in (as given to the loader), or the document's kind when loaded from memory. */
  file: string;
  /** Policy kind of the document, when known. */
  kind?: string;
  /** JSON Pointer to the offending node ('' = whole document). */
  path: string;
  /** 1-based line and column of the offending node in the YAML text. */
  line: number;
  column: number;
  code: DiagnosticCode;
  message: string;
  severity: Severity;
  params?: DiagnosticParams;
}

/** A problem found by a check before positions are attached: the loader maps `path` to line/column. */
export interface Problem {
  path: string;
  code: DiagnosticCode;
  message: string;
  severity?: Severity;
  /** Point at the key rather than the value (e.g. for an unexpected property). */
  atKey?: boolean;
  params?: DiagnosticParams;
}

/**
 * The catalogue of authoring diagnostic codes. A code, once published, keeps its meaning;
 * a retired code is never reused. `summary` is what the docs and `zhidu validate --codes` print.
 */
export const DIAGNOSTIC_CODES = {
  // Reading the file
  FILE_TOO_LARGE: 'The file is larger than the loader accepts.',
  FILE_UNREADABLE: 'The file or directory cannot be read.',
  INVALID_UTF8: 'The file is not valid UTF-8.',
  YAML_TAB_INDENT: 'A tab character is used for indentation; YAML indents with spaces.',
  YAML_SYNTAX: 'The text is not well-formed YAML.',
  YAML_DUPLICATE_KEY: 'A mapping holds the same key twice.',
  YAML_ALIAS_LIMIT: 'Aliases expand past the allowed size (an alias bomb).',
  YAML_FORBIDDEN_KEY: 'A key such as __proto__ or constructor is not allowed.',
  YAML_MULTI_DOCUMENT: 'A policy file holds exactly one YAML document.',
  // Which document is which
  KIND_UNKNOWN: 'The document does not declare a known policy kind.',
  KIND_DUPLICATE: 'Two files in one policy set declare the same kind.',
  KIND_MISSING: 'A policy set lacks a kind that another kind or the engine needs.',
  SCHEMA_VIOLATION: 'The document does not match the JSON Schema of its kind.',
  // Semantic checks
  TIER_ORDER: 'Tiers or bands are not in ascending order.',
  TIER_GAP: 'Consecutive tiers or bands leave a gap between them.',
  TIER_OVERLAP: 'Consecutive tiers or bands overlap.',
  TIER_COVERAGE: 'The tiers or bands do not cover the whole range they must cover.',
  CLASS_UNDECLARED: 'A cell or mapping names a class that is not declared.',
  CLASS_UNREACHABLE: 'A declared class is not reachable from any cell.',
  PACKAGE_MISSING: 'A class has no service package.',
  CLASS_DUPLICATE_PACKAGE: 'A class is served by more than one service package.',
  OPTION_UNSCORED: 'A questionnaire option has no score.',
  SCORE_BAND_COVERAGE: 'Score bands do not exactly cover the possible totals.',
  LEVEL_UNDECLARED: 'A level is referenced that is not declared.',
  SUITABILITY_NOT_MONOTONIC: 'A higher client level allows less than a lower one.',
  WEIGHTS_SUM: 'Weights do not add up to 100.',
  THRESHOLD_NOT_INCREASING: 'Tier thresholds do not strictly increase.',
  RULE_UNREACHABLE: 'A first-match rule comes after a rule that always holds, so it never applies.',
  REFERENCE_UNRESOLVED: 'A reference to another entry or document does not resolve.',
  CALENDAR_INVALID: 'A working-day calendar entry is inconsistent: dates out of order or outside the years covered, holidays overlapping, or a make-up working day that is not a weekend day off.',
  CONDITION_OPERATOR_UNKNOWN: 'A condition uses an operator the engine does not know.',
  CONDITION_FACT_UNKNOWN: 'A condition uses a fact the policy does not declare.',
  CONDITION_VALUE_TYPE: 'A condition compares a fact with a value of the wrong type.',
  BOUND_PATH_UNKNOWN: 'An override bound names a path that does not exist in the document.',
  BOUND_INVALID: 'An override bound is not meaningful for the value it governs.',
  TEST_INVALID: 'An embedded test case names an unknown decision or repeats another case\'s name.',
  // Overrides
  OVERRIDE_OUT_OF_BOUNDS: 'A branch override changes something head office does not allow, or beyond its bound.',
  OVERRIDE_KIND_UNKNOWN: 'A branch override names a kind that is not in the policy set.',
  OVERRIDE_BASE_CHANGED: 'Head office changed a path the override sets after the override was written: the override is suspended there until the branch rebases it.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`;
}
