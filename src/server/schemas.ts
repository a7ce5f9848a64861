// The route schemas' one source of truth: the decision input and output schemas are the files
// under schemas/decisions/ (shared with the engine and the editor), registered with fastify under
// their own `$id` and validated by the repo's ajv registry; the API's own shapes (errors, revisions,
// proposals, records) are declared here once and registered the same way.
import type { FastifyInstance } from 'fastify';
import { loadSchemaFiles, schemaRegistry } from '../policy/schema.ts';

const DECISION_SCHEMAS = /^decisions\//;

/** Every decision input and output schema (and so every schema they refer to), by `$id`. */
function decisionSchemas(): Map<string, Record<string, unknown>> {
  return new Map([...loadSchemaFiles()].filter(([id]) => DECISION_SCHEMAS.test(id)));
}

export function inputSchemaRef(decision: string): { $ref: string } {
  return { $ref: `decisions/${decision}.input.schema.json` };
}

function outputSchemaRef(decision: string): { $ref: string } {
  return { $ref: `decisions/${decision}.output.schema.json` };
}

/** A decision's answer: the shared envelope (api/decision.json) with `output` in that decision's own schema. */
export function decisionAnswer(decision: string): Record<string, unknown> {
  return {
    description: '决策结果;output 的字段见该决策的输出模式(schemas/decisions/)。The answer; `output` as the decision\'s output schema (schemas/decisions/) describes it.',
    allOf: [
      ref('api/decision.json'),
      { type: 'object', properties: { output: outputSchemaRef(decision) } },
    ],
  };
}

const instant = { type: 'string', format: 'date-time' };
const branchCode = { description: '营业部代码。Branch code.', type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' };

const suspensionReason = {
  description: '调整为何不再适用:总部修改了其路径(OVERRIDE_BASE_CHANGED),或超出范围、使制度不一致。Why an override no longer applies.',
  type: 'object',
  required: ['path', 'code', 'message'],
  properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
};

/** The API's own shapes, by `$id`. Responses leave additional properties open: fields may be added. */
export const API_SCHEMAS: Record<string, Record<string, unknown>> = {
  'api/error.json': {
    $id: 'api/error.json',
    title: 'Error',
    description: '每个错误的形状。The shape of every error.',
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { description: '稳定的错误代码(见 docs/errors.md)。Stable code (docs/errors.md).', type: 'string' },
          message: { type: 'string' },
          details: { type: 'array', items: {} },
        },
      },
    },
  },
  'api/problem.json': {
    $id: 'api/problem.json',
    title: 'Problem',
    description: '制度文本中的一个问题;行列指向所发送的 YAML。A problem in policy text; line and column point into the YAML sent.',
    type: 'object',
    required: ['kind', 'path', 'line', 'column', 'code', 'message'],
    properties: {
      kind: { type: 'string' },
      file: { description: '行列所指的文本:所发送文档的类别名,或 override。The text line/column point into.', type: 'string' },
      path: { description: 'JSON Pointer.', type: 'string' },
      line: { type: 'integer', minimum: 1 },
      column: { type: 'integer', minimum: 1 },
      code: { type: 'string' },
      message: { description: '英文说明。The problem in English.', type: 'string' },
      params: {
        description: '说明所依据的事实(数据),供以其他语言重述,见 docs/messages.md:架构错误为 ajv 的 keyword 与其参数,其余为 reason 及所涉数值或标识。'
          + 'The facts the message is made of, as data, for saying it in another language (docs/messages.md): ajv\'s `keyword` and its params for a schema violation, '
          + 'a `reason` and the numbers or ids involved for the others (an override bound: `value`, `base`, `low`, `high`, `limit`, and the `bound` with its head-office `label`).',
        type: 'object',
      },
    },
  },
  'api/revision-summary.json': {
    $id: 'api/revision-summary.json',
    title: 'RevisionSummary',
    type: 'object',
    required: ['id', 'hash', 'status', 'effectiveFrom', 'publishedAt', 'publishedBy', 'note'],
    properties: {
      id: { type: 'integer' },
      hash: { type: 'string' },
      status: { type: 'string', enum: ['active', 'scheduled', 'superseded'] },
      effectiveFrom: instant,
      publishedAt: instant,
      publishedBy: { type: 'string' },
      note: { type: 'string' },
      replaces: { description: '本版本重新发布的预定版本(有更早生效的发布插入其前时)。The scheduled revision this one published again, rebased, after an earlier publish landed before it.', type: 'integer' },
      replacedBy: { description: '重新发布本预定版本的版本。The revision that published this scheduled one again.', type: 'integer' },
    },
  },
  'api/publish-effect.json': {
    $id: 'api/publish-effect.json',
    title: 'PublishEffect',
    description: '发布对预定版本、营业部调整和待审批申请的影响;发布前须确认。What a publish does to scheduled revisions, branch overrides and pending proposals; it must be acknowledged.',
    oneOf: [
      {
        type: 'object', required: ['type', 'revision', 'effectiveFrom', 'kinds', 'overrides'],
        properties: {
          type: { const: 'revision-rescheduled' }, revision: { type: 'integer' }, effectiveFrom: instant,
          kinds: { description: '该预定版本自身修改的类别。The kinds the scheduled revision changes itself.', type: 'array', items: { type: 'string' } },
          overrides: { description: '本次发布修改、而自该预定版本生效起被其文档取代的类别。Kinds this publish changes that the scheduled revision replaces from its instant.', type: 'array', items: { type: 'string' } },
        },
      },
      {
        type: 'object', required: ['type', 'revision', 'effectiveFrom', 'reason'],
        properties: { type: { const: 'revision-superseded' }, revision: { type: 'integer' }, effectiveFrom: instant, reason: { type: 'string', enum: ['replaced', 'contained'] } },
      },
      {
        type: 'object', required: ['type', 'branch', 'override', 'from', 'reasons'],
        properties: {
          type: { const: 'override-suspended' }, branch: branchCode, override: { type: 'integer' }, from: instant,
          reasons: { type: 'array', items: suspensionReason },
        },
      },
      {
        type: 'object', required: ['type', 'branch', 'proposal', 'reasons'],
        properties: {
          type: { const: 'proposal-stale' }, branch: branchCode, proposal: { type: 'integer' },
          reasons: { type: 'array', items: suspensionReason },
        },
      },
    ],
  },
  'api/proposal.json': {
    $id: 'api/proposal.json',
    title: 'Proposal',
    type: 'object',
    required: ['id', 'branch', 'baseRevision', 'override', 'reason', 'status', 'submittedBy', 'submittedAt', 'steps'],
    properties: {
      id: { type: 'integer' },
      branch: branchCode,
      baseRevision: { type: 'integer' },
      override: { description: '营业部调整方案 YAML。The override YAML as sent.', type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string', enum: ['submitted', 'approved', 'rejected', 'withdrawn', 'superseded'] },
      submittedBy: { type: 'string' },
      submittedAt: instant,
      overrideId: { type: 'integer' },
      replaces: { description: '本申请变基取代的申请。The proposal this one rebased.', type: 'integer' },
      replacedBy: { description: '变基取代本申请的申请。The proposal that rebased this one.', type: 'integer' },
      stale: {
        description: '待审批申请已过时:总部此后修改了它涉及的内容,须由营业部变基后才能批准。Pending and stale: head office changed what it touches; it must be rebased before approval.',
        type: 'object', required: ['revision', 'reasons'],
        properties: { revision: { type: 'integer' }, reasons: { type: 'array', items: suspensionReason } },
      },
      steps: {
        type: 'array',
        items: {
          type: 'object',
          required: ['action', 'actor', 'at', 'comment'],
          properties: { action: { type: 'string' }, actor: { type: 'string' }, at: instant, comment: { type: 'string' }, detail: { type: 'object' } },
        },
      },
    },
  },
  'api/decision.json': {
    $id: 'api/decision.json',
    title: 'DecisionAnswer',
    type: 'object',
    required: ['decision', 'output', 'revision', 'decisionId', 'recorded'],
    properties: {
      decision: { type: 'string' },
      output: { description: '决策结果,字段见各决策。The outcome; fields per decision.', type: 'object' },
      revision: { type: 'object', required: ['id', 'hash'], properties: { id: { type: 'integer' }, hash: { type: 'string' } } },
      branch: branchCode,
      override: {
        description: '生效中的营业部调整;status 为 suspended 时按总部制度决策。The branch override in force; when suspended, head office policy decided.',
        type: 'object', required: ['id', 'status'],
        properties: { id: { type: 'integer' }, status: { type: 'string', enum: ['applied', 'suspended'] } },
      },
      decisionId: { type: 'string', format: 'uuid' },
      recorded: { description: '是否已留存记录(由制度的 recordDecisions 决定)。Whether a record was kept (the policy\'s recordDecisions).', type: 'boolean' },
      trace: { type: 'array', items: { type: 'object' } },
    },
  },
  'api/audit-entry.json': {
    $id: 'api/audit-entry.json',
    title: 'AuditEntry',
    type: 'object',
    required: ['seq', 'at', 'actor', 'action', 'subject', 'summary', 'prevHash', 'hash'],
    properties: {
      seq: { type: 'integer' }, at: instant, actor: { type: 'string' }, action: { type: 'string' }, subject: { type: 'string' },
      summary: { type: 'object' }, prevHash: { type: 'string' }, hash: { type: 'string' },
    },
  },
  'api/token.json': {
    $id: 'api/token.json',
    title: 'TokenInfo',
    type: 'object',
    required: ['id', 'role', 'name', 'createdAt', 'createdBy'],
    properties: {
      id: { type: 'integer' }, role: { type: 'string', enum: ['head-office', 'branch', 'system', 'auditor'] }, branch: branchCode,
      name: { type: 'string' }, createdAt: instant, createdBy: { type: 'string' }, revokedAt: instant,
      lastUsedAt: { description: '最近使用时间(约每分钟更新)。When it last authenticated a request (refreshed about once a minute).', ...instant },
    },
  },
};

export const ref = (id: string): { $ref: string } => ({ $ref: id });
export const errorResponse = ref('api/error.json');
export { branchCode, instant };

/** Responses every authenticated route may give besides its own. */
export function withErrors(ok: Record<number, unknown>, ...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = { ...ok };
  for (const s of [400, 401, 403, 429, 503, ...statuses]) out[s] = errorResponse;
  return out;
}

/** Shares the decision input and output schemas and the API's shapes with fastify (and so with the OpenAPI document). */
export function registerSchemas(app: FastifyInstance): void {
  const registry = schemaRegistry();
  for (const [id, schema] of Object.entries(API_SCHEMAS)) {
    if (!registry.getSchema(id)) registry.addSchema(schema, id);
    app.addSchema(schema);
  }
  for (const schema of decisionSchemas().values()) app.addSchema(absoluteRefs(schema, String(schema.$id)));
}

/** The same schema with relative `$ref`s made absolute (`decisions/x.json#…`): the OpenAPI resolver needs them so. */
export function absoluteRefs<T>(node: T, base: string): T {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, base)) as T;
  if (node === null || typeof node !== 'object') return node;
  const dir = base.includes('/') ? base.slice(0, base.lastIndexOf('/') + 1) : '';
  return Object.fromEntries(Object.entries(node).map(([k, v]) => {
    if (k === '$ref' && typeof v === 'string' && !v.startsWith('#') && !v.startsWith(dir)) return [k, dir + v];
    return [k, absoluteRefs(v, base)];
  })) as T;
}
