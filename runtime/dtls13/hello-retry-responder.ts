import {
  decodeClientHello,
  encodeAlert,
  encodeDtlsHandshake,
  encodeDtlsPlaintext,
  type ClientHello,
} from '../../generated/wire/index.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { CookieProtector, cookieTag } from '../handshake/cookie.js';
import { encodeFragmentView } from '../handshake/fragmenter.js';
import { UsedCookies } from '../handshake/used-cookies.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { negotiate, type PskTerms, type ServerChoice } from '../handshake/negotiation.js';
import { Transcript } from '../keyschedule/transcript.js';
import { MAX_IDENTITIES_CONSIDERED, openTicket, selectPsk } from '../shared/psk-selection.js';
import { toAlert } from '../shared/alert-mapping.js';
import { CallbackError } from '../handshake/callback-error.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { DecodeError } from '../wire/errors.js';
import { bytesEqual } from '../wire/bytes.js';
import { scratchWriter } from '../wire/scratch.js';
import { resolveConfig, type ResolvedConfig } from '../shared/config.js';
import type { ConnectionOptions } from '../shared/connection-api.js';
import {
  ClientHelloReassembly,
  type ClientHelloReassemblyOptions,
  type FoundClientHello,
} from './hello-retry-reassembly.js';
import { helloRetryRequestView } from '../shared/messages.js';
import { offeredServerName } from '../shared/sni-selection.js';
import { credentialsForHello } from '../shared/certificate-types.js';
import type { StatelessRetry } from '../shared/stateless-retry.js';
import { ticketAddressOf, ticketNamesAddress, type TicketAddress } from '../session/ticket-address.js';

export type { ClientHelloReassemblyOptions } from './hello-retry-reassembly.js';

/** What to do with a datagram from a peer that has no connection yet. */
export type HelloRetryOutcome =
  /** Send this (a HelloRetryRequest with a cookie, or a fatal alert) and keep nothing. */
  | {
      readonly kind: 'reply';
      readonly datagram: Uint8Array;
      readonly what: 'hello-retry-request' | AlertDescriptionName;
      /** For an alert: why the ClientHello was refused ("no common cipher suite: client offered …, server accepts …"). */
      readonly reason?: string;
      /** For internal_error: what an application callback (`sni`, `psk`) threw, or returned that was not usable. */
      readonly callbackError?: unknown;
    }
  /**
   * The cookie is good: create the server connection with `retry`, then give it `datagram`, the ClientHello whole in one
   * record. `random` tells a retransmission of this ClientHello from a new one (RFC 9147 §5.11).
   */
  | {
      readonly kind: 'accept';
      /** The cookie's contents; undefined for a 0-RTT ClientHello let in without a cookie (its ticket and binder verified). */
      readonly retry: StatelessRetry | undefined;
      readonly datagram: Uint8Array;
      readonly random: Uint8Array;
      /** For a 0-RTT ClientHello: its verified binder, the anti-replay key to check before the connection starts. */
      readonly earlyDataKey?: Uint8Array;
    }
  /** A fragment of a ClientHello, kept until the rest arrives; nothing to send yet. */
  | { readonly kind: 'buffered' }
  /** Not a ClientHello this responder can act on. */
  | { readonly kind: 'drop'; readonly reason: string };

/** A ClientHello found whole in a datagram or completed from fragments. */
type WholeHello = Extract<FoundClientHello, { readonly kind: 'whole' }>;

/**
 * The stateless cookie exchange of RFC 9147 §5.1: a HelloRetryRequest whose cookie carries what the server needs later
 * (suite, group, Hash(ClientHello1)), bound to the client's address; the second ClientHello is taken only with a valid
 * cookie (else illegal_parameter). Fragmented ClientHellos (RFC 9147 §5.5) are reassembled in a small cache bounded in
 * entries, bytes and time ({@link ClientHelloReassembly}): the only memory it keeps.
 */
export class HelloRetryResponder {
  private readonly config: ResolvedConfig;
  private readonly cookies: CookieProtector;
  /** Cookies a connection was started with, so that a replayed second ClientHello starts no other. */
  private readonly usedCookies: UsedCookies;
  private readonly reassembly: ClientHelloReassembly;
  private readonly wallClock: () => number;

  /** @throws ConfigError naming a bad connection, cookie or reassembly option. */
  constructor(
    options: ConnectionOptions,
    cookieSecret?: Uint8Array,
    cookieLifetimeMs?: number,
    reassembly: ClientHelloReassemblyOptions = {},
  ) {
    this.config = resolveConfig('server', options);
    this.wallClock = options.wallClock ?? Date.now;
    this.cookies = new CookieProtector(this.config.provider, cookieSecret, cookieLifetimeMs);
    this.usedCookies = new UsedCookies(this.cookies.lifetime);
    this.reassembly = new ClientHelloReassembly(reassembly);
  }

  /** Cookies remembered as used (at most MAX_USED_COOKIES), and how many were forgotten before their lifetime was over. */
  get usedCookieCount(): { readonly count: number; readonly evicted: number } {
    return { count: this.usedCookies.size, evicted: this.usedCookies.evicted };
  }

  /** Partial ClientHellos held, the bytes they hold, and how many were evicted for newer ones. */
  get pendingClientHellos(): { readonly count: number; readonly bytes: number; readonly evicted: number } {
    return { count: this.reassembly.size, bytes: this.reassembly.bytes, evicted: this.reassembly.evicted };
  }

  /**
   * `clientAddress`: what cookies are bound to (`address|port`). `peerAddress`: a 0-RTT ClientHello skips the cookie only
   * when its ticket was issued to it (RFC 9147 §5.1). `decoded`: the ClientHello as the caller already decoded it.
   */
  handle(
    datagram: Uint8Array,
    clientAddress: string,
    now: number,
    peerAddress?: string,
    decoded?: { readonly body: Uint8Array; readonly hello: ClientHello },
  ): HelloRetryOutcome {
    const found = this.reassembly.find(datagram, clientAddress, now);
    if (found.kind !== 'whole') return found;
    try {
      const known = decoded !== undefined && bytesEqual(decoded.body, found.body) ? decoded.hello : undefined;
      return this.answer(
        found,
        found.inOneFragment ? datagram : wholeRecord(found),
        clientAddress,
        now,
        peerAddress,
        known,
      );
    } catch (e) {
      // An application callback (sni, psk) threw or returned something unusable: the client is told at once
      // (internal_error) rather than left to retransmit into silence, and the application gets what was thrown.
      const reason = toAlert(e);
      return {
        ...this.alert(reason.alert, found.recordSequence, reason.message),
        ...(reason.callbackError === undefined ? {} : { callbackError: reason.callbackError }),
      };
    }
  }

  private answer(
    hello: WholeHello,
    datagram: Uint8Array,
    clientAddress: string,
    now: number,
    peerAddress: string | undefined,
    known: ClientHello | undefined,
  ): HelloRetryOutcome {
    let ch: ClientHello;
    try {
      ch = known ?? decodeClientHello(hello.body);
    } catch (e) {
      if (e instanceof DecodeError) return { kind: 'drop', reason: e.message };
      throw e;
    }
    const recordSeq = hello.recordSequence;
    const cookie = findExtension(ch.extensions, 'cookie')?.cookie;
    if (cookie !== undefined) {
      const contents = this.cookies.open(cookie, clientAddress, ch.random, now);
      if (!contents || hello.messageSeq !== 1)
        return this.alert(
          'illegal_parameter',
          recordSeq,
          'the second ClientHello carries a cookie this server did not issue to this address for this ClientHello, or it expired',
        );
      // A cookie starts one connection: a copy (a replay, or a retransmission after that connection ended) is dropped
      // silently, as an alert would go to an address anyone can forge.
      if (!this.usedCookies.firstUse(cookieTag(cookie), now))
        return { kind: 'drop', reason: 'a cookie that already started a connection' };
      return {
        kind: 'accept',
        retry: {
          contents,
          cookie,
          recordSequence: recordSeq,
          legacySessionId: ch.legacySessionId.slice(),
          clientHello: { body: hello.body, hello: ch },
        },
        datagram,
        random: ch.random,
      };
    }
    // 0-RTT whose ticket and binder verify, from the address the ticket was issued to, skips the cookie (RFC 9147 §5.1):
    // an HRR would refuse its early data. From elsewhere it gets the cookie exchange: a ticket holder cannot make the
    // server start a connection at an address it does not own.
    const early =
      peerAddress === undefined
        ? undefined
        : this.verifiedEarlyResumption(ch, hello.body, ticketAddressOf(peerAddress));
    if (early) return { kind: 'accept', retry: undefined, datagram, random: ch.random, earlyDataKey: early };
    let choice: ServerChoice;
    let serverName: string | undefined;
    try {
      // The certificate server_name selects (RFC 6066) says which schemes the server can sign with; an unknown name ends here.
      serverName = offeredServerName(ch);
      // An sni function runs only once the cookie came back (the connection selects then): never for a spoofable ClientHello.
      const deferred = serverName !== undefined && this.config.sni?.callsApplication === true;
      const credentials = deferred
        ? undefined
        : credentialsForHello(this.config.provider, this.config, ch, serverName).credentials;
      // Until then any scheme we sign with; without credentials, none (a PSK-only server).
      const schemes: readonly string[] = deferred
        ? this.config.signatureAlgorithms
        : credentials
          ? schemesForKey(credentials.key)
          : [];
      choice = negotiate(
        ch,
        {
          cipherSuites: this.config.cipherSuites,
          groups: this.config.groups,
          signatureAlgorithms: this.config.signatureAlgorithms.filter((a) => schemes.includes(a)),
        },
        pskTermsHint(ch, this.config, this.wallClock()),
      );
    } catch (e) {
      if (e instanceof ProtocolError && !(e instanceof CallbackError)) return this.alert(e.alert, recordSeq, e.message);
      throw e; // a callback's failure: answered by handle()
    }
    const body = hello.body;
    const hash = CIPHER_SUITES[choice.suite].hash;
    // The ClientHello framed as the transcript takes it (type and length), in the scratch writer: hashed at once.
    const framed = scratchWriter('ClientHello');
    framed.u8(1, 'msg_type');
    framed.u24(body.length, 'length');
    framed.bytes(body);
    const group = choice.kind === 'retry' ? choice.group : undefined;
    const clientHelloHash = this.config.provider.digest(hash, framed.finish());
    // The name goes in the cookie, so the second ClientHello can be held to it (RFC 8446 §4.1.2).
    const newCookie = this.cookies.seal(
      { suite: choice.suite, group, clientHelloHash, ...(serverName === undefined ? {} : { serverName }) },
      clientAddress,
      ch.random,
      now,
    );
    // Views of shared buffers, each copied into the next: one array, the datagram, is made.
    const hrr = helloRetryRequestView(
      choice.suite,
      group,
      newCookie,
      this.config.echoLegacySessionId ? ch.legacySessionId : new Uint8Array(0),
    );
    const fragment = encodeFragmentView({
      msgType: 'server_hello',
      length: hrr.length,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: hrr,
    });
    // The record takes the ClientHello's (last) sequence number: nothing to remember, nothing repeated for a new ClientHello.
    return { kind: 'reply', what: 'hello-retry-request', datagram: plaintextRecord('handshake', recordSeq, fragment) };
  }

  /** The verified binder of a first ClientHello offering 0-RTT with our ticket issued to `from`; else undefined. */
  private verifiedEarlyResumption(ch: ClientHello, body: Uint8Array, from: TicketAddress): Uint8Array | undefined {
    if (this.config.maxEarlyData === 0 || findExtension(ch.extensions, 'early_data') === undefined) return undefined;
    try {
      const psk = selectPsk(ch, body, new Transcript(this.config.provider), this.config, this.wallClock());
      if (psk?.kind !== 'resumption' || psk.index !== 0 || psk.ticket === undefined) return undefined;
      return psk.ticket.maxEarlyData > 0 && ticketNamesAddress(psk.ticket.address, from) ? psk.binder : undefined;
    } catch {
      return undefined; // a bad binder or a refused PSK: the cookie exchange as usual, and the connection will say why
    }
  }

  private alert(description: AlertDescriptionName, recordSeq: number, reason: string): HelloRetryOutcome {
    const fragment = encodeAlert({ level: 'fatal', description });
    return { kind: 'reply', what: description, reason, datagram: plaintextRecord('alert', recordSeq, fragment) };
  }
}

/**
 * The PSK the ClientHello likely resumes with, so the HRR fixes a suite of its hash (RFC 8446 §4.1.4): the first
 * identity that opens as our ticket or names an external PSK, binders unchecked (checked on the second ClientHello).
 */
function pskTermsHint(ch: ClientHello, config: ResolvedConfig, wallNow: number): PskTerms | undefined {
  const offered = findExtension(ch.extensions, 'pre_shared_key');
  const modes = findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes ?? [];
  const mode = config.pskModes.find((m) => modes.includes(m));
  if (!offered || !mode) return undefined;
  for (const { identity } of offered.identities.slice(0, MAX_IDENTITIES_CONSIDERED)) {
    const ticket = openTicket(config, identity, wallNow);
    const hash = ticket ? CIPHER_SUITES[ticket.suite].hash : config.serverPsk?.(identity)?.hash;
    if (hash) return { hash, mode };
  }
  return undefined;
}

/** A reassembled ClientHello as one DTLSPlaintext record (the body is at most 16,372 bytes, so it fits one). */
function wholeRecord(hello: WholeHello): Uint8Array {
  const fragment = encodeDtlsHandshake({
    msgType: 'client_hello',
    length: hello.body.length,
    messageSeq: hello.messageSeq,
    fragmentOffset: 0,
    fragment: hello.body,
  });
  return plaintextRecord('handshake', hello.recordSequence, fragment);
}

/** One DTLSPlaintext record of epoch 0 (the responder keeps no epoch of its own). */
function plaintextRecord(type: 'handshake' | 'alert', sequenceNumber: number, fragment: Uint8Array): Uint8Array {
  return encodeDtlsPlaintext({ type, legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber, fragment });
}
