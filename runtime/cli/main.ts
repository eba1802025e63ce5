#!/usr/bin/env node
/**
 * The `dtls13` command line. Subcommands live in their own modules; this file
 * only dispatches and turns errors into one-line messages and exit codes.
 */
import { runGenerate } from './generate-command.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: dtls13 <command> [options]

commands:
  generate [--check] [--root DIR]   regenerate generated/ from spec/ and print a summary of the spec;
                                    --check changes nothing and exits 1 listing stale files
  help                              this text`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate':
      return runGenerate(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new CliUsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`dtls13: ${err.message}\n`);
    if (err instanceof CliUsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = err instanceof CliUsageError ? 2 : 1;
  },
);
