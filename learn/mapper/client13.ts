import type { CryptoProvider, KeyExchangeGroup, KeyShare, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { signCertificateVerify, schemesForKey } from '../../runtime/handshake/certificate-verify.js';
import { scheduleContext, type ScheduleContext } from '../../runtime/keyschedule/context.js';
import { finishedVerifyData, nextApplicationTrafficSecret, trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { EarlyStage } from '../../runtime/keyschedule/stages.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { decodeAck, encodeAck } from '../../generated/wire/ack.js';
import { encodeCertificate } from '../../generated/wire/certificate.js';
import { decodeCertificateRequest } from '../../generated/wire/certificate-request.js';
import { encodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import { encodeClientHello, type ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { cipherSuiteToNumber, type NamedGroup } from '../../generated/wire/enums.js';
import { encodeKeyUpdate } from '../../generated/wire/key-update.js';
import { decodeServerHello } from '../../generated/wire/server-hello.js';
import { alertAnswer, alertRecord, APPLICATION_DATA, CONTENT, WRONG_FINISHED } from './content.js';
import { NOTHING, type Answer, type ConcreteSide } from './concrete-side.js';
import type { Credentials } from './credentials.js';
import { dtlsHandshakeBytes, HandshakeReassembler, messageName, tlsHandshakeBytes, typeNumber, type HandshakeMessage } from './handshake-framing.js';
import { Records13 } from './records13.js';

/** The suites offered, each with the hash the key schedule takes from it. */
const SUITES: readonly SupportedCipherSuite[] = ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256'];
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const SCHEMES: readonly SignatureAlgorithm[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
];
const EMPTY = new Uint8Array(0);
/** msg_type of the synthetic message standing for ClientHello1 after a HelloRetryRequest (RFC 8446 §4.4.1). */
const MESSAGE_HASH = 254;

/** The input alphabet for learning a DTLS 1.3 server (we are the client). */
export const SERVER13_INPUTS: readonly string[] = [
  'ClientHello',
  'ClientHelloNoShare',
  'ClientHelloWithCookie',
  'Certificate',
  'EmptyCertificate',
  'CertificateVerify',
  'Finished',
  'ApplicationData',
  'KeyUpdate',
  'ACK',
  'Alert(close_notify)',
  'Alert(unexpected_message)',
  'ChangeCipherSpec',
];

/**
 * The client side of a DTLS 1.3 conversation, one abstract input at a time (RFC 9147, RFC 8446). Each input is made
 * with correct cryptography over the transcript so far where that exists; where it does not (Finished before any
 * handshake keys, CertificateVerify without a key), the harness's choice is documented at the input and in
 * learn/README.md. The server's records are opened with every key derived so far.
 */
export class Client13 implements ConcreteSide {
  private readonly provider: CryptoProvider;
  private readonly credentials: Credentials;
  private readonly records: Records13;
  private readonly reassembler = new HandshakeReassembler();
  private readonly random: Uint8Array;
  private readonly shares = new Map<KeyExchangeGroup, KeyShare>();
  /** The transcript's messages with TLS framing (RFC 9147 §5.2). */
  private transcript: Uint8Array[] = [];
  private sendSeq = 0;
  private cookie: Uint8Array | undefined;
  private retryGroup: KeyExchangeGroup | undefined;
  private suite: SupportedCipherSuite | undefined;
  private ctx: ScheduleContext | undefined;
  private clientHandshakeSecret: Uint8Array | undefined;
  private clientAppSecret: Uint8Array | undefined;
  private serverAppSecret: Uint8Array | undefined;
  /** The epoch of our next application traffic keys, and of the server's. */
  private clientAppEpoch = 3;
  private serverAppEpoch = 3;
  /** The record number of a KeyUpdate of ours not yet acknowledged: once it is, we send with the next keys (§8). */
  private keyUpdateRecord: { epoch: number; sequenceNumber: number } | undefined;
  private requestContext: Uint8Array | undefined;
  /** Handshake records of the server not yet acknowledged (what our ACK lists). */
  private unacknowledged: { epoch: number; sequenceNumber: number }[] = [];

  constructor(provider: CryptoProvider, credentials: Credentials) {
    this.provider = provider;
    this.credentials = credentials;
    this.records = new Records13(provider);
    this.random = provider.randomBytes(32);
  }

  input(symbol: string): Uint8Array[] {
    switch (symbol) {
      case 'ClientHello':
        return [this.clientHello('x25519', false)];
      case 'ClientHelloNoShare':
        return [this.clientHello(undefined, false)];
      case 'ClientHelloWithCookie':
        return [this.clientHello(this.retryGroup ?? 'x25519', true)];
      case 'Certificate':
        return [this.handshake(typeNumber('certificate'), this.certificate(this.credentials.chain), true)];
      case 'EmptyCertificate':
        return [this.handshake(typeNumber('certificate'), this.certificate([]), true)];
      case 'CertificateVerify':
        return [this.handshake(typeNumber('certificate_verify'), this.certificateVerify(), true)];
      case 'Finished':
        return [this.finished(false)];
      case WRONG_FINISHED:
        return [this.finished(true)];
      case 'ApplicationData':
        return [this.records.seal(CONTENT.application_data, APPLICATION_DATA).bytes];
      case 'KeyUpdate':
        return [this.keyUpdate()];
      case 'ACK':
        return [this.ack()];
      case 'ChangeCipherSpec':
        // DTLS 1.3 has no middlebox-compatibility ChangeCipherSpec (RFC 9147 §5): a stray one, in plaintext.
        return [this.records.seal(CONTENT.change_cipher_spec, Uint8Array.of(1), 0).bytes];
      default: {
        const alert = alertRecord(symbol);
        if (alert === undefined) throw new RangeError(`${symbol} is not in the DTLS 1.3 client alphabet`);
        return [this.records.seal(CONTENT.alert, alert).bytes];
      }
    }
  }

  receive(datagram: Uint8Array): Answer {
    const names: string[] = [];
    let closing = false;
    let flightEnd = false;
    this.records.open(datagram, (rec) => {
      switch (rec.type) {
        case CONTENT.handshake:
          this.unacknowledged.push({ epoch: rec.epoch, sequenceNumber: rec.sequenceNumber });
          for (const m of this.reassembler.add(rec.content)) {
            const seen = this.onMessage(m);
            names.push(seen.name);
            flightEnd ||= seen.flightEnd;
          }
          break;
        case CONTENT.alert: {
          const a = alertAnswer(rec.content, '1.3');
          names.push(a.name);
          closing ||= a.closing;
          flightEnd = true;
          break;
        }
        case CONTENT.ack:
          names.push('ACK');
          this.onAck(rec.content);
          flightEnd = true;
          break;
        case CONTENT.application_data:
          names.push('ApplicationData');
          flightEnd = true;
          break;
        case CONTENT.change_cipher_spec:
          names.push('ChangeCipherSpec');
          break;
        default:
          names.push(`Record(${rec.type})`);
      }
    });
    return names.length === 0 ? NOTHING : { names, closing, flightEnd };
  }

  release(): void {
    this.records.release();
    for (const s of this.shares.values()) s.release();
  }

  /**
   * A ClientHello offering DTLS 1.3 alone, with a key share for `group` (none: an empty key_share, which asks for a
   * HelloRetryRequest) and, `withCookie`, the last HelloRetryRequest's cookie (none seen: no cookie, so it is the plain
   * ClientHello). Always epoch 0. A ClientHello that follows a HelloRetryRequest continues the transcript (RFC 8446
   * §4.4.1); any other starts it again.
   */
  private clientHello(group: KeyExchangeGroup | undefined, withCookie: boolean): Uint8Array {
    const extensions: ClientHelloExtension[] = [
      { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
      { extensionType: 'supported_groups', extensionData: { namedGroupList: GROUPS as NamedGroup[] } },
      { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: [...SCHEMES] } },
    ];
    const clientShares = [];
    if (group !== undefined) {
      let share = this.shares.get(group);
      if (share === undefined) this.shares.set(group, (share = this.provider.generateKeyShare(group)));
      clientShares.push({ group, keyExchange: share.publicKey });
    }
    extensions.push({ extensionType: 'key_share', extensionData: { clientShares } });
    if (withCookie && this.cookie !== undefined) extensions.push({ extensionType: 'cookie', extensionData: { cookie: this.cookie } });
    const body = encodeClientHello({
      legacyVersion: 'dtls1_2',
      random: this.random,
      legacySessionId: EMPTY,
      legacyCookie: EMPTY,
      cipherSuites: [...SUITES],
      legacyCompressionMethods: Uint8Array.of(0),
      extensions,
    });
    const afterRetry = this.transcript.length === 2 && this.transcript[0]![0] === MESSAGE_HASH;
    if (!afterRetry) this.transcript = [];
    return this.handshake(typeNumber('client_hello'), body, true, 0);
  }

  /** Our Certificate: the CertificateRequest's context (empty before one), and `chain` (empty: EmptyCertificate). */
  private certificate(chain: readonly Uint8Array[]): Uint8Array {
    return encodeCertificate({
      certificateRequestContext: this.requestContext ?? EMPTY,
      certificateList: chain.map((certData) => ({ certData, extensions: [] })),
    });
  }

  /**
   * A CertificateVerify over the transcript so far, signed with our key (RFC 8446 §4.4.3). Without a key, or before a
   * suite fixed the hash, the harness sends ecdsa_secp256r1_sha256 with 64 random bytes: a signature that cannot
   * verify, which is the point of sending it then.
   */
  private certificateVerify(): Uint8Array {
    const key = this.credentials.key;
    if (key !== undefined && this.ctx !== undefined) {
      const scheme = schemesForKey(key)[0];
      if (scheme !== undefined) {
        const signature = signCertificateVerify(this.provider, 'client', scheme, key, this.transcriptHash());
        return encodeCertificateVerify({ algorithm: scheme, signature });
      }
    }
    return encodeCertificateVerify({ algorithm: 'ecdsa_secp256r1_sha256', signature: this.provider.randomBytes(64) });
  }

  /**
   * Our Finished: HMAC over the transcript with the client handshake traffic secret's finished_key (RFC 8446 §4.4.4),
   * then our application keys take over (epoch 3). Before any handshake keys, 32 random bytes in plaintext. `wrong`:
   * the first byte flipped ({@link WRONG_FINISHED}).
   */
  private finished(wrong: boolean): Uint8Array {
    const secret = this.clientHandshakeSecret;
    const verifyData =
      secret !== undefined && this.ctx !== undefined ? finishedVerifyData(this.ctx, secret, this.transcriptHash()) : this.provider.randomBytes(32);
    if (wrong) verifyData[0]! ^= 0xff;
    const record = this.handshake(typeNumber('finished'), verifyData, true);
    if (this.clientAppSecret !== undefined && this.suite !== undefined && this.ctx !== undefined && !this.records.hasWrite(3)) {
      this.records.installWrite(3, this.suite, trafficKeys(this.ctx, this.clientAppSecret, this.suite), true);
      this.clientAppEpoch = 4;
    }
    return record;
  }

  /** KeyUpdate(update_requested) in the current epoch; we move to the next keys once it is acknowledged (RFC 9147 §8). */
  private keyUpdate(): Uint8Array {
    const body = encodeKeyUpdate({ requestUpdate: 'update_requested' });
    const bytes = dtlsHandshakeBytes(typeNumber('key_update'), this.sendSeq++, body);
    const sealed = this.records.seal(CONTENT.handshake, bytes);
    this.keyUpdateRecord = { epoch: sealed.epoch, sequenceNumber: sealed.sequenceNumber };
    return sealed.bytes;
  }

  /** An ACK of every server handshake record received and not yet acknowledged (RFC 9147 §7), in the current epoch. */
  private ack(): Uint8Array {
    const recordNumbers = this.unacknowledged.map((n) => ({ epoch: BigInt(n.epoch), sequenceNumber: BigInt(n.sequenceNumber) }));
    this.unacknowledged = [];
    return this.records.seal(CONTENT.ack, encodeAck({ recordNumbers })).bytes;
  }

  /** One handshake message in one record (of `epoch`, default the current), added to the transcript when `transcribe`. */
  private handshake(msgType: number, body: Uint8Array, transcribe: boolean, epoch?: number): Uint8Array {
    if (transcribe) this.transcript.push(tlsHandshakeBytes(msgType, body));
    return this.records.seal(CONTENT.handshake, dtlsHandshakeBytes(msgType, this.sendSeq++, body), epoch).bytes;
  }

  private transcriptHash(): Uint8Array {
    return this.provider.digest(this.ctx?.hash ?? 'sha256', concatBytes(this.transcript));
  }

  /** A server message: transcript and keys move on as RFC 8446 §7.1 says. */
  private onMessage(m: HandshakeMessage): { name: string; flightEnd: boolean } {
    try {
      switch (m.msgType) {
        case typeNumber('server_hello'):
          return this.onServerHello(m.body);
        case typeNumber('finished'):
          return this.onServerFinished(m.body);
        case typeNumber('certificate_request'):
          this.requestContext = decodeCertificateRequest(m.body).certificateRequestContext;
          this.transcript.push(tlsHandshakeBytes(m.msgType, m.body));
          return { name: 'CertificateRequest', flightEnd: false };
        case typeNumber('key_update'):
          this.onKeyUpdate();
          return { name: 'KeyUpdate', flightEnd: true };
        case typeNumber('new_session_ticket'):
          return { name: 'NewSessionTicket', flightEnd: true };
        default:
          this.transcript.push(tlsHandshakeBytes(m.msgType, m.body));
          return { name: messageName(m.msgType), flightEnd: false };
      }
    } catch {
      return { name: `${messageName(m.msgType)}(malformed)`, flightEnd: true };
    }
  }

  private onServerHello(body: Uint8Array): { name: string; flightEnd: boolean } {
    const hello = decodeServerHello(body);
    const suite = SUITES.find((s) => cipherSuiteToNumber(s) === cipherSuiteToNumber(hello.cipherSuite));
    if (suite === undefined) return { name: hello.isHelloRetryRequest ? 'HelloRetryRequest' : 'ServerHello', flightEnd: true };
    this.suite = suite;
    this.ctx = scheduleContext(this.provider, CIPHER_SUITES[suite].hash, 'dtls13');
    if (hello.isHelloRetryRequest) {
      for (const e of hello.extensions) {
        if (e.extensionType === 'cookie') this.cookie = e.extensionData.cookie;
        if (e.extensionType === 'key_share') {
          const g = GROUPS.find((x) => x === e.extensionData.selectedGroup);
          if (g !== undefined) this.retryGroup = g;
        }
      }
      const digest = this.transcriptHash();
      this.transcript = [concatBytes([Uint8Array.of(MESSAGE_HASH, 0, 0, digest.length), digest]), tlsHandshakeBytes(typeNumber('server_hello'), body)];
      return { name: 'HelloRetryRequest', flightEnd: true };
    }
    this.transcript.push(tlsHandshakeBytes(typeNumber('server_hello'), body));
    let shared: Uint8Array | undefined;
    for (const e of hello.extensions) {
      if (e.extensionType !== 'key_share') continue;
      const share = this.shares.get(e.extensionData.serverShare.group as KeyExchangeGroup);
      shared = share?.deriveSecret(e.extensionData.serverShare.keyExchange);
    }
    if (shared === undefined) return { name: 'ServerHello', flightEnd: false };
    const hs = EarlyStage.start(this.ctx).handshake(shared);
    const helloHash = this.transcriptHash();
    this.clientHandshakeSecret = hs.clientHandshakeTrafficSecret(helloHash);
    this.records.installRead(2, suite, trafficKeys(this.ctx, hs.serverHandshakeTrafficSecret(helloHash), suite));
    this.records.installWrite(2, suite, trafficKeys(this.ctx, this.clientHandshakeSecret, suite), true);
    this.pendingMaster = hs;
    return { name: 'ServerHello', flightEnd: false };
  }

  /** The handshake stage, kept until the server's Finished gives the hash the application secrets are derived over. */
  private pendingMaster: ReturnType<EarlyStage['handshake']> | undefined;

  private onServerFinished(body: Uint8Array): { name: string; flightEnd: boolean } {
    this.transcript.push(tlsHandshakeBytes(typeNumber('finished'), body));
    const hs = this.pendingMaster;
    if (hs !== undefined && this.ctx !== undefined && this.suite !== undefined) {
      this.pendingMaster = undefined;
      const master = hs.master();
      const finishedHash = this.transcriptHash();
      this.clientAppSecret = master.clientApplicationTrafficSecret(finishedHash);
      this.serverAppSecret = master.serverApplicationTrafficSecret(finishedHash);
      this.records.installRead(3, this.suite, trafficKeys(this.ctx, this.serverAppSecret, this.suite));
      this.serverAppEpoch = 4;
    }
    return { name: 'Finished', flightEnd: true };
  }

  /** The server updated its keys: its next records come in the next epoch. */
  private onKeyUpdate(): void {
    if (this.serverAppSecret === undefined || this.ctx === undefined || this.suite === undefined) return;
    this.serverAppSecret = nextApplicationTrafficSecret(this.ctx, this.serverAppSecret);
    this.records.installRead(this.serverAppEpoch++, this.suite, trafficKeys(this.ctx, this.serverAppSecret, this.suite));
  }

  /** An ACK that covers our KeyUpdate: we send with our next keys from now on. */
  private onAck(content: Uint8Array): void {
    const pending = this.keyUpdateRecord;
    if (pending === undefined || this.clientAppSecret === undefined || this.ctx === undefined || this.suite === undefined) return;
    let ack;
    try {
      ack = decodeAck(content);
    } catch {
      return;
    }
    if (!ack.recordNumbers.some((n) => n.epoch === BigInt(pending.epoch) && n.sequenceNumber === BigInt(pending.sequenceNumber))) return;
    this.keyUpdateRecord = undefined;
    this.clientAppSecret = nextApplicationTrafficSecret(this.ctx, this.clientAppSecret);
    this.records.installWrite(this.clientAppEpoch++, this.suite, trafficKeys(this.ctx, this.clientAppSecret, this.suite), true);
  }
}
