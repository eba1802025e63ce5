import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { EarlyStage, type HandshakeStage } from '../../runtime/keyschedule/stages.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { decodeCertificateRequest } from '../../generated/wire/certificate-request.js';
import { encodeClientHello, type ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { cipherSuiteToNumber, type NamedGroup } from '../../generated/wire/enums.js';
import { decodeServerHello } from '../../generated/wire/server-hello.js';
import type { Credentials } from './credentials.js';
import { tlsHandshakeBytes, typeNumber, type HandshakeMessage } from './handshake-framing.js';
import { EMPTY, MESSAGE_HASH, SCHEMES_13, Side13, SUITES_13, type Seen } from './side13.js';

/** ClientHelloWithCookieChanged's suites: the first offer's without its first. */
const CHANGED_SUITES: readonly SupportedCipherSuite[] = SUITES_13.slice(1);
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

/**
 * The client side of a DTLS 1.3 conversation, for learning a server: the ClientHellos and what the server's hellos
 * and Finished give (RFC 8446 §4.1, §7.1); the rest is {@link Side13}'s. Each input is made with correct cryptography
 * over the transcript so far where that exists; where it does not, the harness's choice is documented at the input
 * and in learn/README.md.
 */
export class Client13 extends Side13 {
  private readonly random: Uint8Array;
  private readonly shares = new Map<KeyExchangeGroup, KeyShare>();
  private cookie: Uint8Array | undefined;
  private retryGroup: KeyExchangeGroup | undefined;
  /** The transcript a HelloRetryRequest left ([message_hash, HelloRetryRequest]), until the next ClientHello continues it. */
  private retryTranscript: Uint8Array[] | undefined;
  /** The handshake stage, kept until the server's Finished gives the hash the application secrets are derived over. */
  private handshakeStage: HandshakeStage | undefined;

  constructor(provider: CryptoProvider, credentials: Credentials) {
    super(provider, credentials, 'client');
    this.random = provider.randomBytes(32);
  }

  protected roleInput(symbol: string): Uint8Array[] | undefined {
    switch (symbol) {
      case 'ClientHello':
        return [this.clientHello('x25519', false)];
      case 'ClientHelloNoKeyShare':
        return [this.clientHello(undefined, false)];
      case 'ClientHelloWithCookie':
        return [this.clientHello(this.retryGroup ?? 'x25519', true)];
      case 'ClientHelloWithCookieChanged':
        // The cookie, with another suite list than the first ClientHello's: the parameters the cookie validated changed.
        return [this.clientHello(this.retryGroup ?? 'x25519', true, CHANGED_SUITES)];
      default:
        return undefined;
    }
  }

  protected roleMessage(m: HandshakeMessage): Seen | undefined {
    switch (m.msgType) {
      case typeNumber('server_hello'):
        return this.onServerHello(m.body);
      case typeNumber('finished'):
        return this.onServerFinished(m.body);
      case typeNumber('certificate_request'):
        this.requestContext = decodeCertificateRequest(m.body).certificateRequestContext;
        this.transcript.push(tlsHandshakeBytes(m.msgType, m.body));
        return { name: 'CertificateRequest', flightEnd: false };
      default:
        return undefined;
    }
  }

  /** After our Finished our application keys take over (epoch 3). */
  protected afterOwnFinished(): void {
    if (
      this.ownAppSecret !== undefined &&
      this.suite !== undefined &&
      this.ctx !== undefined &&
      !this.records.hasWrite(3)
    ) {
      this.records.installWrite(3, this.suite, trafficKeys(this.ctx, this.ownAppSecret, this.suite), true);
      this.ownAppEpoch = 4;
    }
  }

  override release(): void {
    super.release();
    for (const s of this.shares.values()) s.release();
    this.handshakeStage?.release();
  }

  /**
   * A ClientHello offering DTLS 1.3 alone, with a key share for `group` (none: an empty key_share, which asks for a
   * HelloRetryRequest) and, `withCookie`, the last HelloRetryRequest's cookie (none seen: no cookie, so it is the plain
   * ClientHello). Always epoch 0. The first ClientHello with the cookie after a HelloRetryRequest continues the
   * transcript it left (RFC 8446 §4.4.1), leaving out anything we sent in between (a server cannot have taken it before
   * the hellos); any other ClientHello starts the transcript again.
   */
  private clientHello(
    group: KeyExchangeGroup | undefined,
    withCookie: boolean,
    suites: readonly SupportedCipherSuite[] = SUITES_13,
  ): Uint8Array {
    const extensions: ClientHelloExtension[] = [
      { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
      { extensionType: 'supported_groups', extensionData: { namedGroupList: GROUPS as NamedGroup[] } },
      { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: [...SCHEMES_13] } },
    ];
    const clientShares = [];
    if (group !== undefined) {
      let share = this.shares.get(group);
      if (share === undefined) this.shares.set(group, (share = this.provider.generateKeyShare(group)));
      clientShares.push({ group, keyExchange: share.publicKey });
    }
    extensions.push({ extensionType: 'key_share', extensionData: { clientShares } });
    if (withCookie && this.cookie !== undefined)
      extensions.push({ extensionType: 'cookie', extensionData: { cookie: this.cookie } });
    const body = encodeClientHello({
      legacyVersion: 'dtls1_2',
      random: this.random,
      legacySessionId: EMPTY,
      legacyCookie: EMPTY,
      cipherSuites: [...suites],
      legacyCompressionMethods: Uint8Array.of(0),
      extensions,
    });
    // Only the retry (the ClientHello with the cookie) continues; one without a cookie is a new first ClientHello to a
    // stateless server (RFC 9147 §5.1), which answers it with a new HelloRetryRequest.
    this.transcript = withCookie && this.cookie !== undefined ? (this.retryTranscript ?? []) : [];
    this.retryTranscript = undefined;
    return this.handshake(typeNumber('client_hello'), body, 0);
  }

  private onServerHello(body: Uint8Array): Seen {
    const hello = decodeServerHello(body);
    const suite = SUITES_13.find((s) => cipherSuiteToNumber(s) === cipherSuiteToNumber(hello.cipherSuite));
    if (suite === undefined)
      return { name: hello.isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello', flightEnd: true };
    const ctx = this.chooseSuite(suite);
    if (hello.isHelloRetryRequest) {
      for (const e of hello.extensions) {
        if (e.extensionType === 'cookie') this.cookie = e.extensionData.cookie;
        if (e.extensionType === 'key_share') {
          const g = GROUPS.find((x) => x === e.extensionData.selectedGroup);
          if (g !== undefined) this.retryGroup = g;
        }
      }
      const digest = this.transcriptHash();
      this.transcript = [
        concatBytes([Uint8Array.of(MESSAGE_HASH, 0, 0, digest.length), digest]),
        tlsHandshakeBytes(typeNumber('server_hello'), body),
      ];
      this.retryTranscript = [...this.transcript];
      return { name: 'HelloRetryRequest', flightEnd: true };
    }
    this.retryTranscript = undefined;
    this.transcript.push(tlsHandshakeBytes(typeNumber('server_hello'), body));
    let shared: Uint8Array | undefined;
    for (const e of hello.extensions) {
      if (e.extensionType !== 'key_share') continue;
      shared = this.shares
        .get(e.extensionData.serverShare.group as KeyExchangeGroup)
        ?.deriveSecret(e.extensionData.serverShare.keyExchange);
    }
    if (shared === undefined) return { name: 'ServerHello', flightEnd: false };
    const hs = EarlyStage.start(ctx).handshake(shared);
    const helloHash = this.transcriptHash();
    this.ownHandshakeSecret = hs.clientHandshakeTrafficSecret(helloHash);
    this.records.installRead(2, suite, trafficKeys(ctx, hs.serverHandshakeTrafficSecret(helloHash), suite));
    this.records.installWrite(2, suite, trafficKeys(ctx, this.ownHandshakeSecret, suite), true);
    this.handshakeStage = hs;
    return { name: 'ServerHello', flightEnd: false };
  }

  private onServerFinished(body: Uint8Array): Seen {
    this.transcript.push(tlsHandshakeBytes(typeNumber('finished'), body));
    const hs = this.handshakeStage;
    if (hs !== undefined && this.ctx !== undefined && this.suite !== undefined) {
      this.handshakeStage = undefined;
      const master = hs.master();
      const finishedHash = this.transcriptHash();
      this.ownAppSecret = master.clientApplicationTrafficSecret(finishedHash);
      this.peerAppSecret = master.serverApplicationTrafficSecret(finishedHash);
      this.records.installRead(3, this.suite, trafficKeys(this.ctx, this.peerAppSecret, this.suite));
      this.peerAppEpoch = 4;
      master.release();
      hs.release();
    }
    return { name: 'Finished', flightEnd: true };
  }
}
