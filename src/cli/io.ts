// Where the CLI writes: real streams in use, buffers in tests. Results go to stdout, errors to stderr.
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** Exit codes (API.md): 0 success, 1 the answer is "no", 2 usage errors. */
export const EXIT = { OK: 0, NO: 1, USAGE: 2 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
