/**
 * A client's version chosen once, from the server's first answer (version-negotiation.ts reads it), for DtlsConnection
 * (connection.ts): the one object that decides which version state takes a datagram while the choice is open, installs
 * the 1.2 state, and keeps the guards around it. The connection drops it once the handshake is past where a version
 * could still change (connected or ended), so a session's datagrams after that never meet it. (A server's version is
 * chosen by its 1.3 state's ClientHello step, runtime/connection/role-driver.ts `handOver`, or by the listener.)
 *
 * - a client offering both goes on in the version the server's first answer names: a 1.2 ServerHello or a
 *   HelloVerifyRequest hands our ClientHello as sent to a 1.2 state (`fromSentOffer`);
 * - a HelloVerifyRequest is authenticated by nothing: after one, the untouched 1.3 state is held until a ServerHello
 *   commits, and a 1.3 answer to the first ClientHello that arrives meanwhile takes it back; the plaintext alerts a 1.3
 *   server then sends about the cookie hello (a hello we dropped) are ignored;
 */
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { Dtls13Connection } from '../connection/connection.js';
import type { Config12 } from '../dtls12/config12.js';
import { Connection12, type Offer12 } from '../dtls12/connection12.js';
import type { CommonState } from './common-state.js';
import type { DtlsOptions } from './options.js';
import { CHARTS12 } from './role-drivers.js';
import { answeredVersion, firstAnswer, plaintextAlertsOnly, SentClientHello } from './version-negotiation.js';

/** A version state of DtlsConnection. */
export type VersionStateOf = Dtls13Connection | Connection12;

/** What the choice holds only until the version is known. */
interface Choosing {
  readonly options: DtlsOptions;
  readonly config12: Config12;
  /** Our ClientHello as sent (the 1.2 state takes over from it). */
  readonly offer: SentClientHello;
  /** The version state's first state (the 1.3 state moving on from it, and from waitServerHello, ends the choice). */
  readonly initialState: string;
}

export class VersionChoice {
  private readonly common: CommonState;
  /** The server's first answer has not named a version yet. */
  private choosing: Choosing | undefined;
  /** After a HelloVerifyRequest: the untouched 1.3 state, until the 1.2 state takes a ServerHello. */
  private held13: Dtls13Connection | undefined;
  /** The 1.3 state took over from a 1.2 state that had sent the ClientHello with a HelloVerifyRequest's cookie. */
  private sentCookieHello = false;

  /**
   * The choice a new client connection needs, or undefined when it has none to make (a client of one version): `first` is its
   * first version state, `config12` the 1.2 configuration when 1.2 is enabled.
   */
  static of(
    common: CommonState,
    options: DtlsOptions,
    first: VersionStateOf,
    config12: Config12 | undefined,
  ): VersionChoice | undefined {
    // A 1.2-only client has nothing to choose; a 1.3-only one refuses a HelloVerifyRequest in its own inbound
    // (runtime/connection/handshake-inbound.ts).
    if (config12 === undefined || first instanceof Connection12) return undefined;
    const offer = new SentClientHello();
    return new VersionChoice(common, { options, config12, offer, initialState: common.state });
  }

  private constructor(common: CommonState, choosing: Choosing) {
    this.common = common;
    this.choosing = choosing;
  }

  /** Whether the version is still open (the connection reports none meanwhile). */
  get open(): boolean {
    return this.choosing !== undefined;
  }

  /** Client: one of our datagrams left (the ClientHello as sent, for a 1.2 state to take over from). */
  sent(datagram: Uint8Array): void {
    this.choosing?.offer.sent(datagram);
  }

  /** Before a state takes `datagram`: the state that takes it (a 1.2 one when it chose 1.2), or undefined for none. */
  take(current: VersionStateOf, datagram: Uint8Array): VersionStateOf | undefined {
    // A connection that ended (closed, failed, timed out) before the version was known stays ended.
    if (this.choosing !== undefined && (this.common.failure !== undefined || this.common.state === 'closed'))
      this.choosing = undefined;
    const choosing = this.choosing;
    if (choosing !== undefined) {
      const answer = firstAnswer(datagram);
      if (answer?.version === 'DTLSv1.3') this.choosing = undefined;
      else if (answer?.version === 'DTLSv1.2') return this.fallBack(choosing, current, answer.helloVerifyRequest);
      return current;
    }
    if (this.held13 !== undefined && current instanceof Connection12 && answeredVersion(datagram) === 'DTLSv1.3') {
      // The 1.3 answer to our first ClientHello, after a HelloVerifyRequest (forged, or a confused server).
      current.retire();
      const back = this.held13;
      this.held13 = undefined;
      back.offerTimed(true);
      this.sentCookieHello = true;
      return back;
    }
    if (this.sentCookieHello && current instanceof Dtls13Connection && plaintextAlertsOnly(datagram)) {
      // The 1.2 state sent our ClientHello again with the HelloVerifyRequest's cookie, which a 1.3 server refuses with
      // illegal_parameter (RFC 9147 §5.3: legacy_cookie must be empty): that answer is to a hello we dropped, not to
      // this handshake. A peer that means to end it does so under the handshake keys.
      if (this.common.state !== 'connected') return undefined;
      this.sentCookieHello = false;
    }
    return current;
  }

  /** After `state` took a datagram: what it settled. Returns whether the choice still has anything to watch. */
  took(state: VersionStateOf): boolean {
    const s = this.common.state;
    if (this.held13 !== undefined && s !== 'waitServerHello') this.held13 = undefined; // the 1.2 ServerHello taken (or failed)
    // A ServerHello or ClientHello the readers could not place (in fragments, say) went to the 1.3 state: once it moved on, that is the version.
    const choosing = this.choosing;
    if (
      choosing !== undefined &&
      state instanceof Dtls13Connection &&
      s !== choosing.initialState &&
      s !== 'waitServerHello'
    )
      this.choosing = undefined;
    return (
      this.choosing !== undefined ||
      this.held13 !== undefined ||
      (s !== 'connected' && s !== 'closed' && s !== 'failed')
    );
  }

  /** Client: the server answered in DTLS 1.2; a 1.2 state takes over from our ClientHello as sent. */
  private fallBack(choosing: Choosing, current: VersionStateOf, helloVerifyRequest: boolean): VersionStateOf {
    const sent = choosing.offer.whole();
    if (sent === undefined || !(current instanceof Dtls13Connection)) return current; // never: the ClientHello left whole before any answer
    const offered = {
      hello: decodeClientHello(sent.body),
      body: sent.body,
      messageSeq: sent.messageSeq,
      nextRecordSequenceNumber: sent.lastRecord + 1,
    };
    this.choosing = undefined;
    current.offerTimed(false);
    if (helloVerifyRequest) this.held13 = current;
    return state12(choosing.options, choosing.config12, this.common, offered);
  }
}

/**
 * The 1.2 state on `config` (its connection bound to the 1.2 charts, counting in the common counters, its events into
 * the common queue), with the connection's inspector; a client that already sent `offer` takes up from it. Its
 * handshake began at `common.startedAt`, if before it.
 */
export function state12(o: DtlsOptions, config: Config12, common: CommonState, offer?: Offer12): Connection12 {
  const connection = new Connection12(config, CHARTS12, common, common.startedAt);
  if (offer !== undefined) connection.fromSentOffer(offer);
  const inspect = o.inspect;
  if (inspect !== undefined) connection.inspect((event) => inspect.call(o, event)); // the 1.2 chart's actor from here on
  return connection;
}

/** A server's 1.2 configuration: the shared one with this peer's cookie binding and key. */
export function server12(o: DtlsOptions, config: Config12): Config12 {
  const { peer, cookieSecret } = o;
  return {
    ...config,
    ...(peer !== undefined ? { peer } : {}),
    ...(cookieSecret !== undefined ? { cookieSecret } : {}),
  };
}
