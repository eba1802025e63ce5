/**
 * `--raw-public-key` and `--peer-key FILE` of `dtls13 client` and `dtls13
 * server` (RFC 7250; listen's and connect's `rawPublicKey` and
 * `peerPublicKey`): the key is `--key`'s, sent without `--cert`; the peer's
 * key is checked against the PEM PUBLIC KEY blocks of `--peer-key`. The
 * runtime checks the keys; its ConfigErrors come back as usage errors naming
 * the flag.
 */
import { readFileSync } from 'node:fs';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

export interface RawKeyOptions {
  readonly rawPublicKey?: true;
  readonly peerPublicKey?: string;
}

/** The options, or none without `--raw-public-key`; `--peer-key` without it is a usage error. */
export function rawKeyOptions(v: OptionValues): RawKeyOptions {
  const peerKey = stringValue(v['peer-key']);
  if (v['raw-public-key'] !== true) {
    if (peerKey !== undefined) throw new CliUsageError('--peer-key checks raw public keys: it needs --raw-public-key');
    return {};
  }
  if (peerKey === undefined) return { rawPublicKey: true };
  try {
    return { rawPublicKey: true, peerPublicKey: readFileSync(peerKey, 'utf8') };
  } catch (e) {
    throw new CliUsageError(`--peer-key ${peerKey}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
