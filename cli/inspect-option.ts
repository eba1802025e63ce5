/**
 * The `--inspect[=PORT]` option, apart from the inspector itself: parsing it
 * needs none of the inspector's packages, which load only when it is given.
 */
import { CliUsageError } from './usage-error.js';

/** The port `--inspect` uses when none is given (@statelyai/inspect's own default). */
export const DEFAULT_INSPECT_PORT = 8080;

/**
 * `--inspect` and `--inspect=PORT`: node:util's parseArgs has no optional
 * values, so the bare flag is rewritten to carry the default port.
 */
export function withInspectDefault(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '--inspect' ? `--inspect=${DEFAULT_INSPECT_PORT}` : a));
}

/** Parses the `--inspect` value: a TCP port number. */
export function inspectPort(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  const port = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliUsageError(`--inspect takes a TCP port (1-65535), got '${String(value)}'`);
  }
  return port;
}

/** Resolves on SIGINT or SIGTERM. */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
