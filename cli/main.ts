#!/usr/bin/env node
/**
 * The `dtls13` command line. Commands live in their own modules, loaded only
 * when run (commands.ts); this file dispatches, answers --help and
 * --version, and turns errors into one-line messages and exit codes: 2 for
 * a usage error (with a pointer to `COMMAND --help`), 1 for a failure.
 */
import { readFileSync } from 'node:fs';
import { COMMANDS, overview } from './commands.js';
import { joinNegativeValues, shortParseError } from './option-table.js';
import { CliUsageError } from './usage-error.js';

/** The package's version, from its package.json (cli/ in the sources, dist/cli/ once built). */
function version(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dtls13' && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return 'unknown';
}

/**
 * parseArgs reads `-nocert` as the short flags `-n -o -c ...` and names the first one only: the unknown option named
 * whole, as typed (`-nocert`), and the long name to look for near it (`--nocert`; `-sess_out` as `--sess-out`).
 */
function wholeOption(message: string, argv: readonly string[]): { message: string; typed: string | undefined } {
  const unknown = /^unknown option '(-[^']+)'/.exec(message)?.[1];
  if (unknown === undefined) return { message, typed: undefined };
  if (unknown.startsWith('--')) return { message, typed: unknown };
  const word = argv.find((a) => /^-[^-]/.test(a) && a.length > 2 && a.startsWith(unknown));
  if (word === undefined) return { message, typed: undefined };
  return {
    message: `unknown option '${word}' (dtls13 writes its options --name)`,
    typed: `--${word.slice(1).split('=')[0]!.replace(/_/g, '-')}`,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`dtls13 ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? topic.help() : overview(version()));
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command)
    throw new CliUsageError(
      `unknown command '${name}'; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see 'dtls13 --help')`,
    );
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help());
    return 0;
  }
  const run = await command.load();
  try {
    return await run(joinNegativeValues(rest));
  } catch (e) {
    if (e instanceof CliUsageError) {
      const { message, typed } = wholeOption(shortParseError(e.message), rest);
      // Loaded only on this path: it imports the library's edit distance (runtime/near-name.ts), and a command that runs
      // loads no tsc module of runtime/ (tests/api/cold-entry.test.ts).
      const { nearestOption, optionsInHelp } = await import('./nearest-option.js');
      const { ourSpelling } = await import('./openssl-spellings.js');
      const openssl = typed === undefined ? undefined : ourSpelling(typed);
      const nearest = typed === undefined ? undefined : nearestOption(typed, optionsInHelp(command.help()));
      const hint =
        openssl !== undefined
          ? `; openssl's -${typed!.slice(2).split('=')[0]} is '${openssl}' here`
          : nearest === undefined
            ? ''
            : `; did you mean '${nearest}'?`;
      throw new CliUsageError(`${message}${hint}\nsee 'dtls13 ${name} --help'`, { cause: { command: name } });
    }
    throw e;
  }
}

// Output into a pipe that closed (`dtls13 dissect x.pcap | head`) ends the command quietly, as other tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    const command = (err.cause as { command?: string } | undefined)?.command;
    process.stderr.write(`dtls13${command ? ` ${command}` : ''}: ${err.message}\n`);
    process.exitCode = err instanceof CliUsageError ? 2 : 1;
  },
);
