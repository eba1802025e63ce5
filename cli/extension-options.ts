/**
 * `--alpn LIST`, `--srtp LIST`, `--record-size-limit N` and `--profile rfc7925`, taken by client
 * and server alike (openssl's -alpn and -use_srtp): the options of the
 * extensions, checked by the runtime's own validators and refused as usage
 * errors naming the flag.
 */
import type { SrtpProfileName } from '../runtime/shared/srtp.js';
import { alpnNames, ConfigError, recordSizeLimitOption, srtpOption } from './runtime.js';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

export interface ExtensionOptions {
  readonly alpn?: readonly string[];
  readonly srtp?: readonly SrtpProfileName[];
  readonly recordSizeLimit?: number;
  readonly profile?: 'rfc7925';
}

/** Comma-separated, blanks around names dropped (ALPN names keep their case: they compare byte for byte). */
function names(flag: string, value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new CliUsageError(`${flag}: an empty list`);
  return list;
}

function checked<T>(flag: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliUsageError(`${flag}: ${e.reason}`);
    throw e;
  }
}

export function extensionOptions(v: OptionValues): ExtensionOptions {
  const alpn = stringValue(v.alpn);
  const srtp = stringValue(v.srtp);
  const limit = stringValue(v['record-size-limit']);
  const profile = stringValue(v.profile);
  if (profile !== undefined && profile !== 'rfc7925')
    throw new CliUsageError(`--profile: '${profile}' is no profile dtls13 has (rfc7925)`);
  const recordSizeLimit = limit === undefined ? undefined : Number(limit);
  if (limit !== undefined && !/^\d+$/.test(limit))
    throw new CliUsageError(`--record-size-limit: '${limit}' is not a whole number`);
  return {
    ...(alpn === undefined ? {} : { alpn: checked('--alpn', () => alpnNames('alpn', names('--alpn', alpn))) }),
    ...(srtp === undefined
      ? {}
      : { srtp: checked('--srtp', () => srtpOption(names('--srtp', srtp).map((n) => n.toUpperCase())) ?? []) }),
    ...(profile === undefined ? {} : { profile }),
    ...(recordSizeLimit === undefined
      ? {}
      : { recordSizeLimit: checked('--record-size-limit', () => recordSizeLimitOption(recordSizeLimit)!) }),
  };
}

/** What the handshake settled for them, for the "connected:" line ('' when none): the protocol, the profile, the peer's record size limit. */
export function negotiatedExtensions(p: {
  readonly alpnProtocol: string | undefined;
  readonly srtpProfile: string | undefined;
  readonly recordSizeLimit: number | undefined;
}): string {
  const parts = [
    p.alpnProtocol === undefined ? '' : ` alpn ${p.alpnProtocol}`,
    p.srtpProfile === undefined ? '' : ` srtp ${p.srtpProfile}`,
    p.recordSizeLimit === undefined ? '' : ` peer record limit ${p.recordSizeLimit}`,
  ];
  return parts.join('');
}
