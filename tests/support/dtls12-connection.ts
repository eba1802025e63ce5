/**
 * A DTLS 1.2 connection on its own, for tests of 1.2's internals (and the
 * 1.2 fuzz targets and `bench -- attacks`): the runtime's Connection12
 * bound to the 1.2 charts on a state of its own, with the sans-I/O polls a
 * DtlsConnection answers from its common state (runtime/dtls/connection.ts)
 * answered here from that state. The library has no such path: a
 * DtlsConnection's 1.2 state makes its Connection12, whose events go into
 * the one event queue both versions share, and DtlsConnection alone polls
 * and reads the facts the state writes (its chart state, failure, path, CIDs,
 * last authenticated record, exporter), as this class reads them here.
 */
import type { FatalReason } from '../../runtime/connection/alert-mapping.js';
import type { ConnectionEvent } from '../../runtime/connection/events.js';
import {
  unsharedState,
  type ConnectionIds,
  type ConnectionStats,
  type SharedState,
} from '../../runtime/connection/connection-api.js';
import { connectionIdsOf } from '../../runtime/connection/connection-facts.js';
import { exportKeying } from '../../runtime/connection/export-keying.js';
import { CHARTS12 } from '../../runtime/dtls/role-drivers.js';
import { resolveConfig12, type Config12, type Dtls12Options } from '../../runtime/dtls12/config12.js';
import { Connection12, type Offer12 } from '../../runtime/dtls12/connection12.js';
import type { Machine12 } from '../../runtime/dtls12/machine12.js';

export type { Offer12 } from '../../runtime/dtls12/connection12.js';

export class Dtls12Connection extends Connection12 {
  /** The handshake chart's machine, shown to the tests of 1.2's internals (the connection keeps it to itself). */
  declare readonly machine: Machine12;

  /** The event queue, outbound queue, counters and clock a DtlsConnection would lend it. */
  private readonly own: SharedState;

  static client(options: Dtls12Options = {}): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('client', options));
  }

  static server(options: Dtls12Options): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('server', options));
  }

  /** A client that already sent `offer`, its ClientHello: it starts in waitServerHello (Connection12.fromSentOffer). */
  static clientFromOffer(config: Config12, offer: Offer12): Dtls12Connection {
    const c = new Dtls12Connection(config);
    c.fromSentOffer(offer);
    return c;
  }

  constructor(config: Config12, own: SharedState = unsharedState(config.base.maxDatagramSize)) {
    super(config, CHARTS12, own);
    this.own = own;
  }

  pollTransmit(): Uint8Array | undefined {
    this.own.transmitGate?.transmitReady(); // what was staged since the last poll sealed, as in DtlsConnection
    const d = this.own.outgoing.shift();
    if (d !== undefined) this.own.counters.datagramsSent++;
    return d;
  }

  pollEvent(): ConnectionEvent | undefined {
    return this.own.events.shift();
  }

  pollTimeout(): number | undefined {
    return this.ended ? undefined : this.own.clock.nextDeadline();
  }

  pathMtuExceeded(size: number): boolean {
    return this.own.datagramLimit.lower(size);
  }

  get datagramLimit(): number {
    return this.own.datagramLimit.value;
  }

  handleTimeout(now: number): void {
    this.onTimer(now);
  }

  /** The handshake chart's state, as the 1.2 state writes it into its facts. */
  get state(): string {
    return this.own.state;
  }

  /** The alert that failed the connection, once it failed (the fact the 1.2 state wrote). */
  get failure(): FatalReason | undefined {
    return this.own.failure;
  }

  get stats(): ConnectionStats {
    return { ...this.own.counters, ...this.versionStats };
  }

  get path(): string | undefined {
    return this.own.peer.current;
  }

  get connectionIds(): ConnectionIds | undefined {
    return connectionIdsOf(this.own.peer.session);
  }

  get lastAuthenticatedReceive(): number | undefined {
    return this.own.lastAuthenticatedReceive;
  }

  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return exportKeying(this.own.exporter, length, label, context);
  }

  rebind(path: string): void {
    this.own.peer.rebind(path);
  }
}
