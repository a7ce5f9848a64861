// What the server logs. Serializers whitelist fields (method, path, status, timing, request id,
// caller), so a client's facts — in a body, a query string or an error message — never reach a
// log line; `redact` is the second line of defence should a field slip into a log call.
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { ZhiduError } from '../errors.ts';

/** Only the path: query strings carry branch codes today and who knows what tomorrow. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, path: pathOf(req.url) };
}

function serializeReply(reply: FastifyReply): Record<string, unknown> {
  return { statusCode: reply.statusCode };
}

/**
 * An error as a log line may hold it: its class and code, and for unexpected errors the stack
 * frames — never the message, which may quote the input (JSON.parse does, some checks do).
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = err instanceof ZhiduError ? err.code : (err as { code?: unknown }).code;
  const out: Record<string, unknown> = { type: err.name, ...(typeof code === 'string' ? { code } : {}) };
  if (!(err instanceof ZhiduError) && err.stack) out.frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12).map((l) => l.trim());
  return out;
}

export const LOG_SERIALIZERS = { req: serializeRequest, res: serializeReply, err: serializeError, error: serializeError };

/** Fields that hold client data wherever they might appear in a log call. */
const REDACT = ['input', 'output', 'inputs', 'body', 'trace', '*.input', '*.output', '*.inputs', '*.body', '*.trace', 'headers', '*.headers', 'query', '*.query'];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: LOG_SERIALIZERS,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger, made on its first line: at warn most requests log nothing, and pino's
 * child (bindings, serializers, redaction) cost ~1 µs a request. Route options (a route's own
 * level) make it at once.
 */
export class LazyChildLogger {
  private made: Logger | undefined;

  constructor(private readonly parent: Logger, private readonly bindings: pino.Bindings, private readonly options: pino.ChildLoggerOptions) {}

  static factory(logger: FastifyBaseLogger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): FastifyBaseLogger {
    if (Object.keys(options).length > 0) return logger.child(bindings, options);
    return new LazyChildLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger;
  }

  private get logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.isLevelEnabled(level)) (this.logger[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void { this.write('fatal', args); }
  error(...args: unknown[]): void { this.write('error', args); }
  warn(...args: unknown[]): void { this.write('warn', args); }
  info(...args: unknown[]): void { this.write('info', args); }
  debug(...args: unknown[]): void { this.write('debug', args); }
  trace(...args: unknown[]): void { this.write('trace', args); }
  silent(): void {}

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.logger.child(bindings, options);
  }
}
