import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  calibrateWithDetails,
  resolveCalibrateOptions,
  threadTime,
  TIMED_RUN,
} from '../../../hwmodel/calibrate/index.js';
import { CryptoTimingModel, checkProfile, type TimingProfile } from '../../../hwmodel/timing/index.js';

let calibrated: ReturnType<typeof calibrateWithDetails> | undefined;
/** One small calibration shared by the tests (a few seconds). */
function small(): ReturnType<typeof calibrateWithDetails> {
  calibrated ??= calibrateWithDetails({ handshakes: 2, warmup: 0, records: 30, repeats: 2 });
  return calibrated;
}

test('a small calibration gives a valid profile that says it was calibrated here', (t) => {
  const { profile, details } = small();
  t.deepEqual(checkProfile(JSON.parse(JSON.stringify(profile))), profile);
  t.like(profile.metadata, { source: 'calibrated', provider: 'node' });
  t.regex(profile.metadata.machine, /, \d+ cores$/);
  t.false(Number.isNaN(Date.parse(profile.metadata.date)));
  t.is(details.handshakes, 2 * 18 * TIMED_RUN, 'each round times a few handshakes of every combination in a row');
  // Counts, not timings: a 1-RTT handshake is 14 messages (both sides, received + sent) ...
  t.is(details.messages, 14);
  t.true(details.records >= 10, String(details.records));
  // ... and what was not measured is named.
  t.regex(profile.metadata.notes ?? '', /aead\.TLS_AES_128_CCM_SHA256/);
  t.regex(profile.metadata.notes ?? '', /keyExchange\.x448/);
  t.notRegex(profile.metadata.notes ?? '', /keyExchange\.x25519\b|signature\.ed25519|processing/);
});

test('every measured entry is positive and the processing figures are finite', (t) => {
  const { profile } = small();
  const tbl = profile.crypto.software.table;
  const model = CryptoTimingModel.fromProfile(profile);
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const) {
    for (const op of ['aead_seal', 'aead_open'] as const)
      t.true(model.cost({ op, suite, bytes: 1200 }) > 0, `${suite} ${op}`);
    t.true(model.cost({ op: 'mask', suite, bytes: 16 }) > 0, `${suite} mask`);
  }
  for (const h of ['sha256', 'sha384'] as const) {
    for (const op of ['hash', 'hmac', 'hkdf'] as const)
      t.true(model.cost({ op, algorithm: h, bytes: 64 }) > 0, `${op} ${h}`);
  }
  for (const g of ['x25519', 'secp256r1', 'secp384r1'] as const)
    t.true(tbl.keyExchange[g].generateUs > 0 && tbl.keyExchange[g].deriveUs > 0, g);
  for (const s of ['ecdsa_secp256r1_sha256', 'ed25519'] as const)
    t.true(tbl.signature[s].signUs > 0 && tbl.signature[s].verifyUs > 0, s);
  t.true(Number.isFinite(profile.processing.messageUs) && profile.processing.messageUs >= 0);
  t.true(Number.isFinite(profile.processing.recordUs) && profile.processing.recordUs >= 0);
  t.is(profile.crypto.software.lanes, 1);
});

test('the base profile supplies what is not measured', (t) => {
  const { profile } = small();
  const accelerated = {
    ...profile.crypto.accelerated,
    keyExchange: { ...profile.crypto.accelerated.keyExchange, x448: { generateCycles: 7, deriveCycles: 8 } },
  };
  const base: TimingProfile = { ...profile, loadFactor: 3, crypto: { ...profile.crypto, accelerated } };
  const again = calibrateWithDetails({ handshakes: 1, warmup: 0, records: 3, repeats: 1, base }).profile;
  t.is(again.loadFactor, 3);
  t.deepEqual(again.crypto.accelerated, accelerated, 'calibrating the host leaves the accelerator as it was');
});

test('bad calibration options are ConfigErrors naming the option', (t) => {
  const option = (o: Parameters<typeof resolveCalibrateOptions>[0]): string | undefined => {
    try {
      resolveCalibrateOptions(o);
    } catch (e) {
      if (e instanceof ConfigError) return e.option;
      throw e;
    }
    return undefined;
  };
  t.is(option({ provider: 'openssl' as 'node' }), 'provider');
  t.is(option({ handshakes: 0 }), 'handshakes');
  t.is(option({ warmup: -1 }), 'warmup');
  t.is(option({ records: 1.5 }), 'records');
  t.is(option({ repeats: 0 }), 'repeats');
  t.is(option({ clock: 'sundial' as 'cpu' }), 'clock');
  t.is(option({}), undefined);
  t.like(resolveCalibrateOptions({ provider: 'noble' }), {
    providerName: 'noble',
    clockName: threadTime === undefined ? 'cpu' : 'thread',
  });
});
