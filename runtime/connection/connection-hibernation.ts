import { emptyDropCounters } from '../record/drops.js';
import type { HandshakeReassembler } from '../handshake/reassembler.js';
import { NO_PATH_STATS } from '../cid/cid-context.js';
import { trafficKeys } from '../keyschedule/derived-keys.js';
import type { AckScheduler } from './ack-scheduler.js';
import type { ConnectionCounters, ConnectionStats } from './connection-api.js';
import type { ConnectionParts } from './connection-parts.js';
import type { HeldRecords } from './held-records.js';
import type { ClientContext, ServerContext } from './machine-context.js';
import {
  freezeSession,
  thawSession,
  type FrozenSession,
  type HibernatedCounts,
  type HibernatedSession,
} from './hibernation.js';
import { scheduleFor } from './key-material.js';
import { NONE_IGNORED, type IgnoreReason } from './record-rules.js';
import type { RoleDriver } from './role-driver.js';

/**
 * Hibernation of the 1.3 connection (connection.ts): a server's session at rest frozen into its form (hibernation.ts),
 * a connection made of the form again, and the stats the form holds. See README.md, "Sessions at rest hibernate".
 */

/** What of the connection hibernation reads, and (on thawing) sets again. */
export interface HibernatingConnection {
  readonly role: 'client' | 'server';
  readonly parts: ConnectionParts;
  /** The parts in the role's context (a server's 0-RTT budget). */
  readonly context: ClientContext | ServerContext;
  readonly driver: RoleDriver;
  readonly ended: boolean;
  readonly inspected: boolean;
  readonly outgoing: readonly Uint8Array[];
  readonly ackScheduler: AckScheduler;
  readonly inbox: HandshakeReassembler;
  readonly deferred: HeldRecords;
  readonly heldData: HeldRecords;
  readonly counts: ConnectionCounters;
  frozen: boolean;
  peerEpoch: number;
  startedAt: number;
  completedAt: number | undefined;
  ignored: Record<IgnoreReason, number> | undefined;
}

/** Freezes `c` at `now` (Dtls13Connection.hibernate, which says when): its form, or undefined and nothing changed. */
export function hibernateConnection(c: HibernatingConnection, now: number): FrozenSession | undefined {
  const p = c.parts;
  const session = c.driver.session;
  if (c.role !== 'server' || session === undefined || c.ended || c.frozen || c.inspected || c.completedAt === undefined)
    return undefined;
  if (
    session.postHandshakeAuth ||
    session.transcript !== undefined ||
    session.pendingAuth !== undefined ||
    !p.cid.atRest(now)
  )
    return undefined;
  if (
    c.outgoing.length > 0 ||
    p.events.length > 0 ||
    (c.context.role === 'server' && c.context.earlyDataRemaining !== undefined) ||
    p.postHandshake.waitingFlights > 0
  )
    return undefined;
  if (
    p.acks.size > 0 ||
    c.ackScheduler.armed ||
    c.inbox.retainedBytes > 0 ||
    c.deferred.length > 0 ||
    c.heldData.length > 0
  )
    return undefined;
  const flight = p.flight.atRest;
  if (flight === undefined || p.records.usage().read.some((r) => r.epoch > session.read.epoch)) return undefined;
  // The session's read epoch, and the handshake's while its keys are kept (RFC 9147 §5.8.1); the peer's older
  // application epochs are let go (kept only for reordered records, RFC 9147 §4.2.1, which a session quiet this long
  // has none of).
  const records = p.records.hibernation(
    (epoch) => epoch === session.read.epoch || (epoch === 2 && p.handshakeReadSecret !== undefined),
  );
  if (records === undefined || records.write.epoch !== session.write.epoch) return undefined;
  const h: HibernatedSession = {
    parameters: session.parameters,
    readEpoch: session.read.epoch,
    readSecret: session.read.secret,
    writeEpoch: session.write.epoch,
    writeSecret: session.write.secret,
    handshakeReadSecret: records.reads.some((r) => r.epoch === 2) ? p.handshakeReadSecret : undefined,
    resumptionSecret: session.resumptionSecret,
    exporterSecret: session.exporterSecret,
    serverName: session.serverName,
    clientAuthenticated: session.clientAuthenticated,
    ticketsIssued: session.ticketsIssued,
    records,
    flight,
    sendSeq: p.sendSeq,
    receiveSeq: c.inbox.nextReceiveSeq,
    messagesSent: c.counts.handshakeMessagesSent,
    datagramLimit: p.outbox.datagramLimit,
    peerEpoch: c.peerEpoch,
    startedAt: c.startedAt,
    completedAt: c.completedAt,
    authenticatedAt: p.facts.lastAuthenticatedReceive,
    clock: Math.max(now, p.clock.now),
    counts: hibernatedCounts(c.counts),
    ignored: c.ignored,
    path: p.cid.current,
    cids: p.cid.hibernation(),
  };
  const frozen = freezeSession(h, p.provider);
  c.frozen = true;
  p.records.releaseAll();
  return frozen;
}

/** A new connection `c` takes up the hibernated session `h` (Dtls13Connection.thaw). */
export function restoreConnection(c: HibernatingConnection, h: HibernatedSession): void {
  const p = c.parts;
  const suite = h.parameters.cipherSuite;
  const schedule = scheduleFor(p.provider, suite);
  const readSecret = (epoch: number): Uint8Array => {
    const secret = epoch === 2 ? h.handshakeReadSecret : h.readSecret;
    if (secret === undefined) throw new TypeError('a hibernated session holds epoch 2 read keys without their secret');
    return secret;
  };
  p.records.restore(h.records, suite, trafficKeys(schedule, h.writeSecret, suite), (epoch) =>
    trafficKeys(schedule, readSecret(epoch), suite),
  );
  p.handshakeReadSecret = h.handshakeReadSecret;
  p.sendSeq = h.sendSeq;
  c.inbox.reset(h.receiveSeq);
  p.outbox.lowerDatagramLimit(h.datagramLimit);
  p.flight.restoreAtRest(h.flight);
  p.clock.advanceTo(h.clock);
  if (h.path !== undefined) p.cid.current = h.path;
  if (h.cids !== undefined) p.cid.restore(h.cids);
  c.driver.resumeConnected({
    parameters: h.parameters,
    schedule,
    read: { epoch: h.readEpoch, secret: h.readSecret },
    write: { epoch: h.writeEpoch, secret: h.writeSecret },
    resumptionSecret: h.resumptionSecret,
    serverName: h.serverName,
    clientAuthenticated: h.clientAuthenticated,
    ticketsIssued: h.ticketsIssued,
    transcript: undefined,
    postHandshakeAuth: false,
    exporterSecret: h.exporterSecret,
  });
  c.peerEpoch = h.peerEpoch;
  c.startedAt = h.startedAt;
  c.completedAt = h.completedAt;
  p.facts.handshakeDoneAt = h.completedAt; // a server's: no confirmation to wait for
  p.facts.lastAuthenticatedReceive = h.authenticatedAt;
  Object.assign(c.counts, h.counts, { handshakeMessagesSent: h.messagesSent });
  c.ignored = h.ignored && { ...h.ignored };
}

/**
 * The stats a hibernated session would show if thawed now, read from its frozen form without making it a connection
 * again (DtlsConnection.frozenStats).
 */
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
