/**
 * The 1.2 role driver: what moves a connection's handshake machine, and what follows from where it lands. Each chart
 * event dispatched (a step's error, or an event the state does not take, becomes the one fatal alert), the connection
 * failed through the chart's `fail` or ended outside it, and the state a step returned settled (outcome.ts): the
 * completed handshake reported, or the end's alert sent and the end reported. The connection (connection.ts) and its
 * inbound handshake (handshake-inbound.ts) both hold it as a field.
 */
import { toAlert, type FatalReason } from '../shared/alert-mapping.js';
import type { SharedState } from '../shared/connection-api.js';
import { sentServerName } from '../shared/sni-selection.js';
import { negotiatedIds12 } from './cid.js';
import { eventName12, type Event12 } from './event.js';
import { Exporter12 } from './exporter.js';
import { sendAlert12, type HandshakeParts12 } from './handshake-parts.js';
import type { Handshake12Result } from './handshake-result.js';
import type { HandshakeState12, Machine12 } from './machine.js';
import { negotiated12 } from './negotiated.js';
import type { Connected12 } from './outcome.js';
import type { PeerPath12 } from './peer-path.js';
import { encodeSession12 } from './session-blob.js';
import type { Session12 } from './session.js';

export class RoleDriver12 {
  private readonly machine: Machine12;
  /** The steps' parts: the configuration, our flights (stopped at the end), the outbox (the end's alert), the events. */
  private readonly parts: HandshakeParts12;
  /** The common state: the completed handshake's exporter and time. */
  private readonly facts: SharedState;
  /** The CIDs the handshake negotiated go to the peer's path (a server follows its peer with them, RFC 9146 §6). */
  private readonly peerPath: PeerPath12;
  private completedWith: Connected12 | undefined;

  constructor(machine: Machine12, parts: HandshakeParts12, facts: SharedState, peerPath: PeerPath12) {
    this.machine = machine;
    this.parts = parts;
    this.facts = facts;
    this.peerPath = peerPath;
  }

  /** The completed handshake's parameters, once completed. */
  get result(): Handshake12Result | undefined {
    return this.completedWith?.result;
  }

  /** The last session handed out (client: to resume; server: stored). */
  get session(): Session12 | undefined {
    return this.completedWith?.session;
  }

  /**
   * Takes one chart event: a step's error becomes the one fatal alert (the state unchanged until then); an event the
   * state does not take is unexpected_message.
   */
  dispatch(event: Event12): void {
    const machine = this.machine;
    const before = machine.current;
    let taken: boolean;
    try {
      taken = machine.dispatch(event);
    } catch (e) {
      return this.fail(toAlert(e));
    }
    if (!taken) return this.fail({ alert: 'unexpected_message', message: `${eventName12(event)} in ${before.kind}` });
    const now = machine.current;
    if (now !== before) this.settled(before, now);
  }

  /** The chart's `fail`: its sendFatalAlert step sends the one fatal alert and ends the connection; once only. */
  fail(reason: FatalReason): void {
    const machine = this.machine;
    if (machine.ended) return;
    const event = { type: 'fail', reason } as const;
    const before = machine.current;
    if (machine.dispatch(event)) this.settled(before, machine.current);
    else machine.force(event, { kind: 'failed', reason, sent: false });
  }

  /** Ended outside the chart (a close or close_notify before the handshake completes, the retransmissions run out). */
  end(state: Extract<HandshakeState12, { kind: 'closed' | 'failed' }>): void {
    this.machine.enter(state);
    this.parts.flights.stop();
    this.parts.events.push({ type: 'closed', reason: state.kind === 'closed' ? state.reason : 'timeout' });
  }

  /**
   * What the step that moved the machine from `before` returned with its state (outcome.ts): the completed handshake
   * reported, or the end sent and reported.
   */
  private settled(before: HandshakeState12, now: HandshakeState12): void {
    if (now.kind === 'connected') {
      if (before.kind !== 'connected') this.completed(now);
      return;
    }
    const parts = this.parts;
    if (now.kind === 'failed') {
      if (now.sent) sendAlert12(parts, 'fatal', now.reason.alert);
    } else if (now.kind === 'closed') sendAlert12(parts, 'warning', 'close_notify');
    else return;
    parts.flights.stop();
    parts.events.push({ type: 'closed', reason: now.kind === 'failed' ? 'failed' : now.reason });
  }

  /**
   * The handshake completed: its result kept; its CIDs and its exporter (RFC 5705, exporter.ts) written as the
   * connection's facts; reported: our RFC 9146 CID first (a listener routes the tls12_cid records that carry it to this
   * session), then a client's session to resume (as a 1.3 client's first ticket is there when `opened` resolves), then
   * the parameters (a client's `servername`: the name it sent, as 1.3 reports it).
   */
  private completed(s: Connected12): void {
    this.completedWith = s;
    const { config, events } = this.parts;
    const ids = s.cids && negotiatedIds12(s.cids);
    this.peerPath.session = ids;
    const facts = this.facts;
    facts.exporter = new Exporter12(config.base.provider, s.result);
    facts.handshakeDoneAt = facts.clock.now;
    const cid = ids?.local.current;
    if (cid !== undefined) events.push({ type: 'connectionIdIssued', cid });
    const client = config.role === 'client';
    const session = client ? s.session : undefined;
    if (session !== undefined)
      events.push({ type: 'sessionTicket', session: encodeSession12(session), expiresAt: session.expiresAt });
    const servername = client ? sentServerName(config.base.serverName) : undefined;
    events.push({ type: 'handshakeComplete', parameters: negotiated12(s.result, servername) });
  }
}
