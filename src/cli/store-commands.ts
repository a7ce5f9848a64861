// The store's commands: tokens, publishing and exporting revisions, verifying the audit chain.
// Each finds the store as the server does (DATABASE_URL, else --data-dir / ZHIDU_DATA_DIR /
// ./data) and opens it for the one command. An embedded store held by a running server is not
// touched: the command stops at once and says what to do instead.
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { ZhiduError } from '../errors.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { StoreBusyError } from '../store/data-dir-lock.ts';
import type { PublishEffect } from '../store/revisions.ts';
import type { Store } from '../store/store.ts';
import { isRole, ROLES, type TokenInfo } from '../store/tokens.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';

type Result = { code: number };

function actor(): string {
  try { return `cli:${userInfo().username}`; } catch { return 'cli'; }
}

function positiveInt(value: string, what: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`${what} must be a positive whole number, not "${value}".`);
  return Number(value);
}

function instant(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`--effective-from must be an ISO-8601 instant, not "${value}".`);
  return at;
}

/** Opens the store, runs the command, closes it; store errors become exit codes, not stack traces. */
async function withStore(opts: { dataDir?: string }, io: CliIo, env: NodeJS.ProcessEnv, run: (store: Store) => Promise<number>): Promise<number> {
  let store: Store;
  try {
    // Loaded when a command needs the store: `zhidu decide` and `validate` start without the database code.
    const { openStore, storeOptionsFrom } = await import('../store/store.ts');
    store = await openStore(storeOptionsFrom(opts, env));
  } catch (err) {
    if (err instanceof StoreBusyError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT.NO;
    }
    io.stderr.write(`error: cannot open the store: ${(err as Error).message}\n`);
    return EXIT.NO;
  }
  try {
    return await run(store);
  } catch (err) {
    if (!(err instanceof ZhiduError)) throw err;
    io.stderr.write(`error: ${err.code} ${err.message}\n`);
    for (const d of err.details ?? []) io.stderr.write(`  ${JSON.stringify(d)}\n`);
    return err.code === 'BAD_INPUT' ? EXIT.USAGE : EXIT.NO;
  } finally {
    await store.close();
  }
}

function tokenLine(t: TokenInfo): string {
  return [t.id, t.role, t.branch ?? '-', JSON.stringify(t.name), t.createdAt.toISOString(), t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active'].join('\t');
}

/** One effect of a publish, on one line. */
function describeEffect(e: PublishEffect): string {
  const why = (reasons: readonly { path: string; message: string }[]): string => reasons.map((r) => r.message).join('; ');
  switch (e.type) {
    case 'revision-rescheduled':
      return `scheduled revision ${e.revision} (from ${e.effectiveFrom}) is published again after this one, rebased${e.overrides.length > 0 ? `; from then its ${e.overrides.join(', ')} replace this publish's` : ''}`;
    case 'revision-superseded':
      return `scheduled revision ${e.revision} (from ${e.effectiveFrom}) will never take effect${e.reason === 'contained' ? ': this publish already brings all it would' : ''}`;
    case 'override-suspended':
      return `branch ${e.branch}'s override ${e.override} is suspended from ${e.from}: ${why(e.reasons)}`;
    case 'proposal-stale':
      return `branch ${e.branch}'s pending proposal ${e.proposal} becomes stale: ${why(e.reasons)}`;
  }
}

const dataDirOption = (): Option => new Option('--data-dir <dir>', 'the embedded store (default: $ZHIDU_DATA_DIR or ./data); ignored when DATABASE_URL is set');

export function registerStoreCommands(program: Command, io: CliIo, result: Result, env: NodeJS.ProcessEnv = process.env): void {
  const token = program.command('token').description('API tokens: create (shown once), list, revoke');
  token.command('create')
    .description('create a token; prints it alone on the last line, once')
    .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
    .option('--branch <code>', 'the branch (branch role only)')
    .option('--name <text>', 'who or what holds it')
    .addOption(dataDirOption())
    .action(async (opts) => {
      if (!isRole(opts.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
      if ((opts.role === 'branch') !== (opts.branch !== undefined)) throw new UsageError('--branch is required with --role branch, and only then.');
      result.code = await withStore(opts, io, env, async (store) => {
        const created = await store.tokens.create({ role: opts.role, ...(opts.branch ? { branch: opts.branch } : {}), name: opts.name ?? '', actor: actor() });
        io.stdout.write(`token ${created.info.id} (${created.info.role}${created.info.branch ? ` ${created.info.branch}` : ''}) created; it is shown only this once:\n${created.token}\n`);
        return EXIT.OK;
      });
    });
  token.command('list')
    .description('list tokens (never the tokens themselves)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(dataDirOption())
    .action(async (opts) => {
      result.code = await withStore(opts, io, env, async (store) => {
        const tokens = await store.tokens.list();
        io.stdout.write(opts.format === 'json' ? `${JSON.stringify(tokens, null, 2)}\n` : tokens.map((t) => `${tokenLine(t)}\n`).join(''));
        return EXIT.OK;
      });
    });
  token.command('revoke')
    .description('revoke a token for good')
    .argument('<id>', 'the token id (from token list)')
    .addOption(dataDirOption())
    .action(async (id: string, opts) => {
      const tokenId = positiveInt(id, 'The token id');
      result.code = await withStore(opts, io, env, async (store) => {
        const revoked = await store.tokens.revoke(tokenId, actor());
        io.stdout.write(`token ${revoked.id} revoked\n`);
        return EXIT.OK;
      });
    });

  const revisions = program.command('revisions').description('policy revisions: publish a folder, export one, list them');
  revisions.command('publish')
    .description('publish the policy files of a folder as a new revision (kinds not in it, or unchanged, carry over)')
    .argument('<dir>', 'folder of policy YAML files (its top-level files)')
    .option('--effective-from <instant>', 'ISO-8601 instant it takes effect (default: now)')
    .option('--note <text>', 'what changed and why', '')
    .option('--base <id>', 'the revision the files were edited from: refused if another publish changed the same kinds since')
    .addOption(new Option('--scheduled <mode>', 'scheduled revisions this one lands before: keep them (published again after it, rebased) or replace them').choices(['keep', 'replace']).default('keep'))
    .option('--yes', 'acknowledge the effects (suspended branch overrides, moved schedules, stale proposals) without asking')
    .option('--force', 'publish even when the files decide exactly as the revision in force')
    .addOption(dataDirOption())
    .action(async (dir: string, opts) => {
      const effectiveFrom = instant(opts.effectiveFrom);
      const baseRevision = opts.base === undefined ? undefined : positiveInt(opts.base, '--base');
      const { readPolicyDir } = await import('../store/files.ts');
      const { documents, files, problems } = readPolicyDir(dir);
      const report = (diagnostics: readonly Diagnostic[]): void => {
        for (const d of diagnostics) io.stdout.write(`${formatDiagnostic({ ...d, file: files[d.file] ?? d.file })}\n`);
      };
      if (problems.length > 0) {
        report(problems);
        result.code = EXIT.NO;
        return;
      }
      result.code = await withStore(opts, io, env, async (store) => {
        try {
          const published = await store.revisions.publish({
            documents, note: opts.note, actor: actor(), scheduled: opts.scheduled,
            ...(effectiveFrom ? { effectiveFrom } : {}), ...(baseRevision !== undefined ? { baseRevision } : {}),
            ...(opts.yes ? { acknowledge: true as const } : {}), ...(opts.force ? { force: true } : {}),
          });
          io.stdout.write(`revision ${published.id} ${published.hash} ${published.status} from ${published.effectiveFrom.toISOString()}\n`);
          for (const r of published.rescheduled) io.stdout.write(`revision ${r.id} publishes scheduled revision ${r.replaces} again, rebased\n`);
          for (const e of published.effects) io.stdout.write(`  effect: ${describeEffect(e)}\n`);
          return EXIT.OK;
        } catch (err) {
          if (!(err instanceof ZhiduError)) throw err;
          if (err.code === 'POLICY_INVALID') {
            report((err.details ?? []) as Diagnostic[]);
            io.stderr.write(`error: ${err.message}\n`);
            return EXIT.NO;
          }
          if (err.code === 'EFFECTS_UNACKNOWLEDGED') {
            const [{ effects }] = err.details as [{ effects: PublishEffect[] }];
            for (const e of effects) io.stderr.write(`  effect: ${describeEffect(e)}\n`);
            io.stderr.write('error: EFFECTS_UNACKNOWLEDGED nothing was published; run again with --yes to acknowledge these effects.\n');
            return EXIT.NO;
          }
          throw err;
        }
      });
    });
  revisions.command('export')
    .description('write a revision\'s documents to <dir>/<kind>.yaml, exactly as published')
    .argument('<id>', 'the revision id')
    .argument('<dir>', 'the folder to write into (created if missing)')
    .addOption(dataDirOption())
    .action(async (id: string, dir: string, opts) => {
      const revisionId = positiveInt(id, 'The revision id');
      result.code = await withStore(opts, io, env, async (store) => {
        const revision = await store.revisions.get(revisionId);
        if (!revision) throw new ZhiduError('NOT_FOUND', `There is no revision ${revisionId}.`);
        const { writePolicyDir } = await import('../store/files.ts');
        for (const path of writePolicyDir(revision.documents, dir)) io.stdout.write(`${path}\n`);
        return EXIT.OK;
      });
    });
  revisions.command('list')
    .description('list revisions with their status as of now')
    .addOption(dataDirOption())
    .action(async (opts) => {
      result.code = await withStore(opts, io, env, async (store) => {
        for (const r of await store.revisions.list()) {
          io.stdout.write(`${[r.id, r.status, r.effectiveFrom.toISOString(), r.hash, r.publishedBy, JSON.stringify(r.note)].join('\t')}\n`);
        }
        return EXIT.OK;
      });
    });

  program.command('audit').description('the audit trail')
    .command('verify')
    .description('check the hash chain; exit 1 naming the first entry altered or removed')
    .addOption(dataDirOption())
    .action(async (opts) => {
      result.code = await withStore(opts, io, env, async (store) => {
        const check = await store.audit.verify();
        if (check.ok) {
          io.stdout.write(`audit chain intact: ${check.entries} entries${check.head ? `; head ${check.head.seq} ${check.head.hash}` : ''}\n`);
          return EXIT.OK;
        }
        io.stdout.write(`audit chain broken at entry ${check.seq} (${check.problem}): ${check.message}\n`);
        return EXIT.NO;
      });
    });
}
