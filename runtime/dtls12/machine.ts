/**
 * A 1.2 connection's handshake machine: the one `Machine` (runtime/machine/machine.ts) that also runs the 1.3 charts,
 * here over the role's 1.2 chart (`dtls12ClientStep` / `dtls12ServerStep`, bound in runtime/connection/role-drivers.ts). What
 * 1.2 adds: the states a connection enters outside the chart (a close or the peer's close_notify before the handshake
 * completes, the retransmission limit), and `onTransition`, the coverage oracle's view of each transition taken.
 */
import type { ConnectionFacts } from '../shared/connection-facts.js';
import { Machine, type ChartBinding, type ChartTakes, type ChartWatcher } from '../machine/machine.js';
import type { ClientState12 } from './client.js';
import type { ClientEvent12, Event12, ServerEvent12 } from './event.js';
import type { HandshakeParts12 } from './handshake-parts.js';
import type { ServerState12 } from './server.js';

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
  /** Where the state's kind and a failure's reason are written as the connection's facts (connection-facts.ts). */
  private readonly facts: ConnectionFacts;

  constructor(role: 'client' | 'server', parts: HandshakeParts12, charts: Charts12, facts: ConnectionFacts) {
    const chart: RoleChart12 = role === 'client' ? charts.client : charts.server;
    super(role === 'client' ? { kind: 'start' } : { kind: 'waitClientHello' }, parts, chart);
    this.facts = facts;
    facts.state = this.kind = this.state.kind;
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
}
