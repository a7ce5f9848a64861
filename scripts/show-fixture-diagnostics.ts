import { readdirSync, readFileSync } from 'node:fs';
import { loadPolicyTexts, policyFilesIn, readPolicyFiles } from '../src/policy/policy-set.ts';
// Prints what each fixture under test/fixtures/diagnostics/ produces (arg: a name prefix), to
// write its `# expect:` lines after checking them by eye.
const base = readPolicyFiles(policyFilesIn('rules'));
const only = process.argv[2];
for (const name of readdirSync('test/fixtures/diagnostics')) {
  if (only && !name.startsWith(only)) continue;
  const bytes = readFileSync('test/fixtures/diagnostics/' + name);
  const rep = /^# replaces: (\S+)/m.exec(bytes.toString('latin1'))?.[1];
  const texts = rep ? [...base.filter((t) => !new RegExp(`^kind: ${rep}$`, 'm').test(Buffer.from(t.text).toString('utf8'))), { file: name, text: bytes }] : [{ file: name, text: bytes }];
  const r = loadPolicyTexts(texts, {});
  console.log(name, r.diagnostics.map((d) => `${d.file === name ? '' : d.file + ' '}${d.code} ${d.line}:${d.column}  ${d.message}`));
}
