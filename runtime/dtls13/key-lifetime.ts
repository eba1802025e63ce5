import type { RecordLayer } from '../record/record-layer.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import type { Session } from '../shared/key-material.js';
import { keyUpdateOutstanding, sendKeyUpdate, type KeyUpdateSender } from './post-handshake-flights.js';

/** How long a 1.3 connection's keys live: the handshake's after it, and the read keys' under integrity limits. */

/**
 * How long the handshake's keys (epoch 2) outlive the handshake: twice the MSL (2 minutes, RFC 793), for which a server
 * answers a retransmitted final flight with its ACK (RFC 9147 §5.8.1).
 */
export const HANDSHAKE_KEYS_RETENTION_MS = 240_000;

/** Drops the handshake's keys both ways once their retention since `completedAt` is over; true when they went. */
export function dropHandshakeKeysWhenDue(records: RecordLayer, completedAt: number | undefined, now: number): boolean {
  if (completedAt === undefined || now - completedAt < HANDSHAKE_KEYS_RETENTION_MS) return false;
  records.reader.dropReadEpoch(2);
  records.writer.retireWriteEpoch(2);
  return true;
}

/**
 * RFC 9147 §4.5.3 after failed authentications: past 1/8 of the current read key's integrity limit a KeyUpdate with
 * update_requested starts (unless one is outstanding); at the limit an older epoch is dropped, or for the current one
 * the failure is returned. Records are all opened until 3/4 of the limit, so the peer's answer gets through.
 */
export function integrityLimitVerdict(
  sender: KeyUpdateSender,
  session: Session | undefined,
  guard: (fn: () => void) => void,
): FatalReason | undefined {
  const verdicts = sender.records.reader.integrity.verdict(
    () => sender.records.usage().read,
    session?.read.epoch,
    !keyUpdateOutstanding(sender.flight),
  );
  for (const v of verdicts) {
    if (v.kind === 'drop-epoch') sender.records.reader.dropReadEpoch(v.epoch);
    else if (v.kind === 'fail')
      return {
        alert: 'bad_record_mac',
        message: `more than ${v.limit} records failed authentication under epoch ${v.epoch} keys (RFC 9147 §4.5.3)`,
      };
    else if (session) guard(() => sendKeyUpdate(sender, session, true));
  }
  return undefined;
}
