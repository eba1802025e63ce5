/**
 * One DTLS 1.2 conversation as a dissector sees it (RFC 6347): records
 * with the explicit epoch and 48-bit sequence number, RFC 9146's tls12_cid
 * records (the CID lengths learnt from the hellos' connection_id
 * extensions), HelloVerifyRequest, the 1.2 handshake messages and
 * ChangeCipherSpec. With a key log's `CLIENT_RANDOM <client_random>
 * <master_secret>` line it derives the key block (RFC 5246 §6.3) for the
 * suite the ServerHello chose and opens the epoch-1 records with the
 * record layer's own {@link EpochCipher12}: the Finished messages and
 * application data are shown. A record that does not open is reported as
 * undecryptable, never thrown.
 */
import {
  decodeAlert,
  decodeChangeCipherSpec,
  decodeClientKeyExchangeEcdhe,
  decodeClientKeyExchangeEcdhePsk,
  decodeClientKeyExchangePsk,
  decodeServerKeyExchangeEcdhe,
  decodeServerKeyExchangeEcdhePsk,
  decodeServerKeyExchangePsk,
  decodeTls12Handshake,
  type Tls12Handshake,
} from '../../generated/wire/index.js';
import { contentTypeFromNumber, handshakeTypeToNumber, type HandshakeTypeName } from '../../generated/wire/enums.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { decodeDatagram12, type Dtls12WireRecord } from '../../runtime/record/datagram12.js';
import { keyBlock } from '../../runtime/dtls12/key-derivation.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { dtls12Suite, type Dtls12SuiteParams } from '../../runtime/versions/suites12.js';
import { DecodeError } from '../../runtime/wire/index.js';
import type { KeyLog } from './key-log.js';
import { MessageAssembly, withHandshakeHeader, type DecodedMessage } from './message-assembly.js';
import type { ConversationOptions, RecordView } from './record-view.js';

type Role = 'client' | 'server';

/** The key log label of a 1.2 master secret (NSS key log format). */
export const CLIENT_RANDOM = 'CLIENT_RANDOM';

/** Per direction: the sender's messages, the CID its records carry (the receiver's), its protection. */
class Direction12 {
  readonly messages = new MessageAssembly();
  /** The CID this direction's tls12_cid records carry: the one the receiver asked for in its hello. */
  cid: Uint8Array | undefined;
  readonly ciphers = new Map<number, EpochCipher12>();
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type Content = Pick<RecordView, 'contentType' | 'messages' | 'alert' | 'applicationData' | 'data' | 'error'>;

export class Conversation12 {
  private readonly dirs: Record<Role, Direction12> = { client: new Direction12(), server: new Direction12() };
  private clientRandom: Uint8Array | undefined;
  private serverRandom: Uint8Array | undefined;
  private suite: Dtls12SuiteParams | undefined;
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
    let records: Dtls12WireRecord[];
    try {
      records = decodeDatagram12(datagram, { cidLength: this.dirs[from].cid?.length ?? 0 });
    } catch (e) {
      return [malformed(from, datagram.length, e)];
    }
    return records.map((r) => this.record(from, r));
  }

  private record(from: Role, wire: Dtls12WireRecord): RecordView {
    const r = wire.record;
    const cid = wire.kind === 'cid' ? { connectionId: hex(wire.record.cid) } : {};
    const fragment = wire.kind === 'cid' ? wire.record.encContent : wire.record.fragment;
    const base = {
      from,
      epoch: r.epoch,
      sequenceNumber: r.sequenceNumber,
      length: 13 + (wire.kind === 'cid' ? wire.record.cid.length : 0) + fragment.length,
      ...cid,
    };
    if (r.epoch === 0 && wire.kind === 'record') {
      const type = wire.record.type;
      return {
        ...base,
        protected: false,
        decrypted: false,
        ...this.content(from, typeof type === 'string' ? type : `content_type_${type}`, fragment),
      };
    }
    const cipher = this.cipher(from, r.epoch);
    if (cipher === undefined)
      return { ...base, protected: true, decrypted: false, contentType: 'encrypted', messages: [] };
    const opened = cipher.open(wire);
    if (!opened.ok)
      return {
        ...base,
        protected: true,
        decrypted: false,
        contentType: 'encrypted',
        messages: [],
        error: `undecryptable with the key log's master secret (${opened.reason})`,
      };
    const type = contentTypeFromNumber(opened.type);
    return {
      ...base,
      protected: true,
      decrypted: true,
      ...this.content(from, typeof type === 'string' ? type : `content_type_${type}`, opened.content),
    };
  }

  /** The protection of `from`'s records in `epoch` from the key log's master secret; undefined while something is missing. */
  private cipher(from: Role, epoch: number): EpochCipher12 | undefined {
    const dir = this.dirs[from];
    const cached = dir.ciphers.get(epoch);
    if (cached !== undefined) return cached;
    const { clientRandom, serverRandom, suite } = this;
    if (!clientRandom || !serverRandom || !suite || epoch < 1 || epoch > 0xffff) return undefined;
    // Looked up each time until found: the key log of a live connection grows as it runs.
    const master = this.keyLog.get(hex(clientRandom))?.get(CLIENT_RANDOM);
    if (master === undefined) return undefined;
    const block = keyBlock(this.provider, suite, master, clientRandom, serverRandom);
    // The reader of these records is the other side, whose CID they carry.
    const cipher = new EpochCipher12(
      this.provider,
      suite,
      from === 'client' ? block.client : block.server,
      epoch,
      dir.cid ? { cid: dir.cid } : {},
    );
    dir.ciphers.set(epoch, cipher);
    return cipher;
  }

  private content(from: Role, type: string, content: Uint8Array): Content {
    try {
      switch (type) {
        case 'handshake':
          return {
            contentType: type,
            messages: this.dirs[from].messages.fragments(content, (msgType, body) => this.decodeMessage(msgType, body)),
          };
        case 'change_cipher_spec':
          decodeChangeCipherSpec(content);
          return { contentType: type, messages: [] };
        case 'alert': {
          const a = decodeAlert(content);
          return {
            contentType: type,
            messages: [],
            alert: { level: String(a.level), description: String(a.description) },
          };
        }
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

  private decodeMessage(msgType: string | number, body: Uint8Array): DecodedMessage {
    const number = typeof msgType === 'string' ? handshakeTypeToNumber(msgType as HandshakeTypeName) : msgType;
    try {
      const m = decodeTls12Handshake(withHandshakeHeader(number, body));
      this.learn(m);
      return { fields: this.keyExchangeFields(m) };
    } catch (e) {
      return { error: e instanceof DecodeError || e instanceof Error ? e.message : String(e) };
    }
  }

  /** Randoms, the suite and the CIDs from the hellos. */
  private learn(m: Tls12Handshake): void {
    if (m.msgType === 'client_hello') {
      this.clientRandom = m.body.random.slice();
      const cid = m.body.extensions.find((x) => x.extensionType === 'connection_id');
      // The client's CID is the one the server's records carry (RFC 9146 §3).
      if (cid?.extensionType === 'connection_id' && cid.extensionData.cid.length > 0)
        this.dirs.server.cid = cid.extensionData.cid.slice();
    } else if (m.msgType === 'server_hello') {
      this.serverRandom = m.body.random.slice();
      this.suite = dtls12Suite(m.body.cipherSuite);
      const cid = m.body.extensions.find((x) => x.extensionType === 'connection_id');
      if (cid?.extensionType === 'connection_id' && cid.extensionData.cid.length > 0)
        this.dirs.client.cid = cid.extensionData.cid.slice();
    }
  }

  /** ServerKeyExchange and ClientKeyExchange stay opaque in tls12_handshake: decoded here by the suite's key exchange. */
  private keyExchangeFields(m: Tls12Handshake): unknown {
    const kx = this.suite?.keyExchange;
    if (kx === undefined || !(m.body instanceof Uint8Array)) return m.body;
    if (m.msgType === 'server_key_exchange')
      return kx === 'psk'
        ? decodeServerKeyExchangePsk(m.body)
        : kx === 'ecdhe_psk'
          ? decodeServerKeyExchangeEcdhePsk(m.body)
          : decodeServerKeyExchangeEcdhe(m.body);
    if (m.msgType === 'client_key_exchange')
      return kx === 'psk'
        ? decodeClientKeyExchangePsk(m.body)
        : kx === 'ecdhe_psk'
          ? decodeClientKeyExchangeEcdhePsk(m.body)
          : decodeClientKeyExchangeEcdhe(m.body);
    return m.body;
  }
}

function malformed(from: Role, length: number, e: unknown): RecordView {
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
