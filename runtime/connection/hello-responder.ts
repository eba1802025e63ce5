/**
 * A listener's answer to a ClientHello from a peer that has no connection yet, whichever version it will speak: the
 * version chosen by the rule a connection's hello phase uses (`chooseServerVersion`, version-negotiation.ts, calls
 * hello-phase.ts `chooseVersion`), then the stateless cookie exchange of
 * that version: a HelloRetryRequest (RFC 9147 §5.1, hello-retry-responder.ts) or a HelloVerifyRequest (RFC 6347 §4.2.1,
 * runtime/dtls12/hello-verify-responder.ts); a ClientHello with no version in common gets a stateless
 * protocol_version alert. What a connection needs to start (the 1.3 cookie's contents, the 1.2 cookie's binding and
 * key) comes out as its per-connection options, so the listener starts one DtlsConnection and never looks at versions.
 * Nothing is kept per peer beyond what the two responders bound.
 */
import { HelloVerifyResponder12 } from '../dtls12/hello-verify-responder.js';
import { firstRecordNumber, protocolVersionAlert } from '../dtls12/hello-verify.js';
import type { DtlsVersionName } from '../versions/versions.js';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { DtlsOptions } from './options.js';
import type { HelloRetryOutcome, HelloRetryResponder } from '../dtls13/hello-retry-responder.js';
import type { ClientHelloReassemblyOptions } from '../dtls13/hello-retry-reassembly.js';
import { ClientHelloFragments } from './client-hello-fragments.js';
import { chooseServerVersion } from './version-negotiation.js';
import type { VersionConfigs } from './version-configs.js';
import { toHex } from '../wire/bytes.js';
import { AMPLIFICATION_FACTOR } from '../shared/amplification-limit.js';
import type { CookielessHello } from './cookieless-hello.js';

/** What to do with a datagram from a peer that has no connection yet. */
export type HelloOutcome =
  /** Send this (a HelloRetryRequest or HelloVerifyRequest with a cookie, or a fatal alert) and keep nothing. */
  | (Omit<Extract<HelloRetryOutcome, { kind: 'reply' }>, 'what'> & {
      readonly what: Extract<HelloRetryOutcome, { kind: 'reply' }>['what'] | 'hello-verify-request';
    })
  /**
   * Start a connection with `start` among its options and give it `datagram` (the ClientHello, whole in one record when
   * a responder reassembled it). `random`: ClientHello.random in hex, when a cookie exchange read it (else the
   * listener's own peek at the datagram).
   */
  | {
      readonly kind: 'accept';
      readonly random: string | undefined;
      readonly datagram: Uint8Array;
      readonly start: Pick<DtlsOptions, 'statelessRetry' | 'peer' | 'cookieSecret' | 'clientHello12' | 'helloVerify'>;
      /** A 0-RTT ClientHello's verified binder: the anti-replay key to check before the connection starts. */
      readonly earlyDataKey?: Uint8Array;
    }
  /** A fragment kept until the rest arrives, or nothing to act on. */
  | { readonly kind: 'buffered' }
  | { readonly kind: 'drop' };

export class HelloResponder {
  private readonly enabled: readonly DtlsVersionName[];
  private readonly retry13: HelloRetryResponder | undefined;
  private readonly verify12: HelloVerifyResponder12 | undefined;
  /**
   * ClientHellos in fragments, made whole before the version is chosen and, without cookies, before the cookieless
   * rule looks at them (client-hello-fragments.ts): a fragment alone must not start a connection the whole ClientHello
   * would have sent through the exchange. Undefined only where a 1.3 connection reassembles its own (no exchange).
   */
  private readonly fragments: ClientHelloFragments | undefined;
  /** A server without cookies: the ClientHellos that go through the cookie exchange anyway (cookieless-hello.ts). */
  private readonly cookieless: CookielessHello | undefined;

  /**
   * `retry13`: the 1.3 cookie exchange, undefined without cookies; the 1.2 one follows `configs.config12.helloVerify`.
   * `reassembly`: the caps on ClientHellos in fragments (the listener's `maxPendingClientHellos`,
   * `maxClientHelloLength`). `cookieless`: a server without cookies (`helloVerify` off) that sends only the whole
   * ClientHellos it picks through the exchanges (`retry13`, and a 1.2 one made here).
   */
  constructor(
    configs: VersionConfigs,
    retry13: HelloRetryResponder | undefined,
    reassembly: ClientHelloReassemblyOptions = {},
    cookieless?: CookielessHello,
  ) {
    this.enabled = configs.enabled;
    this.retry13 = retry13;
    this.cookieless = cookieless;
    this.fragments =
      this.enabled.includes('DTLSv1.3') && retry13 === undefined && cookieless === undefined
        ? undefined
        : new ClientHelloFragments(reassembly);
    const c12 = configs.config12;
    this.verify12 =
      c12 !== undefined && (c12.helloVerify || cookieless !== undefined)
        ? new HelloVerifyResponder12(c12.base.provider, c12.cookieSecret)
        : undefined;
  }

  /** Partial ClientHellos the 1.3 exchange holds. */
  get pendingClientHellos(): { readonly count: number; readonly bytes: number; readonly evicted: number } | undefined {
    return this.cookieless !== undefined
      ? this.fragments?.pending
      : (this.fragments?.pending ?? this.retry13?.pendingClientHellos);
  }

  /**
   * `peer`: what cookies are bound to (the listener's `address|port`); `peerAddress`: the client's IP address (a 0-RTT
   * ClientHello skips the cookie only from the address its ticket was issued to; omitted, every ClientHello goes
   * through the cookie exchange). Throws only what the 1.3 responder throws (an application callback's error).
   */
  handle(received: Uint8Array, peer: string, now: number, peerAddress?: string): HelloOutcome {
    const whole = this.fragments?.take(received, peer, now) ?? { kind: 'whole', datagram: received };
    if (whole.kind !== 'whole') return whole.kind === 'buffered' ? whole : { kind: 'drop' };
    // RFC 9147 §5.1: an answer to an address not validated is at most 3x what came from it (the whole ClientHello did,
    // in one datagram or in fragments). None of ours is larger; one that would be is not sent.
    const from = Math.max(received.length, whole.datagram.length);
    const outcome = this.answer(whole.datagram, from, peer, now, peerAddress);
    return outcome.kind === 'reply' && outcome.datagram.length > AMPLIFICATION_FACTOR * from
      ? { kind: 'drop' }
      : outcome;
  }

  /** Whether a cookieless server starts a connection on `hello` (`bytes` came) without the exchange. */
  private startsWithoutCookie(version: DtlsVersionName, hello: ClientHello, bytes: number): boolean {
    return this.cookieless !== undefined && !this.cookieless.wantsCookie(version, hello, bytes);
  }

  private answer(
    datagram: Uint8Array,
    bytes: number,
    peer: string,
    now: number,
    peerAddress: string | undefined,
  ): HelloOutcome {
    const choice = chooseServerVersion(datagram, this.enabled);
    if (choice.version === undefined && choice.reason === 'no-common-version') {
      const reason = `protocol_version: the ClientHello offers no version this server enables (${this.enabled.join(', ')})`;
      return {
        kind: 'reply',
        datagram: protocolVersionAlert(firstRecordNumber(datagram)),
        what: 'protocol_version',
        reason,
      };
    }
    if (choice.version === 'DTLSv1.2') {
      // The ClientHello decoded above goes on to the cookie check and to the connection (`clientHello12`): decoded once.
      const clientHello12 = choice.clientHello;
      if (this.verify12 === undefined || this.startsWithoutCookie('DTLSv1.2', clientHello12.hello, bytes))
        return { kind: 'accept', random: undefined, datagram, start: { peer, clientHello12 } };
      const o = this.verify12.handle(
        { hello: clientHello12.hello, messageSeq: choice.messageSeq, recordSequence: choice.recordSequence },
        peer,
        now,
      );
      if (o.kind === 'reply') return { kind: 'reply', datagram: o.datagram, what: 'hello-verify-request' };
      if (o.kind !== 'accept') return { kind: 'drop' };
      // The connection checks the cookie again and takes the address as validated (`helloVerify`, off without cookies).
      const start = { peer, cookieSecret: o.secret, clientHello12, ...(this.cookieless ? { helloVerify: true } : {}) };
      return { kind: 'accept', random: o.random, datagram, start };
    }
    // DTLS 1.3, or not a ClientHello (nor, without cookies, a whole one: the 1.3 connection reassembles its own).
    if (!this.enabled.includes('DTLSv1.3')) return { kind: 'drop' };
    if (
      this.retry13 === undefined ||
      (this.cookieless !== undefined &&
        (choice.version !== 'DTLSv1.3' || this.startsWithoutCookie('DTLSv1.3', choice.clientHello.hello, bytes)))
    )
      return { kind: 'accept', random: undefined, datagram, start: {} };
    const o = this.retry13.handle(
      datagram,
      peer,
      now,
      peerAddress,
      choice.version === 'DTLSv1.3' ? choice.clientHello : undefined,
    );
    if (o.kind !== 'accept') return o.kind === 'drop' ? { kind: 'drop' } : o;
    const start = o.retry !== undefined ? { statelessRetry: o.retry } : {};
    const random = toHex(o.random);
    return {
      kind: 'accept',
      random,
      datagram: o.datagram,
      start,
      ...(o.earlyDataKey !== undefined ? { earlyDataKey: o.earlyDataKey } : {}),
    };
  }
}
