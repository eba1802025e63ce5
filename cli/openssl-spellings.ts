/**
 * `openssl s_client` / `s_server` spellings of the options `dtls13 client` and `server` share with them, read as
 * ours before parsing: `-connect HOST:PORT`, `-accept PORT`, `-CAfile FILE`, `-cert`, `-key`, `-psk HEX`,
 * `-psk_identity ID`, `-cipher LIST` / `-ciphersuites LIST`, `-msg`, `-trace`, `-servername NAME`, `-alpn LIST`,
 * `-use_srtp LIST`, `-keylogfile FILE`, `-sess_out` / `-sess_in FILE`, `-showcerts`, `-Verify DEPTH` (a client
 * certificate required: `--verify-client`; the depth is not ours to set), `-dtls1_2` / `-dtls1_3`, `-quiet` (the
 * client's `--quiet`). Flags that ask for what we do anyway are taken and dropped (`-dtls`, `-brief`, the client's
 * `-verify_return_error`); the others openssl users reach for are refused whole, with what to use instead.
 * node:util's parseArgs would read each as a bundle of short flags (`-nocert` as `-n`).
 */
import { CliUsageError } from './usage-error.js';

/** The commands that read openssl's spellings. */
export type OpensslCommand = 'client' | 'server' | 'learn';

/** openssl's name → ours (the same value follows, when the option takes one). */
const SAME_VALUE: Readonly<Record<string, string>> = {
  '-connect': '--connect',
  '-accept': '--listen',
  '-CAfile': '--ca',
  '-cert': '--cert',
  '-key': '--key',
  '-psk': '--psk',
  '-psk_identity': '--psk-identity',
  '-cipher': '--cipher',
  '-ciphersuites': '--cipher',
  '-msg': '--msg',
  '-trace': '--trace',
  '-servername': '--servername',
  '-alpn': '--alpn',
  '-use_srtp': '--srtp',
  '-keylogfile': '--keylog',
  '-sess_out': '--sess-out',
  '-sess_in': '--sess-in',
  '-showcerts': '--showcerts',
  '-dtls1_2': '--dtls1_2',
  '-dtls1_3': '--dtls1_3',
};

/** openssl's options whose value we do not take: the option becomes ours, its value is dropped. */
const VALUE_DROPPED: Readonly<Record<string, string>> = {
  '-Verify': '--verify-client',
};

/**
 * Per command: openssl flags that are ours under another name (a string), that ask for what the command does anyway
 * (null: dropped), or that it does not take (an Error's text: what to use instead).
 */
const BY_COMMAND: Readonly<Record<OpensslCommand, Readonly<Record<string, string | null | { refused: string }>>>> = {
  client: {
    '-dtls': null, // any DTLS version: the default, both, the newest the server has
    '-brief': null, // the 'connected:' line is the brief summary already
    '-verify_return_error': null, // a certificate that does not verify always ends the handshake
    '-quiet': '--quiet',
    '-nocert': { refused: 'a client sends a certificate only when given --cert and --key: leave them out' },
  },
  server: {
    '-dtls': null,
    '-brief': null,
    '-nocert': {
      refused:
        'leave out --cert and --key instead: with --psk HEX the server takes PSK clients only (or --raw-public-key --key FILE)',
    },
    '-verify_return_error': {
      refused:
        'use --verify-client with --ca FILE: a client certificate is then required, and one that does not verify ends the handshake',
    },
    '-quiet': {
      refused: "the server's output is its log of connections and messages: send it to /dev/null, or grep it",
    },
  },
  learn: {
    '-dtls': { refused: 'learn learns one version: -dtls1_2 or -dtls1_3 (the default)' },
  },
};

/**
 * Ours for an openssl option typed with two dashes (`--accept` -> `--listen`, `--CAfile` -> `--ca`), which the parser
 * does not read as openssl's: undefined when openssl has no such option or it is spelled the same.
 */
export function ourSpelling(typed: string): string | undefined {
  const mine =
    SAME_VALUE[`-${typed.replace(/^--/, '').split('=')[0]!}`] ?? VALUE_DROPPED[`-${typed.replace(/^--/, '')}`];
  return mine === undefined || mine === typed ? undefined : mine;
}

/**
 * `argv` with openssl's spellings written as ours and the flags we do anyway dropped; anything else as it was. An
 * openssl flag the command does not take is a {@link CliUsageError} naming it whole, with what to use instead.
 */
export function withOpensslSpellings(argv: readonly string[], command: OpensslCommand): string[] {
  const own = BY_COMMAND[command];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const dropped = VALUE_DROPPED[a];
    if (dropped !== undefined) {
      out.push(dropped);
      if (argv[i + 1] !== undefined && /^\d+$/.test(argv[i + 1]!)) i++;
      continue;
    }
    const mine = Object.hasOwn(own, a) ? own[a] : undefined;
    if (mine === null) continue;
    if (typeof mine === 'object')
      throw new CliUsageError(`openssl's ${a} is not taken by dtls13 ${command}: ${mine.refused}`);
    out.push(mine ?? SAME_VALUE[a] ?? a);
  }
  return out;
}
