// Records: one decision record by id, and the audit trail filtered by branch and action.
// Head office, auditors and systems read every decision record; a branch reads those that
// named it. The audit trail is for head office and auditors; a branch sees its own entries.
// Head office and auditors also get the store's integrity: a checkpoint of the trail's head
// (signed with the integrity key when the server has it) to keep elsewhere, and a check of
// everything the store holds.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AUDIT_ACTIONS, type AuditEntry, type AuditFilter } from '../../store/audit.ts';
import { CHECKPOINT_FORMAT } from '../../store/checkpoint.ts';
import { actFor, principalOf } from '../auth.ts';
import { instantOf, notFound, type ServerContext } from '../context.ts';
import { branchCode, instant, ref, withErrors } from '../schemas.ts';

/** The most entries one request gets. */
const PAGE = 1000;

interface AuditQuery { branch?: string; action?: string; from?: string; to?: string; q?: string; after?: number; limit?: number }

const auditFilters = {
  branch: branchCode,
  action: { type: 'string', enum: [...AUDIT_ACTIONS] },
  from: { description: '自此时刻起(含)。Entries at or after this instant.', type: 'string', format: 'date-time' },
  to: { description: '至此时刻前(不含)。Entries before this instant.', type: 'string', format: 'date-time' },
  q: { description: '在操作人、对象、动作和摘要中查找的文字(不区分大小写)。Text to find in the actor, subject, action or summary (case-insensitive).', type: 'string', minLength: 1, maxLength: 200 },
} as const;

/** The filter a request asks for; a branch token reads its own branch's entries only. */
function auditFilter(request: FastifyRequest<{ Querystring: AuditQuery }>): AuditFilter {
  const branch = actFor(principalOf(request), request.query.branch);
  const { action, q } = request.query;
  const from = instantOf(request.query.from, 'from');
  const to = instantOf(request.query.to, 'to');
  return { ...(branch !== undefined ? { branch } : {}), ...(action !== undefined ? { action } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(q !== undefined ? { text: q } : {}) };
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ is quoted too, so a spreadsheet never runs it as a formula. */
export function csvField(value: string): string {
  return /[",\r\n]|^[=+\-@\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const CSV_COLUMNS = ['seq', 'at', 'actor', 'action', 'subject', 'branch', 'summary', 'hash'];

function csvLine(e: AuditEntry): string {
  const branch = typeof e.summary.branch === 'string' ? e.summary.branch : '';
  return [String(e.seq), e.at.toISOString(), e.actor, e.action, e.subject, branch, JSON.stringify(e.summary), e.hash].map(csvField).join(',') + '\r\n';
}

const INTEGRITY_READERS = { roles: ['head-office', 'auditor'] as const } as const;

const checkpointSchema = {
  description: '审计链头的检查点,供存于数据库之外。The audit trail\'s head, to keep outside the database; `zhidu audit verify --against FILE` checks the trail against it.',
  type: 'object', required: ['format', 'seq', 'hash', 'at'],
  properties: {
    format: { const: CHECKPOINT_FORMAT }, seq: { type: 'integer', minimum: 0 }, hash: { type: 'string' }, at: instant,
    signature: {
      description: 'Ed25519 signature over the canonical JSON of format, seq, hash and at; present when the server has the integrity key.',
      type: 'object', required: ['alg', 'keyId', 'publicKey', 'value'],
      properties: { alg: { const: 'Ed25519' }, keyId: { type: 'string' }, publicKey: { type: 'string' }, value: { type: 'string' } },
    },
  },
};

const problemSchema = {
  type: 'object', required: ['kind', 'id', 'problem', 'message'],
  properties: {
    kind: { type: 'string', enum: ['revision', 'override', 'token', 'decision', 'audit', 'checkpoint'] },
    id: { type: ['integer', 'string'] },
    problem: { type: 'string', enum: ['content', 'unsealed', 'anchor', 'missing', 'chain', 'truncated', 'rewritten', 'signature'] },
    field: { type: 'string' },
    message: { type: 'string' },
  },
};

const countsSchema = {
  type: 'object',
  properties: Object.fromEntries(['revisions', 'overrides', 'tokens', 'decisions', 'auditEntries'].map((k) => [k, { type: 'integer' }])),
};

const reportSchema = {
  type: 'object', required: ['ok', 'chain', 'checked', 'legacy', 'unchecked', 'problems', 'more'],
  properties: {
    ok: { type: 'boolean' },
    chain: {
      type: 'object', required: ['ok', 'entries'],
      properties: {
        ok: { type: 'boolean' }, entries: { type: 'integer' }, seq: { type: 'integer' }, problem: { type: 'string' }, message: { type: 'string' },
        head: { type: 'object', properties: { seq: { type: 'integer' }, hash: { type: 'string' } } },
      },
    },
    checked: countsSchema,
    legacy: { description: 'Rows without a seal (written before sealing existed), accepted until `zhidu store seal`.', type: 'integer' },
    unchecked: { description: 'Rows sealed with an integrity key this server does not have: not checked.', type: 'integer' },
    keyId: { description: 'The integrity key seals were checked with, if the server has one.', type: 'string' },
    problems: { type: 'array', items: problemSchema },
    more: { description: 'Problems found beyond those listed.', type: 'integer' },
  },
};

export async function recordRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/v1/decisions/:id', {
    config: { access: { roles: ['head-office', 'auditor', 'system', 'branch'] } },
    schema: {
      tags: ['records'], summary: 'One recorded decision', security: [{ bearer: [] }],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: withErrors({
        200: {
          type: 'object', required: ['decisionId', 'decision', 'input', 'output', 'revision', 'at', 'caller'],
          properties: {
            decisionId: { type: 'string' }, decision: { type: 'string' }, input: {}, output: { type: 'object' }, trace: { type: 'array' },
            revision: { type: 'object', properties: { id: { type: 'integer' }, hash: { type: 'string' } } },
            override: { type: 'object', properties: { id: { type: 'integer' } } },
            branch: branchCode, at: instant, caller: { type: 'string' }, requestId: { type: 'string' },
          },
        },
      }, 404),
    },
  }, async (request) => {
    const r = await ctx.store.decisions.get(request.params.id);
    const principal = principalOf(request);
    // A branch learns nothing about other branches' records, not even that they exist.
    if (!r || (principal.role === 'branch' && r.branch !== principal.branch)) throw notFound(`recorded decision ${request.params.id}`);
    return {
      decisionId: r.decisionId, decision: r.decision, input: r.input, output: r.output, ...(r.trace !== undefined ? { trace: r.trace } : {}),
      revision: { id: r.revisionId, hash: r.revisionHash }, ...(r.overrideId !== undefined ? { override: { id: r.overrideId } } : {}),
      ...(r.branch !== undefined ? { branch: r.branch } : {}), at: r.at, caller: r.caller, ...(r.requestId !== undefined ? { requestId: r.requestId } : {}),
    };
  });

  app.get<{ Querystring: AuditQuery }>('/v1/audit', {
    config: { access: { roles: ['head-office', 'auditor', 'branch'] } },
    schema: {
      tags: ['records'], summary: 'The audit trail: every publish, proposal step, approval and token change', security: [{ bearer: [] }],
      description: 'Oldest first. Page with `after` (the last `seq` seen). `branch` keeps the entries about that branch (proposals, its tokens); `from`/`to` a time range; `q` text anywhere in an entry.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...auditFilters, after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: PAGE } },
      },
      response: withErrors({ 200: { type: 'array', items: ref('api/audit-entry.json') } }),
    },
  }, async (request) => {
    // Filtered in the store (indexed by action and by branch).
    return ctx.store.audit.list({ ...auditFilter(request), afterSeq: request.query.after ?? 0, limit: request.query.limit ?? 100 });
  });

  app.get<{ Querystring: AuditQuery }>('/v1/audit/export', {
    config: { access: { roles: ['head-office', 'auditor', 'branch'] } },
    schema: {
      tags: ['records'], summary: 'The audit trail as CSV (the same filters), every entry they keep', security: [{ bearer: [] }],
      description: 'UTF-8 with a byte-order mark (spreadsheets read the Chinese right), one entry a row: seq, at, actor, action, subject, branch, summary (JSON), hash. Streamed a page at a time.',
      querystring: { type: 'object', additionalProperties: false, properties: auditFilters },
      produces: ['text/csv'],
      response: withErrors({ 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } } }),
    },
  }, async (request, reply) => {
    const filter = auditFilter(request);
    const entries = ctx.store.audit.each(filter);
    async function* rows(): AsyncGenerator<string> {
      yield '\uFEFF' + CSV_COLUMNS.join(',') + '\r\n';
      for await (const e of entries) yield csvLine(e);
    }
    const day = ctx.now().toISOString().slice(0, 10);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="zhidu-audit-${day}.csv"`).send(Readable.from(rows()));
  });

  app.get('/v1/audit/checkpoint', {
    config: { access: INTEGRITY_READERS },
    schema: {
      tags: ['records'], summary: 'A checkpoint of the audit trail\'s head, signed when the server has the integrity key', security: [{ bearer: [] }],
      description: 'Keep it where the database\'s administrators cannot write; a later `zhidu audit verify --against` shows entries removed from the end of the trail, or a chain recomputed, since. 500 STORE_INTEGRITY while the chain is broken: a broken chain is never checkpointed.',
      response: withErrors({ 200: checkpointSchema }, 500),
    },
  }, async () => ctx.store.integrity.checkpoint());

  app.get('/v1/audit/verify', {
    config: { access: INTEGRITY_READERS },
    schema: {
      tags: ['records'], summary: 'Check everything the store holds: the audit chain, revisions, overrides, tokens, decision records', security: [{ bearer: [] }],
      description: 'What `zhidu audit verify` checks, as data: each problem names kind, id and what differs (docs/integrity.md). Reads every decision record: minutes on a large store.',
      response: withErrors({ 200: reportSchema }),
    },
  }, async () => ctx.store.integrity.check());
}
