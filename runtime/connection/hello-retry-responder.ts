import { decodeClientHello, decodeDtlsHandshake, encodeAlert, encodeDtlsHandshake, encodeDtlsPlaintext, type ClientHello } from '../../generated/wire/index.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { CookieProtector } from '../handshake/cookie.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { negotiate } from '../handshake/negotiation.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { decodeDatagram } from '../wire/datagram.js';
import { DecodeError } from '../wire/errors.js';
import { resolveConfig, type ResolvedConfig } from './config.js';
import type { ConnectionOptions } from './connection.js';
import { helloRetryRequestBody } from './messages.js';
import type { StatelessRetry } from './stateless-retry.js';

/** What to do with a datagram from a peer that has no connection yet. */
export type HelloRetryOutcome =
  /** Send this (a HelloRetryRequest with a cookie, or a fatal alert) and keep nothing. */
  | { readonly kind: 'reply'; readonly datagram: Uint8Array; readonly what: 'hello-retry-request' | AlertDescriptionName }
  /** The cookie is good: create the server connection with `retry`, then give it this datagram. */
  | { readonly kind: 'accept'; readonly retry: StatelessRetry }
  /** Not a ClientHello this responder can act on. */
  | { readonly kind: 'drop'; readonly reason: string };

/**
 * The stateless cookie exchange of RFC 9147 §5.1: answers a ClientHello
 * without a cookie with a HelloRetryRequest whose cookie carries everything
 * the server needs later (suite, group, Hash(ClientHello1)), bound to the
 * client's address; keeps no per-client state; and accepts the second
 * ClientHello only with a valid cookie (an invalid one gets illegal_parameter).
 */
export class HelloRetryResponder {
  private readonly config: ResolvedConfig;
  private readonly cookies: CookieProtector;
  private readonly schemes: readonly string[];

  constructor(options: ConnectionOptions, cookieSecret?: Uint8Array, cookieLifetimeMs?: number) {
    this.config = resolveConfig('server', options);
    this.cookies = new CookieProtector(this.config.provider, cookieSecret, cookieLifetimeMs);
    const key = this.config.provider.importPrivateKey(this.config.certificate!.privateKey);
    this.schemes = schemesForKey(key);
    key.release();
  }

  handle(datagram: Uint8Array, clientAddress: string, now: number): HelloRetryOutcome {
    let ch: ClientHello;
    let body: Uint8Array;
    let recordSeq: number;
    let messageSeq: number;
    try {
      const [first] = decodeDatagram(datagram);
      if (first?.kind !== 'plaintext' || first.record.type !== 'handshake' || first.record.epoch !== 0) return { kind: 'drop', reason: 'not a plaintext handshake record' };
      const f = decodeDtlsHandshake(first.record.fragment);
      if (f.msgType !== 'client_hello') return { kind: 'drop', reason: 'not a ClientHello' };
      if (f.fragmentOffset !== 0 || f.fragment.length !== f.length) return { kind: 'drop', reason: 'a fragmented ClientHello cannot be answered statelessly' };
      body = f.fragment;
      recordSeq = first.record.sequenceNumber;
      messageSeq = f.messageSeq;
      ch = decodeClientHello(body);
    } catch (e) {
      if (e instanceof DecodeError) return { kind: 'drop', reason: e.message };
      throw e;
    }
    const cookie = findExtension(ch.extensions, 'cookie')?.cookie;
    if (cookie !== undefined) {
      const contents = this.cookies.open(cookie, clientAddress, now);
      if (!contents || messageSeq !== 1) return this.alert('illegal_parameter', recordSeq);
      return { kind: 'accept', retry: { contents, cookie, recordSequence: recordSeq } };
    }
    let choice;
    try {
      choice = negotiate(ch, {
        cipherSuites: this.config.cipherSuites,
        groups: this.config.groups,
        signatureAlgorithms: this.config.signatureAlgorithms.filter((a) => this.schemes.includes(a)),
      });
    } catch (e) {
      if (e instanceof ProtocolError) return this.alert(e.alert, recordSeq);
      throw e;
    }
    const hash = CIPHER_SUITES[choice.suite].hash;
    const framed = new Uint8Array(4 + body.length);
    framed.set([1, (body.length >>> 16) & 0xff, (body.length >>> 8) & 0xff, body.length & 0xff], 0);
    framed.set(body, 4);
    const group = choice.kind === 'retry' ? choice.group : undefined;
    const newCookie = this.cookies.seal({ suite: choice.suite, group, clientHelloHash: this.config.provider.digest(hash, framed) }, clientAddress, now);
    const hrr = helloRetryRequestBody(choice.suite, group, newCookie);
    const fragment = encodeDtlsHandshake({ msgType: 'server_hello', length: hrr.length, messageSeq: 0, fragmentOffset: 0, fragment: hrr });
    // The record takes the ClientHello's sequence number: nothing to remember, nothing repeated for a new ClientHello.
    return {
      kind: 'reply',
      what: 'hello-retry-request',
      datagram: encodeDtlsPlaintext({ type: 'handshake', legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber: recordSeq, fragment }),
    };
  }

  private alert(description: AlertDescriptionName, recordSeq: number): HelloRetryOutcome {
    const fragment = encodeAlert({ level: 'fatal', description });
    return { kind: 'reply', what: description, datagram: encodeDtlsPlaintext({ type: 'alert', legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber: recordSeq, fragment }) };
  }
}
