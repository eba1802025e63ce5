/**
 * The session options of `dtls13 client` and `dtls13 server`, with OpenSSL's
 * s_client/s_server names: --psk HEX and --psk-identity ID (both sides),
 * --allow-no-dhe-kex (psk_ke), --sess-out/--sess-in (client), --ticket-keys
 * FILE and --echo-legacy-session-id (server). The rows are in net-options.ts; this turns their values
 * into connection options.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PskKeyExchangeModeName } from '../runtime/session/external-psk.js';
import type { AntiReplayStore } from '../runtime/session/anti-replay.js';
import { RedisAntiReplay } from './runtime.js';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

/** OpenSSL's default PSK identity (s_client -psk_identity, s_server's expected one). */
export const DEFAULT_PSK_IDENTITY = 'Client_identity';

function hexKey(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^([0-9a-fA-F]{2})+$/.test(clean))
    throw new CliUsageError(`--psk: a key in hex (an even number of hex digits), got '${text}'`);
  if (clean.length < 32) throw new CliUsageError('--psk: the key must be at least 16 bytes (32 hex digits)');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function modes(v: OptionValues): { pskKeyExchangeModes?: readonly PskKeyExchangeModeName[] } {
  return v['allow-no-dhe-kex'] === true ? { pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] } : {};
}

function readFile(option: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Client: the PSK to offer, the session to resume, and where to write the sessions the server sends. */
export function clientSessionOptions(v: OptionValues): {
  readonly options: {
    psk?: { identity: string; key: Uint8Array };
    session?: Uint8Array;
    postHandshakeAuth?: boolean;
    earlyData?: Uint8Array;
    pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  };
  readonly saveSession: ((session: Uint8Array) => void) | undefined;
} {
  const psk = stringValue(v.psk);
  const identity = stringValue(v['psk-identity']);
  if (identity !== undefined && psk === undefined) throw new CliUsageError('--psk-identity needs --psk');
  const sessIn = stringValue(v['sess-in']);
  const sessOut = stringValue(v['sess-out']);
  const early = stringValue(v['early-data']);
  if (early !== undefined && sessIn === undefined)
    throw new CliUsageError('--early-data needs --sess-in FILE (0-RTT needs a session to resume)');
  return {
    options: {
      ...(psk !== undefined ? { psk: { identity: identity ?? DEFAULT_PSK_IDENTITY, key: hexKey(psk) } } : {}),
      ...(sessIn !== undefined ? { session: readFile('--sess-in', sessIn) } : {}),
      ...(v['post-handshake-auth'] === true ? { postHandshakeAuth: true } : {}),
      ...(early !== undefined ? { earlyData: nonEmpty('--early-data', early, readFile('--early-data', early)) } : {}),
      ...modes(v),
    },
    // The session holds a PSK: the file is readable by its owner only.
    saveSession: sessOut === undefined ? undefined : (session) => writeFileSync(sessOut, session, { mode: 0o600 }),
  };
}

/** Server: --request-cert-after MS, checked (it needs --ca to verify what clients send). */
export function requestCertAfter(v: OptionValues): number | undefined {
  const text = stringValue(v['request-cert-after']);
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0)
    throw new CliUsageError(`--request-cert-after must be a whole number of ms, got '${text}'`);
  if (stringValue(v.ca) === undefined)
    throw new CliUsageError('--request-cert-after needs --ca FILE (to verify the certificates clients send)');
  return ms;
}

function nonEmpty(option: string, path: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw new CliUsageError(`${option} ${path}: the file is empty`);
  return bytes;
}

/** Server: --max-early-data N. */
export function maxEarlyData(v: OptionValues): { maxEarlyData?: number } {
  const text = stringValue(v['max-early-data']);
  if (text === undefined) return {};
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new CliUsageError(`--max-early-data must be a whole number of bytes, got '${text}'`);
  return { maxEarlyData: n };
}

/** Server: --anti-replay redis://HOST:PORT, connected (node-redis, an optional dependency, loaded only then). */
export async function antiReplayStore(
  v: OptionValues,
): Promise<{ store: AntiReplayStore | undefined; close: () => Promise<void> }> {
  const url = stringValue(v['anti-replay']);
  if (url === undefined) return { store: undefined, close: async () => {} };
  if (!/^rediss?:\/\/[^/\s]+/.test(url))
    throw new CliUsageError(`--anti-replay: a redis://HOST:PORT address, got '${url}'`);
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch {
    throw new CliUsageError("--anti-replay needs the npm package 'redis' (npm install redis)");
  }
  const client = redis.createClient({ url });
  client.on('error', () => {}); // a lost connection refuses 0-RTT (RedisAntiReplay), it does not end the server
  try {
    await client.connect();
  } catch (e) {
    throw new CliUsageError(`--anti-replay ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { store: new RedisAntiReplay(client), close: async () => void (await client.quit()) };
}

/** Server: the PSK it accepts for --psk-identity, its ticket keys, psk_ke, the legacy_session_id echo for wolfSSL. */
export function serverSessionOptions(v: OptionValues): {
  psk?: Record<string, Uint8Array>;
  ticketKeys?: Uint8Array;
  pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  echoLegacySessionId?: boolean;
} {
  const psk = stringValue(v.psk);
  const identity = stringValue(v['psk-identity']);
  if (identity !== undefined && psk === undefined) throw new CliUsageError('--psk-identity needs --psk');
  const keysPath = stringValue(v['ticket-keys']);
  let ticketKeys: Uint8Array | undefined;
  if (keysPath !== undefined) {
    ticketKeys = readFile('--ticket-keys', keysPath);
    if (ticketKeys.length === 0 || ticketKeys.length % 32 !== 0) {
      throw new CliUsageError(
        `--ticket-keys ${keysPath}: ${ticketKeys.length} bytes; the file holds 32-byte keys (32 × N bytes, the first current)`,
      );
    }
  }
  return {
    ...(psk !== undefined ? { psk: { [identity ?? DEFAULT_PSK_IDENTITY]: hexKey(psk) } } : {}),
    ...(ticketKeys ? { ticketKeys } : {}),
    ...modes(v),
    ...(v['echo-legacy-session-id'] === true ? { echoLegacySessionId: true } : {}),
  };
}
