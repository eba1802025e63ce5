/**
 * A 1.2 connection's handshake machine and its driver, as 1.3's role machine is (runtime/dtls13/role-driver.ts): the
 * one `Machine` (runtime/machine/machine.ts) over the role's 1.2 chart (`dtls12ClientStep` / `dtls12ServerStep`, bound
 * in runtime/connection/role-drivers.ts). It takes each chart event (a step's error, or an event the state does not
 * take, becomes the one fatal alert), enters the states a connection reaches outside the chart (a close or the peer's
 * close_notify before the handshake completes, the retransmission limit), and settles where a step left it
 * (outcome.ts): the completed handshake reported, or the end's alert sent and the end reported. `onTransition` is the
 * coverage oracle's view of each transition taken. The connection (connection.ts) and its inbound handshake
 * (handshake-inbound.ts) both hold it.
 */
import { Machine, type ChartBinding, type ChartTakes, type ChartWatcher } from '../machine/machine.js';
import { toAlert, type FatalReason } from '../shared/alert-mapping.js';
import type { SharedState } from '../shared/connection-api.js';
import { sentServerName } from '../shared/sni-selection.js';
import { negotiatedIds12 } from './cid.js';
import type { ClientState12 } from './client.js';
import { eventName12, type ClientEvent12, type Event12, type ServerEvent12 } from './event.js';
import { Exporter12 } from './exporter.js';
import { sendAlert12, type HandshakeParts12 } from './handshake-parts.js';
import type { Handshake12Result } from './handshake-result.js';
import { negotiated12 } from './negotiated.js';
import type { Connected12 } from './outcome.js';
import type { PeerPath12 } from './peer-path.js';
import type { ServerState12 } from './server.js';
import { encodeSession12 } from './session-blob.js';
import type { Session12 } from './session.js';

/** A 1.2 handshake's state, either role's. */
export type HandshakeState12 = ClientState12 | ServerState12;

/** The 1.2 charts bound to their generated step functions (runtime/connection/role-drivers.ts binds them, beside 1.3's). */
export interface Charts12 {
  readonly client: ChartBinding<HandshakeParts12, ClientState12, ClientEvent12>;
  readonly server: ChartBinding<HandshakeParts12, ServerState12, ServerEvent12>;
}

/**
 * The role's chart as Machine12 runs it: over either role's states and events. The role fixes which: a client's machine
 * only ever holds the client chart's states and takes its events (connection.ts makes and feeds it so), and the
 * generated step answers a state or event of the other chart with undefined (not taken). `step` is a method, so either
 * role's binding fits as it is (a method's parameters are checked both ways: each role's states and events must be
 * those of 1.2), with no cast and no wrapper call per event.
 */
interface RoleChart12 {
  step(context: HandshakeParts12, state: HandshakeState12, event: Event12): HandshakeState12 | undefined;
  readonly takes: ChartTakes;
}

export class Machine12 extends Machine<HandshakeParts12, HandshakeState12, Event12> {
  /** Called after each chart transition taken (the inspector's and the coverage oracle's view): state before, event, state after. */
  onTransition: ((from: string, event: string, to: string) => void) | undefined;
  /** The state's kind and whether it is an end (`closed`, `failed`): read per record and per poll, so fields, kept with each move. */
  kind: HandshakeState12['kind'];
  ended = false;
  /**
   * Runs once, at the first state past `waitServerHello` (a ServerHello taken, or the end, however reached): the version
   * is 1.2 for good. The hello phase holding a client's 1.3 state after a HelloVerifyRequest lets it go here
   * (connection.ts `whenVersionFinal`, runtime/connection/hello-phase.ts), so no end path can forget it.
   */
  onFinal: (() => void) | undefined = undefined;
  /**
   * The common state: the state's kind and a failure's reason written as the connection's facts (connection-facts.ts),
   * the completed handshake's exporter and time.
   */
  private readonly facts: SharedState;
  /** The CIDs the handshake negotiated go to the peer's path (a server follows its peer with them, RFC 9146 §6). */
  private readonly peerPath: PeerPath12;
  private completedWith: Connected12 | undefined;

  constructor(parts: HandshakeParts12, charts: Charts12, facts: SharedState, peerPath: PeerPath12) {
    const client = parts.config.role === 'client';
    const chart: RoleChart12 = client ? charts.client : charts.server;
    super(client ? { kind: 'start' } : { kind: 'waitClientHello' }, parts, chart);
    this.facts = facts;
    this.peerPath = peerPath;
    facts.state = this.kind = this.state.kind;
  }

  /** The completed handshake's parameters, once completed. */
  get result(): Handshake12Result | undefined {
    return this.completedWith?.result;
  }

  /** The last session handed out (client: to resume; server: stored). */
  get session(): Session12 | undefined {
    return this.completedWith?.session;
  }

  get current(): HandshakeState12 {
    return this.state;
  }

  /** XState's copy of the chart from now on (runtime/dtls12/inspected.ts). */
  watch(watcher: ChartWatcher): void {
    this.running = watcher;
  }

  /** A state the chart does not lead to: a client starting from a 1.3 offer already sent, or a connection ended outside the chart. */
  enter(next: HandshakeState12): void {
    this.state = next;
    this.kept(next);
  }

  /** Like a transition taken on `event` (reported to the watcher and `onTransition`), to `next` although the chart did not take it. */
  force(event: Event12, next: HandshakeState12): void {
    const before = this.state;
    this.state = next;
    this.running?.took(event, before, this.context);
    this.took(before, event, next);
  }

  protected override took(before: HandshakeState12, event: Event12, next: HandshakeState12): void {
    this.kept(next);
    this.onTransition?.(before.kind, event.type, next.kind);
  }

  private kept(next: HandshakeState12): void {
    this.facts.state = this.kind = next.kind;
    if (next.kind === 'failed') this.facts.failure = next.reason;
    this.ended = next.kind === 'closed' || next.kind === 'failed';
    const final = this.onFinal;
    if (final !== undefined && next.kind !== 'waitServerHello') {
      this.onFinal = undefined;
      final();
    }
  }

  /**
   * Takes one chart event: a step's error becomes the one fatal alert (the state unchanged until then); an event the
   * state does not take is unexpected_message.
   */
  drive(event: Event12): void {
    const before = this.state;
    let taken: boolean;
    try {
      taken = this.dispatch(event);
    } catch (e) {
      return this.fail(toAlert(e));
    }
    if (!taken) return this.fail({ alert: 'unexpected_message', message: `${eventName12(event)} in ${before.kind}` });
    const now = this.state;
    if (now !== before) this.settled(before, now);
  }

  /** The chart's `fail`: its sendFatalAlert step sends the one fatal alert and ends the connection; once only. */
  fail(reason: FatalReason): void {
    if (this.ended) return;
    const event = { type: 'fail', reason } as const;
    const before = this.state;
    if (this.dispatch(event)) this.settled(before, this.state);
    else this.force(event, { kind: 'failed', reason, sent: false });
  }

  /** Ended outside the chart (a close or close_notify before the handshake completes, the retransmissions run out). */
  end(state: Extract<HandshakeState12, { kind: 'closed' | 'failed' }>): void {
    this.enter(state);
    this.context.flights.stop();
    this.context.events.push({ type: 'closed', reason: state.kind === 'closed' ? state.reason : 'timeout' });
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
    const parts = this.context;
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
    const { config, events } = this.context;
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
