import type { RecordLayer } from '../record/record-layer.js';
import type { FatalReason } from './alert-mapping.js';
import type { Session } from './key-material.js';
import { keyUpdateOutstanding, sendKeyUpdate, type KeyUpdateSender } from './post-handshake-flights.js';

/**
 * How long a 1.3 connection's keys live beyond what the handshake and the records need (connection.ts calls these): the
 * handshake's keys kept for a retransmitted final flight, then dropped; and what the read keys' integrity limits ask
 * after failed authentications.
 */

/**
 * How long the handshake's keys (epoch 2) outlive the handshake: twice the MSL (2 minutes, RFC 793), for which a server
 * answers a retransmitted final flight with its ACK (RFC 9147 §5.8.1).
 */
export const HANDSHAKE_KEYS_RETENTION_MS = 240_000;

/**
 * Drops the handshake's keys (epoch 2) both ways once {@link HANDSHAKE_KEYS_RETENTION_MS} have passed since the
 * handshake completed (`completedAt`); true when they went (a server then lets their secret go too).
 */
export function dropHandshakeKeysWhenDue(records: RecordLayer, completedAt: number | undefined, now: number): boolean {
  if (completedAt === undefined || now - completedAt < HANDSHAKE_KEYS_RETENTION_MS) return false;
  records.dropReadEpoch(2);
  records.retireWriteEpoch(2);
  return true;
}

/**
 * RFC 9147 §4.5.3, after a datagram in which records failed to authenticate: past 1/8 of the integrity limit of the
 * current read key (INTEGRITY_KEY_UPDATE_THRESHOLD) a KeyUpdate with update_requested starts, unless one of ours is
 * outstanding (RFC 9147 §8; through `guard`, the connection's fatal path); at the limit an older epoch is dropped, and
 * for the current one the reason the connection fails is returned. The key's records are all opened until 3/4 of its
 * limit (IntegrityMonitor), so the peer's answer gets through while forgeries come slower than the exchange.
 */
export function integrityLimitVerdict(
  sender: KeyUpdateSender,
  session: Session | undefined,
  guard: (fn: () => void) => void,
): FatalReason | undefined {
  const verdicts = sender.records.integrity.verdict(
    () => sender.records.usage().read,
    session?.read.epoch,
    !keyUpdateOutstanding(sender.flight),
  );
  for (const v of verdicts) {
    if (v.kind === 'drop-epoch') sender.records.dropReadEpoch(v.epoch);
    else if (v.kind === 'fail')
      return {
        alert: 'bad_record_mac',
        message: `more than ${v.limit} records failed authentication under epoch ${v.epoch} keys (RFC 9147 §4.5.3)`,
      };
    else if (session) guard(() => sendKeyUpdate(sender, session, true));
  }
  return undefined;
}
