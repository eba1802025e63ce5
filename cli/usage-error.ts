/** A command line the CLI can't act on: wrong command, unknown option, missing value. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
