import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../../runtime/crypto/provider.js';
import { trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { EarlyStage } from '../../runtime/keyschedule/stages.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { encodeCertificateRequest } from '../../generated/wire/certificate-request.js';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { cipherSuiteToNumber } from '../../generated/wire/enums.js';
import { encodeEncryptedExtensions } from '../../generated/wire/encrypted-extensions.js';
import { encodeNewSessionTicket } from '../../generated/wire/new-session-ticket.js';
import { encodeServerHello } from '../../generated/wire/server-hello.js';
import type { Credentials } from './credentials.js';
import { tlsHandshakeBytes, typeNumber, type HandshakeMessage } from './handshake-framing.js';
import { EMPTY, MESSAGE_HASH, SCHEMES_13, Side13, SUITES_13, type Seen } from './side13.js';

/** The random of a HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = Uint8Array.from(
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
);
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];

/** What the client's last ClientHello offered. */
interface Offer {
  readonly sessionId: Uint8Array;
  readonly suites: readonly number[];
  readonly groups: readonly KeyExchangeGroup[];
  readonly shares: ReadonlyMap<KeyExchangeGroup, Uint8Array>;
}

/**
 * The server side of a DTLS 1.3 conversation, for learning a client: the HelloRetryRequest, ServerHello,
 * EncryptedExtensions, CertificateRequest and NewSessionTicket, and what the client's ClientHello gives (RFC 8446 §4.1,
 * §7.1); the rest is {@link Side13}'s. The suite is the first of ours the client offered (else AES-128-GCM); the key
 * share is for the first group of ours the client sent a share for. Where no secret can be derived (the client sent no
 * usable share) the ServerHello still goes out with an X25519 share, and later inputs go out in plaintext.
 */
export class Server13 extends Side13 {
  private offer: Offer | undefined;
  /** The transcript our HelloRetryRequest left ([message_hash]), until the client's next ClientHello continues it. */
  private retryTranscript: Uint8Array[] | undefined;
  private readonly random: Uint8Array;
  private share: KeyShare | undefined;

  constructor(provider: CryptoProvider, credentials: Credentials) {
    super(provider, credentials, 'server');
    this.random = provider.randomBytes(32);
  }

  protected roleInput(symbol: string): Uint8Array[] | undefined {
    switch (symbol) {
      case 'HelloRetryRequest':
        return [this.helloRetryRequest()];
      case 'ServerHello':
        return [this.serverHello()];
      case 'EncryptedExtensions':
        return [this.handshake(typeNumber('encrypted_extensions'), encodeEncryptedExtensions({ extensions: [] }))];
      case 'CertificateRequest':
        this.requestContext = EMPTY;
        return [
          this.handshake(
            typeNumber('certificate_request'),
            encodeCertificateRequest({
              certificateRequestContext: EMPTY,
              extensions: [
                {
                  extensionType: 'signature_algorithms',
                  extensionData: { supportedSignatureAlgorithms: [...SCHEMES_13] },
                },
              ],
            }),
          ),
        ];
      case 'NewSessionTicket':
        // Not in the transcript (RFC 8446 §4.6.1); a ticket no one will redeem.
        return [
          this.handshake(
            typeNumber('new_session_ticket'),
            encodeNewSessionTicket({
              ticketLifetime: 3600,
              ticketAgeAdd: 0,
              ticketNonce: Uint8Array.of(0),
              ticket: this.provider.randomBytes(32),
              extensions: [],
            }),
            undefined,
            true,
          ),
        ];
      default:
        return undefined;
    }
  }

  protected roleMessage(m: HandshakeMessage): Seen | undefined {
    if (m.msgType === typeNumber('client_hello')) return this.onClientHello(m.body);
    if (m.msgType === typeNumber('finished')) {
      this.transcript.push(tlsHandshakeBytes(m.msgType, m.body));
      return { name: 'Finished', flightEnd: true };
    }
    return undefined;
  }

  /** After our Finished: our application keys (epoch 3) and the client's, over the transcript up to our Finished. */
  protected afterOwnFinished(): void {
    const hs = this.handshakeStage;
    if (hs === undefined || this.ctx === undefined || this.suite === undefined) return;
    this.handshakeStage = undefined;
    const master = hs.master();
    const finishedHash = this.transcriptHash();
    this.ownAppSecret = master.serverApplicationTrafficSecret(finishedHash);
    this.peerAppSecret = master.clientApplicationTrafficSecret(finishedHash);
    this.records.installWrite(3, this.suite, trafficKeys(this.ctx, this.ownAppSecret, this.suite), true);
    this.records.installRead(3, this.suite, trafficKeys(this.ctx, this.peerAppSecret, this.suite));
    this.ownAppEpoch = 4;
    this.peerAppEpoch = 4;
    master.release();
    hs.release();
  }

  override release(): void {
    super.release();
    this.share?.release();
    this.handshakeStage?.release();
  }

  private handshakeStage: ReturnType<EarlyStage['handshake']> | undefined;

  /** The client's ClientHello: what it offers. The first after our HelloRetryRequest continues the transcript it left. */
  private onClientHello(body: Uint8Array): Seen {
    const hello = decodeClientHello(body);
    const groups: KeyExchangeGroup[] = [];
    const shares = new Map<KeyExchangeGroup, Uint8Array>();
    for (const e of hello.extensions) {
      if (e.extensionType === 'supported_groups')
        groups.push(...GROUPS.filter((g) => e.extensionData.namedGroupList.includes(g)));
      if (e.extensionType === 'key_share') {
        for (const s of e.extensionData.clientShares) {
          const g = GROUPS.find((x) => x === s.group);
          if (g !== undefined && !shares.has(g)) shares.set(g, s.keyExchange);
        }
      }
    }
    this.offer = {
      sessionId: hello.legacySessionId,
      suites: hello.cipherSuites.map((s) => cipherSuiteToNumber(s)),
      groups,
      shares,
    };
    this.transcript = this.retryTranscript ?? [];
    this.retryTranscript = undefined;
    this.transcript.push(tlsHandshakeBytes(typeNumber('client_hello'), body));
    return { name: 'ClientHello', flightEnd: true };
  }

  private chosenSuite(): (typeof SUITES_13)[number] {
    const offered = this.offer?.suites ?? [];
    return SUITES_13.find((s) => offered.includes(cipherSuiteToNumber(s))) ?? SUITES_13[0]!;
  }

  /**
   * A HelloRetryRequest with a cookie, asking for a group the client supports but sent no share for (or, when it sent
   * shares for all, its first: a HelloRetryRequest that changes nothing, which RFC 8446 §4.1.4 says the client must
   * refuse). The transcript's ClientHello becomes its message_hash (§4.4.1).
   */
  private helloRetryRequest(): Uint8Array {
    const suite = this.chosenSuite();
    this.chooseSuite(suite);
    const offer = this.offer;
    const group = offer?.groups.find((g) => !offer.shares.has(g)) ?? offer?.groups[0] ?? 'secp256r1';
    const body = encodeServerHello({
      legacyVersion: 'dtls1_2',
      random: HRR_RANDOM,
      legacySessionIdEcho: offer?.sessionId ?? EMPTY,
      cipherSuite: suite,
      legacyCompressionMethod: 0,
      isHelloRetryRequest: true,
      extensions: [
        { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
        { extensionType: 'key_share', extensionData: { selectedGroup: group } },
        { extensionType: 'cookie', extensionData: { cookie: this.provider.randomBytes(16) } },
      ],
    });
    const digest = this.transcriptHash();
    this.transcript = [concatBytes([Uint8Array.of(MESSAGE_HASH, 0, 0, digest.length), digest])];
    const record = this.handshake(typeNumber('server_hello'), body, 0);
    this.retryTranscript = [...this.transcript];
    return record;
  }

  /** The ServerHello in plaintext, then the handshake keys: our later records go out in epoch 2. */
  private serverHello(): Uint8Array {
    const suite = this.chosenSuite();
    const ctx = this.chooseSuite(suite);
    const offer = this.offer;
    const group = GROUPS.find((g) => offer?.shares.has(g) === true) ?? 'x25519';
    this.share?.release();
    const share = (this.share = this.provider.generateKeyShare(group));
    const body = encodeServerHello({
      legacyVersion: 'dtls1_2',
      random: this.random,
      legacySessionIdEcho: offer?.sessionId ?? EMPTY,
      cipherSuite: suite,
      legacyCompressionMethod: 0,
      isHelloRetryRequest: false,
      extensions: [
        { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
        { extensionType: 'key_share', extensionData: { serverShare: { group, keyExchange: share.publicKey } } },
      ],
    });
    const record = this.handshake(typeNumber('server_hello'), body, 0);
    const peer = offer?.shares.get(group);
    let shared: Uint8Array | undefined;
    try {
      shared = peer === undefined ? undefined : share.deriveSecret(peer);
    } catch {
      shared = undefined;
    }
    if (shared !== undefined) {
      const hs = EarlyStage.start(ctx).handshake(shared);
      const helloHash = this.transcriptHash();
      this.ownHandshakeSecret = hs.serverHandshakeTrafficSecret(helloHash);
      this.records.installWrite(2, suite, trafficKeys(ctx, this.ownHandshakeSecret, suite), true);
      this.records.installRead(2, suite, trafficKeys(ctx, hs.clientHandshakeTrafficSecret(helloHash), suite));
      this.handshakeStage?.release();
      this.handshakeStage = hs;
    }
    return record;
  }
}
