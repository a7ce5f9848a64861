// What every screen shares: the signed-in principal, the API client, the language, the bundled
// schemas, the policy in force (parsed, for labels) and who holds which token (for names, where
// the role may read the token list). Screens get it as `app`.
import { parse } from 'yaml';
import { Api, ApiError, type Revision } from './api.ts';
import { errorBox, formatTime, h, type Child } from './dom.ts';
import { pathLabel, type WordsContext } from './lib/effects.ts';
import { effectiveText } from './lib/effective-time.ts';
import { adviceKey, MESSAGES, translate, type MessageKey } from './lib/i18n.ts';
import { localise, titleOf, type Lang } from './lib/labels.ts';
import { directoryOf, personLine, personText, type Directory } from './lib/people.ts';
import { can, type Principal } from './lib/roles.ts';
import { indexSchemas, type JsonSchema } from './lib/schema-ref.ts';
import { DECISION_NAMES, POLICY_KINDS, decisionOfKind } from '../../src/policy/kinds.ts';

const schemaFiles = import.meta.glob('../../schemas/**/*.json', { eager: true, import: 'default' });
export const SCHEMAS: Readonly<Record<string, JsonSchema>> = indexSchemas(schemaFiles);

/** Decisions with an input schema, in the engine's order. */
export const DECISIONS: readonly string[] = DECISION_NAMES.filter((d) => SCHEMAS[`decisions/${d}.input.schema.json`]);

export const KINDS: readonly string[] = POLICY_KINDS;

/** The kind a decision reads its outcome catalogue from (its labels), if it has one. */
export function kindOfDecision(decision: string): string | undefined {
  return POLICY_KINDS.find((k) => decisionOfKind(k) === decision);
}

export { decisionOfKind };

export interface Policy {
  revision: Revision;
  parsed: Record<string, unknown>;
}

/** Parsed documents, in the canonical kind order (the server lists them alphabetically). */
export function parseDocuments(documents: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const kinds = [...KINDS.filter((k) => k in documents), ...Object.keys(documents).filter((k) => !KINDS.includes(k))];
  for (const kind of kinds) {
    const text = documents[kind]!;
    try { out[kind] = parse(text); } catch { out[kind] = undefined; }
  }
  return out;
}

export class App {
  policy: Policy | undefined;
  /** Token holders by token id, for names the actor strings leave out; empty for roles that may not list tokens. */
  directory: Directory = new Map();
  private directoryLoaded = false;
  /** A notice for the next screen drawn (an action's result, kept across the reload it causes). */
  private flash: HTMLElement | undefined;

  constructor(
    readonly api: Api,
    readonly principal: Principal,
    public lang: Lang,
    readonly onLang: (lang: Lang) => void,
    readonly signOut: (message?: string) => void,
  ) {}

  t = (key: MessageKey, params?: Record<string, string | number>): string => translate(this.lang, key, params);

  /** The revision in force (or the newest, before any is in force), parsed; cached until reload. */
  async activePolicy(reload = false): Promise<Policy> {
    if (this.policy && !reload) return this.policy;
    const list = await this.api.revisions();
    const chosen = list.find((r) => r.status === 'active') ?? list[list.length - 1];
    if (!chosen) throw new ApiError(404, 'NOT_FOUND', 'The store holds no revision yet.');
    const revision = await this.api.revision(chosen.id);
    this.policy = { revision, parsed: parseDocuments(revision.documents) };
    return this.policy;
  }

  /**
   * The token list, for names (once; again with `reload`, after issuing or revoking). When it
   * cannot be read the names the actor strings carry still show, and the next screen tries again.
   */
  async loadDirectory(reload = false): Promise<Directory> {
    if (!can(this.principal, 'read-tokens') || (this.directoryLoaded && !reload)) return this.directory;
    try {
      this.directory = directoryOf(await this.api.tokens());
      this.directoryLoaded = true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') throw err;
    }
    return this.directory;
  }

  /** Whoever an actor string names, the name first and the token's number muted after it. */
  person(actor: string): HTMLElement {
    const p = personText(actor, this.t, this.directory);
    return h('span', { class: `person${p.revoked ? ' revoked' : ''}`, title: p.title, 'data-actor': actor },
      h('span', { class: 'person-name' }, p.name), p.id ? h('span', { class: 'muted person-id' }, ` ${p.id}`) : null);
  }

  /** The same as one line of text, for sentences: "张三(令牌 #3)". */
  personLine(actor: string): string {
    return personLine(personText(actor, this.t, this.directory), this.t);
  }

  /** When a revision takes effect: 自始 for revision 1 (the epoch), else the instant. */
  effective(iso: string): string {
    return effectiveText(iso, this.t, (i) => formatTime(i, this.lang));
  }

  /** A kind's title from its own document, e.g. 客户分类. */
  kindTitle(kind: string, parsed?: Record<string, unknown>): string {
    return localise(titleOf((parsed ?? this.policy?.parsed)?.[kind]), this.lang, kind);
  }

  /** A decision's name: the title of the kind it decides by, else its input schema's title. */
  decisionTitle(decision: string): string {
    const kind = kindOfDecision(decision);
    if (kind && this.policy?.parsed[kind]) return this.kindTitle(kind);
    const title = SCHEMAS[`decisions/${decision}.input.schema.json`]?.title;
    if (typeof title !== 'string') return decision;
    const [zh, en] = title.split(/\s+—\s+/);
    const text = (this.lang === 'en' ? en : zh) ?? title;
    return text.replace(/的输入$/, '').replace(/ input$/i, '');
  }

  /** What the pure modules need to put things in words: language, messages, labels, instants. */
  words(docs?: Readonly<Record<string, unknown>>): WordsContext {
    const parsed = docs ?? this.policy?.parsed ?? {};
    return { lang: this.lang, t: this.t, docs: parsed, kindTitle: (k) => this.kindTitle(k, parsed), when: (iso) => formatTime(iso, this.lang) };
  }

  /** An error box whose first line says what to do (for whom: head office and a branch act differently on some). */
  error(err: unknown): HTMLElement {
    return errorBox(err, (api) => {
      if (!api) return { advice: this.t('error.other', { code: 'CLIENT' }), detail: err instanceof Error ? err.message : String(err) };
      const forHeadOffice = `error.${api.code}.head-office` as MessageKey;
      const key = this.principal.role === 'head-office' && forHeadOffice in MESSAGES.zh ? forHeadOffice : adviceKey(api.code);
      return { advice: this.t(key, { code: api.code }), detail: api.message ? this.t('serverSaid', { message: api.message }) : '' };
    }, (d) => this.describeDetail(d));
  }

  /** An error detail in words: a path by head office's label, a proposal or revision as a link. */
  private describeDetail(d: unknown): Child | undefined {
    if (d === null || typeof d !== 'object') return undefined;
    const r = d as Record<string, unknown>;
    if (typeof r.proposal === 'number') return h('a', { href: `#/proposal/${r.proposal}` }, `${this.t('proposal')} #${r.proposal}`);
    if (typeof r.path === 'string') {
      const label = pathLabel(r.path, this.words());
      const revisions = typeof r.baseRevision === 'number' && typeof r.currentRevision === 'number' ? ` — ${this.t('detail.revisions', { base: r.baseRevision, current: r.currentRevision })}` : '';
      return `${label}${revisions}`;
    }
    if (typeof r.kind === 'string' && typeof r.baseRevision === 'number' && typeof r.currentRevision === 'number') {
      return `${this.kindTitle(r.kind)} — ${this.t('detail.revisions', { base: r.baseRevision, current: r.currentRevision })}`;
    }
    return undefined;
  }

  /** Draws the current screen again from the server's data, with a notice on top. */
  reload(notice?: HTMLElement): void {
    this.go(location.hash || '#/', notice);
  }

  /** Opens a screen, with a notice on top (an action's result). */
  go(hash: string, notice?: HTMLElement): void {
    this.flash = notice;
    this.navigate(hash);
  }

  /** The notice a reload left for this screen, once. */
  takeFlash(): HTMLElement | null {
    const f = this.flash ?? null;
    this.flash = undefined;
    return f;
  }

  navigate(hash: string): void {
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = hash;
  }
}
