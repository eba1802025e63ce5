import test from 'ava';
import type { ContentTypeName } from '../../generated/wire/enums.js';
import { RECORD_RULES, recordRule, type RecordPhase, type RecordPhase12 } from '../../runtime/shared/record-rules.js';

/**
 * Issues 29 and 44: the one record-rule table, by version, checked once
 * per record through one lookup. Each row is tried at its allowed epochs
 * and just outside them, protected and not, in every phase; the
 * expectations below are written out from RFC 9147 (§4.5.2, §6.1, §7) and
 * RFC 9853 §4 for 1.3, from RFC 5246 §7.1 and RFC 6347 §4.1 for 1.2, not
 * read back from the table.
 */

const PHASES: readonly RecordPhase[] = ['handshake', 'early-data', 'connected'];
type Outcome = string; // a handler name, or the IgnoreReason of a refused record

/** What the RFCs say about each (content type, epoch, protected, phase), peer epoch 2 unless given. */
function expected(type: string, epoch: number, prot: boolean, phase: RecordPhase, peerEpoch: number): Outcome {
  switch (type) {
    case 'handshake':
      return 'handshake'; // every epoch; HANDSHAKE_HANDLERS judges each message
    case 'ack':
      return prot ? 'ack' : 'unauthenticated-violation';
    case 'alert':
      return epoch >= peerEpoch ? 'alert' : 'stale-alert';
    case 'application_data':
      if (!prot) return 'unauthenticated-violation';
      if (epoch === 1 && phase === 'early-data') return 'earlyData';
      if (epoch >= 3) return phase === 'connected' ? 'applicationData' : 'heldApplicationData';
      return 'unauthenticated-violation';
    case 'return_routability_check':
      return prot && epoch >= 3 && phase === 'connected' ? 'returnRoutabilityCheck' : 'unauthenticated-violation';
    default:
      return 'unauthenticated-violation';
  }
}

const outcome = (
  type: ContentTypeName,
  epoch: number,
  prot: boolean,
  phase: RecordPhase,
  peerEpoch: number,
): Outcome => {
  const r = recordRule('DTLSv1.3', { contentType: type, epoch, protected: prot }, phase, peerEpoch);
  return typeof r === 'string' ? r : r.handler;
};

for (const type of [
  'handshake',
  'ack',
  'alert',
  'application_data',
  'return_routability_check',
  'change_cipher_spec',
  'heartbeat',
] as const) {
  test(`${type}: every epoch 0..5, protected or not, in every phase, as RFC 9147 says`, (t) => {
    for (const peerEpoch of [0, 2, 3, 4])
      for (const phase of PHASES)
        for (let epoch = 0; epoch <= 5; epoch++)
          for (const prot of epoch === 0 ? [false] : [true, false]) {
            t.is(
              outcome(type, epoch, prot, phase, peerEpoch),
              expected(type, epoch, prot, phase, peerEpoch),
              `epoch ${epoch}, ${prot ? 'protected' : 'plaintext'}, ${phase}, peer at ${peerEpoch}`,
            );
          }
  });
}

test('every row admits a record at its lowest epoch and refuses one just below it, and one past its highest', (t) => {
  for (const rule of RECORD_RULES['DTLSv1.3']) {
    const min = rule.epochs.min === 'peer' ? 2 : rule.epochs.min;
    const phase = rule.phases[0] ?? 'connected';
    const admitted = recordRule(
      'DTLSv1.3',
      { contentType: rule.contentType, epoch: min, protected: min > 0 },
      phase,
      2,
    );
    t.is(typeof admitted === 'string' ? admitted : admitted.handler, rule.handler, `${rule.handler} at epoch ${min}`);
    if (min > 0) {
      const below = recordRule(
        'DTLSv1.3',
        { contentType: rule.contentType, epoch: min - 1, protected: true },
        phase,
        2,
      );
      t.not(typeof below === 'string' ? below : below.handler, rule.handler, `${rule.handler} below epoch ${min}`);
    }
    if (rule.epochs.max !== undefined) {
      const above = recordRule(
        'DTLSv1.3',
        { contentType: rule.contentType, epoch: rule.epochs.max + 1, protected: true },
        phase,
        2,
      );
      t.not(
        typeof above === 'string' ? above : above.handler,
        rule.handler,
        `${rule.handler} above epoch ${rule.epochs.max}`,
      );
    }
  }
});

test('protected-only rows refuse plaintext at every epoch they allow', (t) => {
  const rows = RECORD_RULES['DTLSv1.3'].filter((r) => r.protectedOnly);
  t.true(rows.length >= 4, 'ack, 0-RTT data, application data, return routability');
  for (const rule of rows) {
    for (const phase of rule.phases) {
      const epoch = rule.epochs.min === 'peer' ? 0 : rule.epochs.min;
      t.is(
        recordRule('DTLSv1.3', { contentType: rule.contentType, epoch, protected: false }, phase, 0),
        rule.refused,
        `${rule.handler} in plaintext`,
      );
    }
  }
});

test('the table has one row per (version, content type, handler), every row a plain object of the same columns', (t) => {
  for (const rows of Object.values(RECORD_RULES)) {
    const keys = rows.map((r) => `${r.contentType}/${r.handler}`);
    t.is(new Set(keys).size, keys.length);
    for (const r of rows)
      t.deepEqual(Object.keys(r).sort(), ['contentType', 'epochs', 'handler', 'phases', 'protectedOnly', 'refused']);
  }
  t.deepEqual(Object.keys(RECORD_RULES).sort(), ['DTLSv1.2', 'DTLSv1.3']);
});

const PHASES_12: readonly RecordPhase12[] = [
  'handshake',
  'change-cipher-spec',
  'after-change-cipher-spec',
  'connected',
];

/** What RFC 5246 §7.1 and RFC 6347 say about a 1.2 record (epoch 0 plaintext, epoch 1 protected), peer epoch 1 once its keys read. */
function expected12(type: string, epoch: number, prot: boolean, phase: RecordPhase12, peerEpoch: number): Outcome {
  switch (type) {
    case 'handshake':
      return epoch <= 1 ? 'handshake' : 'unauthenticated-violation'; // hellos in plaintext, Finished under epoch 1
    case 'change_cipher_spec':
      if (epoch !== 0) return 'unauthenticated-violation'; // ChangeCipherSpec is sent under the old (null) epoch
      if (phase === 'change-cipher-spec') return 'changeCipherSpec';
      return phase === 'handshake' ? 'unauthenticated-violation' : 'changeCipherSpecAgain';
    case 'alert':
      return epoch >= peerEpoch ? 'alert' : 'stale-alert';
    case 'application_data':
      return prot && epoch === 1 && phase === 'connected' ? 'applicationData' : 'unauthenticated-violation';
    default:
      return 'unauthenticated-violation'; // ack, return_routability_check, heartbeat: not DTLS 1.2 records dtls13 takes
  }
}

for (const type of [
  'handshake',
  'change_cipher_spec',
  'alert',
  'application_data',
  'ack',
  'return_routability_check',
  'heartbeat',
] as const) {
  test(`DTLS 1.2 ${type}: epochs 0..2, protected or not, in every 1.2 phase, as RFC 5246 says`, (t) => {
    for (const peerEpoch of [0, 1])
      for (const phase of PHASES_12)
        for (let epoch = 0; epoch <= 2; epoch++)
          for (const prot of epoch === 0 ? [false] : [true, false]) {
            const r = recordRule('DTLSv1.2', { contentType: type, epoch, protected: prot }, phase, peerEpoch);
            const got: Outcome = typeof r === 'string' ? r : r.handler;
            t.is(
              got,
              expected12(type, epoch, prot, phase, peerEpoch),
              `epoch ${epoch}, ${prot ? 'protected' : 'plaintext'}, ${phase}, peer at ${peerEpoch}`,
            );
          }
  });
}
