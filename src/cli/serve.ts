// `zhidu serve` (what `npm start` runs): opens the store, publishes rules/ as revision 1 on the
// first start (printing the one-time head-office token), and serves the HTTP API until SIGTERM
// or SIGINT; then it stops accepting, lets in-flight requests finish, flushes decision records
// and closes the store.
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { ZhiduError } from '../errors.ts';
import { formatDiagnostic, type Diagnostic } from '../policy/diagnostics.ts';
import { ENVIRONMENT, resolveConfig, type ServerConfig } from '../server/config.ts';
import { StoreBusyError } from '../store/data-dir-lock.ts';
import type { Store } from '../store/index.ts';
import { EXIT, type CliIo } from './io.ts';

export interface ServeFlags { host?: string; port?: string; dataDir?: string; rules?: string; logLevel?: string }

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

async function firstStart(store: Store, config: ServerConfig, io: CliIo): Promise<boolean> {
  try {
    const first = await store.ensureInitialised(config.rulesDir);
    if (first.revision) io.stdout.write(`published ${config.rulesDir} as revision ${first.revision.id} (${first.revision.hash})\n`);
    if (first.headOfficeToken) {
      io.stdout.write('head-office token, shown this once (keep it safe; `zhidu token create` makes more):\n');
      io.stdout.write(`${first.headOfficeToken}\n`);
    }
    return true;
  } catch (err) {
    if (!(err instanceof ZhiduError)) throw err;
    io.stderr.write(`error: ${err.code} ${err.message}\n`);
    for (const d of err.details ?? []) io.stderr.write(`${formatDiagnostic(d as Diagnostic)}\n`);
    return false;
  }
}

export async function runServe(flags: ServeFlags, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: ServerConfig;
  try {
    config = resolveConfig({
      env,
      flags: { ...(flags.host ? { host: flags.host } : {}), ...(flags.port ? { port: flags.port } : {}), ...(flags.dataDir ? { dataDir: flags.dataDir } : {}), ...(flags.rules ? { rulesDir: flags.rules } : {}), ...(flags.logLevel ? { logLevel: flags.logLevel } : {}) },
    });
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT.USAGE;
  }
  let store: Store;
  try {
    const { openStore, storeOptionsFrom } = await import('../store/index.ts');
    store = await openStore({ ...storeOptionsFrom({ dataDir: config.dataDir }, env), pool: { size: config.dbPoolSize, timeoutMs: config.dbPoolTimeoutMs } });
  } catch (err) {
    io.stderr.write(`error: ${err instanceof StoreBusyError ? err.message : `cannot open the store: ${(err as Error).message}`}\n`);
    return EXIT.NO;
  }
  try {
    if (!(await firstStart(store, config, io))) return EXIT.NO;
    const signal = waitForSignal();
    // Loaded here so that other commands do not pay for fastify and its plugins at start-up.
    const [{ buildApp }, { createLogger }] = await Promise.all([import('../server/app.ts'), import('../server/logging.ts')]);
    const app = await buildApp({ store, config, logger: createLogger(config.logLevel), processMetrics: true });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      await app.close();
      io.stderr.write(`error: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}\n`);
      return EXIT.NO;
    }
    const { port } = app.server.address() as AddressInfo;
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.dataDir;
    io.stdout.write(`zhidu listening on http://${config.host}:${port} — API docs at /docs, store: ${where}\n`);

    app.log.info({ signal: await signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
    force.unref();
    await app.close();
    clearTimeout(force);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

export function registerServe(cmd: Command, io: CliIo, result: { code: number }): void {
  cmd.command('serve')
    .description('serve the browser editor at /, the HTTP API and its docs at /docs; first start publishes --rules as revision 1 and prints a head-office token')
    .option('--host <address>', 'address to listen on (env HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env PORT; default 8080)')
    .option('--data-dir <dir>', 'embedded store folder (env ZHIDU_DATA_DIR; default ./data; ignored when DATABASE_URL is set)')
    .option('--rules <dir>', 'policy set to publish on first start (env ZHIDU_RULES_DIR; default ./rules)')
    .option('--log-level <level>', 'env LOG_LEVEL: fatal, error, warn, info, debug, trace or silent')
    .addHelpText('after', `\nEnvironment:\n${ENVIRONMENT.map(([name, what]) => `  ${name.padEnd(26)}${what}`).join('\n')}\n`)
    .action(async (opts: ServeFlags) => {
      result.code = await runServe(opts, io);
    });
}
