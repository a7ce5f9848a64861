// What exactly is wrong, in the reader's language: a policy problem's or a decision input's detail
// said from its code and its params (the facts the server sends as data beside its English
// message: ajv's keyword and params, a bound's reason and numbers, a question's number and text).
// Nothing is recovered from the English words; where no template fits, the server's message is
// shown as it came. Numbers are printed without float noise (4.199999999999999 → 4.2).
import type { DiagnosticParams } from '../../../src/policy/diagnostics.ts';
import { describePath } from './diff.ts';
import { idLabels, isLabel, localise, titleOf, type Label, type Lang } from './labels.ts';

/** A problem as the API sends it (`details` of POLICY_INVALID / OVERRIDE_OUT_OF_BOUNDS, `problems` of /v1/validate). */
export interface ProblemFacts {
  code: string;
  path: string;
  message: string;
  kind?: string;
  params?: DiagnosticParams;
}

/** One field of a BAD_INPUT (`details: [{field, message, params?}]`). */
export interface InputFacts {
  field: string;
  message: string;
  params?: DiagnosticParams;
}

type Params = Readonly<Record<string, unknown>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A number as people write it: the shortest text that is the same double after 12 significant digits (no 4.199999999999999). */
export function formatNumber(n: number, lang: Lang): string {
  if (!Number.isFinite(n)) return String(n);
  const clean = Number(n.toPrecision(12));
  return clean.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 12, useGrouping: Math.abs(clean) >= 10_000 });
}

/** How a fact reads in one language: numbers without noise, names quoted, lists joined, labels localised. */
export class Words {
  /** `ids`: the labels of the ids the document declares, so that "1m-5m" reads 「100万—500万」. */
  constructor(readonly lang: Lang, private readonly ids: ReadonlyMap<string, Label> = new Map()) {}

  /** An id the policy declares, by its label where it has one. */
  id = (x: unknown): string => {
    const label = this.ids.get(String(x));
    return this.q(label ? localise(label, this.lang) : String(x));
  };

  /** One value: a number, a quoted name, a label in this language, or JSON. */
  v = (x: unknown): string => {
    if (typeof x === 'number') return formatNumber(x, this.lang);
    if (typeof x === 'string') return this.q(x);
    if (isLabel(x)) return this.q(localise(x, this.lang));
    if (Array.isArray(x)) return this.list(x);
    return JSON.stringify(x) ?? '—';
  };

  /** A name, quoted the way the language quotes: 「A+」, "A+". */
  q = (x: unknown): string => (this.lang === 'zh' ? `「${String(x)}」` : `"${String(x)}"`);

  /** Bare number, or the text as is. */
  n = (x: unknown): string => (typeof x === 'number' ? formatNumber(x, this.lang) : String(x));

  list = (xs: unknown, each: (x: unknown) => string = this.v): string => {
    const items = Array.isArray(xs) ? xs : [xs];
    return items.map(each).join(this.lang === 'zh' ? '、' : ', ');
  };

  /** A percentage from a fraction, in the precision it was written (0.125 → 12.5%). */
  pct = (fraction: unknown): string => (typeof fraction === 'number' ? `${formatNumber(Number((fraction * 100).toPrecision(12)), this.lang)}%` : String(fraction));
}

type Render = (p: Params, w: Words) => string;
type Said = Readonly<Record<Lang, Render>>;

// ── JSON Schema (ajv keywords): policy documents, overrides and decision inputs alike ──

const TYPE_NAMES: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  number: { zh: '数字', en: 'a number' },
  integer: { zh: '整数', en: 'a whole number' },
  string: { zh: '文本', en: 'text' },
  boolean: { zh: 'true 或 false', en: 'true or false' },
  object: { zh: '映射(键: 值)', en: 'a mapping (key: value)' },
  array: { zh: '列表', en: 'a list' },
  null: { zh: '空值(null)', en: 'null' },
};

const FORMAT_NAMES: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  date: { zh: '日期(YYYY-MM-DD)', en: 'date (YYYY-MM-DD)' },
  'date-time': { zh: '时间(ISO 8601,如 2026-01-01T00:00:00+08:00)', en: 'date and time (ISO 8601, e.g. 2026-01-01T00:00:00+08:00)' },
  time: { zh: '时刻(HH:MM:SS)', en: 'time (HH:MM:SS)' },
  email: { zh: '电子邮箱地址', en: 'e-mail address' },
  uri: { zh: '网址', en: 'URI' },
};

const COMPARISONS: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  '>=': { zh: '不能小于', en: 'must be at least' },
  '>': { zh: '须大于', en: 'must be above' },
  '<=': { zh: '不能大于', en: 'must be at most' },
  '<': { zh: '须小于', en: 'must be below' },
};

function typeNames(type: unknown, w: Words): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => TYPE_NAMES[String(t)]?.[w.lang] ?? String(t)).join(w.lang === 'zh' ? '或' : ' or ');
}

const limit: Said = {
  zh: (p, w) => `${COMPARISONS[String(p.comparison)]?.zh ?? String(p.comparison)} ${w.n(p.limit)}`,
  en: (p, w) => `${COMPARISONS[String(p.comparison)]?.en ?? String(p.comparison)} ${w.n(p.limit)}`,
};

/** What each ajv keyword says, from its params. */
export const SCHEMA_SAYS: Readonly<Record<string, Said>> = {
  required: { zh: (p, w) => `缺少必填项 ${w.q(p.missingProperty)}`, en: (p, w) => `missing the required entry ${w.q(p.missingProperty)}` },
  additionalProperties: { zh: (p, w) => `${w.q(p.additionalProperty)} 不是可以写在这里的项,请检查拼写或删除`, en: (p, w) => `${w.q(p.additionalProperty)} is not an entry allowed here; check its spelling or remove it` },
  unevaluatedProperties: { zh: (p, w) => `${w.q(p.unevaluatedProperty)} 不是可以写在这里的项`, en: (p, w) => `${w.q(p.unevaluatedProperty)} is not an entry allowed here` },
  type: { zh: (p, w) => `应为${typeNames(p.type, w)}`, en: (p, w) => `must be ${typeNames(p.type, w)}` },
  minimum: limit,
  maximum: limit,
  exclusiveMinimum: limit,
  exclusiveMaximum: limit,
  minLength: { zh: (p, w) => `至少 ${w.n(p.limit)} 个字符`, en: (p, w) => `must be at least ${w.n(p.limit)} characters long` },
  maxLength: { zh: (p, w) => `最多 ${w.n(p.limit)} 个字符`, en: (p, w) => `must be at most ${w.n(p.limit)} characters long` },
  minItems: { zh: (p, w) => `至少要有 ${w.n(p.limit)} 项`, en: (p, w) => `must have at least ${w.n(p.limit)} entries` },
  maxItems: { zh: (p, w) => `最多 ${w.n(p.limit)} 项`, en: (p, w) => `must have at most ${w.n(p.limit)} entries` },
  minProperties: { zh: (p, w) => `至少要有 ${w.n(p.limit)} 项`, en: (p, w) => `must have at least ${w.n(p.limit)} entries` },
  maxProperties: { zh: (p, w) => `最多 ${w.n(p.limit)} 项`, en: (p, w) => `must have at most ${w.n(p.limit)} entries` },
  enum: { zh: (p, w) => `应为以下之一:${w.list(p.allowedValues)}`, en: (p, w) => `must be one of ${w.list(p.allowedValues)}` },
  const: { zh: (p, w) => `应为 ${w.v(p.allowedValue)}`, en: (p, w) => `must be ${w.v(p.allowedValue)}` },
  pattern: { zh: (p) => `写法不符合要求(应匹配 ${String(p.pattern)})`, en: (p) => `is not written as required (must match ${String(p.pattern)})` },
  format: {
    zh: (p) => `不是有效的${FORMAT_NAMES[String(p.format)]?.zh ?? String(p.format)}`,
    en: (p) => `is not a valid ${FORMAT_NAMES[String(p.format)]?.en ?? String(p.format)}`,
  },
  uniqueItems: { zh: (p, w) => `第 ${w.n(Number(p.i) + 1)} 项与第 ${w.n(Number(p.j) + 1)} 项重复`, en: (p, w) => `entries ${w.n(Number(p.i) + 1)} and ${w.n(Number(p.j) + 1)} are the same` },
  multipleOf: { zh: (p, w) => `应为 ${w.n(p.multipleOf)} 的整数倍`, en: (p, w) => `must be a multiple of ${w.n(p.multipleOf)}` },
  dependentRequired: { zh: (p, w) => `写了 ${w.q(p.property)} 时还须写 ${w.q(p.missingProperty)}`, en: (p, w) => `${w.q(p.missingProperty)} is required with ${w.q(p.property)}` },
  propertyNames: { zh: (p, w) => `键 ${w.q(p.propertyName)} 的写法不符合要求`, en: (p, w) => `the key ${w.q(p.propertyName)} is not written as required` },
  not: { zh: () => '不允许这样写', en: () => 'is not allowed written this way' },
  'false schema': { zh: () => '这里不能有值', en: () => 'no value is allowed here' },
  oneOf: { zh: () => '应恰好符合一种允许的写法', en: () => 'must match exactly one of the allowed forms' },
  anyOf: { zh: () => '不符合任何一种允许的写法', en: () => 'matches none of the allowed forms' },
  contains: { zh: () => '列表中缺少必需的条目', en: () => 'the list lacks a required entry' },
};

/** An ajv error said from its keyword and params; a key at fault (propertyNames) is named first. */
export function schemaSays(lang: Lang, params: Params): string | undefined {
  const said = SCHEMA_SAYS[String(params.keyword)];
  if (!said) return undefined;
  const w = new Words(lang);
  const text = said[lang](params, w);
  if (params.propertyName !== undefined && params.keyword !== 'propertyNames') return lang === 'zh' ? `键 ${w.q(params.propertyName)}${text}` : `key ${w.q(params.propertyName)} ${text}`;
  return text;
}

// ── Head office's bounds on overrides, and the bounds themselves ──

const BOUND_SAYS: Readonly<Record<string, Said>> = {
  relative: {
    zh: (p, w) => `${w.n(p.value)} 超出可调范围 ${w.n(p.low)} 至 ${w.n(p.high)}(总部取值 ${w.n(p.base)} 的 ±${w.pct(p.relative)})`,
    en: (p, w) => `${w.n(p.value)} is outside ${w.n(p.low)} to ${w.n(p.high)} (±${w.pct(p.relative)} of head office's ${w.n(p.base)})`,
  },
  min: { zh: (p, w) => `${w.n(p.value)} 低于下限 ${w.n(p.limit)}`, en: (p, w) => `${w.n(p.value)} is below the lower limit ${w.n(p.limit)}` },
  max: { zh: (p, w) => `${w.n(p.value)} 高于上限 ${w.n(p.limit)}`, en: (p, w) => `${w.n(p.value)} is above the upper limit ${w.n(p.limit)}` },
  up: { zh: (p, w) => `${w.n(p.value)} 低于总部取值 ${w.n(p.base)};此项只能调高`, en: (p, w) => `${w.n(p.value)} is below head office's ${w.n(p.base)}; it may only be raised` },
  down: { zh: (p, w) => `${w.n(p.value)} 高于总部取值 ${w.n(p.base)};此项只能调低`, en: (p, w) => `${w.n(p.value)} is above head office's ${w.n(p.base)}; it may only be lowered` },
  notNumber: { zh: () => '须为数字', en: () => 'must stay a number' },
  notList: { zh: () => '须为列表', en: () => 'must stay a list' },
  added: { zh: () => '总部文件中没有此项;营业部只能修改已有的值', en: () => 'head office has no such value; a branch may only change existing values' },
  removed: { zh: () => '不能删除总部的取值,只能修改', en: () => 'head office\'s value cannot be removed, only changed' },
  subset: { zh: (p, w) => `新增了 ${w.list(p.added)};营业部只能删减条目`, en: (p, w) => `adds ${w.list(p.added)}; a branch may only remove entries` },
  notAKey: { zh: (p, w) => `${w.q(p.value)} 不是可选项(可选:${w.list(p.known)})`, en: (p, w) => `${w.q(p.value)} is not one of ${w.list(p.known)}` },
  lessStrict: { zh: (p, w) => `${w.q(p.value)} 比总部的 ${w.q(p.base)} 宽松;只能改为更严格的选项`, en: (p, w) => `${w.q(p.value)} is less strict than head office's ${w.q(p.base)}; it may only become stricter` },
};

const BOUND_INVALID_SAYS: Readonly<Record<string, Said>> = {
  reserved: { zh: (p, w) => `${w.q(p.bound)} 不能设为可调整`, en: (p, w) => `${w.q(p.bound)} cannot be made adjustable` },
  noValue: { zh: (p, w) => `本文件中没有 ${w.q(p.bound)} 这一项`, en: (p, w) => `this document has no value at ${w.q(p.bound)}` },
  notNumber: { zh: (p, w) => `数值范围只能用于数字,而 ${w.q(p.target)} 不是数字`, en: (p, w) => `a numeric bound governs ${w.q(p.target)}, which is not a number` },
  notList: { zh: (p, w) => `subset 只能用于列表,而 ${w.q(p.target)} 不是列表`, en: (p, w) => `subset governs ${w.q(p.target)}, which is not a list` },
  noOrder: { zh: (p, w) => `${w.q(p.order)} 处没有有序的列表或映射`, en: (p, w) => `there is no ordered list or map at ${w.q(p.order)}` },
  notAKey: { zh: (p, w) => `${w.q(p.target)} 的取值不是 ${w.q(p.order)} 的键(${w.list(p.known)})`, en: (p, w) => `the value at ${w.q(p.target)} is not a key of ${w.q(p.order)} (${w.list(p.known)})` },
  minAboveMax: { zh: (p, w) => `下限 ${w.n(p.min)} 高于上限 ${w.n(p.max)}`, en: (p, w) => `min ${w.n(p.min)} is above max ${w.n(p.max)}` },
};

/** Where a problem is, in head office's words: "资产档次上限 · 100万—500万", else the pointer. */
function placeOf(p: ProblemFacts, docs: Readonly<Record<string, unknown>>, lang: Lang): { kind?: string; inner: string; label?: string } {
  const kind = p.kind;
  const inner = kind && (p.path === `/${kind}` || p.path.startsWith(`/${kind}/`)) ? p.path.slice(kind.length + 1) : p.path;
  const doc = kind ? docs[kind] : undefined;
  if (doc === undefined || inner === '') return { ...(kind ? { kind } : {}), inner };
  const named = describePath(doc, inner, lang);
  return { ...(kind ? { kind } : {}), inner, ...(named !== inner ? { label: named } : {}) };
}

function boundLabel(p: Params, lang: Lang): string | undefined {
  const bound = isRecord(p.bound) ? p.bound : undefined;
  return bound && isLabel(bound.label) ? localise(bound.label, lang) : undefined;
}

function kindTitle(kind: unknown, docs: Readonly<Record<string, unknown>>, lang: Lang): string {
  return localise(titleOf(docs[String(kind)]), lang, String(kind));
}

function outOfBounds(p: ProblemFacts, params: Params, docs: Readonly<Record<string, unknown>>, w: Words): string | undefined {
  const where = placeOf(p, docs, w.lang);
  const name = where.label ?? boundLabel(params, w.lang) ?? where.inner;
  const head = name ? `${name}${w.lang === 'zh' ? ':' : ': '}` : '';
  if (params.reason === 'fixed') {
    const adjustable = Array.isArray(params.adjustable) ? params.adjustable.map((b) => (isRecord(b) && isLabel(b.label) ? localise(b.label, w.lang) : isRecord(b) ? String(b.path) : String(b))) : [];
    const list = adjustable.length > 0 ? adjustable.join(w.lang === 'zh' ? '、' : ', ') : (w.lang === 'zh' ? '无' : 'nothing');
    return w.lang === 'zh' ? `${head}此项由总部统一规定,营业部不能调整。可调整的有:${list}` : `${head}head office fixes this; a branch may adjust: ${list}`;
  }
  const said = BOUND_SAYS[String(params.reason)];
  return said ? head + said[w.lang](params, w) : undefined;
}

// ── Every other code that carries params ──

const YAML_SAYS: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  BAD_INDENT: { zh: '缩进有误:请对照上下几行检查这一行的缩进(同一层的条目须从同一列开始)', en: 'wrong indentation: check this line against the lines around it (entries of one level start in the same column)' },
  MISSING_CHAR: { zh: '缺少必要的符号,如冒号后的空格、逗号、右括号或右引号', en: 'a character is missing, such as the space after a colon, a comma, a closing bracket or a closing quote' },
  MULTILINE_IMPLICIT_KEY: { zh: '键必须写在一行之内', en: 'a key must fit on one line' },
  BLOCK_AS_IMPLICIT_KEY: { zh: '这种简写的映射中不能再嵌套映射或列表', en: 'a compact mapping cannot nest another mapping or a list' },
  UNEXPECTED_TOKEN: { zh: '这里出现了不应有的符号', en: 'a character appears where it does not belong' },
  BAD_SCALAR_START: { zh: '取值不能以这个字符开头;请给取值加上引号', en: 'a value cannot start with this character; put the value in quotes' },
  BAD_DQ_ESCAPE: { zh: '双引号中的转义写法无效', en: 'an escape sequence in double quotes is not valid' },
  TAG_RESOLVE_FAILED: { zh: '无法识别的标签(以 ! 开头)', en: 'an unknown tag (starting with !)' },
  BAD_ALIAS: { zh: '锚点(&)或别名(*)的写法有误', en: 'an anchor (&) or alias (*) is written wrongly' },
  ALIAS_PROPS: { zh: '别名(*)不能带标签或锚点', en: 'an alias (*) cannot carry a tag or an anchor' },
  MULTIPLE_ANCHORS: { zh: '一个节点只能有一个锚点(&)', en: 'a node can have only one anchor (&)' },
  MULTIPLE_TAGS: { zh: '一个节点只能有一个标签(!)', en: 'a node can have only one tag (!)' },
  BAD_PROP_ORDER: { zh: '锚点和标签须写在指示符之后', en: 'anchors and tags must come after the indicator' },
  KEY_OVER_1024_CHARS: { zh: '键太长(超过 1024 个字符)', en: 'a key is longer than 1024 characters' },
  NON_STRING_KEY: { zh: '键须为文本', en: 'a key must be text' },
  BAD_COLLECTION_TYPE: { zh: '标签与集合的类型不符', en: 'a tag does not fit the kind of collection' },
  BAD_DIRECTIVE: { zh: '指令(%)写法有误', en: 'a directive (%) is written wrongly' },
};

/** Codes whose detail is the same whatever happened: their own zh/en sentence. */
const FIXED_SAYS: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  YAML_TAB_INDENT: { zh: '这一行用制表符缩进;YAML 只能用空格缩进', en: 'this line is indented with a tab; YAML indents with spaces' },
  YAML_MULTI_DOCUMENT: { zh: '一个制度文件只能有一个 YAML 文档;这里在 --- 之后又开始了一个', en: 'a policy file holds one YAML document; another starts here after ---' },
  YAML_DUPLICATE_KEY: { zh: '同一个映射中这个键写了两次', en: 'this key appears twice in one mapping' },
};

// ── Semantic checks ──

const FACT_TYPES: Readonly<Record<string, Readonly<Record<Lang, string>>>> = {
  number: { zh: '数字', en: 'number' },
  boolean: { zh: '是/否', en: 'yes/no' },
  string: { zh: '文本', en: 'text' },
  'string-list': { zh: '文本列表', en: 'list of texts' },
};
const factType = (t: unknown, w: Words): string => FACT_TYPES[String(t)]?.[w.lang] ?? String(t);

/** "under classes", "under classes of 客户分类": where a catalogue of ids is (params `in` and `of`). */
function catalogueOf(p: Params, docs: Readonly<Record<string, unknown>>, w: Words): string {
  const at = typeof p.in === 'string' && p.in !== '' ? p.in.slice(1) : undefined;
  const of = p.of === undefined ? undefined : kindTitle(p.of, docs, w.lang);
  if (w.lang === 'zh') return `${of ? `「${of}」的 ` : ''}${at ?? ''}`.trim();
  return [at, of ? `of the ${of} policy` : undefined].filter(Boolean).join(' ');
}

function notDeclared(p: Params, docs: Readonly<Record<string, unknown>>, w: Words): string {
  const where = catalogueOf(p, docs, w);
  // The ids themselves, as they are written in the YAML: what to write instead.
  const known = w.list(p.known);
  if (typeof p.fact === 'string') {
    return w.lang === 'zh' ? `${w.q(p.value)} 不是事实 ${w.q(p.fact)} 的已声明取值(已有:${known})` : `${w.q(p.value)} is not a declared value of the fact ${w.q(p.fact)} (${known})`;
  }
  if (w.lang === 'zh') return where ? `${w.q(p.value)} 未在 ${where} 中定义(已定义:${known})` : `${w.q(p.value)} 不是已定义的取值(已定义:${known})`;
  return `${w.q(p.value)} is not declared${where ? ` under ${where}` : ''} (${known})`;
}

/** A band's end, open when none. */
const end = (x: unknown, w: Words): string => (x === null || x === undefined ? (w.lang === 'zh' ? '无上限' : 'no limit') : w.n(x));

type SaidWith = Readonly<Record<Lang, (p: Params, w: Words, docs: Readonly<Record<string, unknown>>) => string>>;

const BAND_SAYS: Readonly<Record<string, SaidWith>> = {
  startsBelow: {
    zh: (p, w) => `${w.id(p.id)} 从 ${w.n(p.min)} 开始,低于 ${w.id(p.other)}(${w.n(p.otherMin)});请按从低到高排列`,
    en: (p, w) => `${w.id(p.id)} starts at ${w.n(p.min)}, below ${w.id(p.other)} (${w.n(p.otherMin)}); list them lowest first`,
  },
  endsBeforeStart: { zh: (p, w) => `${w.id(p.id)} 的上限 ${w.n(p.max)} 在下限 ${w.n(p.min)} 之前`, en: (p, w) => `${w.id(p.id)} ends (${w.n(p.max)}) before it starts (${w.n(p.min)})` },
  openNotLast: {
    zh: (p, w) => `${w.id(p.id)} 没有上限,但 ${w.id(p.other)} 在它之上;只有最后一档可以不设上限`,
    en: (p, w) => `${w.id(p.id)} has no upper limit but ${w.id(p.other)} lies above it; only the last may be open-ended`,
  },
  gap: {
    zh: (p, w) => `${w.id(p.id)}(止于 ${w.n(p.max)})与 ${w.id(p.other)}(始于 ${w.n(p.otherMin)})之间有空档:${gapOf(p, w)} 不属于任何一档`,
    en: (p, w) => `gap between ${w.id(p.id)} (ends ${w.n(p.max)}) and ${w.id(p.other)} (starts ${w.n(p.otherMin)}): ${gapOf(p, w)} falls in none`,
  },
  overlap: {
    zh: (p, w) => `${w.id(p.id)} 从 ${w.n(p.min)} 开始,落在 ${w.id(p.other)}(止于 ${w.n(p.otherMax)})之内`,
    en: (p, w) => `${w.id(p.id)} starts at ${w.n(p.min)}, inside ${w.id(p.other)} (ends ${w.n(p.otherMax)})`,
  },
  firstStart: { zh: (p, w) => `第一档须从 ${w.n(p.from)} 开始,而 ${w.id(p.id)} 从 ${w.n(p.min)} 开始`, en: (p, w) => `the first band must start at ${w.n(p.from)}; ${w.id(p.id)} starts at ${w.n(p.min)}` },
  lastOpen: { zh: (p, w) => `最后一档 ${w.id(p.id)} 不能设上限,才能覆盖所有取值;请删除 max`, en: (p, w) => `the last band, ${w.id(p.id)}, must have no upper limit so that every value is covered; remove max` },
  lastEnd: { zh: (p, w) => `最后一档须止于 ${w.n(p.to)},而 ${w.id(p.id)} 止于 ${end(p.max, w)}`, en: (p, w) => `the last band must end at ${w.n(p.to)}; ${w.id(p.id)} ends at ${end(p.max, w)}` },
  scaleGap: { zh: (p, w) => `答题量表须从 1 起连续编号;${w.n(p.answer)} 之前缺少 ${w.n(p.missing)}`, en: (p, w) => `the survey scale must run 1, 2, 3, … without gaps; ${w.n(p.missing)} is missing before ${w.n(p.answer)}` },
  scaleOrder: {
    zh: (p, w) => `答案 ${w.n(p.answer)} 得 ${w.n(p.score)} 分,少于答案 ${w.n(p.other)} 的 ${w.n(p.otherScore)} 分;更好的答案得分不能更少`,
    en: (p, w) => `answer ${w.n(p.answer)} scores ${w.n(p.score)}, less than answer ${w.n(p.other)} (${w.n(p.otherScore)}); a better answer never scores less`,
  },
  noCatchAll: {
    zh: (p, w) => `有些客户可能不符合任何规则:请让最后一条规则 ${w.id(p.id)} 不设条件(删除 when),以涵盖其余所有客户`,
    en: (p, w) => `some clients may match no rule: give the last rule ${w.id(p.id)} no condition (drop when) so that it takes every client the others leave`,
  },
};

function gapOf(p: Params, w: Words): string {
  const [from, to] = p.inclusive === true ? [Number(p.max) + 1, Number(p.otherMin) - 1] : [Number(p.max), Number(p.otherMin)];
  return w.lang === 'zh' ? `${w.n(from)} 至 ${w.n(to)}` : `${w.n(from)} to ${w.n(to)}`;
}

function bandSays(p: Params, w: Words, docs: Readonly<Record<string, unknown>>): string | undefined {
  const said = BAND_SAYS[String(p.reason)]?.[w.lang](p, w, docs);
  if (said === undefined || p.low === undefined) return said;
  return w.lang === 'zh' ? `${said}。问卷总分可能为 ${w.n(p.low)} 至 ${w.n(p.high)}` : `${said}. The questions allow totals from ${w.n(p.low)} to ${w.n(p.high)}`;
}

const REFERENCE_SAYS: Readonly<Record<string, SaidWith>> = {
  notDeclared: { zh: (p, w, d) => notDeclared(p, d, w), en: (p, w, d) => notDeclared(p, d, w) },
  notDateFact: {
    zh: (p, w) => `${w.q(p.value)} 不是已声明的日期事实(给出该日期时为 true 的是/否事实);已声明:${w.list(p.known)}`,
    en: (p, w) => `${w.q(p.value)} is not a declared date fact (a yes/no fact, true when that date is given); declared: ${w.list(p.known)}`,
  },
  notReadDate: { zh: (p, w) => `回访决策不读取日期 ${w.q(p.value)};可用:${w.list(p.known)}`, en: (p, w) => `the callbacks decision reads no date ${w.q(p.value)}; it reads ${w.list(p.known)}` },
  noCalendar: {
    zh: (p, w, d) => `${w.q(kindTitle(p.value, d, w.lang))} 文件中没有工作日日历;请填写含有日历的类别`,
    en: (p, w, d) => `the ${kindTitle(p.value, d, w.lang)} document holds no working-day calendar; name the kind whose document has one`,
  },
  noCalendarDocument: {
    zh: (p, w) => `本制度中没有有效的 ${w.q(p.value)} 文件来提供工作日日历`,
    en: (p, w) => `no valid ${w.q(p.value)} document in this policy set holds the working-day calendar`,
  },
  noEntry: {
    zh: (p, w, d) => `${w.q(kindTitle(p.of, d, w.lang))} 的客户等级 ${w.q(p.value)} 在 matching 中没有对应条目`,
    en: (p, w, d) => `client level ${w.q(p.value)} of the ${kindTitle(p.of, d, w.lang)} policy has no entry under matching`,
  },
  listedTwice: { zh: (p, w) => `服务 ${w.q(p.value)} 在套餐 ${w.id(p.id)} 中列了两次`, en: (p, w) => `service ${w.q(p.value)} is listed twice in package ${w.id(p.id)}` },
  nameTaken: {
    zh: (p, w) => `${w.q(p.value)} 已是产品类型 ${w.id(p.other)} 的名称;一个名称只能对应一种类型`,
    en: (p, w) => `${w.q(p.value)} already names product type ${w.id(p.other)}; a name must resolve to one type`,
  },
};

const CALENDAR_SAYS: Readonly<Record<string, Said>> = {
  calendarEndsBeforeStart: { zh: (p) => `日历的结束日 ${String(p.to)} 早于开始日 ${String(p.from)}`, en: (p) => `the calendar ends (${String(p.to)}) before it starts (${String(p.from)})` },
  holidayEndsBeforeStart: { zh: (p, w) => `假期 ${w.id(p.id)} 的结束日 ${String(p.to)} 早于开始日 ${String(p.from)}`, en: (p, w) => `holiday ${w.id(p.id)} ends (${String(p.to)}) before it starts (${String(p.from)})` },
  holidayOutside: {
    zh: (p, w) => `假期 ${w.id(p.id)}(${String(p.from)} 至 ${String(p.to)})超出日历范围(${String(p.calendarFrom)} 至 ${String(p.calendarTo)})`,
    en: (p, w) => `holiday ${w.id(p.id)} (${String(p.from)} to ${String(p.to)}) lies outside the calendar (${String(p.calendarFrom)} to ${String(p.calendarTo)})`,
  },
  holidayOverlap: {
    zh: (p, w) => `假期 ${w.id(p.id)} 从 ${String(p.from)} 开始,落在假期 ${w.id(p.other)}(${String(p.otherFrom)} 至 ${String(p.otherTo)})之内`,
    en: (p, w) => `holiday ${w.id(p.id)} starts on ${String(p.from)}, inside holiday ${w.id(p.other)} (${String(p.otherFrom)} to ${String(p.otherTo)})`,
  },
  makeUpOutside: {
    zh: (p) => `调休上班日 ${String(p.day)} 超出日历范围(${String(p.calendarFrom)} 至 ${String(p.calendarTo)})`,
    en: (p) => `make-up working day ${String(p.day)} lies outside the calendar (${String(p.calendarFrom)} to ${String(p.calendarTo)})`,
  },
  makeUpWeekday: { zh: (p) => `调休上班日 ${String(p.day)} 本来就是工作日;只有周六或周日才能调为上班日`, en: (p) => `make-up working day ${String(p.day)} is already a weekday; only a Saturday or Sunday can be made a working day` },
  makeUpInHoliday: { zh: (p, w) => `调休上班日 ${String(p.day)} 落在假期 ${w.id(p.other)} 之内`, en: (p, w) => `make-up working day ${String(p.day)} falls inside holiday ${w.id(p.other)}` },
};

const CONDITION_SAYS: Readonly<Record<string, Said>> = {
  notACondition: { zh: () => '条件须为映射:{all}、{any}、{not} 或 {fact, operator, value}', en: () => 'a condition is a mapping: {all}, {any}, {not} or {fact, operator, value}' },
  operatorType: {
    zh: (p, w) => `运算符 ${w.q(p.operator)} 不适用于${factType(p.type, w)}类型的事实 ${w.q(p.fact)}`,
    en: (p, w) => `operator ${w.q(p.operator)} does not apply to the ${factType(p.type, w)} fact ${w.q(p.fact)}`,
  },
  factType: {
    zh: (p, w) => `事实 ${w.q(p.fact)} 的类型是${factType(p.type, w)},而这里声明为${factType(p.declared, w)}`,
    en: (p, w) => `fact ${w.q(p.fact)} is a ${factType(p.type, w)}, not a ${factType(p.declared, w)}`,
  },
  needsType: {
    zh: (p, w) => `运算符 ${w.q(p.operator)} 用于事实 ${w.q(p.fact)} 时,取值须为${factType(p.type, w)}`,
    en: (p, w) => `operator ${w.q(p.operator)} on fact ${w.q(p.fact)} needs a ${factType(p.type, w)} value`,
  },
  needsList: {
    zh: (p, w) => `运算符 ${w.q(p.operator)} 用于事实 ${w.q(p.fact)} 时,取值须为非空的${factType(p.type, w)}列表`,
    en: (p, w) => `operator ${w.q(p.operator)} on fact ${w.q(p.fact)} needs a non-empty list of ${factType(p.type, w)} values`,
  },
};

const TEST_SAYS: Readonly<Record<string, Said>> = {
  nameTaken: { zh: (p, w) => `已有名为 ${w.q(p.value)} 的测试用例`, en: (p, w) => `another test case is already named ${w.q(p.value)}` },
  noDecision: { zh: (p, w) => `没有名为 ${w.q(p.value)} 的决策;可用:${w.list(p.known)}`, en: (p, w) => `there is no decision ${w.q(p.value)}; decisions: ${w.list(p.known)}` },
};

const bands = (_p: ProblemFacts, params: Params, docs: Readonly<Record<string, unknown>>, w: Words): string | undefined => bandSays(params, w, docs);

/** Said from a code and its params, with the problem's place in head office's words where a template names it. */
const CODE_SAYS: Readonly<Record<string, (p: ProblemFacts, params: Params, docs: Readonly<Record<string, unknown>>, w: Words) => string | undefined>> = {
  SCHEMA_VIOLATION: (_p, params, _docs, w) => schemaSays(w.lang, params),
  OVERRIDE_OUT_OF_BOUNDS: (p, params, docs, w) => outOfBounds(p, params, docs, w),
  BOUND_INVALID: (_p, params, _docs, w) => BOUND_INVALID_SAYS[String(params.reason)]?.[w.lang](params, w),
  BOUND_PATH_UNKNOWN: (_p, params, _docs, w) => BOUND_INVALID_SAYS[String(params.reason)]?.[w.lang](params, w),
  OVERRIDE_KIND_UNKNOWN: (_p, params, docs, w) => {
    const known = w.list(params.known, (k) => `${kindTitle(k, docs, w.lang)}(${String(k)})`);
    return w.lang === 'zh' ? `没有 ${w.q(params.value)} 这一制度类别;可调整的类别:${known}` : `there is no policy kind ${w.q(params.value)}; kinds: ${known}`;
  },
  OVERRIDE_BASE_CHANGED: (_p, params, _docs, w) => {
    const where = params.revision === undefined ? (w.lang === 'zh' ? '在本次发布中' : 'in this publish') : (w.lang === 'zh' ? `在版本 ${w.n(params.revision)} 中` : `in revision ${w.n(params.revision)}`);
    return w.lang === 'zh'
      ? `总部${where}修改了此项,而本调整是基于版本 ${w.n(params.baseRevision)} 写的;请基于新版本重新提交`
      : `head office changed this ${where}, and the override was written against revision ${w.n(params.baseRevision)}; propose it again on the new revision`;
  },
  FILE_TOO_LARGE: (_p, params, _docs, w) => (w.lang === 'zh' ? `文件有 ${w.n(params.size)} 字节,最多只能 ${w.n(params.limit)} 字节` : `the file is ${w.n(params.size)} bytes; at most ${w.n(params.limit)} are accepted`),
  INVALID_UTF8: (_p, params, _docs, w) => (w.lang === 'zh'
    ? `第 ${w.n(Number(params.offset) + 1)} 个字节不是有效的 UTF-8;请以 UTF-8 编码保存文件`
    : `byte ${w.n(Number(params.offset) + 1)} is not valid UTF-8; save the file as UTF-8`),
  YAML_FORBIDDEN_KEY: (_p, params, _docs, w) => (w.lang === 'zh' ? `制度文件中不能使用键 ${w.q(params.value)}` : `the key ${w.q(params.value)} is not allowed in a policy document`),
  YAML_ALIAS_LIMIT: (_p, params, _docs, w) => (w.lang === 'zh' ? `别名展开后超过 ${w.n(params.limit)} 个节点;请直接写出取值` : `aliases expand past ${w.n(params.limit)} nodes; write the values out instead`),
  TIER_ORDER: bands,
  TIER_GAP: bands,
  TIER_OVERLAP: bands,
  TIER_COVERAGE: bands,
  SCORE_BAND_COVERAGE: bands,
  CLASS_UNDECLARED: (_p, params, docs, w) => notDeclared(params, docs, w),
  LEVEL_UNDECLARED: (_p, params, docs, w) => notDeclared(params, docs, w),
  REFERENCE_UNRESOLVED: (_p, params, docs, w) => REFERENCE_SAYS[String(params.reason)]?.[w.lang](params, w, docs),
  CLASS_UNREACHABLE: (_p, params, _docs, w) => (w.lang === 'zh' ? `${w.id(params.id)} 已定义,但没有任何规则或单元格会得出它` : `${w.id(params.id)} is declared but nothing leads to it`),
  PACKAGE_MISSING: (_p, params, _docs, w) => (w.lang === 'zh' ? `类别 ${w.id(params.id)} 没有服务套餐;请在服务套餐制度中把它加入某个套餐` : `class ${w.id(params.id)} has no service package; add it to a package in service-package`),
  CLASS_DUPLICATE_PACKAGE: (_p, params, _docs, w) => (w.lang === 'zh'
    ? `类别 ${w.id(params.id)} 已由套餐 ${w.id(params.other)} 服务;每个类别只能有一个套餐`
    : `class ${w.id(params.id)} is already served by package ${w.id(params.other)}; a class has exactly one package`),
  OPTION_UNSCORED: (_p, params, _docs, w) => (w.lang === 'zh'
    ? `第 ${String(params.question)} 题的选项 ${String(params.option)} 没有分数;每个选项都须有分数`
    : `option ${String(params.option)} of question ${String(params.question)} has no score; every option needs one`),
  SUITABILITY_NOT_MONOTONIC: (_p, params, _docs, w) => {
    // Client levels and product levels share ids here (medium, high): name them by id, not by one catalogue's label.
    const lost = Array.isArray(params.lost) ? params.lost.filter(isRecord) : [];
    const what = lost.map((l) => (w.lang === 'zh' ? `${w.q(l.level)}(等级 ${w.q(l.by)} 可以)` : `${w.q(l.level)} (allowed to ${w.q(l.by)})`)).join(w.lang === 'zh' ? '、' : ', ');
    return w.lang === 'zh'
      ? `客户等级 ${w.q(params.id)} 不允许 ${what};较高的客户等级允许的产品等级至少要与较低的相同`
      : `client level ${w.q(params.id)} does not allow ${what}; a higher client level must allow at least what a lower one does`;
  },
  WEIGHTS_SUM: (_p, params, _docs, w) => (w.lang === 'zh' ? `各指标权重合计为 ${w.n(params.sum)},须为 ${w.n(params.total)}` : `the indicator weights add up to ${w.n(params.sum)}; they must add up to ${w.n(params.total)}`),
  THRESHOLD_NOT_INCREASING: (_p, params, _docs, w) => (w.lang === 'zh'
    ? `${w.id(params.id)} 的 ${String(params.metric)} 门槛 ${w.n(params.value)} 不高于较低一级 ${w.id(params.other)} 的 ${w.n(params.otherValue)};门槛须逐级提高`
    : `${w.id(params.id)} needs ${String(params.metric)} ${w.n(params.value)}, not above the lower tier ${w.id(params.other)} (${w.n(params.otherValue)}); thresholds must strictly increase`),
  RULE_UNREACHABLE: (_p, params, _docs, w) => (w.lang === 'zh'
    ? `规则 ${w.id(params.id)} 排在无条件规则 ${w.id(params.other)} 之后,永远不会生效;请把 ${w.id(params.other)} 移到最后`
    : `rule ${w.id(params.id)} comes after ${w.id(params.other)}, which has no condition and always applies; move ${w.id(params.other)} last`),
  CALENDAR_INVALID: (_p, params, _docs, w) => CALENDAR_SAYS[String(params.reason)]?.[w.lang](params, w),
  CONDITION_FACT_UNKNOWN: (_p, params, _docs, w) => (params.reason === 'notSupplied'
    ? (w.lang === 'zh' ? `决策不提供事实 ${w.q(params.value)};可用:${w.list(params.known)}` : `the decision does not supply the fact ${w.q(params.value)}; it supplies ${w.list(params.known)}`)
    : (w.lang === 'zh' ? `事实 ${w.q(params.value)} 未声明;已声明:${w.list(params.known)}` : `the fact ${w.q(params.value)} is not declared; declared: ${w.list(params.known)}`)),
  CONDITION_OPERATOR_UNKNOWN: (_p, params, _docs, w) => (w.lang === 'zh' ? `未知的运算符 ${w.q(params.value)};可用:${w.list(params.known)}` : `unknown operator ${w.q(params.value)}; known: ${w.list(params.known)}`),
  CONDITION_VALUE_TYPE: (_p, params, docs, w) => (params.reason === 'notDeclared' ? notDeclared(params, docs, w) : CONDITION_SAYS[String(params.reason)]?.[w.lang](params, w)),
  TEST_INVALID: (_p, params, _docs, w) => TEST_SAYS[String(params.reason)]?.[w.lang](params, w),
  KIND_UNKNOWN: (_p, params, _docs, w) => {
    if (params.reason === 'sentAs') return w.lang === 'zh' ? `作为 ${w.q(params.sentAs)} 发送,但文件声明的类别是 ${w.q(params.value)}` : `sent as ${w.q(params.sentAs)} but declares kind ${w.q(params.value)}`;
    return w.lang === 'zh'
      ? `kind 须为以下之一:${w.list(params.known)}${params.value === undefined ? '' : `;这里写的是 ${w.q(params.value)}`}`
      : `kind must be one of ${w.list(params.known)}${params.value === undefined ? '' : `; found ${w.q(params.value)}`}`;
  },
  KIND_DUPLICATE: (_p, params, _docs, w) => (w.lang === 'zh' ? `类别 ${w.q(params.value)} 已由 ${String(params.other)} 给出` : `kind ${w.q(params.value)} is already given by ${String(params.other)}`),
  KIND_MISSING: (_p, params, docs, w) => (w.lang === 'zh' ? `制度缺少 ${w.q(kindTitle(params.value, docs, w.lang))}(${String(params.value)})文件` : `the policy set has no ${kindTitle(params.value, docs, w.lang)} (${String(params.value)}) document`),
};

/**
 * A policy problem's detail in `lang`, from its code and params (docs: the policy in force, for
 * head office's labels). The server's English message when no template fits.
 */
export function problemDetail(lang: Lang, p: ProblemFacts, docs: Readonly<Record<string, unknown>> = {}): string {
  return translatedDetail(lang, p, docs) ?? p.message;
}

/** Chinese sets no space between a 「name」 and the words around it (the templates space numbers only); an English detail is a sentence. */
function tidy(lang: Lang, text: string): string {
  return lang === 'zh' ? text.replace(/ ?(「[^」]*」) ?/g, '$1') : text.charAt(0).toUpperCase() + text.slice(1);
}

/** The detail in `lang` if a template fits this problem, else undefined. */
export function translatedDetail(lang: Lang, p: ProblemFacts, docs: Readonly<Record<string, unknown>> = {}): string | undefined {
  const said = sayProblem(lang, p, docs);
  return said === undefined ? undefined : tidy(lang, said);
}

function sayProblem(lang: Lang, p: ProblemFacts, docs: Readonly<Record<string, unknown>>): string | undefined {
  const fixed = FIXED_SAYS[p.code];
  if (fixed) return fixed[lang];
  const params = p.params;
  if (!isRecord(params)) return undefined;
  const w = new Words(lang, p.kind !== undefined && docs[p.kind] !== undefined ? idLabels(docs[p.kind]) : undefined);
  if (p.code === 'YAML_SYNTAX') return typeof params.yaml === 'string' ? YAML_SAYS[params.yaml]?.[lang] : undefined;
  return CODE_SAYS[p.code]?.(p, params, docs, w);
}

// ── Decision inputs (BAD_INPUT details) ──

const QUESTION_SAYS: Readonly<Record<string, Said>> = {
  unanswered: { zh: () => '未作答', en: () => 'is not answered' },
  empty: { zh: () => '未选择任何选项', en: () => 'has no option chosen' },
  singleChoice: { zh: (p, w) => `是单选题,只能选一个选项,而这里选了 ${w.n(p.count)} 个`, en: (p, w) => `is single choice: choose one option, not ${w.n(p.count)}` },
  unknownOption: { zh: (p, w) => `没有选项 ${w.q(p.value)}(可选:${w.list(p.known)})`, en: (p, w) => `has no option ${w.q(p.value)} (options: ${w.list(p.known)})` },
};

/** What the engine's own checks of an input say (not the schema's): by reason, from the facts sent. */
const INPUT_SAYS: Readonly<Record<string, Said>> = {
  notDeclared: { zh: (p, w) => `${w.q(p.value)} 不是可选的值(可选:${w.list(p.known)})`, en: (p, w) => `${w.q(p.value)} is not one of ${w.list(p.known)}` },
  notInCatalogue: {
    zh: (p, w) => `${w.q(p.value)} 不在目录中(可选:${w.list(p.known, (e) => (isRecord(e) && isLabel(e.label) ? `${localise(e.label, 'zh')}(${String(e.id)})` : String(e)))})`,
    en: (p, w) => `${w.q(p.value)} is not in the catalogue (${w.list(p.known, (e) => (isRecord(e) && isLabel(e.label) ? `${String(e.id)} (${localise(e.label, 'en')})` : String(e)))})`,
  },
  turnoverRequired: { zh: () => '须填写资产周转率(或同时填写交易量与日均资产以推算)', en: () => 'is required (or give both tradingVolume and averageAssets to derive it)' },
  turnoverNotFinite: { zh: () => '日均资产太小,由交易量算出的周转率不是有限的数', en: () => 'is too small for tradingVolume: the turnover they give is not a finite number' },
  classRequired: { zh: () => '须填写客户类别(或填写资产与周转率,由客户分类得出)', en: () => 'is required (or give the classification inputs: assets and turnover)' },
  noRule: {
    zh: (p, w) => (p.value === undefined ? '制度中没有适用于此输入的规则' : `制度中没有覆盖 ${w.v(p.value)} 的规则`),
    en: (p, w) => (p.value === undefined ? 'no rule of the policy applies to this input' : `no rule of the policy covers ${w.v(p.value)}`),
  },
  outsideCalendar: {
    zh: (p) => `${String(p.value)} 超出工作日日历的范围(${String(p.from)} 至 ${String(p.to)});须由总部先发布该年的节假日`,
    en: (p) => `${String(p.value)} lies outside the working-day calendar (${String(p.from)} to ${String(p.to)}); head office must publish that year's holidays first`,
  },
  tooMany: { zh: (p, w) => `最多延长 ${w.n(p.limit)} 天,这里填了 ${w.n(p.value)} 天`, en: (p, w) => `an extension adds at most ${w.n(p.limit)} days; ${w.n(p.value)} were given` },
  tooLate: { zh: () => '日期太晚:评估的有效期将超过 9999-12-31', en: () => 'is too late: the assessment would hold until after 9999-12-31' },
  afterToday: { zh: (p) => `评估日期 ${String(p.value)} 晚于决策日期 ${String(p.today)}`, en: (p) => `${String(p.value)} is after the decision date ${String(p.today)}` },
  both: { zh: () => '指标得分与问卷答案只能填写其一', en: () => 'give either scores or survey answers, not both' },
  scoresRequired: { zh: (p, w) => `须填写各指标得分(或问卷答案):${w.list(p.known)}`, en: (p, w) => `is required (or give survey answers): one entry per indicator (${w.list(p.known)})` },
  twice: { zh: (p, w) => `指标 ${w.q(p.value)} 填写了两次`, en: (p, w) => `indicator ${w.q(p.value)} is given twice` },
  notOnScale: { zh: (p, w) => `${w.q(p.value)} 不是量表上的答案(可选:${w.list(p.known)})`, en: (p, w) => `${w.q(p.value)} is not an answer on the scale (${w.list(p.known)})` },
  indicatorRequired: { zh: (p, w) => `每个指标都须有得分,缺少 ${w.v(p.label)}`, en: (p, w) => `every indicator is scored; ${w.v(p.label)} is missing` },
};

function questionSays(params: Params, w: Words): string | undefined {
  if (params.reason === 'noQuestion') {
    return w.lang === 'zh' ? `问卷中没有第 ${String(params.question)} 题(题号:${w.list(params.known, String)})` : `there is no question ${String(params.question)} (questions: ${w.list(params.known, String)})`;
  }
  const said = QUESTION_SAYS[String(params.reason)];
  if (!said) return undefined;
  const text = isLabel(params.text) ? localise(params.text, w.lang) : undefined;
  const which = w.lang === 'zh' ? `第 ${String(params.question)} 题${text ? `「${text}」` : ''}` : `Question ${String(params.question)}${text ? ` (“${text}”)` : ''}`;
  return `${which}${w.lang === 'zh' ? '' : ' '}${said[w.lang](params, w)}`;
}

/**
 * One BAD_INPUT detail in `lang`: a questionnaire answer by its question's number and text, a
 * schema problem by the field's own label (`fieldName`, e.g. the console form's), else the
 * server's message after the field.
 */
export function inputDetail(lang: Lang, d: InputFacts, fieldName: (field: string) => string = (f) => f || (lang === 'zh' ? '输入' : 'input')): string {
  return tidy(lang, inputSaid(lang, d, fieldName));
}

function inputSaid(lang: Lang, d: InputFacts, fieldName: (field: string) => string): string {
  const w = new Words(lang);
  const params = isRecord(d.params) ? d.params : undefined;
  const sep = lang === 'zh' ? ':' : ': ';
  if (params && typeof params.reason === 'string' && 'question' in params) {
    const said = questionSays(params, w);
    if (said) return said;
  }
  if (params && typeof params.reason === 'string' && INPUT_SAYS[params.reason]) {
    const said = INPUT_SAYS[params.reason]![lang](params, w);
    return d.field === '' ? said : `${fieldName(d.field)}${sep}${said}`;
  }
  if (params && typeof params.keyword === 'string') {
    const name = fieldName(d.field);
    if (params.keyword === 'required') return lang === 'zh' ? `${name}${sep}必须填写` : `${name}${sep}is required`;
    if (params.keyword === 'additionalProperties') return lang === 'zh' ? `${w.q(params.additionalProperty)} 不是可以填写的项` : `${w.q(params.additionalProperty)} is not a known field`;
    const said = schemaSays(lang, params);
    if (said) return `${name}${sep}${said}`;
  }
  return `${fieldName(d.field)}${sep}${d.message}`;
}

/** Reads `details` of a BAD_INPUT into input facts (entries without a field are dropped). */
export function inputFactsFrom(details: unknown): InputFacts[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d): InputFacts[] => {
    if (!isRecord(d) || typeof d.field !== 'string') return [];
    return [{ field: d.field, message: typeof d.message === 'string' ? d.message : '', ...(isRecord(d.params) ? { params: d.params as DiagnosticParams } : {}) }];
  });
}
