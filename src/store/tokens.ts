// API tokens: 32 random bytes shown once, kept only as their sha256. A token carries a role
// (and, for the branch role, its branch); revoking one is final. A token row is sealed as it is
// written and checked, with the audit entries of its creation and revocation, whenever it is read
// (seals.ts): a role or branch changed in the database does not authenticate.
import { createHash, randomBytes } from 'node:crypto';
import { badInput, ZhiduError } from '../errors.ts';
import { appendAudit } from './audit.ts';
import { notifyChange } from './changes.ts';
import type { StoreContext } from './context.ts';
import { maybeOne, one, writeTransaction, type Sql } from './db.ts';
import { assertIntact, instantText, sealerOf } from './integrity.ts';
import { checkBranchCode } from './proposals.ts';
import { checkTokens, TOKEN_CHECK_COLUMNS, tokenForm, type TokenCheckRow } from './seals.ts';

export const ROLES = ['head-office', 'branch', 'system', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface TokenInfo {
  readonly id: number;
  readonly role: Role;
  readonly branch?: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly revokedAt?: Date;
  /** Roughly when it last authenticated a request (refreshed about once a minute by each server). */
  readonly lastUsedAt?: Date;
}

/** Who a request comes from, once its token is known. */
export interface Principal {
  readonly tokenId: number;
  readonly role: Role;
  readonly branch?: string;
  readonly name: string;
}

export interface CreateTokenInput { role: Role; branch?: string; name?: string; actor: string }

/** How a principal is named in the audit trail and in proposal steps. */
export function actorOf(p: Principal): string {
  return `token:${p.tokenId}${p.name ? ` (${p.name})` : ''}`;
}

const TOKEN_PREFIX = 'zhidu_';

function hashToken(token: string): string {
  return 'sha256:' + createHash('sha256').update(token, 'utf8').digest('hex');
}

interface TokenRow { id: number; role: Role; branch: string | null; name: string; created_at: Date; created_by: string; revoked_at: Date | null; last_used_at?: Date | null }
type CheckedTokenRow = TokenRow & TokenCheckRow;

const SELECT_TOKENS = `select t.*, ${TOKEN_CHECK_COLUMNS} from tokens t`;

function info(r: TokenRow): TokenInfo {
  return {
    id: r.id, role: r.role, ...(r.branch !== null ? { branch: r.branch } : {}), name: r.name,
    createdAt: r.created_at, createdBy: r.created_by, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  };
}

export function checkTokenInput(input: CreateTokenInput): void {
  if (!isRole(input.role)) throw badInput('role', `"${String(input.role)}" is not one of ${ROLES.join(', ')}.`);
  if (input.role === 'branch' && input.branch === undefined) throw badInput('branch', 'a branch token needs its branch code.');
  if (input.role !== 'branch' && input.branch !== undefined) throw badInput('branch', `only branch tokens are bound to a branch, not ${input.role} tokens.`);
  if (input.branch !== undefined) checkBranchCode(input.branch);
}

export class Tokens {
  constructor(private readonly ctx: StoreContext) {}

  /** Creates a token; the clear token is returned here and never again. */
  async create(input: CreateTokenInput): Promise<{ token: string; info: TokenInfo }> {
    checkTokenInput(input);
    return writeTransaction(this.ctx.db, (tx) => this.createIn(tx, input));
  }

  /** Inside a caller's write transaction (first start creates revision 1 and a token together). */
  async createIn(tx: Sql, input: CreateTokenInput): Promise<{ token: string; info: TokenInfo }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const at = this.ctx.now();
    const sealed = { hash: hashToken(token), role: input.role, branch: input.branch ?? null, name: input.name ?? '', createdAt: instantText(at), createdBy: input.actor };
    const row = await one<TokenRow>(tx,
      `insert into tokens (hash, role, branch, name, created_at, created_by, row_hash) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [sealed.hash, sealed.role, sealed.branch, sealed.name, at, sealed.createdBy, sealerOf(tx).seal(tokenForm(sealed))]);
    await appendAudit(tx, {
      at, actor: input.actor, action: 'token.create', subject: `token:${row.id}`,
      summary: { role: row.role, branch: row.branch, name: row.name },
    });
    return { token, info: info(row) };
  }

  /** Every token; STORE_INTEGRITY when any of them fails its checks. */
  async list(): Promise<TokenInfo[]> {
    const { rows } = await this.ctx.db.query<CheckedTokenRow>(
      `select t.*, ${TOKEN_CHECK_COLUMNS}, u.last_used_at from tokens t left join token_use u on u.token_id = t.id order by t.id`);
    assertIntact((await checkTokens(this.ctx.db, rows)).problems);
    return rows.map(info);
  }

  /** Revokes a token; revoking it again changes nothing and is not audited twice. */
  async revoke(id: number, actor: string): Promise<TokenInfo> {
    const at = this.ctx.now();
    return writeTransaction(this.ctx.db, async (tx) => {
      const row = await maybeOne<TokenRow>(tx, 'update tokens set revoked_at = $2 where id = $1 and revoked_at is null returning *', [id, at]);
      if (!row) {
        const existing = await maybeOne<TokenRow>(tx, 'select * from tokens where id = $1', [id]);
        if (!existing) throw new ZhiduError('NOT_FOUND', `There is no token ${id}.`);
        return info(existing);
      }
      await appendAudit(tx, { at, actor, action: 'token.revoke', subject: `token:${id}`, summary: { role: row.role, branch: row.branch, name: row.name } });
      // Every server on this store forgets the tokens it remembers once this commits.
      await notifyChange(tx, { type: 'token', id });
      return info(row);
    });
  }

  /**
   * The principal a token stands for, or undefined when it is unknown or revoked; STORE_INTEGRITY
   * when its row fails its checks (its role, branch or revocation changed in the database).
   */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await maybeOne<CheckedTokenRow>(this.ctx.db, `${SELECT_TOKENS} where t.hash = $1 and t.revoked_at is null`, [hashToken(token)]);
    if (!row) return undefined;
    assertIntact((await checkTokens(this.ctx.db, [row])).problems);
    return { tokenId: row.id, role: row.role, ...(row.branch !== null ? { branch: row.branch } : {}), name: row.name };
  }

  /** Notes when tokens were last used (the latest instant wins, whichever server says it). */
  async noteUse(uses: ReadonlyMap<number, Date>): Promise<void> {
    if (uses.size === 0) return;
    await this.ctx.db.query(
      `insert into token_use (token_id, last_used_at) select * from unnest($1::int[], $2::timestamptz[])
       on conflict (token_id) do update set last_used_at = greatest(token_use.last_used_at, excluded.last_used_at)`,
      [[...uses.keys()], [...uses.values()]]);
  }

  async hasHeadOfficeToken(sql: Sql = this.ctx.db): Promise<boolean> {
    return (await maybeOne(sql, `select 1 from tokens where role = 'head-office' and revoked_at is null limit 1`)) !== undefined;
  }
}
