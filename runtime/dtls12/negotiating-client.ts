/**
 * A client that offers DTLS 1.3 and 1.2 in one ClientHello and goes on in
 * the version the server answers with (RFC 8446 §4.2.1 as RFC 9147 §5.3
 * keeps it; RFC 6347 §4.2.1). It drives the 1.3 DtlsConnection, whose
 * ClientHello also carries the 1.2 suites and extensions (`offer12`, see
 * runtime/connection/messages.ts), and watches the server's first answer:
 *
 * - a ServerHello or HelloRetryRequest with supported_versions: 1.3, and
 *   the 1.3 connection carries on alone;
 * - a ServerHello without supported_versions whose server_version is DTLS
 *   1.2, or a HelloVerifyRequest: the 1.3 connection is dropped and a
 *   Dtls12Connection takes over from the ClientHello exactly as sent
 *   (`Dtls12Connection.clientFromOffer`: the transcript starts with it;
 *   after a HelloVerifyRequest it is sent again with the cookie and the
 *   same random, RFC 6347 §4.2.1). That client checks the RFC 8446 §4.1.3
 *   downgrade sentinel (illegal_parameter), since it offered 1.3.
 *
 * Sans-I/O like both connections, with the surface an endpoint drives
 * (runtime/node/dtls/version-endpoint-connection.ts).
 */
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { decodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import type { CallbackName } from '../handshake/callback-error.js';
import { DtlsConnection, type ConnectionOptions } from '../connection/connection.js';
import type { DeadlineOptions } from '../connection/deadlines.js';
import { Reader } from '../wire/reader.js';
import type { Config12 } from './config12.js';
import { Dtls12Connection } from './connection12.js';
import { decodeDatagram12 } from './datagram.js';
import { Dtls12EndpointConnection } from './endpoint12.js';
import type { EndpointEvent } from './negotiated12.js';

/** The supported_versions extension's type (RFC 8446 §4.2). */
const SUPPORTED_VERSIONS = 43;
const DTLS12 = 0xfefd;

/**
 * Which version the server's first answer in `datagram` chose: 'DTLSv1.2'
 * for a HelloVerifyRequest or a ServerHello without supported_versions
 * that says DTLS 1.2; 'DTLSv1.3' for one with supported_versions (the 1.3
 * connection checks what it selects); undefined when the datagram starts
 * with neither, whole and well-formed (anything else goes to the 1.3
 * connection, which drops or refuses it). Reads, never throws.
 */
export function answeredVersion(datagram: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  return firstAnswer(datagram)?.version;
}

/** {@link answeredVersion}, and whether the answer is a HelloVerifyRequest (not authenticated by any handshake). */
function firstAnswer(datagram: Uint8Array): { readonly version: 'DTLSv1.2' | 'DTLSv1.3'; readonly helloVerifyRequest: boolean } | undefined {
  let fragment: Uint8Array;
  let msgType: string;
  try {
    const first = decodeDatagram12(datagram)[0];
    if (first === undefined || first.kind !== 'record' || first.record.epoch !== 0 || first.record.type !== 'handshake') return undefined;
    const f = readDtlsHandshake(new Reader(first.record.fragment, 'Handshake'));
    if (f.fragmentOffset !== 0 || f.fragment.length !== f.length) return undefined;
    msgType = String(f.msgType);
    if (msgType === 'hello_verify_request') {
      // Only a HelloVerifyRequest that is one (RFC 6347 §4.2.1: DTLS 1.0 or 1.2, a cookie) moves us to 1.2.
      const hvr = decodeHelloVerifyRequest(f.fragment);
      return (hvr.serverVersion === 'dtls1_0' || hvr.serverVersion === 'dtls1_2') && hvr.cookie.length > 0
        ? { version: 'DTLSv1.2', helloVerifyRequest: true }
        : undefined;
    }
    if (msgType !== 'server_hello') return undefined;
    fragment = f.fragment;
  } catch {
    return undefined;
  }
  const version = serverHelloVersion(fragment);
  return version === undefined ? undefined : { version, helloVerifyRequest: false };
}

/** Whether `datagram` holds nothing but plaintext (epoch 0) alert records. */
function plaintextAlertsOnly(datagram: Uint8Array): boolean {
  try {
    const records = decodeDatagram12(datagram);
    return records.length > 0 && records.every((w) => w.kind === 'record' && w.record.epoch === 0 && w.record.type === 'alert');
  } catch {
    return false;
  }
}

/** server_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) extensions<0..2^16-1>: is supported_versions there? */
function serverHelloVersion(b: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  if (b.length < 35) return undefined;
  const version = (b[0]! << 8) | b[1]!;
  let at = 34 + 1 + b[34]! + 3;
  if (at + 2 > b.length) return version === DTLS12 && at === b.length ? 'DTLSv1.2' : undefined;
  const end = at + 2 + ((b[at]! << 8) | b[at + 1]!);
  if (end !== b.length) return undefined;
  for (at += 2; at + 4 <= end;) {
    const type = (b[at]! << 8) | b[at + 1]!;
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (type === SUPPORTED_VERSIONS) return 'DTLSv1.3';
    at += 4 + length;
  }
  return version === DTLS12 ? 'DTLSv1.2' : undefined;
}

/** Our ClientHello as the 1.3 connection sent it, gathered from its datagrams (it may be fragmented). */
class SentClientHello {
  private messageSeq = -1;
  private body: Uint8Array | undefined;
  private readonly covered = new Map<number, number>();
  /** The highest epoch-0 record sequence number sent. */
  lastRecord = -1;

  /** Reads one of our datagrams. */
  sent(datagram: Uint8Array): void {
    try {
      for (const w of decodeDatagram12(datagram)) {
        if (w.kind !== 'record' || w.record.epoch !== 0) continue;
        this.lastRecord = Math.max(this.lastRecord, w.record.sequenceNumber);
        if (w.record.type !== 'handshake') continue;
        const r = new Reader(w.record.fragment, 'Handshake');
        while (r.pos < r.end) {
          const f = readDtlsHandshake(r);
          if (f.msgType !== 'client_hello') continue;
          if (f.messageSeq !== this.messageSeq) {
            this.messageSeq = f.messageSeq;
            this.body = new Uint8Array(f.length);
            this.covered.clear();
          }
          if (this.body === undefined || f.fragmentOffset + f.fragment.length > this.body.length) continue;
          this.body.set(f.fragment, f.fragmentOffset);
          this.covered.set(f.fragmentOffset, f.fragment.length);
        }
      }
    } catch {
      // our own datagrams decode; nothing to learn from one that does not
    }
  }

  /** The whole ClientHello, once every byte of it was seen. */
  whole(): { readonly body: Uint8Array; readonly messageSeq: number } | undefined {
    if (this.body === undefined) return undefined;
    let total = 0;
    for (const length of this.covered.values()) total += length;
    return total === this.body.length ? { body: this.body, messageSeq: this.messageSeq } : undefined;
  }
}

export class NegotiatingClient {
  private current: DtlsConnection | Dtls12EndpointConnection;
  /** Watching for the server's first answer (until it names a version). */
  private watching = true;
  private readonly offer = new SentClientHello();
  /**
   * After a HelloVerifyRequest: the 1.3 connection, untouched (not driven, nothing sent), kept until the 1.2 client
   * takes a ServerHello. A HelloVerifyRequest is authenticated by nothing: an off-path sender who guesses our port can
   * send one before the server's answer. A 1.3 ServerHello or HelloRetryRequest that arrives meanwhile is the answer
   * to our first ClientHello: the 1.3 connection takes it and goes on, and the 1.2 client is dropped. The first
   * ServerHello of either version commits, as a plain client commits to its first one.
   */
  private held13: DtlsConnection | undefined;
  /** The 1.3 connection took over from a 1.2 client that had sent the ClientHello with a HelloVerifyRequest's cookie. */
  private sentCookieHello = false;
  private readonly config12: Config12;
  private readonly options: ConnectionOptions & DeadlineOptions;
  private startedAt: number | undefined;

  /**
   * `options`: the 1.3 connection's (its range enabling 1.2 and 1.3);
   * `config12`: the 1.2 client's, resolved (its suites are offered, and it
   * checks the downgrade sentinel: `offers13`).
   */
  constructor(options: ConnectionOptions & DeadlineOptions, config12: Config12) {
    this.options = options;
    this.config12 = config12;
    this.current = DtlsConnection.client({ ...options, offer12: config12.suites });
  }

  /** The version answered, once known. */
  get protocolVersion(): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
    if (this.current instanceof Dtls12EndpointConnection) return 'DTLSv1.2';
    return this.watching ? undefined : 'DTLSv1.3';
  }

  connect(now: number): void {
    this.startedAt = now;
    this.current.connect(now);
  }

  receive(datagram: Uint8Array, now: number, path?: string): void {
    if (this.watching) {
      const answer = firstAnswer(datagram);
      if (answer?.version === 'DTLSv1.3') this.watching = false;
      else if (answer?.version === 'DTLSv1.2') this.fallBack(answer.helloVerifyRequest);
    } else if (this.held13 !== undefined && answeredVersion(datagram) === 'DTLSv1.3') {
      this.current = this.held13; // the 1.3 answer to our first ClientHello, after a HelloVerifyRequest (forged, or a confused server)
      this.held13 = undefined;
      this.sentCookieHello = true;
    } else if (this.sentCookieHello && this.current instanceof DtlsConnection && plaintextAlertsOnly(datagram)) {
      // The 1.2 client sent our ClientHello again with the HelloVerifyRequest's cookie, which a 1.3 server refuses with
      // illegal_parameter (RFC 9147 §5.3: legacy_cookie must be empty): that answer is to a hello we dropped, not to
      // this handshake. A peer that means to end it does so under the handshake keys.
      if (this.current.state === 'connected') this.sentCookieHello = false;
      else return;
    }
    this.current.receive(datagram, now, path);
    if (this.held13 !== undefined && this.current.state !== 'waitServerHello') this.held13 = undefined; // the 1.2 ServerHello taken (or failed)
  }

  /** The server answered in DTLS 1.2: a 1.2 client takes over from our ClientHello as sent. */
  private fallBack(helloVerifyRequest: boolean): void {
    const sent = this.offer.whole();
    if (sent === undefined) return; // never: the ClientHello left whole before any answer; the 1.3 connection refuses the answer
    const hello = decodeClientHello(sent.body);
    const connection = Dtls12Connection.clientFromOffer(this.config12, {
      hello,
      body: sent.body,
      messageSeq: sent.messageSeq,
      nextRecordSequenceNumber: this.offer.lastRecord + 1,
    });
    const inspect = this.options.inspect;
    if (inspect !== undefined) connection.inspect((event) => inspect.call(this.options, event)); // the 1.2 chart's actor from here on
    this.watching = false;
    if (helloVerifyRequest && this.current instanceof DtlsConnection) this.held13 = this.current;
    this.current = new Dtls12EndpointConnection(connection, {
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      idleTimeoutMs: this.options.idleTimeoutMs,
      onDatagram: this.options.onDatagram,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
    });
  }

  pollTransmit(): Uint8Array | undefined {
    const d = this.current.pollTransmit();
    if (d !== undefined && this.watching) this.offer.sent(d);
    return d;
  }

  pollPathTransmit(): ReturnType<DtlsConnection['pollPathTransmit']> {
    return this.current.pollPathTransmit();
  }

  pollTimeout(): number | undefined {
    return this.current.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.current.handleTimeout(now);
  }

  pollEvent(): EndpointEvent | undefined {
    return this.current.pollEvent();
  }

  send(data: Uint8Array, now?: number): void {
    this.current.send(data, now);
  }

  close(): void {
    this.current.close();
  }

  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return this.current.exportKeyingMaterial(length, label, context);
  }

  failForCallback(callback: CallbackName, thrown: unknown): void {
    this.current.failForCallback(callback, thrown);
  }

  get failure(): DtlsConnection['failure'] {
    return this.current.failure;
  }

  get expired(): DtlsConnection['expired'] {
    return this.current.expired;
  }

  get lastAuthenticatedReceive(): number | undefined {
    return this.current.lastAuthenticatedReceive;
  }

  get path(): string | undefined {
    return this.current.path;
  }

  get connectionIds(): DtlsConnection['connectionIds'] {
    return this.current.connectionIds;
  }

  get stats(): DtlsConnection['stats'] {
    return this.current.stats;
  }

  get deadlineOptions(): DtlsConnection['deadlineOptions'] {
    return this.current.deadlineOptions;
  }

  get state(): string {
    return this.current.state;
  }

  updateKeys(requestPeer = false, now?: number): void {
    this.current.updateKeys(requestPeer, now);
  }

  requestClientCertificate(now?: number): void {
    this.current.requestClientCertificate(now);
  }

  requestConnectionIds(count: number, now?: number): void {
    this.current.requestConnectionIds(count, now);
  }

  issueConnectionIds(count: number, options?: { readonly immediate?: boolean; readonly now?: number }): Uint8Array[] {
    return this.current instanceof DtlsConnection ? this.current.issueConnectionIds(count, options) : this.current.issueConnectionIds();
  }

  rebind(path: string): void {
    this.current.rebind(path);
  }

  releaseKeys(): void {
    this.current.releaseKeys();
  }

  park(now: number): void {
    this.current.park(now);
  }

  pathMtuExceeded(size: number): boolean {
    return this.current.pathMtuExceeded(size);
  }
}
