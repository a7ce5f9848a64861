// monaco-yaml's messages are its contract: the table of their templates is checked against the
// installed worker both ways (every diagnostic template it can produce has a Chinese line, and
// every template in the table is one it produces), and read back into their arguments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_SERVER_TEMPLATES, PARSER_MESSAGES, yamlMarkerText } from '../../editor/src/lib/yaml-messages.ts';
import { ROOT } from './helpers.ts';

const worker = readFileSync(join(ROOT, 'node_modules/monaco-yaml/yaml.worker.js'), 'utf8');

/** The worker's l10n keys, and the three it formats through ProblemTypeMessages. */
function workerTemplates(): Set<string> {
  const out = new Set<string>();
  for (const m of worker.matchAll(/l10n\d*\.t\(\s*(["'])((?:\\.|(?!\1).)*)\1/g)) out.add(m[2]!.replace(/\\(.)/g, '$1'));
  const problemTypes = /var ProblemTypeMessages = \{([\s\S]*?)\n\};/.exec(worker)?.[1] ?? '';
  for (const m of problemTypes.matchAll(/\]:\s*(["'])((?:\\.|(?!\1).)*)\1/g)) out.add(m[2]!.replace(/\\(.)/g, '$1'));
  return out;
}

/** Titles of hovers, completions and quick fixes: never a marker's message. */
const NOT_DIAGNOSTICS = new Set([
  "filePatternAssociation '{0}' does not match with doc uri '{1}'",
  'Allowed Values:', 'Example:', 'Source: [{0}]({1})', 'Jump to schema location ({0})', 'Convert Tab to Spaces', 'Convert all Tabs to Spaces',
  'Delete unused anchor: {0}', 'Convert to boolean', 'Convert to block style {0}', 'Convert string to folded block string',
  'Convert string to literal block string', 'Fix key order for this map', 'Inline schema', 'Create an item of an array{0}{1}', '- (array item) ', 'Default value',
]);

describe('monaco-yaml\'s message templates', () => {
  const installed = workerTemplates();
  const ours = new Set(LANGUAGE_SERVER_TEMPLATES.map(([t]) => t));

  it('reads the worker (its templates are where this test looks for them)', () => {
    expect(installed.size).toBeGreaterThan(40);
    expect(installed).toContain('Missing property "{0}".');
  });

  it('has a Chinese line for every diagnostic template the installed worker can produce', () => {
    expect([...installed].filter((t) => !NOT_DIAGNOSTICS.has(t) && !ours.has(t))).toEqual([]);
  });

  it('has no template the worker does not produce', () => {
    expect([...ours].filter((t) => !installed.has(t))).toEqual([]);
  });

  it('has every parser message it knows in the installed yaml package', () => {
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.js') ? [readFileSync(join(dir, e.name), 'utf8')] : []));
    const yamlDist = sources(join(ROOT, 'node_modules/yaml/dist')).join('\n');
    expect(PARSER_MESSAGES.map(([prefix]) => prefix).filter((prefix) => !yamlDist.includes(prefix))).toEqual([]);
  });
});

describe('saying them in Chinese', () => {
  it.each([
    ['Missing property "tiers".', '缺少必填项「tiers」'],
    ['Incorrect type. Expected "number".', '类型不对,应为数字'],
    ['Incorrect type. Expected "string | array".', '类型不对,应为文本或列表'],
    ['Value is below the minimum of 0.', '不能小于 0'],
    ['Value is above the maximum of 4.199999999999999.', '不能大于 4.2'],
    ['Value is below the exclusive minimum of 0.', '须大于 0'],
    ['Property colour is not allowed.', '「colour」不是可以写在这里的项,请检查拼写或删除'],
    ['Value is not accepted. Valid values: "up", "down".', '不是可接受的值;可选:"up", "down"'],
    ['Object is missing property max required by property min.', '写了「min」时还须写「max」'],
    ['String is not a URI: URI expected.', '不是有效的网址:须为网址'],
    ['Map keys must be unique at line 3, column 1:\n\n  a: 1\n  ^', '同一个映射中这个键写了两次'],
    ['Implicit map keys need to be followed by map values', '键后面须有冒号和取值'],
  ])('%s', (message, zh) => {
    expect(yamlMarkerText('zh', message)).toBe(zh);
    expect(yamlMarkerText('en', message)).toBe(message);
  });

  it('leaves a message it does not know as it came', () => {
    expect(yamlMarkerText('zh', 'Something entirely new.')).toBe('Something entirely new.');
  });
});
