// monaco-yaml's own problems (the YAML language server's schema checks as you type, and the yaml
// parser's syntax errors) in the reader's language. We do not control those messages: they come
// as English text, so this is a table of their templates ("Missing property "{0}".") → Chinese,
// read back into their arguments. The templates are monaco-yaml's contract;
// test/editor/yaml-messages.test.ts checks this table against the installed worker both ways.
import { formatNumber } from './detail-messages.ts';
import type { Lang } from './labels.ts';

const TYPE_ZH: Readonly<Record<string, string>> = {
  number: '数字', integer: '整数', string: '文本', boolean: 'true 或 false', object: '映射(键: 值)', array: '列表', null: '空值(null)',
};

/** "number | string" → "数字或文本". */
const typesZh = (types: string): string => types.split(/\s*(?:\||,)\s*/).map((t) => TYPE_ZH[t] ?? t).join('或');
/** A number the server of the schema wrote ("0", "4.199999999999999") as people write it. */
const numberZh = (text: string): string => (Number.isFinite(Number(text)) && text.trim() !== '' ? formatNumber(Number(text), 'zh') : text);

type Zh = (args: readonly string[]) => string;

/**
 * The YAML language server's diagnostic templates (its l10n keys; {0}, {1} are its arguments), each
 * with what it says in Chinese.
 */
export const LANGUAGE_SERVER_TEMPLATES: ReadonlyArray<readonly [template: string, zh: Zh]> = [
  ['Missing property "{0}".', ([p]) => `缺少必填项「${p}」`],
  ['Incorrect type. Expected "{0}".', ([t]) => `类型不对,应为${typesZh(t!)}`],
  ['Incorrect type. Expected one of {0}.', ([t]) => `类型不对,应为${typesZh(t!)}`],
  ['Value must be {0}.', ([v]) => `应为 ${v}`],
  ['Value is not accepted. Valid values: {0}.', ([v]) => `不是可接受的值;可选:${v}`],
  ['Property {0} is not allowed.', ([p]) => `「${p}」不是可以写在这里的项,请检查拼写或删除`],
  ['Value is below the minimum of {0}.', ([n]) => `不能小于 ${numberZh(n!)}`],
  ['Value is above the maximum of {0}.', ([n]) => `不能大于 ${numberZh(n!)}`],
  ['Value is below the exclusive minimum of {0}.', ([n]) => `须大于 ${numberZh(n!)}`],
  ['Value is above the exclusive maximum of {0}.', ([n]) => `须小于 ${numberZh(n!)}`],
  ['Value is not divisible by {0}.', ([n]) => `应为 ${numberZh(n!)} 的整数倍`],
  ['String is shorter than the minimum length of {0}.', ([n]) => `至少 ${n} 个字符`],
  ['String is longer than the maximum length of {0}.', ([n]) => `最多 ${n} 个字符`],
  ['String does not match the pattern of "{0}".', ([p]) => `写法不符合要求(应匹配 ${p})`],
  ['Invalid pattern: "{0}"', ([p]) => `模式无效:${p}`],
  ['String is not a RFC3339 date.', () => '不是有效的日期(YYYY-MM-DD)'],
  ['String is not a RFC3339 date-time.', () => '不是有效的时间(ISO 8601,如 2026-01-01T00:00:00+08:00)'],
  ['String is not a RFC3339 time.', () => '不是有效的时刻(HH:MM:SS)'],
  ['String is not an e-mail address.', () => '不是有效的电子邮箱地址'],
  ['String does not match IPv4 format.', () => '不是有效的 IPv4 地址'],
  ['String does not match IPv6 format.', () => '不是有效的 IPv6 地址'],
  ['String is not a URI: {0}', ([why]) => `不是有效的网址:${yamlMarkerText('zh', why!)}`],
  ['URI expected.', () => '须为网址'],
  ['URI with a scheme is expected.', () => '须为带协议(如 https:)的网址'],
  ['Invalid color format. Use #RGB, #RGBA, #RRGGBB or #RRGGBBAA.', () => '颜色格式无效;请用 #RGB、#RGBA、#RRGGBB 或 #RRGGBBAA'],
  ['Array has too few items. Expected {0} or more.', ([n]) => `至少要有 ${n} 项`],
  ['Array has too many items. Expected {0} or fewer.', ([n]) => `最多 ${n} 项`],
  ['Array has too many items according to schema. Expected {0} or fewer.', ([n]) => `最多 ${n} 项`],
  ['Array has too few items matching "contains". Expected {0} or more.', ([n]) => `符合要求的条目至少要有 ${n} 项`],
  ['Array has too many items matching "contains". Expected {0} or fewer.', ([n]) => `符合要求的条目最多 ${n} 项`],
  ['Array has duplicate items.', () => '列表中有重复的条目'],
  ['Array does not contain required item.', () => '列表中缺少必需的条目'],
  ['Object has more properties than limit of {0}.', ([n]) => `最多 ${n} 项`],
  ['Object has fewer properties than the required number of {0}', ([n]) => `至少要有 ${n} 项`],
  ['Object is missing property {0} required by property {1}.', ([missing, by]) => `写了「${by}」时还须写「${missing}」`],
  ['Matches a schema that is not allowed.', () => '不允许这样写'],
  ['Matches multiple schemas when only one must validate.', () => '同时符合多种写法,但只能符合其中一种'],
  ['Unused anchor "{0}"', ([a]) => `锚点「${a}」没有被引用`],
  ['Unresolved alias "{0}"', ([a]) => `别名「${a}」没有对应的锚点`],
  ['Flow style mapping is forbidden', () => '不能使用 {…} 形式的映射'],
  ['Flow style sequence is forbidden', () => '不能使用 […] 形式的列表'],
  ["Schema '{0}' is not valid: {1}", ([s, why]) => `模式 ${s} 无效:${why}`],
  ["$ref '{0}' in '{1}' cannot be resolved.", ([ref, at]) => `${at} 中的 $ref ${ref} 无法解析`],
  ["Problems loading reference '{0}': {1}", ([ref, why]) => `加载引用 ${ref} 时出错:${why}`],
  ["Unable to load schema from '{0}': No content. {1}", ([s]) => `无法加载模式 ${s}:没有内容`],
  ["Unable to load schema from '{0}': No content.", ([s]) => `无法加载模式 ${s}:没有内容`],
  ["Unable to parse content from '{0}': {1}.", ([s]) => `无法解析 ${s} 的内容`],
  ["Unable to parse content from '{0}': Parse error at line: {1} column: {2}", ([s, line, column]) => `无法解析 ${s} 的内容:第 ${line} 行第 ${column} 列有误`],
];

/**
 * The yaml parser's syntax errors (the start of the message: the parser may add where and a
 * snippet of the text after it), each with what it says in Chinese.
 */
export const PARSER_MESSAGES: ReadonlyArray<readonly [prefix: string, zh: string]> = [
  ['Map keys must be unique', '同一个映射中这个键写了两次'],
  ['Implicit keys need to be on a single line', '键必须写在一行之内'],
  ['Implicit keys of flow sequence pairs need to be on a single line', '键必须写在一行之内'],
  ['Implicit map keys need to be followed by map values', '键后面须有冒号和取值'],
  ['Nested mappings are not allowed in compact mappings', '这种简写的映射中不能再嵌套映射'],
  ['A block sequence may not be used as an implicit map key', '列表不能用作键'],
  ['All sequence items must start at the same column', '缩进不一致:同一列表的各项须从同一列开始'],
  ['Sequence item without - indicator', '列表项缺少开头的 -'],
  ['Tabs are not allowed as indentation', '缩进用了制表符;YAML 只能用空格缩进'],
  ['Missing closing "quote', '缺少右双引号'],
  ["Missing closing 'quote", '缺少右单引号'],
  ['Comments must be separated from other tokens by white space characters', '注释(#)前须有空格'],
  ['Tags and anchors must be separated from the next token by white space', '标签或锚点后须有空格'],
  ['Missing , between', '缺少逗号'],
  ['Missing , or : between', '缺少逗号或冒号'],
  ['Missing space after :', '冒号后须有空格'],
  ['Unexpected , in', '多了一个逗号'],
  ['Unexpected empty item in', '多了一个空的条目'],
  ['Block scalar values in collections must be indented', '集合中的多行文本须缩进'],
  ['Flow end indicator should be more indented than parent', '右括号的缩进应比上一层更深'],
];

function compile(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\d\\\}/g, '(.*?)');
  return new RegExp(`^${escaped}$`, 's');
}

const COMPILED = LANGUAGE_SERVER_TEMPLATES.map(([template, zh]) => ({ re: compile(template), zh }));

/** One of monaco-yaml's marker messages in `lang`; a message this table does not know stays as it came. */
export function yamlMarkerText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  for (const { re, zh } of COMPILED) {
    const m = re.exec(message);
    if (m) return zh(m.slice(1));
  }
  const parsed = PARSER_MESSAGES.find(([prefix]) => message.startsWith(prefix));
  return parsed ? parsed[1] : message;
}
