// The store's commands: tokens, publishing and exporting revisions, verifying the store and its
// audit chain (against a checkpoint too), checkpoints, sealing. Each finds the store as the server
// does (DATABASE_URL, else --data-dir / ZHIDU_DATA_DIR / ./data; its integrity key from
// ZHIDU_INTEGRITY_KEY_FILE) and opens it for the one command. An embedded store held by a running
// server is not touched: the command stops at once and says what to do instead.
import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { ZhiduError } from '../errors.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { parseCheckpoint, type Checkpoint } from '../store/checkpoint.ts';
import { StoreBusyError } from '../store/data-dir-lock.ts';
import { readPublicKey, type IntegrityProblem } from '../store/integrity.ts';
import type { Counts } from '../store/store-check.ts';
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

  const audit = program.command('audit').description('the audit trail and the store\'s integrity: verify, checkpoint');
  audit.command('verify')
    .description('check the audit chain and every revision, override, token and decision record; exit 1 naming each mismatch')
    .option('--against <file>', 'also check the trail against a checkpoint taken earlier (zhidu audit checkpoint)')
    .option('--public-key <file>', 'with --against: the public key (PEM) to check its signature with (default: that of ZHIDU_INTEGRITY_KEY_FILE)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(dataDirOption())
    .action(async (opts) => {
      const checkpoint = opts.against === undefined ? undefined : readCheckpoint(opts.against);
      const trusted = opts.publicKey === undefined ? undefined : readTrustedKey(opts.publicKey);
      result.code = await withStore(opts, io, env, async (store) => {
        const report = await store.integrity.check();
        const against = checkpoint && await store.integrity.against(checkpoint, trusted ?? store.integrity.key?.publicKey);
        const problems = [...report.problems, ...(against?.problems ?? [])];
        if (opts.format === 'json') {
          io.stdout.write(`${JSON.stringify({ ...report, ok: problems.length === 0, ...(against ? { checkpoint: against } : {}), problems }, null, 2)}\n`);
          return problems.length === 0 ? EXIT.OK : EXIT.NO;
        }
        const { chain } = report;
        io.stdout.write(chain.ok
          ? `audit chain intact: ${chain.entries} entries${chain.head ? `; head ${chain.head.seq} ${chain.head.hash}` : ''}\n`
          : `audit chain broken at entry ${chain.seq} (${chain.problem}): ${chain.message}\n`);
        io.stdout.write(`checked ${counted(report.checked)}; ${report.keyId ? `seals checked with integrity key ${report.keyId}` : 'plain hashes only (no integrity key given)'}\n`);
        if (report.legacy > 0) io.stdout.write(`note: ${report.legacy} row(s) carry no seal (written before sealing existed); \`zhidu store seal\` seals them\n`);
        if (report.unchecked > 0) io.stdout.write(`note: ${report.unchecked} row(s) are sealed with an integrity key that was not given: those seals were not checked\n`);
        if (checkpoint) {
          for (const note of against!.notes) io.stdout.write(`note: ${note}\n`);
          if (against!.problems.length === 0) io.stdout.write(`checkpoint of ${checkpoint.at}: audit entry ${checkpoint.seq} is still there with the hash it recorded\n`);
        }
        for (const p of problems) io.stdout.write(`${problemLine(p)}\n`);
        if (report.more > 0) io.stdout.write(`… and ${report.more} more problem(s)\n`);
        io.stdout.write(problems.length === 0 ? 'store intact\n' : `${problems.length + report.more} problem(s)\n`);
        return problems.length === 0 ? EXIT.OK : EXIT.NO;
      });
    });
  audit.command('checkpoint')
    .description('write the audit chain\'s head (seq, hash, time), signed with the integrity key when set, to keep outside the database')
    .option('--out <file>', 'write it to this file (default: stdout)')
    .addOption(dataDirOption())
    .action(async (opts) => {
      result.code = await withStore(opts, io, env, async (store) => {
        const checkpoint = await store.integrity.checkpoint();
        const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
        const signed = checkpoint.signature ? `signed with integrity key ${checkpoint.signature.keyId}` : 'unsigned: no integrity key (ZHIDU_INTEGRITY_KEY_FILE) is set';
        if (opts.out === undefined) {
          io.stdout.write(text);
          if (!checkpoint.signature) io.stderr.write(`warning: checkpoint ${signed}\n`);
        } else {
          writeFileSync(opts.out, text);
          io.stdout.write(`checkpoint of audit entry ${checkpoint.seq} written to ${opts.out} (${signed})\n`);
        }
        return EXIT.OK;
      });
    });

  program.command('store').description('the store itself: seal')
    .command('seal')
    .description('seal rows that carry no seal made with the integrity key (written before sealing, or without the key), once they pass every other check')
    .addOption(dataDirOption())
    .action(async (opts) => {
      result.code = await withStore(opts, io, env, async (store) => {
        const report = await store.integrity.seal(actor());
        io.stdout.write(`sealed ${counted(report.sealed)} ${report.keyId ? `with integrity key ${report.keyId}` : 'with plain hashes (no integrity key given)'}\n`);
        for (const p of report.refused) io.stdout.write(`${problemLine(p)}\n`);
        if (report.refused.length > 0) io.stdout.write(`${report.refusedRows} row(s) left unsealed: they fail the checks above\n`);
        return report.refused.length === 0 ? EXIT.OK : EXIT.NO;
      });
    });
}

/** One problem a line: what is wrong, kind, id, field, then the sentence (tab-separated, for grep and awk too). */
function problemLine(p: IntegrityProblem): string {
  return [p.problem, p.kind, p.id, p.field ?? '-', p.message].join('\t');
}

function counted(c: Counts): string {
  const n = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
  return [n(c.revisions, 'revision'), n(c.overrides, 'override'), n(c.tokens, 'token'), n(c.decisions, 'decision record'), n(c.auditEntries, 'audit entry', 'audit entries')].join(', ');
}

function readCheckpoint(file: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--against: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return parseCheckpoint(text, file);
  } catch (err) {
    throw new UsageError(`--against: ${(err as Error).message}`);
  }
}

function readTrustedKey(file: string): KeyObject {
  try {
    return readPublicKey(file);
  } catch (err) {
    throw new UsageError(`--public-key: ${file}: ${(err as Error).message}`);
  }
}
