/**
 * `openssl s_client` / `s_server` spellings of the options `dtls13 client` and `server` share with them, read as
 * ours before parsing: `-connect HOST:PORT`, `-accept PORT`, `-CAfile FILE`, `-cert`, `-key`, `-psk HEX`,
 * `-psk_identity ID`, `-cipher LIST` / `-ciphersuites LIST`, `-msg`, `-trace`, `-servername NAME`, `-alpn LIST`,
 * `-use_srtp LIST`, `-keylogfile FILE`, `-sess_out` / `-sess_in FILE`, `-showcerts`, `-Verify DEPTH` (a client
 * certificate required: `--verify-client`; the depth is not ours to set), `-dtls1_2` / `-dtls1_3`. node:util's
 * parseArgs would read each as a bundle of short flags.
 */

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

/** `argv` with openssl's spellings written as ours; anything else as it was. */
export function withOpensslSpellings(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const dropped = VALUE_DROPPED[a];
    if (dropped !== undefined) {
      out.push(dropped);
      if (argv[i + 1] !== undefined && /^\d+$/.test(argv[i + 1]!)) i++;
      continue;
    }
    out.push(SAME_VALUE[a] ?? a);
  }
  return out;
}
