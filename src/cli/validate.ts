// `zhidu validate [paths…]`: a directory is one complete policy set; a file is checked within the
// set of its directory (cross-file references resolve) and only its own problems are reported.
// `--override F` checks a branch override against the set in `--rules`.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Diagnostic, formatDiagnostic } from '../policy/diagnostics.ts';
import { applyOverride } from '../policy/override.ts';
import { isDirectory, loadPolicyDir, loadPolicyTexts, policyFilesIn, readPolicyFiles } from '../policy/policy-set.ts';
import { EXIT, type CliIo } from './io.ts';

export interface ValidateOptions {
  format: 'text' | 'json';
  override?: string;
  rules: string;
}

function unreadable(path: string, err: unknown): Diagnostic {
  const reason = (err as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'no such file or directory' : String((err as Error)?.message ?? err);
  return { file: path, path: '', line: 1, column: 1, code: 'FILE_UNREADABLE', message: `Cannot read ${path}: ${reason}.`, severity: 'error' };
}

function validatePath(path: string): Diagnostic[] {
  try {
    if (isDirectory(path)) return [...loadPolicyDir(path).diagnostics];
    const target = resolve(path);
    const own = readPolicyFiles([path]);
    const siblings = readPolicyFiles(policyFilesIn(dirname(path)).filter((f) => resolve(f) !== target));
    const result = loadPolicyTexts([...siblings, ...own]);
    return result.diagnostics.filter((d) => resolve(d.file) === target);
  } catch (err) {
    return [unreadable(path, err)];
  }
}

function validateOverride(file: string, rules: string): Diagnostic[] {
  let base;
  try { base = loadPolicyDir(rules); } catch (err) { return [unreadable(rules, err)]; }
  if (!base.valid) return [...base.diagnostics];
  let text: Buffer;
  try { text = readFileSync(file); } catch (err) { return [unreadable(file, err)]; }
  return [...applyOverride(base.set, text, file).diagnostics];
}

export function runValidate(paths: string[], options: ValidateOptions, io: CliIo): number {
  const diagnostics = options.override
    ? validateOverride(options.override, options.rules)
    : (paths.length > 0 ? paths : [options.rules]).flatMap(validatePath);
  if (options.format === 'json') {
    io.stdout.write(JSON.stringify({ valid: diagnostics.length === 0, problems: diagnostics }, null, 2) + '\n');
  } else {
    for (const d of diagnostics) io.stdout.write(formatDiagnostic(d) + '\n');
    if (diagnostics.length > 0) io.stderr.write(`${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} found.\n`);
  }
  return diagnostics.length === 0 ? EXIT.OK : EXIT.NO;
}
