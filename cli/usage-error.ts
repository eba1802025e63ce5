/** A command line the CLI can't act on: wrong command, unknown option, missing value. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** A flag's number, undefined when the flag is absent; anything but a finite number is a usage error naming the flag. */
export function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliUsageError(`${flag} ${text}: not a number`);
  return v;
}
