import type { HandshakeReassembler } from '../handshake/reassembler.js';
import type { VersionStats } from './connection-api.js';
import type { ConnectionParts } from './connection-parts.js';
import type { HeldRecords } from './held-records.js';
import { NONE_IGNORED, type IgnoreReason } from './record-rules.js';

/** What of the 1.3 connection (connection.ts) its stats read. */
export interface CountedConnection {
  readonly parts: ConnectionParts;
  readonly ignored: Record<IgnoreReason, number> | undefined;
  readonly inbox: HandshakeReassembler;
  readonly deferred: HeldRecords;
  readonly heldData: HeldRecords;
  readonly startedAt: number;
  readonly completedAt: number | undefined;
}

/** Drops by reason, retransmission state, handshake duration and what is held for the peer: `stats` less the counters. */
export function connectionStats(c: CountedConnection): VersionStats {
  const p = c.parts;
  return {
    drops: { ...p.records.drops },
    ignored: { ...NONE_IGNORED, ...c.ignored },
    retransmissions: p.flight.retransmissions,
    flightState: p.flight.state,
    retransmitTimeout: p.flight.timeout,
    handshakeDuration: c.completedAt === undefined ? undefined : c.completedAt - c.startedAt,
    retained: {
      reassemblyBytes: c.inbox.retainedBytes,
      deferredBytes: c.deferred.bytes + c.heldData.bytes,
      ackRecords: p.acks.size,
      readEpochs: p.records.usage().read.length,
    },
    paths: p.cid.stats,
  };
}
