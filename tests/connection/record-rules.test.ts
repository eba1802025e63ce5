import test from 'ava';
import type { ContentTypeName } from '../../generated/wire/enums.js';
import { RECORD_RULES, recordRule, type RecordPhase } from '../../runtime/connection/record-rules.js';

/**
 * Issue 29: the one record-rule table, checked once per record. Each row
 * is tried at its allowed epochs and just outside them, protected and not,
 * in every phase; the expectations below are written out from RFC 9147
 * (§4.5.2, §6.1, §7) and RFC 9853 §4, not read back from the table.
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

const outcome = (type: ContentTypeName, epoch: number, prot: boolean, phase: RecordPhase, peerEpoch: number): Outcome => {
  const r = recordRule({ contentType: type, epoch, protected: prot }, phase, peerEpoch);
  return typeof r === 'string' ? r : r.handler;
};

for (const type of ['handshake', 'ack', 'alert', 'application_data', 'return_routability_check', 'change_cipher_spec', 'heartbeat'] as const) {
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
  for (const rule of RECORD_RULES) {
    const min = rule.epochs.min === 'peer' ? 2 : rule.epochs.min;
    const phase = rule.phases[0] ?? 'connected';
    const admitted = recordRule({ contentType: rule.contentType, epoch: min, protected: min > 0 }, phase, 2);
    t.is(typeof admitted === 'string' ? admitted : admitted.handler, rule.handler, `${rule.handler} at epoch ${min}`);
    if (min > 0) {
      const below = recordRule({ contentType: rule.contentType, epoch: min - 1, protected: true }, phase, 2);
      t.not(typeof below === 'string' ? below : below.handler, rule.handler, `${rule.handler} below epoch ${min}`);
    }
    if (rule.epochs.max !== undefined) {
      const above = recordRule({ contentType: rule.contentType, epoch: rule.epochs.max + 1, protected: true }, phase, 2);
      t.not(typeof above === 'string' ? above : above.handler, rule.handler, `${rule.handler} above epoch ${rule.epochs.max}`);
    }
  }
});

test('protected-only rows refuse plaintext at every epoch they allow', (t) => {
  const rows = RECORD_RULES.filter((r) => r.protectedOnly);
  t.true(rows.length >= 4, 'ack, 0-RTT data, application data, return routability');
  for (const rule of rows) {
    for (const phase of rule.phases) {
      const epoch = rule.epochs.min === 'peer' ? 0 : rule.epochs.min;
      t.is(recordRule({ contentType: rule.contentType, epoch, protected: false }, phase, 0), rule.refused, `${rule.handler} in plaintext`);
    }
  }
});

test('the table has one row per (content type, handler), and a row is a plain object a DTLS 1.2 row can sit beside', (t) => {
  const keys = RECORD_RULES.map((r) => `${r.contentType}/${r.handler}`);
  t.is(new Set(keys).size, keys.length);
  for (const r of RECORD_RULES) t.deepEqual(Object.keys(r).sort(), ['contentType', 'epochs', 'handler', 'phases', 'protectedOnly', 'refused']);
});
