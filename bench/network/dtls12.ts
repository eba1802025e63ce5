/**
 * DTLS 1.2 in the network bench, through the public API: `connect()` with
 * `maxVersion: 'DTLSv1.2'` against the peer process's dtls13 server (which
 * answers 1.2 and 1.3, choosing by the ClientHello), beside `connect()`
 * with 1.3 against the same server, and wolfSSL 5.7.2's 1.2 (`-v 3`, and
 * wolf-goodput.c's dtls12 mode). Handshakes: sequential latency and a
 * rate with 8 in flight; goodput: systems for goodput.ts's rounds.
 */
import { connect } from '../../runtime/api/connect.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { runWolf, startWolfServer, type PemFiles } from '../../tests/interop/wolfssl.js';
import type { Identity } from '../../tests/support/pki-fixtures.js';
import type { Peer } from './peer.js';
import { latencyLine, median } from './stats.js';
import { jsTrial, type GoodputOptions, type Trial } from './trial.js';
import { BENCH_MTU } from './payload.js';
import { rebound, servingSocket } from './wolf-pacing.js';

export type Version = 'DTLSv1.2' | 'DTLSv1.3';

/** The 1.2 suite (OpenSSL's name, which wolfSSL takes too) standing beside each 1.3 suite in the goodput rows: same AEAD, ECDHE_ECDSA. */
export const SUITE_12_FOR: Readonly<Record<SupportedCipherSuite, string>> = {
  tls_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_aes_128_ccm_sha256: 'ECDHE-ECDSA-AES128-CCM',
  tls_aes_128_ccm_8_sha256: 'ECDHE-ECDSA-AES128-CCM8',
};

/** The OpenSSL name of a 1.3 suite, as `ciphers` takes it. */
const SUITE_13_NAME: Readonly<Record<SupportedCipherSuite, string>> = {
  tls_aes_128_gcm_sha256: 'TLS_AES_128_GCM_SHA256',
  tls_aes_256_gcm_sha384: 'TLS_AES_256_GCM_SHA384',
  tls_chacha20_poly1305_sha256: 'TLS_CHACHA20_POLY1305_SHA256',
  tls_aes_128_ccm_sha256: 'TLS_AES_128_CCM_SHA256',
  tls_aes_128_ccm_8_sha256: 'TLS_AES_128_CCM_8_SHA256',
};

const pems = new WeakMap<Identity, string>();
function caPem(id: Identity): string {
  let p = pems.get(id);
  if (p === undefined) pems.set(id, (p = certificateToPem(id.caDer)));
  return p;
}

/** A session to 127.0.0.1:`port` in `version`, opened. */
export async function openSession(
  port: number,
  id: Identity,
  version: Version,
  options: { provider?: CryptoProvider; suite?: SupportedCipherSuite; mtu?: number; cid?: number } = {},
): Promise<DtlsSession> {
  const s = connect('127.0.0.1', port, {
    ca: caPem(id),
    servername: 'localhost',
    minVersion: version,
    maxVersion: version,
    handshakeTimeout: 10_000,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.mtu ? { mtu: options.mtu } : {}),
    ...(options.cid ? { cid: options.cid } : {}),
    ...(options.suite
      ? { ciphers: version === 'DTLSv1.2' ? SUITE_12_FOR[options.suite] : SUITE_13_NAME[options.suite] }
      : {}),
  });
  const opened = await s.opened;
  if (opened.protocol !== version) throw new Error(`asked for ${version}, got ${opened.protocol}`);
  return s;
}

/** ms from connect() to `opened`, one handshake at a time; `pace` between them (untimed). */
async function sequential(
  port: number,
  id: Identity,
  version: Version,
  n: number,
  pace: () => Promise<void> = async () => {},
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const s = await openSession(port, id, version);
    times.push(performance.now() - t0);
    await s.close();
    await pace();
  }
  return times;
}

/** Handshakes per second with `concurrency` in flight. */
async function concurrent(
  port: number,
  id: Identity,
  version: Version,
  n: number,
  concurrency: number,
): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const s = await openSession(port, id, version);
      await s.close();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (n * 1000) / (performance.now() - t0);
}

/** wolfSSL's example client in DTLS 1.2 (`-u -v 3`): its own handshake time per process. */
async function wolfClient12(
  port: number,
  pem: PemFiles,
  n: number,
  pace: () => Promise<void> = async () => {},
): Promise<{ times: number[]; failures: string[] }> {
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await runWolf('client', ['-u', '-v', '3', '-p', String(port), '-A', pem.ca, '-b', '1'], 15_000).done;
    const m = /wolfSSL_connect avg took:\s*([\d.]+)\s*milliseconds/.exec(r.output);
    if (m) times.push(Number(m[1]));
    else failures.push(r.output.trim().split('\n').at(-1) ?? `exit ${String(r.code)}`);
    await pace();
  }
  return { times, failures };
}

/** A paced wolfSSL DTLS 1.2 server (`-u -v 3 -i`), as handshakes.ts paces its 1.3 one. */
async function withWolfServer12<T>(
  pem: PemFiles,
  run: (port: number, pace: () => Promise<void>) => Promise<T>,
): Promise<{ result: T; unpaced: number }> {
  const wolf = await startWolfServer(pem, ['-v', '3', '-d', '-i', '-x']);
  let served: string | undefined;
  let unpaced = 0;
  const pace = async (): Promise<void> => {
    if (served === undefined || !(await rebound(wolf.port, served))) unpaced++;
    served = await servingSocket(wolf.port);
  };
  try {
    served = await servingSocket(wolf.port);
    return { result: await run(wolf.port, pace), unpaced };
  } finally {
    wolf.run.kill();
    await wolf.run.done;
  }
}

const ratio = (a: readonly number[], b: readonly number[]): string =>
  a.length && b.length ? (median(a) / median(b)).toFixed(2) : 'n/a';

/**
 * The 1.2 handshake lines: dtls13 1.2 and 1.3 through connect() to the
 * peer's server, sequential and 8 in flight; wolfSSL 1.2 in the three
 * pairings with a wolfSSL end; then the ratios.
 */
export async function handshakes12(
  port: number,
  id: Identity,
  pem: PemFiles | undefined,
  n: number,
  inFlight: number,
): Promise<void> {
  console.log(
    'handshakes, DTLS 1.2 beside 1.3 (connect() with minVersion = maxVersion; the same dtls13 server answers both; ECDSA P-256, X25519):',
  );
  await sequential(port, id, 'DTLSv1.2', Math.min(20, n));
  await sequential(port, id, 'DTLSv1.3', Math.min(20, n));
  const t12 = await sequential(port, id, 'DTLSv1.2', n);
  const t13 = await sequential(port, id, 'DTLSv1.3', n);
  console.log(latencyLine('dtls13 1.2 client → dtls13 server', t12));
  console.log(latencyLine('dtls13 1.3 client → dtls13 server', t13));
  let r12 = 0;
  let r13 = 0;
  if (inFlight > 0) {
    r12 = await concurrent(port, id, 'DTLSv1.2', inFlight, 8);
    r13 = await concurrent(port, id, 'DTLSv1.3', inFlight, 8);
    console.log(
      `  ${'dtls13 1.2 clients → dtls13 server'.padEnd(34)} ${r12.toFixed(0).padStart(5)} handshakes/s with 8 in flight (n=${inFlight})`,
    );
    console.log(
      `  ${'dtls13 1.3 clients → dtls13 server'.padEnd(34)} ${r13.toFixed(0).padStart(5)} handshakes/s with 8 in flight (n=${inFlight})`,
    );
  }
  let wolfBoth: number[] = [];
  if (pem) {
    const ours = await withWolfServer12(pem, async (p, pace) => {
      await sequential(p, id, 'DTLSv1.2', 5, pace);
      return sequential(p, id, 'DTLSv1.2', n, pace);
    });
    console.log(
      latencyLine(
        'dtls13 1.2 client → wolfSSL 1.2 server',
        ours.result,
        ours.unpaced ? `${ours.unpaced} not paced` : '',
      ),
    );
    const theirs = await wolfClient12(port, pem, n);
    console.log(
      latencyLine(
        'wolfSSL 1.2 client → dtls13 server',
        theirs.times,
        theirs.failures.length ? `${theirs.failures.length} failed: ${theirs.failures[0]}` : '',
      ),
    );
    const both = await withWolfServer12(pem, (p, pace) => wolfClient12(p, pem, n, pace));
    wolfBoth = both.result.times;
    console.log(
      latencyLine(
        'wolfSSL 1.2 client → wolfSSL 1.2 server',
        both.result.times,
        both.result.failures.length ? `${both.result.failures.length} failed: ${both.result.failures[0]}` : '',
      ),
    );
  } else console.log('  wolfSSL 1.2: not measured (no wolfSSL build)');
  console.log(
    `  ratios (p50 latency, lower is faster): dtls13 1.2 / dtls13 1.3 ${ratio(t12, t13)}; dtls13 1.2 / wolfSSL 1.2 ↔ wolfSSL 1.2 ${ratio(t12, wolfBoth)}` +
      (inFlight > 0 ? `; handshakes/s with 8 in flight, 1.2 / 1.3 ${(r12 / r13).toFixed(2)}` : ''),
  );
}

/** A goodput system: dtls13 through connect() in `version` on `provider`, to the peer's default server on it. */
export function connectSystem(
  peer: Peer,
  port: number,
  id: Identity,
  provider: CryptoProvider,
  version: Version,
  o: GoodputOptions,
): { name: string; perSuite: true; run(suite: SupportedCipherSuite): Promise<Trial>; close(): Promise<void> } {
  // The native server with the default options ('batch'), as connect() has them.
  const which = provider.name === 'native' ? 'dtls-native-batch' : 'dtls-node';
  const sessions = new Map<SupportedCipherSuite, DtlsSession>();
  return {
    name: `dtls13 ${version === 'DTLSv1.2' ? '1.2' : '1.3'} via connect(), ${provider.name}`,
    perSuite: true,
    run: async (suite) => {
      let s = sessions.get(suite);
      if (!s) {
        // Datagrams up to 1,400 bytes, so every payload the bench takes goes in one record (connect()'s default mtu is 1,200).
        s = await openSession(port, id, version, { provider, suite, mtu: BENCH_MTU });
        sessions.set(suite, s);
      }
      const session = s;
      return jsTrial(peer, which, (d) => void session.send(d), o);
    },
    close: async () => {
      for (const s of sessions.values()) await s.close();
    },
  };
}
