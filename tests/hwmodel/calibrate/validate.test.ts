import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import {
  calibrateAndValidate,
  calibrateWithDetails,
  formatValidation,
  handshake,
  predictSoftware,
  serverIdentity,
  validateTiming,
  type ValidationCase,
} from '../../../hwmodel/calibrate/index.js';
import { CryptoOpLog, loggingProvider } from '../../../hwmodel/model/crypto-ops.js';
import {
  DEFAULT_PROFILE,
  checkProfile,
  type CryptoCostTable,
  type TimingProfile,
} from '../../../hwmodel/timing/index.js';

/** The default table with every figure 0, then `patch` applied per section. */
function table(patch: { [K in keyof CryptoCostTable]?: Partial<CryptoCostTable[K]> }): CryptoCostTable {
  const zero = JSON.parse(JSON.stringify(DEFAULT_PROFILE.crypto.software.table), (_k, v: unknown) =>
    typeof v === 'number' ? 0 : v,
  ) as Record<string, Record<string, unknown>>;
  for (const [section, entries] of Object.entries(patch)) zero[section] = { ...zero[section], ...entries };
  return zero as unknown as CryptoCostTable;
}

function profile(t: CryptoCostTable, processing: TimingProfile['processing']): TimingProfile {
  return checkProfile({
    ...DEFAULT_PROFILE,
    crypto: { ...DEFAULT_PROFILE.crypto, software: { lanes: 1, table: t } },
    processing,
  });
}

const wallClock = Date.now();
// Ed25519: deterministic signatures of one length, so the simulated flights split into the same datagrams as the in-memory ones.
const identity = serverIdentity('ed25519', wallClock);
const c: ValidationCase = { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', identity, wallClock };
/** The spec/hw connection manager's lookup and key manager's install (ps), which the software platform also charges to the CPU. */
const SMALL_PS_TOLERANCE = 0.005;

test('the predicted handshake latency is the processing and crypto of the work done until the client is connected, counted by hand', (t) => {
  const log = new CryptoOpLog();
  const provider = loggingProvider(nodeProvider, log);
  const run = handshake({ ...c, clientProvider: provider, serverProvider: provider });
  const { messages, records } = run.atClientConnected;
  t.true(messages > 0 && records > 0);
  const kx = { generateUs: 300, deriveUs: 500 };
  const p = profile(table({ keyExchange: { x25519: kx }, signature: { ed25519: { signUs: 700, verifyUs: 1100 } } }), {
    messageUs: 100,
    recordUs: 10,
  });
  // Until the client is connected: a key share each side, a shared secret each side, the server's CertificateVerify signed and checked.
  const expectedUs = 100 * messages + 10 * records + 2 * kx.generateUs + 2 * kx.deriveUs + 700 + 1100;
  const predicted = predictSoftware(p, c, { provider: 'node', seed: 1, records: 20 });
  t.true(
    Math.abs(predicted.handshakeMs * 1000 - expectedUs) / expectedUs < SMALL_PS_TOLERANCE,
    `${predicted.handshakeMs * 1000} µs, expected ${expectedUs} µs`,
  );
  t.true(predicted.events > 0);
});

test("the predicted record rate is one over a record's processing and crypto on both ends", (t) => {
  const aead = { seal: { setupUs: 4, perByteNs: 5 }, open: { setupUs: 6, perByteNs: 2.5 } };
  const p = profile(
    table({ aead: { TLS_AES_128_GCM_SHA256: aead }, mask: { 'aes-128': { setupUs: 1.5, perByteNs: 0 } } }),
    { messageUs: 100, recordUs: 10 },
  );
  // One record: a datagram out and a record in (10 µs each), seal and open of 1200 bytes plus a 1-byte content type, a mask each way.
  const perRecordUs = 2 * 10 + (4 + 0.005 * 1201) + (6 + 0.0025 * (1201 + 16)) + 2 * 1.5;
  // Many records: a one-off exchange during the first few (about 20 µs) then weighs little.
  const predicted = predictSoftware(p, c, { provider: 'node', seed: 1, records: 400 });
  const expected = 1e6 / perRecordUs;
  t.true(
    Math.abs(predicted.recordsPerSecond - expected) / expected < SMALL_PS_TOLERANCE,
    `${predicted.recordsPerSecond}/s, expected ${expected}/s`,
  );
});

test("validateTiming rows pair each target's measured and predicted figures; bad options are ConfigErrors", (t) => {
  const v = validateTiming(DEFAULT_PROFILE, {
    targets: [{ suite: 'tls_chacha20_poly1305_sha256', group: 'x25519', scheme: 'ed25519' }],
    handshakes: 2,
    warmup: 0,
    records: 20,
    rounds: 2,
    simulatedRecords: 5,
  });
  t.deepEqual(
    v.rows.map((r) => [r.suite, r.metric]),
    [
      ['tls_chacha20_poly1305_sha256', 'handshakeMs'],
      ['tls_chacha20_poly1305_sha256', 'recordsPerSecond'],
    ],
  );
  for (const r of v.rows) {
    t.is(r.ratio, r.predicted / r.measured);
    t.is(r.within, Math.abs(r.ratio - 1) <= 0.1);
  }
  t.is(
    v.allWithin,
    v.rows.every((r) => r.within),
  );
  t.is(formatValidation(v).split('\n').length, 3);
  const option = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConfigError) return e.option;
      throw e;
    }
    return undefined;
  };
  t.is(
    option(() => validateTiming(DEFAULT_PROFILE, { targets: [] })),
    'targets',
  );
  t.is(
    option(() => validateTiming(DEFAULT_PROFILE, { tolerance: -1 })),
    'tolerance',
  );
  t.is(
    option(() => validateTiming(DEFAULT_PROFILE, { provider: 'x' as 'node' })),
    'provider',
  );
  t.is(
    option(() => validateTiming(DEFAULT_PROFILE, { handshakes: 2, rounds: 3 })),
    'rounds',
  );
});

test('calibrateAndValidate runs the validation between the calibration rounds and judges the profile it built', (t) => {
  const calls: string[] = [];
  calibrateWithDetails({
    handshakes: 3,
    warmup: 0,
    records: 12,
    repeats: 1,
    interleave: {
      records: (r, n) => calls.push(`records ${r}/${n}`),
      handshakes: (r, n) => calls.push(`handshakes ${r}/${n}`),
    },
  });
  t.deepEqual(
    calls,
    [...[0, 1, 2, 3, 4, 5].map((r) => `records ${r}/6`), ...[0, 1, 2].map((r) => `handshakes ${r}/3`)],
    'a hook after every records round and every handshake round',
  );

  const target = { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', scheme: 'ed25519' } as const;
  const { calibration, validation } = calibrateAndValidate(
    { handshakes: 2, warmup: 0, records: 12, repeats: 1 },
    { targets: [target], handshakes: 4, warmup: 0, records: 24, rounds: 2, simulatedRecords: 5 },
  );
  t.is(calibration.profile.metadata.source, 'calibrated');
  t.deepEqual(
    validation.rows.map((r) => r.metric),
    ['handshakeMs', 'recordsPerSecond'],
  );
  for (const r of validation.rows) {
    t.true(r.measured > 0 && r.predicted > 0, `${r.metric}: ${r.measured} measured, ${r.predicted} predicted`);
    t.is(r.ratio, r.predicted / r.measured);
  }
  // The prediction is the calibrated profile's: validating it afterwards predicts the same figures.
  const again = validateTiming(calibration.profile, {
    targets: [target],
    handshakes: 2,
    warmup: 0,
    records: 20,
    rounds: 2,
    simulatedRecords: 5,
  });
  t.deepEqual(
    again.rows.map((r) => r.predicted),
    validation.rows.map((r) => r.predicted),
  );
});
