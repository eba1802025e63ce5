/**
 * What client and server make of the options they share: suite and group
 * names (IANA names or short ones, the same on every command), the key log
 * file (created 0600), --msg/--trace, --inspect; and addresses printed with
 * IPv6 in brackets.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { KeyExchangeGroup } from '../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../runtime/crypto/suites.js';
import { ALL_CIPHER_SUITES, OPENSSL_NAMES_12 } from './runtime.js';
import type { DatagramObserver } from '../runtime/shared/datagram-observer.js';
import type { InspectionEvent } from 'xstate';
import { inspectPort } from './inspect-option.js';
import type { ChartInspector } from './inspector.js';
import { stringValue, type OptionValues } from './option-table.js';
import { inspectorModule } from './optional-packages.js';
import { CliUsageError } from './usage-error.js';

export const GROUPS: readonly KeyExchangeGroup[] = [
  'x25519',
  'x448',
  'secp256r1',
  'secp384r1',
  'secp521r1',
  'x25519mlkem768',
];

/** Short names for the suites, as `simulate --suite` takes them too. */
export const SUITE_SHORT_NAMES: Readonly<Record<string, SupportedCipherSuite>> = {
  aes128gcm: 'tls_aes_128_gcm_sha256',
  aes256gcm: 'tls_aes_256_gcm_sha384',
  chacha20: 'tls_chacha20_poly1305_sha256',
  aes128ccm: 'tls_aes_128_ccm_sha256',
  aes128ccm8: 'tls_aes_128_ccm_8_sha256',
};

function list(option: string, value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new CliUsageError(`${option}: an empty list`);
  return names;
}

/** `--cipher LIST`: IANA names or short names. */
export function suiteList(option: string, value: string | undefined): SupportedCipherSuite[] | undefined {
  if (value === undefined) return undefined;
  return list(option, value).map((n) => {
    const suite = (ALL_CIPHER_SUITES as readonly string[]).includes(n)
      ? (n as SupportedCipherSuite)
      : SUITE_SHORT_NAMES[n.replace(/[-_]/g, '')];
    if (suite === undefined)
      throw new CliUsageError(
        `${option}: unknown name '${n}' (DTLS 1.3: ${[...ALL_CIPHER_SUITES, ...Object.keys(SUITE_SHORT_NAMES)].join(', ')}; ` +
          `DTLS 1.2: ${Object.values(OPENSSL_NAMES_12).join(', ')}, or their IANA names)`,
      );
    return suite;
  });
}

/** `--group LIST`. */
export function groupList(option: string, value: string | undefined): KeyExchangeGroup[] | undefined {
  if (value === undefined) return undefined;
  return list(option, value).map((n) => {
    const group = GROUPS.find((g) => g === n);
    if (group === undefined) throw new CliUsageError(`${option}: unknown name '${n}' (known: ${GROUPS.join(', ')})`);
    return group;
  });
}

/** `--keylog FILE`: NSS key log lines appended; a file we create is readable by its owner only (the secrets decrypt the traffic). */
export function keyLogFile(path: string | undefined): ((line: string) => void) | undefined {
  if (path === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (e) {
    throw new CliUsageError(`--keylog ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  closeSync(fd);
  return (line) => {
    const out = openSync(path, 'a', 0o600);
    try {
      writeSync(out, `${line}\n`);
    } finally {
      closeSync(out);
    }
  };
}

/** `host:port` with an IPv6 address in brackets. */
export function addressText(address: string | undefined, port: number | undefined): string {
  const a = address ?? '?';
  return `${a.includes(':') ? `[${a}]` : a}:${port ?? '?'}`;
}

export interface DiagnosticOptions {
  readonly keyLog?: (line: string) => void;
  readonly onDatagram?: DatagramObserver;
  readonly inspect?: (event: InspectionEvent) => void;
}

/** --keylog, --msg/--trace (on stderr) and --inspect, as connection options; the inspector to close at the end. */
export async function diagnostics(
  role: 'client' | 'server',
  v: OptionValues,
  say: (line: string) => void,
): Promise<{ options: DiagnosticOptions; inspector: ChartInspector | undefined }> {
  const file = keyLogFile(stringValue(v.keylog));
  // The dissector (and the runtime modules it decodes with) loads only for --msg/--trace.
  const trace =
    v.msg === true || v.trace === true
      ? (await import('./message-trace.js')).messageTrace(role, v.trace === true, (line) => process.stderr.write(line))
      : undefined;
  const port = inspectPort(v.inspect);
  const keyLog =
    file && trace
      ? (line: string) => {
          file(line);
          trace.keyLog(line);
        }
      : (file ?? trace?.keyLog);
  let inspector: ChartInspector | undefined;
  if (port !== undefined) {
    const { startInspector } = await inspectorModule();
    inspector = await startInspector(port);
    say(
      `inspector: open ${inspector.url} in a browser to watch the handshake charts live (works offline; the Stately inspector is at /stately)\n`,
    );
  }
  return {
    options: {
      ...(keyLog ? { keyLog } : {}),
      ...(trace ? { onDatagram: trace.onDatagram } : {}),
      ...(inspector ? { inspect: inspector.inspect } : {}),
    },
    inspector,
  };
}
