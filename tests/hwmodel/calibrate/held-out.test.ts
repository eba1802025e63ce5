import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  calibrateAndValidate,
  calibrateWithDetails,
  formatValidation,
  TIMED_RUN,
} from '../../../hwmodel/calibrate/index.js';

const tiny = { handshakes: 1, warmup: 0, records: 3, repeats: 1 } as const;

test('fitOn keeps held-out combinations out of the fitted figures; their rows say so', (t) => {
  const seen: string[] = [];
  const fitOn = (suite: string, group: string, scheme: string): boolean => {
    seen.push(`${suite}/${group}/${scheme}`);
    return suite === 'tls_aes_128_gcm_sha256' && group === 'x25519';
  };
  const { calibration, validation } = calibrateAndValidate(
    { ...tiny, fitOn },
    {
      handshakes: 2,
      warmup: 0,
      records: 4,
      rounds: 1,
      simulatedRecords: 5,
      targets: [
        { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', scheme: 'ed25519' },
        { suite: 'tls_aes_256_gcm_sha384', group: 'secp384r1', scheme: 'ed25519' },
      ],
    },
  );
  t.is(new Set(seen).size, 3 * 3 * 2, 'asked about every combination');
  t.true(calibration.details.handshakes > 0);
  t.is(
    calibration.details.handshakes,
    2 * TIMED_RUN,
    'only the fitted combinations were timed (two schemes of one suite and group)',
  );
  t.deepEqual(
    validation.rows.map((r) => r.heldOut),
    [false, false, true, true],
  );
  t.regex(formatValidation(validation), /tls_aes_256_gcm_sha384 .* secp384r1, ed25519 \(held out\)/);
  // The held-out suite's AEAD costs are still this machine's (sampled), not the defaults.
  t.not(calibration.profile.crypto.software.table.aead.TLS_AES_256_GCM_SHA384.seal.perByteNs, 0.5);
});

test('fitOn that leaves nothing to fit on is a ConfigError', (t) => {
  t.throws(() => calibrateWithDetails({ ...tiny, fitOn: () => false }), { instanceOf: ConfigError, message: /fitOn/ });
});
