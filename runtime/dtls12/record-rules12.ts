/**
 * DTLS 1.2's rows of the record-rule table (runtime/connection/record-rules.ts):
 * which records a 1.2 connection takes in which phase, checked once per
 * record before its content is read, with the same lookup and the same
 * `stats.ignored` reasons as 1.3. A record no row admits is set aside and
 * counted; what a handler finds wrong inside the content is its own (a
 * handshake fragment under the wrong epoch ends the handshake, a malformed
 * ChangeCipherSpec or alert is dropped).
 */
import { ruleLookup, type RecordRule, type RuleLookup } from '../connection/record-rules.js';

/**
 * Where a 1.2 connection is, as far as which records it takes:
 * - `handshake`: the peer's ChangeCipherSpec is not due (no keys to switch
 *   to yet, or a message must come first: a NewSessionTicket the
 *   ServerHello promised, RFC 5077 §3.3, or the client's CertificateVerify);
 * - `change-cipher-spec`: the state takes the peer's ChangeCipherSpec now;
 * - `after-change-cipher-spec`: the peer's epoch-1 keys read, its Finished
 *   still to come (or ours, on a server resuming);
 * - `connected`.
 */
export type RecordPhase12 = 'handshake' | 'change-cipher-spec' | 'after-change-cipher-spec' | 'connected';

/** The handlers of the 1.2 rows (methods of the connection's record path). */
export type RecordHandlerName12 = 'handshake' | 'changeCipherSpec' | 'changeCipherSpecAgain' | 'alert' | 'applicationData';

const ANY_PHASE: readonly RecordPhase12[] = ['handshake', 'change-cipher-spec', 'after-change-cipher-spec', 'connected'];

export const RECORD_RULES_12: readonly RecordRule<RecordPhase12, RecordHandlerName12>[] = [
  // Hellos to ClientKeyExchange in plaintext, Finished (and a refused renegotiation) under epoch 1: the handler decides per message.
  { contentType: 'handshake', epochs: { min: 0, max: 1 }, protectedOnly: false, phases: ANY_PHASE, handler: 'handshake', refused: 'unauthenticated-violation' },
  // RFC 5246 §7.1: the peer's ChangeCipherSpec, in plaintext, only where its state takes it; anywhere else it could be anyone's.
  {
    contentType: 'change_cipher_spec',
    epochs: { min: 0, max: 0 },
    protectedOnly: false,
    phases: ['change-cipher-spec'],
    handler: 'changeCipherSpec',
    refused: 'unauthenticated-violation',
  },
  // The same again after it switched the keys: the peer resent its flight (ours was lost); the flight's other records say so.
  {
    contentType: 'change_cipher_spec',
    epochs: { min: 0, max: 0 },
    protectedOnly: false,
    phases: ['after-change-cipher-spec', 'connected'],
    handler: 'changeCipherSpecAgain',
    refused: 'unauthenticated-violation',
  },
  // Once the peer's epoch-1 keys read, a plaintext alert could be anyone's (an off-path sender could end the session).
  { contentType: 'alert', epochs: { min: 'peer' }, protectedOnly: false, phases: ANY_PHASE, handler: 'alert', refused: 'stale-alert' },
  // Application data only under epoch 1 and once connected (RFC 5246 §7.1: after Finished).
  {
    contentType: 'application_data',
    epochs: { min: 1, max: 1 },
    protectedOnly: true,
    phases: ['connected'],
    handler: 'applicationData',
    refused: 'unauthenticated-violation',
  },
];

/** The row of {@link RECORD_RULES_12} that admits a record in `phase` (`peerEpoch`: 1 once the peer's epoch-1 keys read), or why it is refused. */
export const recordRule12: RuleLookup<RecordPhase12, RecordHandlerName12> = ruleLookup(RECORD_RULES_12);
