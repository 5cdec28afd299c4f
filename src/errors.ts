/**
 * A failure the user can act on. The CLI prints `message` as the one-line
 * reason, then `details` (if any), and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input from the user: flags, answers, target directory. Exit code 2. */
export function usageError(message: string, details?: string): CliError {
  return new CliError(message, 2, details);
}
