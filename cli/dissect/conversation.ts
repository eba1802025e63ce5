/**
 * One DTLS conversation (a client and a server address) as a dissector
 * sees it: datagrams in either direction in, records out. It decodes
 * headers with the generated decoders, decrypts with the secrets of a key
 * log (epoch 2 from the handshake traffic secrets, 3 from the application
 * traffic secret 0, each later epoch by "traffic upd"; record numbers
 * unmasked, RFC 9147 §4.2.3), reassembles handshake messages and decodes
 * them whole.
 */
import { decodeAck, decodeAlert, decodeHandshake, type DtlsCiphertextHeader } from '../../generated/wire/index.js';
import { contentTypeFromNumber, handshakeTypeToNumber } from '../../generated/wire/enums.js';
import type { AeadKey, CryptoProvider, MaskKey } from '../../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES, CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { scheduleContext } from '../../runtime/keyschedule/context.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { decodeInnerPlaintext } from '../../runtime/record/inner-plaintext.js';
import { reconstructSequenceNumber, recordNonce } from '../../runtime/record/sequence.js';
import { decodeDatagram, type DtlsRecord } from '../../runtime/wire/datagram.js';
import { DecodeError } from '../../runtime/wire/index.js';
import type { KeyLog } from './key-log.js';
import { MessageAssembly, withHandshakeHeader } from './message-assembly.js';
import type { ConversationOptions, HandshakeView, RecordView } from './record-view.js';

type Role = 'client' | 'server';

/** One epoch's keys in one direction: the AEAD, its IV, and the record number mask. */
interface EpochKeys {
  readonly aead: AeadKey;
  readonly iv: Uint8Array;
  readonly mask: MaskKey;
}

/** Per direction: what has been seen of the sender's records and messages. */
class Direction {
  readonly messages = new MessageAssembly();
  readonly ciphers = new Map<number, EpochKeys>();
  readonly highest = new Map<number, number>();
  topEpoch = 0;
  /** The connection ID this direction's records carry (the receiver's, from its hello). */
  cidLength = 0;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class Conversation {
  private readonly dirs: Record<Role, Direction> = { client: new Direction(), server: new Direction() };
  private clientRandom: string | undefined;
  private suite: SupportedCipherSuite | undefined;

  private readonly keyLog: KeyLog;
  private readonly provider: CryptoProvider;

  private readonly showData: boolean;

  constructor(keyLog: KeyLog, provider: CryptoProvider, options: ConversationOptions = {}) {
    this.keyLog = keyLog;
    this.provider = provider;
    this.showData = options.showData === true;
  }

  /** The records of one datagram the `from` side sent. */
  dissect(from: Role, datagram: Uint8Array): RecordView[] {
    const dir = this.dirs[from];
    let records: DtlsRecord[];
    try {
      records = decodeDatagram(datagram, { cidLength: dir.cidLength });
    } catch (e) {
      return [errorView(from, datagram.length, e)];
    }
    return records.map((r) => (r.kind === 'plaintext' ? this.plaintext(from, r) : this.ciphertext(from, r, datagram)));
  }

  private plaintext(from: Role, r: Extract<DtlsRecord, { kind: 'plaintext' }>): RecordView {
    const rec = r.record;
    const type = typeof rec.type === 'string' ? rec.type : `content_type_${rec.type}`;
    const base = {
      from,
      epoch: rec.epoch,
      sequenceNumber: rec.sequenceNumber,
      length: 13 + rec.fragment.length,
      protected: false,
      decrypted: false,
    };
    return { ...base, ...this.content(from, type, rec.fragment) };
  }

  private ciphertext(from: Role, r: Extract<DtlsRecord, { kind: 'ciphertext' }>, datagram: Uint8Array): RecordView {
    const h = r.header;
    const dir = this.dirs[from];
    const headerLength = 1 + dir.cidLength + (h.sequenceNumber16bit ? 2 : 1) + (h.length === undefined ? 0 : 2);
    const start = r.encryptedRecord.byteOffset - datagram.byteOffset - headerLength;
    const header = datagram.subarray(start, start + headerLength);
    const base = {
      from,
      epochBits: h.epochLowBits,
      length: headerLength + r.encryptedRecord.length,
      protected: true,
      ...(h.connectionId ? { connectionId: hex(h.connectionId) } : {}),
    };
    for (const epoch of this.candidateEpochs(dir, h.epochLowBits)) {
      const cipher = this.cipher(from, epoch);
      if (!cipher || r.encryptedRecord.length < 16) continue;
      const opened = open(cipher, h, header, r.encryptedRecord, dir.highest.get(epoch), dir.cidLength);
      if (!opened) continue;
      dir.highest.set(epoch, Math.max(dir.highest.get(epoch) ?? -1, opened.seq));
      dir.topEpoch = Math.max(dir.topEpoch, epoch);
      const inner = decodeInnerPlaintext(opened.inner);
      if (!inner)
        return {
          ...base,
          epoch,
          sequenceNumber: opened.seq,
          decrypted: true,
          contentType: 'invalid',
          messages: [],
          error: 'DTLSInnerPlaintext has no content type',
        };
      const type = contentTypeFromNumber(inner.contentType);
      return {
        ...base,
        epoch,
        sequenceNumber: opened.seq,
        decrypted: true,
        ...this.content(from, typeof type === 'string' ? type : `content_type_${type}`, inner.content),
      };
    }
    return {
      ...base,
      epoch: undefined,
      sequenceNumber: undefined,
      decrypted: false,
      contentType: 'encrypted',
      messages: [],
    };
  }

  /** Epochs whose low bits match, nearest the sender's current one first (RFC 9147 §4.2.2). */
  private candidateEpochs(dir: Direction, bits: number): number[] {
    const out: number[] = [];
    for (let e = 1; e <= dir.topEpoch + 2; e++) if ((e & 3) === bits) out.push(e);
    return out.sort((a, b) => Math.abs(a - dir.topEpoch) - Math.abs(b - dir.topEpoch));
  }

  /** The protection of `from`'s records in `epoch`, from the key log; null when the log lacks the secret. */
  private cipher(from: Role, epoch: number): EpochKeys | undefined {
    const dir = this.dirs[from];
    const cached = dir.ciphers.get(epoch);
    if (cached !== undefined) return cached;
    const secret = this.secret(from, epoch);
    const suite = this.suite;
    // A missing secret is looked up again later: the key log of a live connection grows as it runs.
    if (!secret || !suite) return undefined;
    const params = CIPHER_SUITES[suite];
    const keys = trafficKeys(scheduleContext(this.provider, params.hash), secret, suite);
    const cipher = {
      aead: this.provider.aead(params.aead, keys.key),
      iv: keys.iv,
      mask: this.provider.mask(params.mask, keys.snKey),
    };
    dir.ciphers.set(epoch, cipher);
    return cipher;
  }

  private secret(from: Role, epoch: number): Uint8Array | undefined {
    const secrets = this.clientRandom === undefined ? undefined : this.keyLog.get(this.clientRandom);
    if (!secrets || !this.suite) return undefined;
    const side = from === 'client' ? 'CLIENT' : 'SERVER';
    if (epoch === 1) return from === 'client' ? secrets.get('CLIENT_EARLY_TRAFFIC_SECRET') : undefined;
    if (epoch === 2) return secrets.get(`${side}_HANDSHAKE_TRAFFIC_SECRET`);
    let s = secrets.get(`${side}_TRAFFIC_SECRET_0`);
    const ctx = scheduleContext(this.provider, CIPHER_SUITES[this.suite].hash);
    for (let e = 3; s && e < epoch; e++) s = nextApplicationTrafficSecret(ctx, s);
    return s;
  }

  /** The content of a record, by type. */
  private content(
    from: Role,
    type: string,
    content: Uint8Array,
  ): Pick<RecordView, 'contentType' | 'messages' | 'alert' | 'ack' | 'applicationData' | 'data' | 'error'> {
    try {
      switch (type) {
        case 'handshake':
          return { contentType: type, messages: this.handshake(from, content) };
        case 'alert': {
          const a = decodeAlert(content);
          return {
            contentType: type,
            messages: [],
            alert: { level: String(a.level), description: String(a.description) },
          };
        }
        case 'ack':
          return {
            contentType: type,
            messages: [],
            ack: decodeAck(content).recordNumbers.map((n) => ({
              epoch: Number(n.epoch),
              sequenceNumber: Number(n.sequenceNumber),
            })),
          };
        case 'application_data':
          return {
            contentType: type,
            messages: [],
            applicationData: content.length,
            ...(this.showData ? { data: content.slice() } : {}),
          };
        default:
          return { contentType: type, messages: [] };
      }
    } catch (e) {
      return { contentType: type, messages: [], error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Handshake fragments of one record; a message completed here is decoded whole. */
  private handshake(from: Role, content: Uint8Array): HandshakeView[] {
    return this.dirs[from].messages.fragments(content, (msgType, body) => this.decodeMessage(msgType, body));
  }

  private decodeMessage(
    msgType: string | number,
    body: Uint8Array,
  ): Pick<HandshakeView, 'fields' | 'error' | 'helloRetryRequest'> {
    const whole = withHandshakeHeader(
      typeof msgType === 'string'
        ? handshakeTypeToNumber(msgType as Parameters<typeof handshakeTypeToNumber>[0])
        : msgType,
      body,
    );
    try {
      const m = decodeHandshake(whole);
      if (m.msgType === 'client_hello') {
        this.clientRandom = hex(m.body.random);
        const cid = m.body.extensions.find((x) => x.extensionType === 'connection_id');
        if (cid && cid.extensionType === 'connection_id') this.dirs.server.cidLength = cid.extensionData.cid.length;
      }
      if (m.msgType === 'server_hello') {
        const suite = String(m.body.cipherSuite);
        if ((ALL_CIPHER_SUITES as readonly string[]).includes(suite)) this.suite = suite as SupportedCipherSuite;
        const cid = m.body.extensions.find((x) => x.extensionType === 'connection_id');
        if (cid && cid.extensionType === 'connection_id' && 'cid' in cid.extensionData)
          this.dirs.client.cidLength = (cid.extensionData as { cid: Uint8Array }).cid.length;
        return { fields: m.body, helloRetryRequest: m.body.isHelloRetryRequest };
      }
      return { fields: m.body };
    } catch (e) {
      return { error: e instanceof DecodeError ? e.message : String(e) };
    }
  }
}

/** Unmasks the record number and opens the record; undefined when it does not authenticate with this cipher. */
function open(
  cipher: EpochKeys,
  h: DtlsCiphertextHeader,
  header: Uint8Array,
  encrypted: Uint8Array,
  highest: number | undefined,
  cidLength: number,
): { seq: number; inner: Uint8Array } | undefined {
  const mask = cipher.mask.mask(encrypted.subarray(0, 16));
  const bits = h.sequenceNumber16bit ? 16 : 8;
  const low = h.sequenceNumber ^ (bits === 16 ? (mask[0]! << 8) | mask[1]! : mask[0]!);
  const seq = reconstructSequenceNumber(low, bits, (highest ?? -1) + 1);
  const aad = Uint8Array.from(header);
  const at = 1 + cidLength;
  if (bits === 16) {
    aad[at] = low >>> 8;
    aad[at + 1] = low & 0xff;
  } else aad[at] = low;
  const inner = cipher.aead.open(recordNonce(cipher.iv, seq, new Uint8Array(cipher.iv.length)), aad, encrypted);
  return inner ? { seq, inner: Uint8Array.from(inner) } : undefined;
}

function errorView(from: Role, length: number, e: unknown): RecordView {
  return {
    from,
    epoch: undefined,
    sequenceNumber: undefined,
    contentType: 'malformed',
    length,
    protected: false,
    decrypted: false,
    messages: [],
    error: e instanceof Error ? e.message : String(e),
  };
}
