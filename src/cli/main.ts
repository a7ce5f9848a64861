// The `zhidu` command line. Exit codes (API.md): 0 success, 1 the answer is "no" (problems
// found, a decision refused for bad input), 2 usage errors. Results on stdout, errors on stderr.
import { Command, CommanderError, Option } from 'commander';
import { DECISIONS } from '../engine/decisions/index.ts';
import { ZhiduError } from '../errors.ts';
import { runDecide } from './decide.ts';
import { EXIT, processIo, UsageError, type CliIo } from './io.ts';
import { runRecalibrate } from './recalibrate.ts';
import { registerServe } from './serve.ts';
import { registerStoreCommands } from './store-commands.ts';
import { runValidate } from './validate.ts';

function program(io: CliIo, result: { code: number }): Command {
  const cmd = new Command('zhidu')
    .description('制度 zhidu — client-service policy rules: validate, decide, recalibrate')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

  cmd.command('validate')
    .description('check policy sets (directories) or files; prints file:line:column CODE message per problem')
    .argument('[paths...]', 'policy directories or files (default: --rules)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--rules <dir>', 'the policy set (and, with --override, the base)', 'rules')
    .option('--override <file>', 'check a branch override against --rules instead')
    .action((paths: string[], opts) => {
      result.code = runValidate(paths, { format: opts.format, rules: opts.rules, ...(opts.override ? { override: opts.override } : {}) }, io);
    });

  cmd.command('decide')
    .description(`decide one input or a batch; decisions: ${DECISIONS.map((d) => d.name).join(', ')}`)
    .argument('<decision>', 'the decision to run')
    .option('--input <json>', 'the input as JSON')
    .option('--input-file <file>', 'read the input JSON from a file')
    .option('--rules <dir>', 'the policy set to decide with', 'rules')
    .option('--override <file>', 'a branch override applied to --rules')
    .option('--explain', 'include the explain trace')
    .option('--at <instant>', 'decide as at this ISO-8601 instant (default: now)')
    .option('--batch <file>', 'stream inputs from a .csv or .ndjson file')
    .option('--out <file>', 'with --batch: where the NDJSON answers go')
    .addOption(new Option('--format <format>', 'with --batch: input format (default: by extension)').choices(['csv', 'ndjson']))
    .option('--no-progress', 'with --batch: no progress bar even on a terminal')
    .option('--workers <n>', 'with --batch: worker threads beside the main thread (default: one a core but one, for a file over 1 MB; 0: the main thread alone; also ZHIDU_WORKERS)')
    .action(async (decision: string, opts) => {
      if (opts.workers !== undefined && !/^\d+$/.test(opts.workers)) throw new UsageError(`--workers must be a whole number ≥ 0, not "${opts.workers}"`);
      const workers = opts.workers === undefined ? {} : { workers: Number(opts.workers) };
      result.code = await runDecide(decision, { ...opts, ...workers, progress: opts.progress === false ? false : undefined }, io);
    });

  cmd.command('recalibrate')
    .description('write a draft classification with the turnover threshold set to the mean of past years (publishes nothing)')
    .option('--turnovers <list>', 'the company-wide average turnover of each year, oldest first, e.g. 2.8,3.1,3.6')
    .option('--from-year <year>', 'with --turnovers: the year of the first figure')
    .option('--rows <file>', 'per-client yearly rows (CSV: year, turnover or tradingVolume and averageAssets)')
    .option('--rules <dir>', 'the policy set whose classification is recalibrated', 'rules')
    .option('--out <file>', 'write the draft here (default: stdout)')
    .action(async (opts) => {
      result.code = await runRecalibrate(opts, io);
    });

  registerStoreCommands(cmd, io, result);
  registerServe(cmd, io, result);
  return cmd;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const result = { code: EXIT.OK as number };
  try {
    await program(io, result).parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT.USAGE;
    }
    // A refusal from below that no command caught (`serve` on a store that fails its integrity checks): said, not a stack trace.
    if (err instanceof ZhiduError) {
      io.stderr.write(`error: ${err.code} ${err.message}\n`);
      for (const d of err.details ?? []) io.stderr.write(`  ${JSON.stringify(d)}\n`);
      return EXIT.NO;
    }
    throw err;
  }
}
