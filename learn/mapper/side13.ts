import type { CryptoProvider, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { signCertificateVerify, schemesForKey } from '../../runtime/handshake/certificate-verify.js';
import { scheduleContext, type ScheduleContext } from '../../runtime/keyschedule/context.js';
import {
  finishedVerifyData,
  nextApplicationTrafficSecret,
  trafficKeys,
} from '../../runtime/keyschedule/derived-keys.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { decodeAck, encodeAck } from '../../generated/wire/ack.js';
import { decodeCertificate, encodeCertificate } from '../../generated/wire/certificate.js';
import { encodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import { encodeKeyUpdate } from '../../generated/wire/key-update.js';
import { alertAnswer, alertRecord, APPLICATION_DATA, CONTENT } from './content.js';
import { NOTHING, type Answer, type ConcreteSide } from './concrete-side.js';
import type { Credentials } from './credentials.js';
import {
  dtlsHandshakeBytes,
  HandshakeReassembler,
  messageName,
  tlsHandshakeBytes,
  typeNumber,
  type HandshakeMessage,
} from './handshake-framing.js';
import { Records13 } from './records13.js';

/** The suites a 1.3 side offers or takes, in our order. */
export const SUITES_13: readonly SupportedCipherSuite[] = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
];
/** The signature schemes a 1.3 side offers. */
export const SCHEMES_13: readonly SignatureAlgorithm[] = [
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
export const EMPTY = new Uint8Array(0);
/** msg_type of the synthetic message standing for ClientHello1 after a HelloRetryRequest (RFC 8446 §4.4.1). */
export const MESSAGE_HASH = 254;

/** What a handshake message said, for the answer. */
export interface Seen {
  readonly name: string;
  readonly flightEnd: boolean;
}

/**
 * What both sides of a DTLS 1.3 conversation do alike (RFC 9147, RFC 8446): the transcript, message_seq, the record
 * layer, the inputs that are the same in both roles (Certificate, CertificateVerify, Finished, application data,
 * KeyUpdate, ACK, alerts) and the reading of the peer's records. The role's hellos and key derivation are the
 * subclass's ({@link Client13}, {@link Server13}).
 */
export abstract class Side13 implements ConcreteSide {
  protected readonly provider: CryptoProvider;
  protected readonly credentials: Credentials;
  protected readonly records: Records13;
  private readonly reassembler = new HandshakeReassembler();
  private readonly role: 'client' | 'server';
  /** The transcript's messages with TLS framing (RFC 9147 §5.2). */
  protected transcript: Uint8Array[] = [];
  protected sendSeq = 0;
  protected suite: SupportedCipherSuite | undefined;
  protected ctx: ScheduleContext | undefined;
  /** Our handshake traffic secret (our Finished's base key), once derived. */
  protected ownHandshakeSecret: Uint8Array | undefined;
  /** Our application traffic secret, and the peer's, with the epochs their next keys take. */
  protected ownAppSecret: Uint8Array | undefined;
  protected peerAppSecret: Uint8Array | undefined;
  protected ownAppEpoch = 3;
  protected peerAppEpoch = 3;
  /** The context of a CertificateRequest (received by a client, sent by a server). */
  protected requestContext: Uint8Array | undefined;
  /** The record number of a KeyUpdate of ours not yet acknowledged: once it is, we send with the next keys (§8). */
  private keyUpdateRecord: { epoch: number; sequenceNumber: number } | undefined;
  /** Handshake records of the peer not yet acknowledged (what our ACK lists). */
  private unacknowledged: { epoch: number; sequenceNumber: number }[] = [];

  protected constructor(provider: CryptoProvider, credentials: Credentials, role: 'client' | 'server') {
    this.provider = provider;
    this.credentials = credentials;
    this.role = role;
    this.records = new Records13(provider);
  }

  /** The role's own inputs (hellos and the like); undefined for a symbol it does not know. */
  protected abstract roleInput(symbol: string): Uint8Array[] | undefined;
  /** A handshake message of the peer's that the role reads itself (its hellos, its Finished); undefined for the rest. */
  protected abstract roleMessage(m: HandshakeMessage): Seen | undefined;
  /** Our Finished was sent: the role installs what follows it. */
  protected abstract afterOwnFinished(): void;

  input(symbol: string): Uint8Array[] {
    const own = this.roleInput(symbol);
    if (own !== undefined) return own;
    switch (symbol) {
      case 'Certificate':
        return [this.handshake(typeNumber('certificate'), this.certificate(this.credentials.chain))];
      case 'EmptyCertificate':
        return [this.handshake(typeNumber('certificate'), this.certificate([]))];
      case 'CertificateVerify':
        return [this.handshake(typeNumber('certificate_verify'), this.certificateVerify())];
      case 'Finished':
        return [this.finished(false)];
      case 'FinishedWrongVerifyData':
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
        if (alert === undefined) throw new RangeError(`${symbol} is not in the DTLS 1.3 ${this.role} alphabet`);
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
  }

  /** Fixes the suite and the key schedule's hash. */
  protected chooseSuite(suite: SupportedCipherSuite): ScheduleContext {
    this.suite = suite;
    this.ctx = scheduleContext(this.provider, CIPHER_SUITES[suite].hash, 'dtls13');
    return this.ctx;
  }

  /** One handshake message in one record (of `epoch`, default the current), added to the transcript unless `untranscribed`. */
  protected handshake(msgType: number, body: Uint8Array, epoch?: number, untranscribed = false): Uint8Array {
    if (!untranscribed) this.transcript.push(tlsHandshakeBytes(msgType, body));
    return this.records.seal(CONTENT.handshake, dtlsHandshakeBytes(msgType, this.sendSeq++, body), epoch).bytes;
  }

  protected transcriptHash(): Uint8Array {
    return this.provider.digest(this.ctx?.hash ?? 'sha256', concatBytes(this.transcript));
  }

  /** Our Certificate: the CertificateRequest's context (empty when there was none), and `chain`. */
  private certificate(chain: readonly Uint8Array[]): Uint8Array {
    return encodeCertificate({
      certificateRequestContext: this.role === 'client' ? (this.requestContext ?? EMPTY) : EMPTY,
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
    const scheme = key === undefined ? undefined : schemesForKey(key)[0];
    if (key !== undefined && scheme !== undefined && this.ctx !== undefined) {
      try {
        const signature = signCertificateVerify(this.provider, this.role, scheme, key, this.transcriptHash());
        return encodeCertificateVerify({ algorithm: scheme, signature });
      } catch {
        // the unverifiable signature below
      }
    }
    return encodeCertificateVerify({ algorithm: 'ecdsa_secp256r1_sha256', signature: this.provider.randomBytes(64) });
  }

  /**
   * Our Finished: HMAC over the transcript with our handshake traffic secret's finished_key (RFC 8446 §4.4.4); then
   * the role moves to what follows. Before any handshake keys, 32 random bytes in plaintext. `wrong`: the first byte
   * flipped (FinishedWrongVerifyData).
   */
  private finished(wrong: boolean): Uint8Array {
    const secret = this.ownHandshakeSecret;
    const verifyData =
      secret !== undefined && this.ctx !== undefined
        ? finishedVerifyData(this.ctx, secret, this.transcriptHash())
        : this.provider.randomBytes(32);
    if (wrong) verifyData[0]! ^= 0xff;
    const record = this.handshake(typeNumber('finished'), verifyData);
    this.afterOwnFinished();
    return record;
  }

  /** KeyUpdate(update_requested) in the current epoch; we move to the next keys once it is acknowledged (RFC 9147 §8). */
  private keyUpdate(): Uint8Array {
    const bytes = dtlsHandshakeBytes(
      typeNumber('key_update'),
      this.sendSeq++,
      encodeKeyUpdate({ requestUpdate: 'update_requested' }),
    );
    const sealed = this.records.seal(CONTENT.handshake, bytes);
    this.keyUpdateRecord = { epoch: sealed.epoch, sequenceNumber: sealed.sequenceNumber };
    return sealed.bytes;
  }

  /** An ACK of every handshake record of the peer's not yet acknowledged (RFC 9147 §7), in the current epoch. */
  private ack(): Uint8Array {
    const recordNumbers = this.unacknowledged.map((n) => ({
      epoch: BigInt(n.epoch),
      sequenceNumber: BigInt(n.sequenceNumber),
    }));
    this.unacknowledged = [];
    return this.records.seal(CONTENT.ack, encodeAck({ recordNumbers })).bytes;
  }

  private onMessage(m: HandshakeMessage): Seen {
    try {
      const own = this.roleMessage(m);
      if (own !== undefined) return own;
      switch (m.msgType) {
        case typeNumber('certificate'):
          this.transcript.push(tlsHandshakeBytes(m.msgType, m.body));
          return {
            name: decodeCertificate(m.body).certificateList.length === 0 ? 'EmptyCertificate' : 'Certificate',
            flightEnd: false,
          };
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

  /** The peer updated its keys: its next records come in the next epoch. */
  private onKeyUpdate(): void {
    if (this.peerAppSecret === undefined || this.ctx === undefined || this.suite === undefined) return;
    this.peerAppSecret = nextApplicationTrafficSecret(this.ctx, this.peerAppSecret);
    this.records.installRead(this.peerAppEpoch++, this.suite, trafficKeys(this.ctx, this.peerAppSecret, this.suite));
  }

  /** An ACK that covers our KeyUpdate: we send with our next keys from now on. */
  private onAck(content: Uint8Array): void {
    const pending = this.keyUpdateRecord;
    if (pending === undefined || this.ownAppSecret === undefined || this.ctx === undefined || this.suite === undefined)
      return;
    let ack;
    try {
      ack = decodeAck(content);
    } catch {
      return;
    }
    if (
      !ack.recordNumbers.some(
        (n) => n.epoch === BigInt(pending.epoch) && n.sequenceNumber === BigInt(pending.sequenceNumber),
      )
    )
      return;
    this.keyUpdateRecord = undefined;
    this.ownAppSecret = nextApplicationTrafficSecret(this.ctx, this.ownAppSecret);
    this.records.installWrite(
      this.ownAppEpoch++,
      this.suite,
      trafficKeys(this.ctx, this.ownAppSecret, this.suite),
      true,
    );
  }
}
