import { emptyDropCounters } from '../record/drops.js';
import { NO_PATH_STATS } from '../cid/cid-context.js';
import { trafficKeys } from '../keyschedule/derived-keys.js';
import type { ConnectionCounters, ConnectionStats } from '../shared/connection-api.js';
import {
  freezeSession,
  thawSession,
  type FrozenSession,
  type HibernatedCounts,
  type HibernatedSession,
} from '../shared/hibernation.js';
import { scheduleFor, type Session } from '../shared/key-material.js';
import type { MachineContext } from './machine-context.js';
import { NONE_IGNORED, type IgnoreReason } from '../shared/record-rules.js';
import type { RoleDriver } from './role-driver.js';

/** Hibernation of the 1.3 connection: a server's session at rest frozen into its form, thawed, and its stats read. */

/** What freezing and thawing use of the connection's context. */
export type HibernatingMachine = Pick<
  MachineContext,
  | 'cid'
  | 'events'
  | 'postHandshake'
  | 'acks'
  | 'flight'
  | 'records'
  | 'sendSeq'
  | 'outbox'
  | 'facts'
  | 'clock'
  | 'provider'
>;

/** What the form keeps of the connection itself (Dtls13Connection.hibernate checked that it holds nothing). */
export interface FrozenConnection {
  readonly receiveSeq: number;
  readonly peerEpoch: number;
  readonly startedAt: number;
  readonly completedAt: number;
  readonly counts: ConnectionCounters;
  /** Records set aside, by reason (the form keeps them only when some were). */
  readonly ignored: Readonly<Record<IgnoreReason, number>>;
  /** The client's handshake traffic secret while epoch 2's read keys are kept. */
  readonly handshakeReadSecret: Uint8Array | undefined;
}

/** Freezes a connected server's `session`: its form, the keys freed; or undefined, nothing changed, when not at rest. */
export function freezeConnection(
  p: HibernatingMachine,
  session: Session,
  c: FrozenConnection,
  now: number,
): FrozenSession | undefined {
  if (
    session.postHandshakeAuth ||
    session.transcript !== undefined ||
    session.pendingAuth !== undefined ||
    !p.cid.atRest(now)
  )
    return undefined;
  if (p.events.length > 0 || p.postHandshake.waitingFlights > 0 || p.acks.size > 0) return undefined;
  const flight = p.flight.atRest;
  if (flight === undefined || p.records.usage().read.some((r) => r.epoch > session.read.epoch)) return undefined;
  // The session's read epoch, and the handshake's while its keys are kept (RFC 9147 §5.8.1); the peer's older
  // application epochs are let go (kept only for reordered records, RFC 9147 §4.2.1, which a session quiet this long
  // has none of).
  const records = p.records.hibernation(
    (epoch) => epoch === session.read.epoch || (epoch === 2 && c.handshakeReadSecret !== undefined),
  );
  if (records === undefined || records.write.epoch !== session.write.epoch) return undefined;
  const h: HibernatedSession = {
    session,
    handshakeReadSecret: records.reads.some((r) => r.epoch === 2) ? c.handshakeReadSecret : undefined,
    records,
    flight,
    sendSeq: p.sendSeq,
    receiveSeq: c.receiveSeq,
    messagesSent: c.counts.handshakeMessagesSent,
    datagramLimit: p.outbox.limit.value,
    peerEpoch: c.peerEpoch,
    startedAt: c.startedAt,
    completedAt: c.completedAt,
    authenticatedAt: p.facts.lastAuthenticatedReceive,
    clock: Math.max(now, p.clock.now),
    counts: hibernatedCounts(c.counts),
    ignored: Object.values(c.ignored).some((n) => n > 0) ? c.ignored : undefined,
    path: p.cid.current,
    cids: p.cid.hibernation(),
  };
  const frozen = freezeSession(h, p.provider);
  p.records.releaseAll();
  return frozen;
}

/** A new connection's context `p` and role driver take up the hibernated session `h`. */
export function restoreContext(p: HibernatingMachine, driver: RoleDriver, h: HibernatedSession): void {
  const suite = h.session.parameters.cipherSuite;
  const schedule = scheduleFor(p.provider, suite);
  const readSecret = (epoch: number): Uint8Array => {
    const secret = epoch === 2 ? h.handshakeReadSecret : h.session.read.secret;
    if (secret === undefined) throw new TypeError('a hibernated session holds epoch 2 read keys without their secret');
    return secret;
  };
  p.records.restore(h.records, suite, trafficKeys(schedule, h.session.write.secret, suite), (epoch) =>
    trafficKeys(schedule, readSecret(epoch), suite),
  );
  p.sendSeq = h.sendSeq;
  p.outbox.limit.lower(h.datagramLimit);
  p.flight.restoreAtRest(h.flight);
  p.clock.advanceTo(h.clock);
  if (h.path !== undefined) p.cid.current = h.path;
  if (h.cids !== undefined) p.cid.restore(h.cids);
  driver.resumeConnected({ ...h.session, schedule, transcript: undefined, postHandshakeAuth: false });
  p.facts.handshakeDoneAt = h.completedAt; // a server's: no confirmation to wait for
  p.facts.lastAuthenticatedReceive = h.authenticatedAt;
}

/** The stats a hibernated session would show if thawed now, read from its frozen form. */
export function frozenSessionStats(frozen: FrozenSession): ConnectionStats {
  const h = thawSession(frozen);
  return {
    ...h.counts,
    drops: { ...emptyDropCounters(), ...h.records.drops },
    ignored: { ...NONE_IGNORED, ...h.ignored },
    retransmissions: h.flight.retransmitted,
    flightState: h.flight.state,
    retransmitTimeout: h.flight.timeout,
    handshakeDuration: h.completedAt - h.startedAt,
    handshakeMessagesSent: h.messagesSent,
    retained: { reassemblyBytes: 0, deferredBytes: 0, ackRecords: 0, readEpochs: h.records.reads.length },
    paths: { ...(h.cids?.counts ?? NO_PATH_STATS) },
  };
}

/** The counters the frozen form keeps under `counts` (the handshake messages sent are its `messagesSent`). */
function hibernatedCounts(c: ConnectionCounters): HibernatedCounts {
  const { handshakeMessagesSent: _sent, ...counts } = c;
  return counts;
}
