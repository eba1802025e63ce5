/**
 * The protocol version options of `dtls13 client` and `dtls13 server`:
 * (the table is net-options.ts's VERSION_OPTIONS) `--min-version` / `--max-version` (1.2, 1.3, or DTLSv1.2, DTLSv1.3; the
 * connection's `minVersion` / `maxVersion`, default 1.2..1.3) and
 * openssl's `-dtls1_2` / `-dtls1_3` (one version only, as `openssl s_client
 * -dtls1_2` / `s_server -dtls1_2`; openssl 3.0's `-dtls` is our default, any
 * version). Also the `--cipher` list's DTLS 1.2 names, and how the
 * negotiated version shows in the `connected:` line.
 */
import { isDtls12, opensslName12, suite12ByName } from './runtime.js';
import type { SessionParameters } from '../runtime/shared/events.js';
import type { DtlsVersionName } from '../runtime/versions/versions.js';
import type { OptionValues } from './option-table.js';
import { stringValue } from './option-table.js';
import { CliUsageError } from './usage-error.js';

function versionValue(option: string, text: string | undefined): DtlsVersionName | undefined {
  if (text === undefined) return undefined;
  const m = /^(?:DTLSv)?(1\.[23])$/i.exec(text.trim());
  if (m === null) throw new CliUsageError(`${option} must be 1.2 or 1.3 (or DTLSv1.2, DTLSv1.3), got '${text}'`);
  return `DTLSv${m[1]!}` as DtlsVersionName;
}

/** The minVersion / maxVersion the options ask for (none: the default range). */
export function versionOptions(v: OptionValues): { minVersion?: DtlsVersionName; maxVersion?: DtlsVersionName } {
  let min = versionValue('--min-version', stringValue(v['min-version']));
  let max = versionValue('--max-version', stringValue(v['max-version']));
  const only = v.dtls1_2 === true ? 'DTLSv1.2' : v.dtls1_3 === true ? 'DTLSv1.3' : undefined;
  if (v.dtls1_2 === true && v.dtls1_3 === true)
    throw new CliUsageError('-dtls1_2 and -dtls1_3 each name the one version to use: give one (or neither, for both)');
  if (only !== undefined) {
    if (min !== undefined || max !== undefined)
      throw new CliUsageError(
        `-${only === 'DTLSv1.2' ? 'dtls1_2' : 'dtls1_3'} sets both ends of the range: leave out --min-version and --max-version`,
      );
    min = only;
    max = only;
  }
  if (min === 'DTLSv1.3' && max === 'DTLSv1.2') throw new CliUsageError('--min-version 1.3 is above --max-version 1.2');
  return { ...(min !== undefined ? { minVersion: min } : {}), ...(max !== undefined ? { maxVersion: max } : {}) };
}

/** The DTLS 1.2 names in a `--cipher` list (OpenSSL's, ECDHE-ECDSA-AES128-GCM-SHA256, or IANA's), as OpenSSL names; the rest stay for the 1.3 list. */
export function splitCipherList(value: string | undefined): {
  readonly rest: string | undefined;
  readonly names12: readonly string[];
} {
  if (value === undefined) return { rest: undefined, names12: [] };
  const rest: string[] = [];
  const names12: string[] = [];
  for (const item of value
    .split(/[,:]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const suite = suite12ByName(item);
    if (suite !== undefined) names12.push(opensslName12(suite));
    else rest.push(item);
  }
  return { rest: rest.length > 0 ? rest.join(',') : undefined, names12 };
}

/** The `connected:` line's first words: unchanged for DTLS 1.3 (the suite's IANA name), 'DTLSv1.2' and OpenSSL's suite name for 1.2. */
export function connectedSuite(p: SessionParameters): string {
  return isDtls12(p) ? `DTLSv1.2 ${opensslName12(p.cipherSuite)}` : p.cipherSuite;
}

/**
 * How the peer was authenticated, for the `connected:` line: `psk <mode>` or `resumed <mode>` for a PSK (an external
 * one, or a 1.3 ticket's), `resumed` for a 1.2 session resumed by ID or ticket, else the CertificateVerify scheme.
 */
export function connectedAuthentication(p: SessionParameters): string {
  if (p.pskMode !== undefined) return `${p.resumed ? 'resumed' : 'psk'} ${p.pskMode}`;
  return p.signatureAlgorithm ?? (p.resumed ? 'resumed' : 'no signature');
}

/** What follows the 1.2 line's signature scheme: extended master secret (RFC 7627) and a HelloVerifyRequest. */
export function connected12Details(p: SessionParameters): string {
  if (!isDtls12(p)) return '';
  return `${p.extendedMasterSecret ? ' ems' : ''}${p.helloRetryRequest ? ' hello-verify' : ''}`;
}
