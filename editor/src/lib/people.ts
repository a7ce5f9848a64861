// People, not token ids: who an actor string names. The server records whoever acted as
// `token:3 (张三)` (a token and its holder's name), `cli:root` (the command line, as that OS user)
// or `system` (the server itself, e.g. the first-start revision). The reader sees the person's name
// first and the token's number after it, muted; the token list (head office and auditors may read
// it) names holders the string leaves unnamed and says which tokens are revoked.
import type { MessageKey } from './i18n.ts';
import type { Role } from './roles.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export type ActorKind = 'token' | 'cli' | 'system' | 'other';

export interface Actor {
  kind: ActorKind;
  /** The string as recorded. */
  raw: string;
  tokenId?: number;
  /** The holder's name as recorded with the token id, or the OS user for the command line. */
  name?: string;
}

/** What the token list (GET /v1/tokens) says of a token that names its holder. */
export interface TokenHolder { id: number; name: string; role: Role; branch?: string; revokedAt?: string }

/** Token ids to what the token list says of them. */
export type Directory = ReadonlyMap<number, TokenHolder>;

export function directoryOf(tokens: readonly TokenHolder[]): Directory {
  return new Map(tokens.map((tk) => [tk.id, tk]));
}

// The name runs to the last parenthesis: a name may hold parentheses of its own.
const TOKEN_ACTOR = /^token:(\d+)(?: \((.*)\))?$/s;
const CLI_ACTOR = /^cli(?::(.+))?$/s;

export function parseActor(raw: string): Actor {
  const token = TOKEN_ACTOR.exec(raw);
  if (token) return { kind: 'token', raw, tokenId: Number(token[1]), ...(token[2] ? { name: token[2] } : {}) };
  const cli = CLI_ACTOR.exec(raw);
  if (cli) return { kind: 'cli', raw, ...(cli[1] ? { name: cli[1] } : {}) };
  if (raw === 'system') return { kind: 'system', raw };
  return { kind: 'other', raw };
}

export interface PersonText {
  /** What the reader looks for: the person's or system's name. */
  name: string;
  /** The id behind it, shown muted: "令牌 #3", "命令行"; empty when the name says it all. */
  id: string;
  /** Everything known, for a tooltip: the raw string, role, branch, revoked. */
  title: string;
  revoked: boolean;
  tokenId?: number;
}

/**
 * An actor in words. A token's holder comes from the recorded string, else from the token list;
 * a token no one named reads as its number. The role (and branch) and whether the token has been
 * revoked come from the list when the reader may see it.
 */
export function personText(raw: string, t: Words, directory?: Directory): PersonText {
  const actor = parseActor(raw);
  switch (actor.kind) {
    case 'token': {
      const known = directory?.get(actor.tokenId!);
      const tokenWord = t('people.token', { id: actor.tokenId! });
      const name = actor.name ?? (known?.name ? known.name : undefined);
      const revoked = known?.revokedAt !== undefined;
      const role = known ? t(`role.${known.role}` as MessageKey) + (known.branch ? ` ${known.branch}` : '') : '';
      const id = [name ? tokenWord : '', revoked ? t('people.revoked') : ''].filter(Boolean).join(' · ');
      return { name: name ?? tokenWord, id, title: [raw, role, revoked ? t('people.revoked') : ''].filter(Boolean).join(' · '), revoked, tokenId: actor.tokenId! };
    }
    case 'cli':
      return actor.name
        ? { name: actor.name, id: t('people.cli'), title: raw, revoked: false }
        : { name: t('people.cli'), id: '', title: raw, revoked: false };
    case 'system':
      return { name: t('people.system'), id: '', title: raw, revoked: false };
    case 'other':
      return { name: raw, id: '', title: raw, revoked: false };
  }
}

/** One line of plain text, for sentences and dialogs: "张三(令牌 #3)". */
export function personLine(p: PersonText, t: Words): string {
  return p.id ? t('people.line', { name: p.name, id: p.id }) : p.name;
}
